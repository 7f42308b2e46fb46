"""Action-item shapes: one table of list-item lines and what each must yield."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sync.core.model import ActionItem, Priority, Status
from sync.core.parse import ParseOptions, parse_document


def items_of(body: str, options: ParseOptions | None = None) -> tuple[ActionItem, ...]:
    result = parse_document(f"# Outage at checkout\n\n## Action Items\n\n{body}\n", "t.md", options)
    assert result.postmortem is not None
    return result.postmortem.action_items


def only(body: str) -> ActionItem:
    items = items_of(body)
    assert len(items) == 1, [i.text for i in items]
    return items[0]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- Add a canary stage", {"text": "Add a canary stage", "owner": None, "status": None, "priority": None}),
        ("- [ ] Add a canary stage", {"status": Status.OPEN, "status_raw": "[ ]"}),
        ("- [x] Add a canary stage", {"status": Status.DONE}),
        ("* [X] Add a canary stage", {"status": Status.DONE}),
        ("- [] Add a canary stage", {"status": Status.OPEN, "text": "Add a canary stage"}),
        ("- ✅ Add a canary stage", {"status": Status.DONE, "text": "Add a canary stage"}),
        ("- Add a canary stage (done)", {"status": Status.DONE, "text": "Add a canary stage"}),
        ("- Add a canary stage (in progress)", {"status": Status.IN_PROGRESS}),
        ("- Add a canary stage — done", {"status": Status.DONE, "text": "Add a canary stage"}),
        ("- Add a canary stage **(Done as of 2021-06-30)**", {"status": Status.DONE, "text": "Add a canary stage"}),
        ("- P1: Add a canary stage", {"priority": Priority.P1, "text": "Add a canary stage"}),
        ("- [P0] Add a canary stage", {"priority": Priority.P0, "owner": None}),
        ("- (P0, @kofi) Add a canary stage", {"priority": Priority.P0, "owner": "@kofi"}),
        (
            "1. (P1, @kofi, due 2025-12-05) Alert before expiry",
            {
                "priority": Priority.P1,
                "owner": "@kofi",
                "deadline": dt.date(2025, 12, 5),
                "text": "Alert before expiry",
            },
        ),
        ("- Add a canary stage — @ravi", {"owner": "@ravi", "text": "Add a canary stage"}),
        (
            "- Add a freshness alert — owner: mei@example.com, due 2026-05-15",
            {"owner": "mei@example.com", "deadline": dt.date(2026, 5, 15), "text": "Add a freshness alert"},
        ),
        ("- Start incidents earlier. Owner: @lucas", {"owner": "@lucas", "text": "Start incidents earlier."}),
        ("- @jsn will add a deploy test", {"owner": "@jsn", "text": "@jsn will add a deploy test"}),
        ("- Content pipeline team should renew certs", {"owner": "Content pipeline team"}),
        ("- (tc, cloudops teams) ramp the teams up", {"owner": "tc, cloudops teams", "text": "ramp the teams up"}),
        ("- [jhford] Try a staging environment", {"owner": "jhford", "status": None}),
        ("- Review the debrief process [Rick]", {"owner": "Rick", "text": "Review the debrief process"}),
        ("- **Version testing**: Add tests for old SDKs", {"text": "Version testing: Add tests for old SDKs"}),
        ("- Keep `kubectl` access documented", {"text": "Keep `kubectl` access documented"}),
        ("- Reverted the bad change", {"status": Status.DONE, "status_raw": "past tense"}),
        ("- Issued credits to customers", {"status": Status.DONE}),
        ("- Execution clients implemented a fix for logs", {"status": Status.DONE}),
        ("- EIP-6110 is updated to filter events", {"status": Status.DONE, "tickets": ()}),
        ("- Adding integration tests", {"status": None}),
        ("- Automated tests for the loader", {"status": None}),
        ("- Automated backups for the loader", {"status": None}),
        ("- Automated the backups", {"status": Status.DONE}),
        ("- Detailed runbooks for rollbacks", {"status": None}),
        ("- Make sure deployed resources are monitored", {"status": None}),
        ("- Plan monitoring: This is a work in progress", {"status": Status.IN_PROGRESS}),
        ("- start a runbook in H1", {"deadline_raw": "in H1", "deadline": None, "text": "start a runbook"}),
    ],
)
def test_list_item_shapes(line: str, expected: dict[str, Any]) -> None:
    item = only(line)
    for name, value in expected.items():
        assert getattr(item, name) == value, (name, item)


@pytest.mark.parametrize(
    ("line", "keys", "urls"),
    [
        (
            "- Fix alerting ([#11956](https://github.com/k/t/issues/11956))",
            ["k/t#11956"],
            ["https://github.com/k/t/issues/11956"],
        ),
        ("- Fix alerting <https://github.com/o/r/issues/89>", ["o/r#89"], ["https://github.com/o/r/issues/89"]),
        ("- Fix alerting. [[PR](https://github.com/o/r/pull/7)]", ["o/r#7"], ["https://github.com/o/r/pull/7"]),
        ("- Track in OPS-12 and PAY-3", ["OPS-12", "PAY-3"], [None, None]),
        ("- Track in acme/app#12", ["acme/app#12"], [None]),
        ("- Bump SEV-1 handling per EIP-6110", [], []),
        (
            "- [bug 1537907](https://bugzilla.mozilla.org/show_bug.cgi?id=1537907) Reconsider schemas",
            ["bug 1537907"],
            ["https://bugzilla.mozilla.org/show_bug.cgi?id=1537907"],
        ),
        ("- Alerting issue: https://github.com/o/r/issues/611", ["o/r#611"], ["https://github.com/o/r/issues/611"]),
    ],
)
def test_ticket_shapes(line: str, keys: list[str], urls: list[str | None]) -> None:
    item = only(line)
    assert [t.key for t in item.tickets] == keys
    assert [t.url for t in item.tickets] == urls


def test_trailing_ticket_parenthetical_is_stripped_but_inline_reference_kept() -> None:
    assert only("- Fix alerting ([#1](https://github.com/o/r/issues/1))").text == "Fix alerting"
    kept = only("- Clients shipped a fix, e.g. Geth [#31317](https://github.com/e/g/pull/31317)")
    assert kept.text.endswith("e.g. Geth #31317")


def test_reference_style_links_resolve() -> None:
    items = items_of("- Document the build ([#294][i294]).\n\n[i294]: https://github.com/u/v/issues/294\n")
    assert items[0].tickets[0].url == "https://github.com/u/v/issues/294"
    assert items[0].text == "Document the build"


def test_nested_items_get_parents_and_url_bullets_become_tickets() -> None:
    items = items_of(
        "- Fund the org\n    - Turn actions on\n    - Raise budgets\n"
        "- ✅ Add tests\n    - https://github.com/o/r/pull/1\n    - https://github.com/o/r/pull/2\n"
    )
    assert [(i.number, i.text, i.parent) for i in items] == [
        (1, "Fund the org", None),
        (2, "Turn actions on", 1),
        (3, "Raise budgets", 1),
        (4, "Add tests", None),
    ]
    assert [t.key for t in items[3].tickets] == ["o/r#1", "o/r#2"]


def test_marked_siblings_make_unmarked_items_open() -> None:
    items = items_of("- Renew the cert — done\n- Alert on expiry\n")
    assert [i.status for i in items] == [Status.DONE, Status.OPEN]
    assert items[1].status_raw is None


def test_table_columns_in_any_order_with_extras() -> None:
    items = items_of(
        "| Due | Who | Action Item | Bug # | Prio | Notes |\n|---|---|---|---|---|---|\n"
        "| 2026-01-02 | @a | Fix the pool | OPS-9 **DONE** | high | tricky |\n"
        "| | | | | | |\n"
        "| soon | @b | Add a probe | n/a **TODO** | P9 | |\n"
    )
    assert [(i.text, i.owner, i.priority, i.status) for i in items] == [
        ("Fix the pool", "@a", Priority.P1, Status.DONE),
        ("Add a probe", "@b", None, Status.OPEN),
    ]
    assert items[0].deadline == dt.date(2026, 1, 2) and items[0].extra == {"Notes": "tricky"}
    assert [t.key for t in items[0].tickets] == ["OPS-9"]
    assert (items[1].priority_raw, items[1].deadline_raw, items[1].deadline) == ("P9", "soon", None)


def test_table_number_column_is_the_number() -> None:
    items = items_of("| # | Action |\n|---|---|\n| 7 | Fix it |\n| 7 | Fix that |\n")
    assert [i.number for i in items] == [7, 8]


def test_unmapped_values_warn_with_their_line() -> None:
    result = parse_document(
        "# X\n\n## Action Items\n\n| Action | Priority | Status |\n|---|---|---|\n"
        "| Fix it | whenever | blocked-ish |\n",
        "t.md",
    )
    assert result.postmortem is not None
    codes = {(d.code, d.line) for d in result.diagnostics}
    assert ("PM030", 7) in codes and ("PM031", 7) in codes
    item = result.postmortem.action_items[0]
    assert (item.priority, item.priority_raw, item.status, item.status_raw) == (None, "whenever", None, "blocked-ish")


def test_custom_synonyms() -> None:
    options = ParseOptions(priority_synonyms={"hot": Priority.P0})
    assert items_of("- (hot) Fix it", options)[0].priority is Priority.P0


@pytest.mark.parametrize(
    "body",
    ["- {{ summary }} [link to github issue]", "- ${first item}", "| Action |\n|---|\n| Item 1 |", "- TBD", "- …", "-"],
)
def test_placeholders_and_empty_items_are_dropped_with_info(body: str) -> None:
    result = parse_document(f"# Real incident\n\n## Action Items\n\n{body}\n", "t.md")
    assert result.postmortem is not None and result.postmortem.action_items == ()
    assert {d.code for d in result.diagnostics} & {"PM040", "PM041"}
    assert all(d.severity.value == "info" for d in result.diagnostics)


def test_paragraph_action_item_label() -> None:
    items = items_of("We reverted it.\n\n**Action item:** Start incidents earlier. Owner: @lucas\n")
    assert [(i.text, i.owner) for i in items] == [("Start incidents earlier.", "@lucas")]


def test_group_headings_carry_status_deadline_and_tickets() -> None:
    result = parse_document(
        "# Flags outage 2025\n\n## Remediation\n\n### Immediate Actions (Completed)\n\n- Timeouts moved to config\n\n"
        "### Short-term ([Follow along](https://github.com/o/r/issues/5))\n\n- Circuit breakers\n\n"
        "### Long-term (Target: Q4 2025 - Q1 2026)\n\n- Load testing\n\n## Lessons Learned\n\n- Not an item\n",
        "t.md",
    )
    assert result.postmortem is not None
    items = result.postmortem.action_items
    assert [(i.group, i.status) for i in items] == [
        ("Immediate Actions", Status.DONE),
        ("Short-term", None),
        ("Long-term", Status.OPEN),  # work given a time frame is still to do
    ]
    assert items[1].tickets[0].key == "o/r#5"
    assert (items[2].deadline_raw, items[2].deadline) == ("Q4 2025 - Q1 2026", dt.date(2026, 3, 31))
