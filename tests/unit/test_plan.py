"""The pure planner: what it decides from documents and known state."""

from __future__ import annotations

import datetime as dt

import pytest

from sync.core.model import PostMortem, Priority, Status, TicketLink
from sync.core.plan import (
    AdoptTicket,
    CreateTicket,
    EnsureParent,
    ExtraItem,
    LinkTickets,
    PlanInput,
    RekeyItem,
    ReportRemoved,
    UpdateTicket,
    UpsertIncident,
    fields_of,
    incident_key_for,
    plan,
    safety_problems,
    sha256_text,
    ticket_title,
)
from sync.core.state import KnownIncident, KnownItem, KnownTicket, StateSnapshot
from sync.core.tickets import TicketRef
from tests.planning import TODAY, FixedPolicy, doc, item


def state_after(result_plan: object, tracker: str = "local") -> StateSnapshot:
    """The state that applying ``result_plan`` would leave (every create succeeds)."""
    incidents: dict[str, KnownIncident] = {}
    items: dict[str, KnownItem] = {}
    n = 0
    for action in result_plan.actions:  # type: ignore[attr-defined]
        if isinstance(action, UpsertIncident):
            incidents[action.incident_key] = KnownIncident(
                action.incident_key, action.postmortem.path, "0" * 64, TODAY, parent=None
            )
            for record in action.items:
                items[record.key] = KnownItem(
                    record.key, record.incident_key, record.number, record.text_sha256, True, None, record.doc_status
                )
        elif isinstance(action, EnsureParent):
            n += 1
            known = incidents[action.incident_key]
            incidents[action.incident_key] = KnownIncident(
                known.incident_key, known.path, known.content_sha256, known.first_seen, TicketRef(tracker, f"P-{n}")
            )
        elif isinstance(action, CreateTicket | AdoptTicket):
            n += 1
            ref = action.ref if isinstance(action, AdoptTicket) else TicketRef(tracker, f"T-{n}")
            old = items[action.item_key]
            items[action.item_key] = KnownItem(
                old.key,
                old.incident_key,
                old.number,
                old.text_sha256,
                True,
                KnownTicket(ref, action.fields),
                old.doc_status,
            )
    links = set()
    for action in result_plan.actions:  # type: ignore[attr-defined]
        if isinstance(action, LinkTickets):
            a, b = items[action.a_key].ticket, items[action.b_key].ticket
            assert a is not None and b is not None
            links.add(tuple(sorted((a.ref.key, b.ref.key))))
    return StateSnapshot(tracker=tracker, incidents=incidents, items=items, links=frozenset(links))


def test_first_run_creates_parent_then_each_item_then_links() -> None:
    pm = doc(item(1, "Add canary", owner="@dana", priority=Priority.P0), item(2, "Alert on pool", priority=Priority.P1))
    result = plan([PlanInput(pm)], StateSnapshot("local"), FixedPolicy(), TODAY)
    kinds = [type(a).__name__ for a in result.actions]
    assert kinds == ["UpsertIncident", "EnsureParent", "CreateTicket", "CreateTicket", "LinkTickets"]
    creates = result.of_type(CreateTicket)
    assert [c.item_key for c in creates] == ["INC-1#1", "INC-1#2"]
    first = creates[0].draft
    assert first.assignee == "dana"
    assert first.due == dt.date(2026, 3, 6)  # review date + policy
    assert first.scope == "OPS"
    assert "priority-p0" in first.labels and "pmsync" in first.labels and "team-payments" in first.labels
    assert first.marker.key == "INC-1#1"
    assert result.of_type(LinkTickets) == [LinkTickets("INC-1#1", "INC-1#2")]


def test_replanning_the_applied_state_yields_no_tracker_action() -> None:
    pm = doc(item(1, "Add canary", owner="@dana"), item(2, "Runbook", deadline=dt.date(2026, 4, 1)))
    policy = FixedPolicy()
    first = plan([PlanInput(pm)], StateSnapshot("local"), policy, TODAY)
    second = plan([PlanInput(pm)], state_after(first), policy, TODAY + dt.timedelta(days=40))
    assert second.tracker_actions == []
    assert sorted(second.unchanged) == ["INC-1#1", "INC-1#2"]


def test_edited_text_updates_the_ticket_instead_of_creating() -> None:
    policy = FixedPolicy()
    first = plan([PlanInput(doc(item(1, "Add canary", owner="@dana")))], StateSnapshot("local"), policy, TODAY)
    edited = doc(item(1, "Add a canary stage for config pushes", owner="@dana", priority=Priority.P1))
    second = plan([PlanInput(edited)], state_after(first), policy, TODAY)
    assert second.of_type(CreateTicket) == []
    (update,) = second.of_type(UpdateTicket)
    assert update.item_key == "INC-1#1"
    assert update.changes.title == "Add a canary stage for config pushes"
    assert update.changes.priority is Priority.P1
    assert update.changes.assignee is None  # unchanged fields are left alone


def test_removed_item_is_reported_never_closed() -> None:
    policy = FixedPolicy()
    first = plan([PlanInput(doc(item(1, "A"), item(2, "B")))], StateSnapshot("local"), policy, TODAY)
    second = plan([PlanInput(doc(item(1, "A")))], state_after(first), policy, TODAY)
    (removed,) = second.of_type(ReportRemoved)
    assert removed.item_key == "INC-1#2" and removed.ticket is not None
    assert second.of_type(UpdateTicket) == []


def test_renumbered_item_keeps_its_ticket() -> None:
    policy = FixedPolicy()
    first = plan([PlanInput(doc(item(1, "A"), item(2, "Write the runbook")))], StateSnapshot("local"), policy, TODAY)
    # A new item inserted at the top pushes "Write the runbook" to number 3 and "A" to 2.
    second = plan(
        [PlanInput(doc(item(1, "Brand new"), item(2, "A"), item(3, "Write the runbook")))],
        state_after(first),
        policy,
        TODAY,
    )
    # The move into #3 must happen before #2 is taken over.
    assert second.of_type(RekeyItem) == [RekeyItem("INC-1#2", "INC-1#3"), RekeyItem("INC-1#1", "INC-1#2")]
    assert [c.item_key for c in second.of_type(CreateTicket)] == ["INC-1#1"]
    assert second.of_type(UpdateTicket) == []
    assert second.of_type(ReportRemoved) == []


def test_swapped_items_move_through_a_temporary_key() -> None:
    policy = FixedPolicy()
    first = plan([PlanInput(doc(item(1, "A"), item(2, "B")))], StateSnapshot("local"), policy, TODAY)
    second = plan([PlanInput(doc(item(1, "B"), item(2, "A")))], state_after(first), policy, TODAY)
    assert second.of_type(RekeyItem) == [
        RekeyItem("INC-1#1", "INC-1#1~moving"),
        RekeyItem("INC-1#2", "INC-1#1"),
        RekeyItem("INC-1#1~moving", "INC-1#2"),
    ]
    assert second.tracker_actions == []


def test_named_ticket_of_this_tracker_is_adopted() -> None:
    linked = item(1, "Add canary", tickets=(TicketLink(system="local", key="LOC-7", url="local://LOC-7"),))
    other = item(2, "Fix leak", tickets=(TicketLink(system="other", key="Bug 5554825"),))
    result = plan([PlanInput(doc(linked, other))], StateSnapshot("local"), FixedPolicy(), TODAY)
    (adopt,) = result.of_type(AdoptTicket)
    assert adopt.ref == TicketRef("local", "LOC-7", "local://LOC-7")
    assert [c.item_key for c in result.of_type(CreateTicket)] == ["INC-1#2"]
    no_adopt = plan([PlanInput(doc(linked))], StateSnapshot("local"), FixedPolicy(), TODAY, adopt=False)
    assert no_adopt.of_type(AdoptTicket) == []


def test_duplicate_incident_and_duplicate_item_numbers_are_diagnosed() -> None:
    a = doc(item(1, "A"), item(1, "A again"), path="a.md")
    b = doc(item(1, "B"), path="b.md")
    result = plan([PlanInput(a), PlanInput(b)], StateSnapshot("local"), FixedPolicy(), TODAY)
    codes = sorted(d.code for d in result.diagnostics)
    assert codes == ["PLAN001", "PLAN002"]
    assert [c.item_key for c in result.of_type(CreateTicket)] == ["INC-1#1"]
    line_of = {d.code: d.line for d in result.diagnostics}
    assert line_of["PLAN002"] == 11


def test_unknown_owner_is_a_warning_and_the_item_still_planned() -> None:
    result = plan([PlanInput(doc(item(1, "A", owner="@ghost")))], StateSnapshot("local"), FixedPolicy(), TODAY)
    (diag,) = result.diagnostics
    assert diag.code == "PLAN003" and "@ghost" in diag.message and diag.line == 11
    assert result.of_type(CreateTicket)[0].draft.assignee is None


def test_missing_incident_id_uses_a_file_based_key() -> None:
    pm = doc(item(1, "A"), incident_id=None, path="reviews/2026/Checkout 502s.md")
    assert incident_key_for(pm) == "doc-checkout-502s"
    result = plan([PlanInput(pm)], StateSnapshot("local"), FixedPolicy(), TODAY)
    assert result.of_type(CreateTicket)[0].item_key == "doc-checkout-502s#1"


def test_items_without_any_date_count_from_first_seen_or_today() -> None:
    pm = PostMortem(path="x.md", content_sha256="0" * 64, incident_id="INC-9", action_items=(item(1, "A"),))
    fresh = plan([PlanInput(pm)], StateSnapshot("local"), FixedPolicy(), TODAY)
    assert fresh.of_type(CreateTicket)[0].draft.due == TODAY + dt.timedelta(days=30)
    known = StateSnapshot("local", incidents={"INC-9": KnownIncident("INC-9", "x.md", "0", dt.date(2026, 1, 1))})
    later = plan([PlanInput(pm)], known, FixedPolicy(), TODAY)
    assert later.of_type(CreateTicket)[0].draft.due == dt.date(2026, 1, 31)


def test_extra_items_from_policy_are_planned_with_their_own_keys() -> None:
    extra = ExtraItem("compliance-hipaa", "HIPAA breach notification", "Notify", dt.date(2026, 5, 1), Priority.P0)
    result = plan([PlanInput(doc(item(1, "A")))], StateSnapshot("local"), FixedPolicy(extra=[extra]), TODAY)
    keys = [c.item_key for c in result.of_type(CreateTicket)]
    assert keys == ["INC-1#1", "INC-1#compliance-hipaa"]


def test_doc_status_becomes_the_initial_ticket_status() -> None:
    result = plan([PlanInput(doc(item(1, "A", status=Status.DONE)))], StateSnapshot("local"), FixedPolicy(), TODAY)
    assert result.of_type(CreateTicket)[0].draft.status is Status.DONE


@pytest.mark.parametrize(
    ("text", "limit", "title"),
    [
        ("Add canary stage", 255, "Add canary stage"),
        # Issue 18.2: never cut at a colon or a sentence end.
        ("Runbook: manual certificate renewal", 255, "Runbook: manual certificate renewal"),
        ("Send `Cache-Control: no-store` on /api", 255, "Send `Cache-Control: no-store` on /api"),
        ("DONE: rotate the keys", 255, "DONE: rotate the keys"),
        (
            "Start incidents earlier. We should declare  incidents sooner.",
            255,
            "Start incidents earlier. We should declare incidents sooner.",
        ),
        # Shortened only at the tracker's limit, at a word boundary.
        ("word " * 40, 120, ("word " * 23).strip() + "…"),
        ("Uptime and alerting: https://github.com/x/y/issues/611", 30, "Uptime and alerting:…"[:-2] + "…"),
        ("x" * 50, 10, "x" * 9 + "…"),
    ],
)
def test_ticket_title(text: str, limit: int, title: str) -> None:
    assert ticket_title(text, limit) == title
    assert len(ticket_title(text, limit)) <= limit


def test_safety_valve() -> None:
    pm = doc(*(item(n, f"Item {n}") for n in range(1, 6)))
    result = plan([PlanInput(pm)], StateSnapshot("local"), FixedPolicy(), TODAY)
    assert safety_problems(result, StateSnapshot("local"), documents=1, max_creates=10) == []
    assert "max_creates = 3" in safety_problems(result, StateSnapshot("local"), documents=1, max_creates=3)[0]
    known = state_after(result)
    empty = plan([], known, FixedPolicy(), TODAY)
    (problem,) = safety_problems(empty, known, documents=0, max_creates=50)
    assert "yielded none" in problem


def test_fields_and_text_hash_are_stable() -> None:
    assert sha256_text("Add  canary\nstage") == sha256_text("add canary stage")
    draft = plan([PlanInput(doc(item(1, "A")))], StateSnapshot("local"), FixedPolicy(), TODAY).of_type(CreateTicket)[0]
    assert fields_of(draft.draft) == draft.fields


def test_a_ticket_already_tracking_another_item_is_not_adopted_twice() -> None:
    policy = FixedPolicy()
    first = plan([PlanInput(doc(item(1, "A")))], StateSnapshot("local"), policy, TODAY)
    known = state_after(first)
    taken = known.items["INC-1#1"].ticket
    assert taken is not None
    other = doc(
        item(1, "B", tickets=(TicketLink(system="local", key=taken.ref.key),)), incident_id="INC-2", path="b.md"
    )
    result = plan([PlanInput(other)], known, policy, TODAY)
    assert result.of_type(AdoptTicket) == []
    assert [c.item_key for c in result.of_type(CreateTicket)] == ["INC-2#1"]
    (warning,) = result.diagnostics
    assert warning.code == "PLAN004" and "INC-1#1" in warning.message


def test_links_missing_from_the_state_are_planned_again() -> None:
    policy = FixedPolicy()
    first = plan([PlanInput(doc(item(1, "A"), item(2, "B")))], StateSnapshot("local"), policy, TODAY)
    applied = state_after(first)
    unlinked = StateSnapshot("local", applied.incidents, applied.items)  # the run died before linking
    again = plan([PlanInput(doc(item(1, "A"), item(2, "B")))], unlinked, policy, TODAY)
    assert again.of_type(LinkTickets) == [LinkTickets("INC-1#1", "INC-1#2")]
    assert again.of_type(CreateTicket) == []


def test_a_removed_number_does_not_hand_its_ticket_to_a_newcomer() -> None:
    policy = FixedPolicy()
    first = plan([PlanInput(doc(item(1, "A"), item(2, "B")))], StateSnapshot("local"), policy, TODAY)
    second_state = state_after(first)
    # B was removed (its item is now absent); a different item later takes number 2.
    known = dict(second_state.items)
    gone = known["INC-1#2"]
    known["INC-1#2"] = KnownItem(gone.key, gone.incident_key, 2, gone.text_sha256, False, gone.ticket)
    third = plan(
        [PlanInput(doc(item(1, "A"), item(2, "Completely new")))],
        StateSnapshot("local", second_state.incidents, known, second_state.links),
        policy,
        TODAY,
    )
    assert third.of_type(UpdateTicket) == []
    assert [c.item_key for c in third.of_type(CreateTicket)] == ["INC-1#2"]
    assert third.of_type(RekeyItem) == [RekeyItem("INC-1#2", f"INC-1#2~{gone.ticket.ref.key}")]  # type: ignore[union-attr]


def test_the_document_already_synced_keeps_its_incident() -> None:
    policy = FixedPolicy()
    original = doc(item(1, "A"), path="pm/a.md")
    first = plan([PlanInput(original)], StateSnapshot("local"), policy, TODAY)
    known = state_after(first)
    draft = doc(item(1, "Something else"), path="pm/0-draft.md")  # sorts first, same incident id
    second = plan([PlanInput(draft), PlanInput(original)], known, policy, TODAY)
    (diag,) = second.diagnostics
    assert diag.code == "PLAN001" and diag.path == "pm/0-draft.md"
    assert second.tracker_actions == []


def test_a_renamed_document_without_an_id_keeps_its_tickets() -> None:
    policy = FixedPolicy()
    before = doc(item(1, "A"), incident_id=None, path="pm/2026-03-db-failover.md")
    known = state_after(plan([PlanInput(before)], StateSnapshot("local"), policy, TODAY))
    known = StateSnapshot(
        "local",
        {
            k: KnownIncident(k, v.path, before.content_sha256, v.first_seen, v.parent)
            for k, v in known.incidents.items()
        },
        known.items,
        known.links,
    )
    moved = before.model_copy(update={"path": "pm/db-failover.md"})
    after = plan([PlanInput(moved)], known, policy, TODAY)
    # Same tickets; only the body's link to the document follows it to its new path.
    (update,) = after.tracker_actions
    assert isinstance(update, UpdateTicket) and update.changes.changed_fields() == ["body"]
    assert update.changes.body is not None and "Post-mortem: pm/db-failover.md" in update.changes.body
    assert [d.code for d in after.diagnostics] == ["PLAN005"]


def test_safety_valve_ignores_incidents_not_read_this_time() -> None:
    policy = FixedPolicy()
    known = state_after(plan([PlanInput(doc(item(1, "A")))], StateSnapshot("local"), policy, TODAY))
    other = doc(incident_id="INC-2", path="b.md")  # a new document without items yet
    result = plan([PlanInput(other)], known, policy, TODAY)
    assert safety_problems(result, known, documents=1, max_creates=50) == []
    emptied = plan([PlanInput(doc())], known, policy, TODAY)  # INC-1 lost every item at once
    assert "yielded none" in safety_problems(emptied, known, documents=1, max_creates=50)[0]


class _CountingItems(dict[str, KnownItem]):
    """The state's items, counting the full passes over them."""

    passes = 0

    def values(self):  # type: ignore[no-untyped-def, override]
        _CountingItems.passes += 1
        return super().values()


def test_planning_reads_every_known_item_a_fixed_number_of_times_whatever_the_incidents() -> None:
    # Indexes rebuilt per incident made an idle sync of 200 incidents quadratic (issue 26).
    policy = FixedPolicy()
    docs = [doc(item(1, "A"), item(2, "B"), incident_id=f"INC-{n}", path=f"pm/{n}.md") for n in range(20)]
    known = state_after(plan([PlanInput(d) for d in docs], StateSnapshot("local"), policy, TODAY))
    counted = StateSnapshot("local", known.incidents, _CountingItems(known.items), known.links)
    _CountingItems.passes = 0
    again = plan([PlanInput(d) for d in docs], counted, policy, TODAY)
    assert len(again.unchanged) == 40 and not again.tracker_actions
    assert _CountingItems.passes <= 4
