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
the hooks. Tests that need a human's change skip when it is not overridden. Override
``missing_ref`` when appending digits to an existing key does not give a missing ticket.

The suite never assumes an empty backend: it only reasons about tickets it created itself, so a
subclass may share one database or fake between tests.

Where real trackers are weaker than the embedded one, the contract is weakened — each weakening
is written here, and the lagging fake (``tests/fakes/lagging_tracker.py``) exercises all of them:

1. **Marker lookup may lag** (``capabilities.consistent_lookup`` false): a ticket is only
   guaranteed to be found after ``settle()`` (the backend's lag bound has passed). A consistent
   backend must find it at once; the suite checks that too.
2. **Markers need not be unique**: a second create with a marker already in use may succeed;
   then ``find_by_markers`` must return both, oldest first. (The local tracker refuses it.)
3. **changed_since may re-deliver** tickets already delivered, and may split results over pages
   (``more``); the suite drains pages and asserts "at least these, each change seen", and "exactly
   these" only when ``exact_changes`` is true.
4. **A create may time out after it committed**: that is the fake's fault injection, exercised by
   the apply tests, not by this suite (a contract test cannot tell a time-out from success).
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from sync.core.model import Priority, Status
from sync.core.tickets import (
    CLEAR,
    Capabilities,
    ChangedPage,
    LinkKind,
    Marker,
    Ticket,
    TicketChanges,
    TicketDraft,
    TicketKind,
    TicketRef,
)
from sync.errors import TrackerError, TrackerNotFound
from sync.trackers.base import Tracker


def create_one(tracker: Tracker, draft: TicketDraft) -> TicketRef:
    """``create_many`` for one draft; its per-item error is raised."""
    (result,) = tracker.create_many([draft])
    if isinstance(result, TrackerError):
        raise result
    return result


def find_one(tracker: Tracker, marker: Marker) -> TicketRef | None:
    """The oldest ticket carrying ``marker``, or ``None``."""
    found = tracker.find_by_markers([marker])[marker]
    return found[0] if found else None


DUE = dt.date(2024, 6, 14)


class TrackerContract:
    """Base class of the per-backend contract tests. Subclasses provide a ``tracker`` fixture."""

    exact_changes = False
    """True when ``changed_since`` never re-delivers (the local tracker)."""

    # --- hooks for subclasses --------------------------------------------------------------

    def set_remote_status(self, ref: TicketRef, status: Status) -> None:
        """Change ``ref``'s status as a person would, outside pmsync."""
        pytest.skip("this backend's test double cannot simulate a human status change")

    def add_remote_label(self, ref: TicketRef, label: str) -> None:
        """Add a label as a person would, outside pmsync."""
        pytest.skip("this backend's test double cannot simulate a human label change")

    def settle(self) -> None:
        """Let the backend's search catch up with the creates so far (weakening 1). A consistent
        backend has nothing to wait for."""

    def missing_ref(self, existing: TicketRef) -> TicketRef:
        """A ref of the same shape as ``existing`` that names no ticket."""
        return TicketRef(tracker=existing.tracker, key=f"{existing.key}999999")

    # --- helpers ----------------------------------------------------------------------------

    @pytest.fixture
    def incident_key(self) -> str:
        """A fresh incident key per test so tests never see each other's markers."""
        return f"INC-{uuid.uuid4().hex[:10]}"

    @staticmethod
    def person(name: str) -> str:
        """How a test person is named to this backend (an owner directory's value for it)."""
        return name

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
    def incident(incident_key: str) -> TicketDraft:
        return TicketDraft(
            marker=Marker(incident_key),
            kind=TicketKind.INCIDENT,
            title=f"{incident_key}: database failover",
            body=f"Action items of {incident_key}.",
            labels=("postmortem",),
        )

    @staticmethod
    def keys(tickets: tuple[Ticket, ...] | list[Ticket]) -> list[str]:
        return [ticket.ref.key for ticket in tickets]

    @staticmethod
    def drain(tracker: Tracker, cursor: str | None) -> tuple[list[Ticket], str]:
        """Every page from ``cursor`` on; the tickets (latest delivery of each) and the last cursor."""
        seen: dict[str, Ticket] = {}
        for _ in range(100):
            page: ChangedPage = tracker.changed_since(cursor, None)
            assert isinstance(page.next_cursor, str) and page.next_cursor
            for ticket in page.tickets:
                seen[ticket.ref.key] = ticket
            cursor = page.next_cursor
            if not page.more:
                return list(seen.values()), cursor
        raise AssertionError("changed_since never said it was done")

    # --- identity -----------------------------------------------------------------------------

    def test_is_a_tracker_with_declared_capabilities(self, tracker: Tracker) -> None:
        assert isinstance(tracker, Tracker)
        assert tracker.name
        caps = tracker.capabilities
        assert isinstance(caps, Capabilities)
        assert caps.max_batch >= 1
        assert caps.title_limit >= 50
        if not caps.native_due_date:
            assert caps.due_date_note, "a missing capability must say how it is represented"
        if not caps.consistent_lookup:
            assert caps.search_lag_seconds > 0, "a lagging lookup must declare its bound"

    # --- create / get / find ------------------------------------------------------------------

    def test_create_then_get_returns_what_was_drafted(self, tracker: Tracker, incident_key: str) -> None:
        draft = self.draft(incident_key, 1)
        ref = create_one(tracker, draft)
        assert ref.tracker == tracker.name
        assert ref.key
        assert ref.url
        assert ref.id, "adapters always fill the immutable id"

        ticket = tracker.get(ref)
        assert ticket.ref.key == ref.key
        assert ticket.ref.id == ref.id
        assert ticket.title == draft.title
        assert ticket.kind is TicketKind.ITEM
        assert ticket.status is Status.OPEN
        assert ticket.status_raw
        assert ticket.marker == draft.marker
        assert ticket.assignee == draft.assignee
        assert set(draft.labels) <= set(ticket.labels)
        assert ticket.updated_at.tzinfo is not None
        if ticket.body is not None:
            assert ticket.body == draft.body
        if tracker.capabilities.native_due_date:
            assert ticket.due == DUE

    def test_create_many_answers_one_result_per_draft_in_order(self, tracker: Tracker, incident_key: str) -> None:
        size = min(tracker.capabilities.max_batch, 3)
        drafts = [self.draft(incident_key, n) for n in range(1, size + 1)]
        results = tracker.create_many(drafts)
        assert len(results) == size
        refs = [r for r in results if isinstance(r, TicketRef)]
        assert len(refs) == size
        assert len({ref.key for ref in refs}) == size
        assert [tracker.get(ref).marker for ref in refs] == [d.marker for d in drafts]

    def test_create_many_of_nothing_is_nothing(self, tracker: Tracker) -> None:
        assert tracker.create_many([]) == []

    def test_one_bad_draft_does_not_fail_the_others(self, tracker: Tracker, incident_key: str) -> None:
        if tracker.capabilities.max_batch < 2:
            pytest.skip("no batches on this backend")
        good = self.draft(incident_key, 1)
        missing_parent = self.missing_ref(create_one(tracker, self.draft(incident_key, 9)))
        bad = self.draft(incident_key, 2, parent=missing_parent)
        results = tracker.create_many([good, bad])
        assert isinstance(results[0], TicketRef)
        assert isinstance(results[1], TrackerError)
        assert tracker.get(results[0]).marker == good.marker

    def test_failures_first_and_between_do_not_shift_refs_to_other_drafts(
        self, tracker: Tracker, incident_key: str
    ) -> None:
        if tracker.capabilities.max_batch < 3:
            pytest.skip("no batches of three on this backend")
        missing_parent = self.missing_ref(create_one(tracker, self.draft(incident_key, 9)))
        drafts = [
            self.draft(incident_key, 1, parent=missing_parent),
            self.draft(incident_key, 2),
            self.draft(incident_key, 3, parent=missing_parent),
            self.draft(incident_key, 4),
        ][: tracker.capabilities.max_batch]
        results = tracker.create_many(drafts)
        assert len(results) == len(drafts)
        assert isinstance(results[0], TrackerError) and isinstance(results[2], TrackerError)
        assert isinstance(results[1], TicketRef)
        assert tracker.get(results[1]).marker == drafts[1].marker
        for draft, result in list(zip(drafts, results, strict=True))[3:]:
            assert isinstance(result, TicketRef) and tracker.get(result).marker == draft.marker

    def test_find_by_markers_finds_every_created_ticket(self, tracker: Tracker, incident_key: str) -> None:
        first = create_one(tracker, self.draft(incident_key, 1))
        second = create_one(tracker, self.draft(incident_key, 2))
        if tracker.capabilities.consistent_lookup:
            assert find_one(tracker, Marker(f"{incident_key}#2")) == second
        self.settle()
        markers = [Marker(f"{incident_key}#1"), Marker(f"{incident_key}#2"), Marker(f"{incident_key}#3")]
        found = tracker.find_by_markers(markers)
        assert set(found) == set(markers), "every marker asked for is a key"
        assert [ref.key for ref in found[markers[0]]] == [first.key]
        assert [ref.key for ref in found[markers[1]]] == [second.key]
        assert found[markers[2]] == []

    def test_find_by_markers_returns_duplicates_oldest_first(self, tracker: Tracker, incident_key: str) -> None:
        marker = Marker(f"{incident_key}#1")
        first = create_one(tracker, self.draft(incident_key, 1))
        (second,) = tracker.create_many([self.draft(incident_key, 1, title="again")])
        self.settle()
        found = tracker.find_by_markers([marker])[marker]
        if isinstance(second, TrackerError):
            # The backend refuses a second ticket per marker (stronger than weakening 2).
            assert [ref.key for ref in found] == [first.key]
        else:
            assert [ref.key for ref in found] == [first.key, second.key]

    def test_find_by_markers_of_nothing_is_empty(self, tracker: Tracker) -> None:
        assert dict(tracker.find_by_markers([])) == {}

    def test_get_of_a_missing_ticket_raises_not_found(self, tracker: Tracker, incident_key: str) -> None:
        ref = create_one(tracker, self.draft(incident_key, 1))
        with pytest.raises(TrackerNotFound):
            tracker.get(self.missing_ref(ref))

    def test_fetch_returns_existing_tickets_and_omits_missing_ones(self, tracker: Tracker, incident_key: str) -> None:
        refs = [create_one(tracker, self.draft(incident_key, n)) for n in (1, 2, 3)]
        wanted = [refs[0], self.missing_ref(refs[0]), refs[2]]
        tickets = tracker.fetch(wanted)
        assert sorted(self.keys(tickets)) == sorted([refs[0].key, refs[2].key])
        by_key = {ticket.ref.key: ticket for ticket in tickets}
        assert by_key[refs[2].key].marker == Marker(f"{incident_key}#3")

    def test_fetch_of_nothing_is_empty(self, tracker: Tracker) -> None:
        assert tracker.fetch([]) == []

    # --- parents ------------------------------------------------------------------------------

    def test_a_parent_is_created_like_any_ticket(self, tracker: Tracker, incident_key: str) -> None:
        parent = create_one(tracker, self.incident(incident_key))
        ticket = tracker.get(parent)
        assert ticket.kind is TicketKind.INCIDENT
        assert ticket.marker == Marker(incident_key)
        assert ticket.title == f"{incident_key}: database failover"
        other = create_one(tracker, self.incident(f"{incident_key}-b"))
        assert other.key != parent.key

    def test_item_under_a_parent_shows_it(self, tracker: Tracker, incident_key: str) -> None:
        caps = tracker.capabilities
        if not caps.native_parent:
            pytest.skip("parents are not native on this backend")
        parent = create_one(tracker, self.incident(incident_key))
        if caps.parent_on_create:
            child = create_one(tracker, self.draft(incident_key, 1, parent=parent))
        else:
            child = create_one(tracker, self.draft(incident_key, 1))
            tracker.attach(child, parent)
            tracker.attach(child, parent)  # idempotent
        ticket = tracker.get(child)
        assert ticket.parent is not None
        assert ticket.parent.key == parent.key
        assert tracker.get(parent).parent is None

    # --- update -------------------------------------------------------------------------------

    def test_update_changes_only_the_given_fields(self, tracker: Tracker, incident_key: str) -> None:
        draft = self.draft(incident_key, 1)
        ref = create_one(tracker, draft)
        tracker.update(ref, TicketChanges(title="Rotate the on-call pager keys"))
        ticket = tracker.get(ref)
        assert ticket.title == "Rotate the on-call pager keys"
        assert ticket.assignee == draft.assignee
        assert ticket.status is Status.OPEN
        assert set(draft.labels) <= set(ticket.labels)
        if tracker.capabilities.native_due_date:
            assert ticket.due == DUE

    def test_labels_change_by_add_and_remove_only(self, tracker: Tracker, incident_key: str) -> None:
        draft = self.draft(incident_key, 1)
        ref = create_one(tracker, draft)
        self.add_remote_label(ref, "customer-facing")
        later = DUE + dt.timedelta(days=7)
        tracker.update(
            ref,
            TicketChanges(
                assignee=self.person("bob"),
                due=later,
                labels_add=frozenset({"network"}),
                labels_remove=frozenset({"sre"}),
            ),
        )
        ticket = tracker.get(ref)
        assert ticket.title == draft.title
        assert ticket.assignee == self.person("bob")
        assert {"postmortem", "network", "customer-facing"} <= set(ticket.labels)
        assert "sre" not in ticket.labels
        assert ticket.marker == draft.marker, "changing labels must not lose the marker"
        if tracker.capabilities.native_due_date:
            assert ticket.due == later

    def test_clear_empties_a_field_and_none_leaves_it(self, tracker: Tracker, incident_key: str) -> None:
        ref = create_one(tracker, self.draft(incident_key, 1))
        tracker.update(ref, TicketChanges(assignee=CLEAR))
        ticket = tracker.get(ref)
        assert ticket.assignee is None
        if tracker.capabilities.native_due_date:
            assert ticket.due == DUE
            tracker.update(ref, TicketChanges(due=CLEAR))
            assert tracker.get(ref).due is None

    @pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.DONE, Status.WONT_DO])
    def test_transition(self, tracker: Tracker, incident_key: str, status: Status) -> None:
        ref = create_one(tracker, self.draft(incident_key, 1))
        tracker.transition(ref, status)
        tracker.transition(ref, status)  # already there: a no-op
        ticket = tracker.get(ref)
        assert ticket.status is status
        assert ticket.status_raw

    def test_create_in_done_state_when_declared(self, tracker: Tracker, incident_key: str) -> None:
        if not tracker.capabilities.create_in_done_state:
            pytest.skip("this backend creates open tickets only; apply transitions afterwards")
        ref = create_one(tracker, self.draft(incident_key, 1, status=Status.DONE))
        assert tracker.get(ref).status is Status.DONE

    def test_update_of_a_missing_ticket_raises_not_found(self, tracker: Tracker, incident_key: str) -> None:
        ref = create_one(tracker, self.draft(incident_key, 1))
        with pytest.raises(TrackerNotFound):
            tracker.update(self.missing_ref(ref), TicketChanges(title="nobody home"))

    def test_comment_on_a_ticket(self, tracker: Tracker, incident_key: str) -> None:
        ref = create_one(tracker, self.draft(incident_key, 1))
        tracker.comment(ref, "This action item is overdue.")
        with pytest.raises(TrackerNotFound):
            tracker.comment(self.missing_ref(ref), "nobody home")

    # --- links --------------------------------------------------------------------------------

    def test_link_is_idempotent(self, tracker: Tracker, incident_key: str) -> None:
        if not tracker.capabilities.links:
            pytest.skip("links are not supported on this backend")
        a = create_one(tracker, self.draft(incident_key, 1))
        b = create_one(tracker, self.draft(incident_key, 2))
        tracker.link(a, b, LinkKind.RELATES)
        tracker.link(a, b, LinkKind.RELATES)
        tracker.link(b, a, LinkKind.RELATES)
        assert tracker.get(a).title == self.draft(incident_key, 1).title

    def test_link_to_a_missing_ticket_raises_not_found(self, tracker: Tracker, incident_key: str) -> None:
        if not tracker.capabilities.links:
            pytest.skip("links are not supported on this backend")
        a = create_one(tracker, self.draft(incident_key, 1))
        with pytest.raises(TrackerNotFound):
            tracker.link(a, self.missing_ref(a), LinkKind.RELATES)

    # --- changed_since ------------------------------------------------------------------------

    def test_changed_since_none_returns_every_managed_ticket(self, tracker: Tracker, incident_key: str) -> None:
        parent = create_one(tracker, self.incident(incident_key))
        items = [create_one(tracker, self.draft(incident_key, n)) for n in (1, 2)]
        seen, _cursor = self.drain(tracker, None)
        assert {parent.key, *(ref.key for ref in items)} <= set(self.keys(seen))

    def test_changed_since_the_returned_cursor_has_nothing_new(self, tracker: Tracker, incident_key: str) -> None:
        a = create_one(tracker, self.draft(incident_key, 1))
        _seen, cursor = self.drain(tracker, None)
        again, cursor = self.drain(tracker, cursor)
        if self.exact_changes:
            assert again == []
        # Re-delivery is allowed (weakening 3), but nothing changed: same status as before.
        assert all(t.status is Status.OPEN for t in again if t.ref.key == a.key)

    def test_changed_since_after_a_change_returns_that_ticket(self, tracker: Tracker, incident_key: str) -> None:
        a = create_one(tracker, self.draft(incident_key, 1))
        b = create_one(tracker, self.draft(incident_key, 2))
        _seen, cursor = self.drain(tracker, None)
        tracker.transition(a, Status.IN_PROGRESS)
        seen, cursor = self.drain(tracker, cursor)
        by_key = {t.ref.key: t for t in seen}
        assert by_key[a.key].status is Status.IN_PROGRESS
        if self.exact_changes:
            assert list(by_key) == [a.key]
        else:
            assert b.key not in by_key or by_key[b.key].status is Status.OPEN

    def test_changed_since_sees_a_new_ticket(self, tracker: Tracker, incident_key: str) -> None:
        create_one(tracker, self.draft(incident_key, 1))
        _seen, cursor = self.drain(tracker, None)
        b = create_one(tracker, self.draft(incident_key, 2))
        seen, _cursor = self.drain(tracker, cursor)
        assert b.key in self.keys(seen)

    def test_changed_since_sees_a_human_status_change(self, tracker: Tracker, incident_key: str) -> None:
        create_one(tracker, self.draft(incident_key, 1))
        b = create_one(tracker, self.draft(incident_key, 2))
        _seen, cursor = self.drain(tracker, None)
        self.set_remote_status(b, Status.DONE)
        seen, _cursor = self.drain(tracker, cursor)
        assert {t.ref.key: t.status for t in seen}[b.key] is Status.DONE
        assert tracker.get(b).status is Status.DONE
