"""Classes of writing from blind batches 16-20 (issue 27, third round): each rule checked on made-up
documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

from sync.core.model import ActionItem, Diagnostic, Status
from sync.core.parse import parse_document


def parse(body: str) -> tuple[tuple[ActionItem, ...], tuple[Diagnostic, ...]]:
    result = parse_document(f"# Broker outage 2026-03-04\n\n{body}\n", "t.md")
    assert result.postmortem is not None
    return result.postmortem.action_items, result.diagnostics


def test_a_list_elaborating_each_row_of_the_action_table_is_not_read_twice() -> None:
    found, diagnostics = parse(
        "## Preventive Measures\n\n"
        "1. **Alert when consumers stall for five minutes** (High)\n    - Current: no alert\n"
        "2. **Write a runbook for broker failover** (Medium)\n    - Rationale: nobody knew the steps\n"
        "3. **Move the broker disks to SSD** (Low)\n\n"
        "## Action Items\n\n| Priority | Action | Owner |\n|---|---|---|\n"
        "| Low | Move broker disks to SSD storage | @ana |\n"
        "| High | Alert: consumers stalled > 5 minutes | @ana |\n"
        "| Medium | Runbook for broker failover | @bo |\n"
    )
    # The table is the record (owner, priority columns); the list said the same three items first.
    assert [(i.text, i.owner) for i in found] == [
        ("Move broker disks to SSD storage", "@ana"),
        ("Alert: consumers stalled > 5 minutes", "@ana"),
        ("Runbook for broker failover", "@bo"),
    ]
    assert any(d.code == "PM045" and "restate" in d.message for d in diagnostics)


def test_lists_of_the_same_length_that_hold_other_work_are_both_read() -> None:
    found, _ = parse(
        "## Preventive Measures\n\n1. **Alert on stalled consumers**\n2. **Write a failover runbook**\n\n"
        "## Action Items\n\n| Action | Owner |\n|---|---|\n| Upgrade the kernel | @ana |\n| Rotate TLS keys | @bo |\n"
    )
    assert len(found) == 4


def test_a_team_tag_heading_an_item_is_its_owner_and_stays_in_the_title() -> None:
    found, _ = parse(
        "## Action items\n\n- [SRE] Removed the shared admin account\n- [Platform] Investigate broker quotas\n"
        "- [kim] Try a staging broker\n"
    )
    assert [(i.text, i.owner, i.status) for i in found] == [
        ("[SRE] Removed the shared admin account", "SRE", Status.DONE),
        ("[Platform] Investigate broker quotas", "Platform", None),
        ("Try a staging broker", "kim", None),  # an assignee's handle is a note beside the work
    ]


def test_a_name_heading_an_item_is_its_owner_when_the_document_names_it_as_an_actor() -> None:
    found, _ = parse(
        "## Authors\n\nAcme Ops and Blue Labs\n\n## Action Items\n\n"
        "* Acme Ops: Shorten the voting period\n* Acme Ops + BL: Publish a post about upgrades\n"
        "* Monitoring: Add an alert on block time\n* BL to subscribe to security alerts\n* BL check the test suite\n"
    )
    assert [(i.text[:20], i.owner) for i in found] == [
        ("Acme Ops: Shorten th", "Acme Ops"),
        ("Acme Ops + BL: Publi", "Acme Ops + BL"),
        ("Monitoring: Add an a", None),  # a category label, named nowhere as an actor
        ("BL to subscribe to s", "BL"),
        ("BL check the test su", "BL"),  # BL owns another item: a known actor
    ]


def test_the_steps_that_diagnosed_the_incident_are_no_items() -> None:
    found, _ = parse(
        "## Resolution Steps Taken\n\n### Diagnosis\n\n1. Identified six stuck pods.\n"
        "2. Confirmed the broker was up.\n\n"
        "## Action Items\n\n- Add a readiness probe to the broker\n"
    )
    assert [i.text for i in found] == ["Add a readiness probe to the broker"]
