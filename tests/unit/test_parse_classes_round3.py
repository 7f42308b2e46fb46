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


def test_a_list_in_parallel_form_reports_work_done_whatever_heads_each_entry() -> None:
    found, _ = parse(
        "## Action items\n\n- [SRE] Removed the shared admin account\n- [SRE] Temporarily doubled the bounty\n"
        "- [Sec] Updated the contributor policy\n- [Sec] Rotated every deploy key\n"
    )
    assert [i.status for i in found] == [Status.DONE] * 4


def test_beside_an_action_list_a_resolution_sections_steps_are_the_response() -> None:
    found, _ = parse(
        "## Resolution\n\n1. Disabled the branch check temporarily\n2. Merged the fix by hand\n"
        "3. Re-enabled branch protections\n\n## Action Items\n\n- Add a merge queue\n"
    )
    assert [i.text for i in found] == ["Add a merge queue"]


def test_beside_an_action_list_another_sections_list_of_work_done_is_still_asked_about() -> None:
    found, _ = parse(
        "## Aftermath\n\n1. Disabled the branch check temporarily\n2. Merged the fix by hand\n"
        "3. Re-enabled branch protections\n\n## Action Items\n\n- Add a merge queue\n"
    )
    assert len(found) == 4 and [i.confidence for i in found[1:]] == ["low"] * 3


def test_what_could_improve_lists_findings_not_actions() -> None:
    found, _ = parse(
        "## What Could Improve\n\n1. **No rolling reboot procedure existed.** All nodes rebooted at once.\n"
        "2. **No pre-drain step.** Sandboxes were left behind.\n\n## Action Items\n\n- Write a rolling reboot runbook\n"
    )
    assert [i.text for i in found] == ["Write a rolling reboot runbook"]


def test_sub_bullets_saying_why_describe_the_item_above() -> None:
    found, _ = parse(
        "## Action items\n\n- Set up a security council\n    - This was not set up before launch.\n"
        "- Define an emergency process\n    - There was no clear expectation on either side.\n"
    )
    assert [(i.text, i.extra.get("description")) for i in found] == [
        ("Set up a security council", "This was not set up before launch."),
        ("Define an emergency process", "There was no clear expectation on either side."),
    ]


def test_beside_an_action_list_a_summarys_list_of_what_happened_is_no_work() -> None:
    found, _ = parse(
        "## Summary\n\nDuring the window the validator:\n\n- Stopped receiving block proposals\n"
        "- Logged repeated round timeouts\n- Momentarily lost consensus\n\n"
        "## Action Items\n\n- Alert on round timeouts\n"
    )
    assert [i.text for i in found] == ["Alert on round timeouts"]


def test_the_authors_section_names_its_actors_after_a_rule() -> None:
    found, _ = parse("## Authors\n\n---\n\nAcme Ops\n\n## Action Items\n\n* Acme Ops: Shorten the voting period\n")
    assert [i.owner for i in found] == ["Acme Ops"]
