"""The planner's decisions one by one (matching, renumbering, adoption, removal, linking) and how
capabilities and pending creates shape the plan."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sync.core.model import Diagnostic, Priority, Status, TicketLink
from sync.core.plan import (
    FULL_CAPABILITIES,
    AdoptTicket,
    AttachToParent,
    CreateTicket,
    Drafted,
    EnsureParent,
    ItemRecord,
    LinkTickets,
    PlanInput,
    TransitionTicket,
    UpdateTicket,
    _adoption,
    _free_marker,
    _links,
    _match_known,
    _renumbering,
    plan,
    sha256_text,
)
from sync.core.state import KnownIncident, KnownItem, KnownTicket, StateSnapshot
from sync.core.tickets import CLEAR, Marker, TicketDraft, TicketRef
from tests.planning import TODAY, FixedPolicy, doc, item

REMOTE = dataclasses.replace(
    FULL_CAPABILITIES,
    links=False,
    parent_on_create=False,
    create_in_done_state=False,
    consistent_lookup=False,
    search_lag_seconds=120,
    title_limit=40,
)


def drafted(number: int, text: str, incident: str = "INC-1") -> Drafted:
    key = f"{incident}#{number}"
    record = ItemRecord(key, incident, number, text, sha256_text(text), None, Priority.P2, None, None, None, number)
    return Drafted(key, record, TicketDraft(marker=Marker(key), title=text, body=text), item(number, text))


def known(number: int, text: str, *, present: bool = True, ticket: str | None = None) -> KnownItem:
    key = f"INC-1#{number}"
    found = KnownTicket(TicketRef("local", ticket)) if ticket else None
    return KnownItem(key, "INC-1", number, sha256_text(text), present, found)


# --- matching -------------------------------------------------------------------------------------


def test_matching_prefers_number_and_text_then_text_then_number() -> None:
    olds = [known(1, "A", ticket="T-1"), known(2, "B", ticket="T-2"), known(3, "C", ticket="T-3")]
    # "B" moved up to 1 (same text), "C" was edited in place at 3 (same number), "A" is gone.
    claims = _match_known([drafted(1, "B"), drafted(3, "C edited"), drafted(4, "new")], olds)
    assert {k: v.key for k, v in claims.items()} == {"INC-1#1": "INC-1#2", "INC-1#3": "INC-1#3"}


def test_a_removed_item_s_number_is_never_handed_to_a_newcomer() -> None:
    claims = _match_known([drafted(1, "Different")], [known(1, "Old", present=False, ticket="T-1")])
    assert claims == {}


# --- renumbering and removal --------------------------------------------------------------------------


def test_renumbering_moves_claimed_items_and_tombstones_a_reused_number() -> None:
    olds = [known(1, "A", ticket="T-1"), known(2, "B", ticket="T-2")]
    drafts = [drafted(1, "B"), drafted(2, "New")]
    claims = _match_known(drafts, olds)
    moves, removed = _renumbering(drafts, olds, claims)
    assert moves == {"INC-1#2": "INC-1#1", "INC-1#1": "INC-1#1~T-1"}
    assert [(final, gone.key) for final, gone in removed] == [("INC-1#1~T-1", "INC-1#1")]


def test_an_item_that_never_got_a_ticket_is_not_reported_removed_when_its_key_is_reused() -> None:
    olds = [known(1, "A")]
    moves, removed = _renumbering([drafted(1, "Other")], olds, {})
    assert (moves, removed) == ({}, [])
    _moves, gone = _renumbering([], olds, {})
    assert [final for final, _ in gone] == ["INC-1#1"]


# --- adoption -----------------------------------------------------------------------------------------


def test_adoption_takes_a_named_ticket_unless_it_tracks_another_item() -> None:
    named = dataclasses.replace(
        drafted(1, "Canary"), source=item(1, "Canary", tickets=(TicketLink(system="local", key="LOC-7"),))
    )
    diagnostics: list[Diagnostic] = []
    policy = FixedPolicy()
    ref = _adoption(named, {}, policy, adopt=True, diagnostics=diagnostics, path="a.md")
    assert ref == TicketRef("local", "LOC-7")
    assert _adoption(named, {}, policy, adopt=False, diagnostics=diagnostics, path="a.md") is None
    taken = _adoption(named, {"LOC-7": "INC-9#1"}, policy, adopt=True, diagnostics=diagnostics, path="a.md")
    assert taken is None and [d.code for d in diagnostics] == ["PLAN004"]
    assert _adoption(drafted(2, "Plain"), {}, policy, adopt=True, diagnostics=diagnostics, path="a.md") is None


# --- linking ----------------------------------------------------------------------------------------------


def test_links_only_for_new_pairs_or_pairs_the_state_has_not_linked() -> None:
    items = [("INC-1#1", False), ("INC-1#2", False), ("INC-1#3", True)]
    ticket_of = {"INC-1#1": "T-1", "INC-1#2": "T-2"}
    assert _links(items, ticket_of, frozenset({("T-1", "T-2")})) == [LinkTickets("INC-1#2", "INC-1#3")]
    assert _links(items, ticket_of, frozenset()) == [
        LinkTickets("INC-1#1", "INC-1#2"),
        LinkTickets("INC-1#2", "INC-1#3"),
    ]
    assert _links([("INC-1#1", True)], {}, frozenset()) == []


# --- capabilities, parents, pending ------------------------------------------------------------------


def test_a_remote_backend_gets_attach_and_transition_actions_and_no_links() -> None:
    pm = doc(item(1, "Rotate the key", status=Status.DONE), item(2, "Audit key usage"))
    result = plan([PlanInput(pm)], StateSnapshot("jira"), FixedPolicy(), TODAY, capabilities=REMOTE)
    kinds = [type(a).__name__ for a in result.actions]
    assert kinds == [
        "UpsertIncident",
        "EnsureParent",
        "CreateTicket",
        "CreateTicket",
        "AttachToParent",
        "AttachToParent",
        "TransitionTicket",
    ]
    first = result.of_type(CreateTicket)[0]
    assert first.draft.status is Status.OPEN and first.then_status is Status.DONE
    assert result.of_type(TransitionTicket) == [TransitionTicket("INC-1#1", Status.DONE)]
    assert result.of_type(LinkTickets) == []


def test_a_parent_is_titled_with_the_incident_id_and_the_document_title() -> None:
    (parent,) = plan([PlanInput(doc(item(1, "A")))], StateSnapshot("local"), FixedPolicy(), TODAY).of_type(EnsureParent)
    assert parent.draft.title == "INC-1: Checkout 502s"
    short = plan([PlanInput(doc(item(1, "A")))], StateSnapshot("jira"), FixedPolicy(), TODAY, capabilities=REMOTE)
    assert short.of_type(EnsureParent)[0].draft.title == "INC-1: Checkout 502s"
    long_text = "Move certificate renewal to the automated pipeline and page when it fails"
    create = plan(
        [PlanInput(doc(item(1, long_text)))], StateSnapshot("jira"), FixedPolicy(), TODAY, capabilities=REMOTE
    ).of_type(CreateTicket)[0]
    assert create.draft.title == "Move certificate renewal to the…"
    assert long_text in create.draft.body  # the full text is in the body


def test_an_incident_without_items_gets_no_parent() -> None:
    result = plan([PlanInput(doc())], StateSnapshot("local"), FixedPolicy(), TODAY)
    assert result.of_type(EnsureParent) == []
    assert [type(a).__name__ for a in result.actions] == ["UpsertIncident"]


def test_pending_creates_are_never_planned_again() -> None:
    state = StateSnapshot(
        "jira",
        incidents={"INC-1": KnownIncident("INC-1", "pm/inc-1.md", "0" * 64, TODAY)},
        pending=frozenset({"INC-1", "INC-1#2"}),
    )
    result = plan([PlanInput(doc(item(1, "A"), item(2, "B")))], state, FixedPolicy(), TODAY, capabilities=REMOTE)
    assert result.of_type(EnsureParent) == []
    assert [c.item_key for c in result.of_type(CreateTicket)] == ["INC-1#1"]
    assert result.pending == ("INC-1", "INC-1#2")


def test_owed_second_writes_are_planned_for_known_tickets() -> None:
    fields = {"title": "A"}
    ticket = KnownTicket(TicketRef("jira", "OPS-1"), synced_fields=fields, attached=False, pending_status=Status.DONE)
    first = plan([PlanInput(doc(item(1, "A")))], StateSnapshot("jira"), FixedPolicy(), TODAY, capabilities=REMOTE)
    create = first.of_type(CreateTicket)[0]
    state = StateSnapshot(
        "jira",
        incidents={"INC-1": KnownIncident("INC-1", "pm/inc-1.md", "0" * 64, TODAY, TicketRef("jira", "OPS-0"))},
        items={
            "INC-1#1": KnownItem(
                "INC-1#1", "INC-1", 1, sha256_text("A"), True, dataclasses.replace(ticket, synced_fields=create.fields)
            )
        },
    )
    again = plan([PlanInput(doc(item(1, "A")))], state, FixedPolicy(), TODAY, capabilities=REMOTE)
    assert again.of_type(AttachToParent) == [AttachToParent("INC-1#1", "INC-1")]
    assert again.of_type(TransitionTicket) == [TransitionTicket("INC-1#1", Status.DONE)]
    assert again.of_type(UpdateTicket) == [] and again.of_type(AdoptTicket) == []


def test_an_update_carries_what_pmsync_last_wrote_and_clears_explicitly() -> None:
    first = plan([PlanInput(doc(item(1, "A", owner="@dana")))], StateSnapshot("local"), FixedPolicy(), TODAY)
    create = first.of_type(CreateTicket)[0]
    state = StateSnapshot(
        "local",
        incidents={"INC-1": KnownIncident("INC-1", "pm/inc-1.md", "0" * 64, TODAY, TicketRef("local", "P-1"))},
        items={
            "INC-1#1": KnownItem(
                "INC-1#1", "INC-1", 1, sha256_text("A"), True, KnownTicket(TicketRef("local", "T-1"), create.fields)
            )
        },
    )
    edited = doc(item(1, "A", owner=None, deadline=dt.date(2026, 6, 1), priority=Priority.P1))
    (update,) = plan([PlanInput(edited)], state, FixedPolicy(), TODAY).of_type(UpdateTicket)
    assert update.previous == create.fields
    assert update.changes.assignee is CLEAR
    assert update.changes.due == dt.date(2026, 6, 1)
    assert update.changes.labels_add == frozenset({"priority-p1"})
    assert update.changes.labels_remove == frozenset({"priority-p2"})
    assert update.changes.changed_fields() == ["body", "priority", "assignee", "due", "labels"]  # body: the owner line


def test_a_marker_is_never_reused() -> None:
    assert _free_marker("INC-1#1", set()) == Marker("INC-1#1")
    assert _free_marker("INC-1#1", {"INC-1#1"}) == Marker("INC-1#1~2")
    assert _free_marker("INC-1#1", {"INC-1#1", "INC-1#1~2"}) == Marker("INC-1#1~3")
