"""The semantics every :class:`sync.trackers.base.Tracker` backend must meet.

Reuse it by subclassing (the subclass name must start with ``Test``)::

    class TestJiraTrackerContract(TrackerContract):
        @pytest.fixture
        def tracker(self, fake_jira) -> Tracker:
            self.fake = fake_jira
            return JiraTracker(client=..., ...)

        def set_remote_status(self, ref: TicketRef, status: Status) -> None:
            self.fake.transition(ref.key, status)  # a human moving the ticket

pytest makes one instance of the class per test, so the fixture may keep state on ``self`` for
``set_remote_status``. Tests that need a human's change skip when it is not overridden. Override
``missing_ref`` when appending digits to an existing key does not give a missing ticket.

The suite never assumes an empty backend: it only reasons about tickets it created itself, so a
subclass may share one database or fake between tests.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from sync.core.model import Priority, Status
from sync.core.tickets import (
    Capabilities,
    IncidentDraft,
    LinkKind,
    Marker,
    Ticket,
    TicketChanges,
    TicketDraft,
    TicketRef,
)
from sync.errors import TrackerNotFound
from sync.trackers.base import Tracker

DUE = dt.date(2024, 6, 14)


class TrackerContract:
    """Base class of the per-backend contract tests. Subclasses provide a ``tracker`` fixture."""

    # --- hooks for subclasses --------------------------------------------------------------

    def set_remote_status(self, ref: TicketRef, status: Status) -> None:
        """Change ``ref``'s status as a person would, outside pmsync."""
        pytest.skip("this backend's test double cannot simulate a human status change")

    def missing_ref(self, existing: TicketRef) -> TicketRef:
        """A ref of the same shape as ``existing`` that names no ticket."""
        return TicketRef(tracker=existing.tracker, key=f"{existing.key}999999")

    # --- helpers ----------------------------------------------------------------------------

    @pytest.fixture
    def incident_key(self) -> str:
        """A fresh incident key per test so tests never see each other's markers."""
        return f"INC-{uuid.uuid4().hex[:10]}"

    @staticmethod
    def draft(incident_key: str, number: int, **overrides: object) -> TicketDraft:
        fields: dict[str, object] = {
            "marker": Marker(f"{incident_key}#{number}"),
            "title": f"Action item {number} of {incident_key}",
            "body": f"Follow-up {number} from the post-mortem of {incident_key}.",
            "priority": Priority.P1,
            "labels": ("postmortem", "sre"),
            "assignee": "alice",
            "due": DUE,
        }
        fields.update(overrides)
        return TicketDraft(**fields)  # type: ignore[arg-type]

    @staticmethod
    def incident(incident_key: str) -> IncidentDraft:
        return IncidentDraft(
            marker=Marker(incident_key),
            title=f"Post-mortem {incident_key}",
            body=f"Action items of {incident_key}.",
            labels=("postmortem",),
        )

    @staticmethod
    def keys(tickets: tuple[Ticket, ...] | list[Ticket]) -> list[str]:
        return [ticket.ref.key for ticket in tickets]

    # --- identity -----------------------------------------------------------------------------

    def test_is_a_tracker_with_declared_capabilities(self, tracker: Tracker) -> None:
        assert isinstance(tracker, Tracker)
        assert tracker.name in {"local", "jira", "github"}
        assert isinstance(tracker.capabilities, Capabilities)
        if not tracker.capabilities.native_due_date:
            assert tracker.capabilities.due_date_note, "a missing capability must say how it is represented"

    # --- create / get / find ------------------------------------------------------------------

    def test_create_then_get_returns_what_was_drafted(self, tracker: Tracker, incident_key: str) -> None:
        draft = self.draft(incident_key, 1)
        ref = tracker.create(draft)
        assert ref.tracker == tracker.name
        assert ref.key
        assert ref.url

        ticket = tracker.get(ref)
        assert ticket.ref.key == ref.key
        assert ticket.title == draft.title
        assert ticket.status is Status.OPEN
        assert ticket.status_raw
        assert ticket.marker == draft.marker
        assert ticket.assignee == "alice"
        assert set(draft.labels) <= set(ticket.labels)
        assert ticket.updated_at.tzinfo is not None
        if tracker.capabilities.native_due_date:
            assert ticket.due == DUE

    def test_creates_give_distinct_keys(self, tracker: Tracker, incident_key: str) -> None:
        refs = [tracker.create(self.draft(incident_key, n)) for n in (1, 2, 3)]
        assert len({ref.key for ref in refs}) == 3

    def test_find_by_marker_finds_the_created_ticket(self, tracker: Tracker, incident_key: str) -> None:
        first = tracker.create(self.draft(incident_key, 1))
        second = tracker.create(self.draft(incident_key, 2))
        found = tracker.find_by_marker(Marker(f"{incident_key}#2"))
        assert found is not None
        assert found.key == second.key
        assert found.key != first.key

    def test_find_by_marker_returns_none_for_an_unknown_marker(self, tracker: Tracker, incident_key: str) -> None:
        tracker.create(self.draft(incident_key, 1))
        assert tracker.find_by_marker(Marker(f"{incident_key}#2")) is None
        assert tracker.find_by_marker(Marker(f"{incident_key}-other#1")) is None

    def test_get_of_a_missing_ticket_raises_not_found(self, tracker: Tracker, incident_key: str) -> None:
        ref = tracker.create(self.draft(incident_key, 1))
        with pytest.raises(TrackerNotFound):
            tracker.get(self.missing_ref(ref))

    def test_fetch_returns_existing_tickets_and_omits_missing_ones(self, tracker: Tracker, incident_key: str) -> None:
        refs = [tracker.create(self.draft(incident_key, n)) for n in (1, 2, 3)]
        wanted = [refs[0], self.missing_ref(refs[0]), refs[2]]
        tickets = tracker.fetch(wanted)
        assert sorted(self.keys(tickets)) == sorted([refs[0].key, refs[2].key])
        by_key = {ticket.ref.key: ticket for ticket in tickets}
        assert by_key[refs[2].key].marker == Marker(f"{incident_key}#3")

    def test_fetch_of_nothing_is_empty(self, tracker: Tracker) -> None:
        assert tracker.fetch([]) == []

    # --- parents ------------------------------------------------------------------------------

    def test_ensure_parent_twice_returns_the_same_ticket(self, tracker: Tracker, incident_key: str) -> None:
        first = tracker.ensure_parent(self.incident(incident_key))
        second = tracker.ensure_parent(self.incident(incident_key))
        assert first.key == second.key
        parent = tracker.get(first)
        assert parent.marker == Marker(incident_key)
        assert parent.title == f"Post-mortem {incident_key}"

    def test_ensure_parent_for_two_incidents_gives_two_parents(self, tracker: Tracker, incident_key: str) -> None:
        first = tracker.ensure_parent(self.incident(incident_key))
        second = tracker.ensure_parent(self.incident(f"{incident_key}-b"))
        assert first.key != second.key

    def test_item_created_under_a_parent_shows_it(self, tracker: Tracker, incident_key: str) -> None:
        if not tracker.capabilities.native_parent:
            pytest.skip("parents are not native on this backend")
        parent = tracker.ensure_parent(self.incident(incident_key))
        child = tracker.create(self.draft(incident_key, 1, parent=parent))
        ticket = tracker.get(child)
        assert ticket.parent is not None
        assert ticket.parent.key == parent.key
        assert tracker.get(parent).parent is None

    # --- update -------------------------------------------------------------------------------

    def test_update_changes_only_the_given_fields(self, tracker: Tracker, incident_key: str) -> None:
        draft = self.draft(incident_key, 1)
        ref = tracker.create(draft)
        tracker.update(ref, TicketChanges(title="Rotate the on-call pager keys"))
        ticket = tracker.get(ref)
        assert ticket.title == "Rotate the on-call pager keys"
        assert ticket.assignee == draft.assignee
        assert ticket.status is Status.OPEN
        assert set(draft.labels) <= set(ticket.labels)
        if tracker.capabilities.native_due_date:
            assert ticket.due == DUE

    def test_update_of_assignee_due_and_labels_keeps_the_title(self, tracker: Tracker, incident_key: str) -> None:
        draft = self.draft(incident_key, 1)
        ref = tracker.create(draft)
        later = DUE + dt.timedelta(days=7)
        tracker.update(ref, TicketChanges(assignee="bob", due=later, labels=("postmortem", "network")))
        ticket = tracker.get(ref)
        assert ticket.title == draft.title
        assert ticket.assignee == "bob"
        assert {"postmortem", "network"} <= set(ticket.labels)
        assert "sre" not in ticket.labels
        assert ticket.marker == draft.marker, "replacing labels must not lose the marker"
        if tracker.capabilities.native_due_date:
            assert ticket.due == later

    @pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.DONE, Status.WONT_DO])
    def test_update_of_status(self, tracker: Tracker, incident_key: str, status: Status) -> None:
        ref = tracker.create(self.draft(incident_key, 1))
        tracker.update(ref, TicketChanges(status=status))
        ticket = tracker.get(ref)
        assert ticket.status is status
        assert ticket.status_raw

    def test_update_of_a_missing_ticket_raises_not_found(self, tracker: Tracker, incident_key: str) -> None:
        ref = tracker.create(self.draft(incident_key, 1))
        with pytest.raises(TrackerNotFound):
            tracker.update(self.missing_ref(ref), TicketChanges(title="nobody home"))

    # --- links --------------------------------------------------------------------------------

    def test_link_is_idempotent(self, tracker: Tracker, incident_key: str) -> None:
        if not tracker.capabilities.links:
            pytest.skip("links are not supported on this backend")
        a = tracker.create(self.draft(incident_key, 1))
        b = tracker.create(self.draft(incident_key, 2))
        tracker.link(a, b, LinkKind.RELATES)
        tracker.link(a, b, LinkKind.RELATES)
        tracker.link(b, a, LinkKind.RELATES)
        assert tracker.get(a).title == self.draft(incident_key, 1).title

    def test_link_to_a_missing_ticket_raises_not_found(self, tracker: Tracker, incident_key: str) -> None:
        if not tracker.capabilities.links:
            pytest.skip("links are not supported on this backend")
        a = tracker.create(self.draft(incident_key, 1))
        with pytest.raises(TrackerNotFound):
            tracker.link(a, self.missing_ref(a), LinkKind.RELATES)

    # --- changed_since ------------------------------------------------------------------------

    def test_changed_since_none_returns_every_managed_ticket(self, tracker: Tracker, incident_key: str) -> None:
        parent = tracker.ensure_parent(self.incident(incident_key))
        items = [tracker.create(self.draft(incident_key, n, parent=parent)) for n in (1, 2)]
        page = tracker.changed_since(None)
        seen = self.keys(page.tickets)
        assert {parent.key, *(ref.key for ref in items)} <= set(seen)
        assert len(seen) == len(set(seen)), "a ticket appears once per page"
        assert isinstance(page.cursor, str)
        assert page.cursor

    def test_changed_since_the_returned_cursor_is_empty(self, tracker: Tracker, incident_key: str) -> None:
        tracker.create(self.draft(incident_key, 1))
        page = tracker.changed_since(None)
        again = tracker.changed_since(page.cursor)
        assert again.tickets == ()
        assert tracker.changed_since(again.cursor).tickets == ()

    def test_changed_since_after_an_update_returns_exactly_that_ticket(
        self, tracker: Tracker, incident_key: str
    ) -> None:
        a = tracker.create(self.draft(incident_key, 1))
        tracker.create(self.draft(incident_key, 2))
        cursor = tracker.changed_since(None).cursor
        tracker.update(a, TicketChanges(status=Status.IN_PROGRESS, assignee="carol"))
        page = tracker.changed_since(cursor)
        assert self.keys(page.tickets) == [a.key]
        assert page.tickets[0].status is Status.IN_PROGRESS
        assert tracker.changed_since(page.cursor).tickets == ()

    def test_changed_since_sees_a_new_ticket(self, tracker: Tracker, incident_key: str) -> None:
        tracker.create(self.draft(incident_key, 1))
        cursor = tracker.changed_since(None).cursor
        b = tracker.create(self.draft(incident_key, 2))
        assert self.keys(tracker.changed_since(cursor).tickets) == [b.key]

    def test_changed_since_sees_a_human_status_change(self, tracker: Tracker, incident_key: str) -> None:
        tracker.create(self.draft(incident_key, 1))
        b = tracker.create(self.draft(incident_key, 2))
        cursor = tracker.changed_since(None).cursor
        self.set_remote_status(b, Status.DONE)
        page = tracker.changed_since(cursor)
        assert self.keys(page.tickets) == [b.key]
        assert page.tickets[0].status is Status.DONE
        assert tracker.get(b).status is Status.DONE
