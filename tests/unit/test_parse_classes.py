"""One minimal document per failure class of issue 17: the general rules about how people write
action items, each checked on the issue's own examples."""

from __future__ import annotations

import datetime as dt

import pytest

from sync.core.model import ActionItem, Diagnostic, Priority, Severity, Status
from sync.core.parse import parse_document


def parse(body: str, heading: str = "## Action Items") -> tuple[tuple[ActionItem, ...], tuple[Diagnostic, ...]]:
    result = parse_document(f"# Queue outage 2026-03-04\n\n{heading}\n\n{body}\n", "t.md")
    assert result.postmortem is not None
    return result.postmortem.action_items, result.diagnostics


def items(body: str, heading: str = "## Action Items") -> tuple[ActionItem, ...]:
    return parse(body, heading)[0]


def only(body: str, heading: str = "## Action Items") -> ActionItem:
    found = items(body, heading)
    assert len(found) == 1, [i.text for i in found]
    return found[0]


# -- numbered items with a bold title and elaboration ------------------------------------------------


def test_bold_title_with_paragraph_and_sub_bullets_is_one_item() -> None:
    found = items(
        "1. **Deeper monitoring**\n"
        "   We lacked visibility into the queue.\n"
        "   - Alert on depth over 1000\n"
        "   - Dashboard per tenant\n"
        "2. **Faster rollback**\n"
        "   - **Description:** Make rollbacks one command.\n"
        "   - **Owner:** @kim\n"
        "   - **Priority:** P1\n"
    )
    assert [(i.text, i.owner, i.priority, i.line) for i in found] == [
        ("Deeper monitoring", None, None, 5),
        ("Faster rollback", "@kim", Priority.P1, 9),
    ]
    assert (
        found[0].extra["description"]
        == "We lacked visibility into the queue. Alert on depth over 1000 Dashboard per tenant"
    )
    assert found[1].extra["description"] == "Make rollbacks one command."


def test_bold_lead_in_sentence_keeps_its_first_sentence() -> None:
    item = only("1. **Better docs.** Write the runbook for failover.\n")
    assert item.text == "Better docs. Write the runbook for failover."


def test_loose_list_paragraphs_after_the_title_elaborate_it() -> None:
    found = items("1. **Shard the broker**\n\n   One broker per tenant.\n\n2. **Cap fan-out**\n\n   Owner: @ana\n")
    assert [(i.text, i.owner) for i in found] == [("Shard the broker", None), ("Cap fan-out", "@ana")]
    assert found[0].extra["description"] == "One broker per tenant."


def test_sub_bullets_of_a_plain_item_stay_items() -> None:
    found = items("- Work with ops to fund GitHub\n    - Turn actions back on\n- Document the build\n")
    assert [(i.text, i.parent) for i in found] == [
        ("Work with ops to fund GitHub", None),
        ("Turn actions back on", 1),
        ("Document the build", None),
    ]


def test_labelled_field_sub_bullets_are_fields_not_items() -> None:
    item = only("- Add per-tenant rate limits\n  - Owner: @li\n  - Due: 2026-04-01\n  - Status: in progress\n")
    assert (item.owner, item.deadline, item.status) == ("@li", dt.date(2026, 4, 1), Status.IN_PROGRESS)


# -- status from headings and per-item markers --------------------------------------------------------


def test_status_from_headings() -> None:
    found = items(
        "### Immediate actions (completed)\n\n- Restart the broker\n\n"
        "### Planned actions (planned or in-progress)\n\n- Shard the broker\n\n"
        "#### Done\n\n- Added alerting\n\n#### Remaining\n\n- Move to managed Kafka\n"
    )
    assert [(i.text, i.status, i.group) for i in found] == [
        ("Restart the broker", Status.DONE, "Immediate actions"),
        ("Shard the broker", Status.OPEN, "Planned actions"),
        ("Added alerting", Status.DONE, "Done"),
        ("Move to managed Kafka", Status.OPEN, "Remaining"),
    ]


def test_heading_status_beats_the_past_tense_guess() -> None:
    item = only("### Remaining\n\n- Automated the backups\n")
    assert (item.status, item.status_raw) == (Status.OPEN, "Remaining")


@pytest.mark.parametrize(
    ("line", "text", "status"),
    [
        ("- ✅ Rotate credentials", "Rotate credentials", Status.DONE),
        ("- ~~Rewrite the loader~~", "Rewrite the loader", Status.DONE),
        ("- [x] Upgrade the client", "Upgrade the client", Status.DONE),
        ("- Patch the kernel (done)", "Patch the kernel", Status.DONE),
        ("- Audit access — in progress", "Audit access", Status.IN_PROGRESS),
        ("- DONE: Patch the proxy", "Patch the proxy", Status.DONE),
        ("- TODO: Patch the gateway", "Patch the gateway", Status.OPEN),
        ("- [WIP] Patch the gateway", "Patch the gateway", Status.IN_PROGRESS),
        ("- Runbook: manual certificate renewal", "Runbook: manual certificate renewal", None),
    ],
)
def test_per_item_status_markers(line: str, text: str, status: Status | None) -> None:
    item = only(line)
    assert (item.text, item.status) == (text, status)


# -- leading tracker references ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "text", "key"),
    [
        (
            "- Bug 1587511 - hard kill instances that fail to stop",
            "hard kill instances that fail to stop",
            "Bug 1587511",
        ),
        ("- JIRA-12: Move secrets to vault", "Move secrets to vault", "JIRA-12"),
        ("- #123 Add a retry budget", "Add a retry budget", "#123"),
        ("- acme/api#9: Add a retry budget", "Add a retry budget", "acme/api#9"),
    ],
)
def test_leading_tracker_reference_is_a_ticket(line: str, text: str, key: str) -> None:
    item = only(line)
    assert (item.text, [t.key for t in item.tickets]) == (text, [key])


def test_leading_severity_is_not_a_ticket() -> None:
    item = only("- SEV-1: page the incident commander")
    assert (item.text, item.tickets) == ("SEV-1: page the incident commander", ())


# -- items as plain lines or paragraphs ------------------------------------------------------------------


def test_plain_lines_under_future_improvements_are_items() -> None:
    found = items(
        "Add alerting on queue depth.\nDocument the failover runbook.\nReview broker capacity quarterly.\n",
        heading="## Lessons Learned and Future Improvements",
    )
    assert [(i.text, i.line) for i in found] == [
        ("Add alerting on queue depth.", 5),
        ("Document the failover runbook.", 6),
        ("Review broker capacity quarterly.", 7),
    ]


def test_paragraphs_under_next_steps_are_items_one_per_paragraph() -> None:
    found = items(
        "We will add a canary stage for config pushes\nso that a bad push reaches one pod first.\n\n"
        "Investigate why the alert fired late.\n",
        heading="## Next steps",
    )
    assert [i.text for i in found] == [
        "We will add a canary stage for config pushes so that a bad push reaches one pod first.",
        "Investigate why the alert fired late.",
    ]


def test_prose_in_an_action_section_is_no_item_but_a_warning() -> None:
    found, diagnostics = parse(
        "The ideal pattern would be one with quick failover.\nOur engineers are working on it.\n",
        heading="## Corrective and Preventative Measures",
    )
    assert found == ()
    assert [(d.code, d.line) for d in diagnostics] == [("PM043", 3)]


def test_an_empty_action_table_is_a_section_to_write_not_a_warning() -> None:
    # A fresh template: the header row is there, no row yet. Nothing was missed.
    found, diagnostics = parse("| # | Action | Owner | Deadline | Priority | Status |\n|---|---|---|---|---|---|\n")
    assert found == () and [d.code for d in diagnostics] == []


def test_a_table_with_rows_but_no_action_column_still_warns() -> None:
    found, diagnostics = parse("| Owner | Deadline |\n|---|---|\n| @kim | 2026-03-01 |\n")
    assert found == () and [d.code for d in diagnostics] == ["PM042"]


def test_an_intro_paragraph_beside_a_list_is_not_an_item() -> None:
    found = items("Add these:\n\n- Add a canary\n")
    assert [i.text for i in found] == ["Add a canary"]


def test_a_section_that_says_none_gets_no_warning() -> None:
    found, diagnostics = parse("None.\n")
    assert found == () and [d.code for d in diagnostics] == []


# -- summary fields in a two-column table -----------------------------------------------------------------


def test_summary_fields_in_a_field_value_table() -> None:
    result = parse_document(
        "# Queue outage\n\n| Field | Value |\n|---|---|\n| ID | INC-77 |\n| Severity | SEV-2 |\n"
        "| Start | 2026-03-04 14:02 UTC |\n| End | 2026-03-04 15:10 UTC |\n| Detection | Monitoring alert |\n\n"
        "## Action Items\n\n- Fix it (P1, @kim)\n",
        "t.md",
    )
    pm = result.postmortem
    assert pm is not None
    assert (pm.incident_id, pm.severity, pm.duration_minutes) == ("INC-77", Severity.SEV2, 68)
    assert pm.started_at == dt.datetime(2026, 3, 4, 14, 2, tzinfo=dt.UTC)
    assert pm.detection.method is not None and pm.detection.method.value == "monitoring"


def test_summary_fields_in_a_one_row_table() -> None:
    result = parse_document(
        "# Queue outage\n\n| Incident ID | Severity | Start |\n|---|---|---|\n| INC-9 | SEV-3 | 2026-01-02 |\n\n"
        "## Action Items\n\n- Fix it (P1, @kim)\n",
        "t.md",
    )
    pm = result.postmortem
    assert pm is not None and (pm.incident_id, pm.severity_raw) == ("INC-9", "SEV-3")


# -- free-text annotations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- Add rate limits. Priority: P1", {"text": "Add rate limits.", "priority": Priority.P1}),
        ("- Add tracing, owner: sam", {"text": "Add tracing", "owner": "sam"}),
        ("- Cache tokens (owner: x, priority: high)", {"text": "Cache tokens", "owner": "x", "priority": Priority.P1}),
        (
            "- Retry webhooks (P0, @kofi, due 5 Dec)",
            {"text": "Retry webhooks", "priority": Priority.P0, "owner": "@kofi", "deadline": dt.date(2026, 12, 5)},
        ),
        ("- [P0] Fix the leak", {"text": "Fix the leak", "priority": Priority.P0}),
        ("- Limit fan-out — @alice", {"text": "Limit fan-out", "owner": "@alice"}),
        ("- Ship the fix by 2026-03-01", {"text": "Ship the fix", "deadline": dt.date(2026, 3, 1)}),
        ("- Reindex search. Owner(s): ana, bo", {"text": "Reindex search.", "owner": "ana, bo"}),
        ("- HIGH: Split the monolith", {"text": "Split the monolith", "priority": Priority.P1}),
        ("- [Critical] Split the monolith", {"text": "Split the monolith", "priority": Priority.P0}),
        ("- Add caching (critical)", {"text": "Add caching", "priority": Priority.P0}),
        ("- Tune GC, priority medium", {"text": "Tune GC", "priority": Priority.P2}),
        ("- Low priority - tidy dashboards", {"text": "tidy dashboards", "priority": Priority.P2}),
        ("- High priority alerts for search", {"text": "High priority alerts for search", "priority": None}),
        ("- Review access (by @ravi)", {"text": "Review access", "owner": "@ravi"}),
    ],
)
def test_free_text_annotations(line: str, expected: dict[str, object]) -> None:
    item = only(line)
    for name, value in expected.items():
        assert getattr(item, name) == value, (name, item)


def test_table_column_headed_p_is_the_priority() -> None:
    item = only("| Action | Owner | P |\n|---|---|---|\n| Add a canary | @dana | P0 |\n")
    assert (item.text, item.owner, item.priority) == ("Add a canary", "@dana", Priority.P0)


# -- confidence diagnostics -------------------------------------------------------------------------------


def test_item_without_owner_or_priority_is_a_located_warning() -> None:
    found, diagnostics = parse("- Fix the leak\n- Add a canary (P1, @dana)\n- Tune GC — @li\n")
    assert len(found) == 3
    assert [(d.code, d.line, d.message) for d in diagnostics] == [
        ("PM050", 5, "incomplete-item: no owner and no priority found for item 1 'Fix the leak'"),
        ("PM050", 7, "incomplete-item: no priority found for item 3 'Tune GC'"),
    ]


def test_unknown_priority_annotation_and_unreadable_due_date_are_reported() -> None:
    found, diagnostics = parse("- Add a load test. Priority: P7 — @kim\n- Renew certs (P1, @li, due next blue moon)\n")
    assert [(i.priority, i.priority_raw) for i in found] == [(None, "P7"), (Priority.P1, "P1")]
    assert found[1].deadline_raw == "next blue moon" and found[1].deadline is None
    assert {(d.code, d.line) for d in diagnostics} >= {("PM030", 5), ("PM033", 6)}


# -- non-incident post-mortems ----------------------------------------------------------------------------


def test_a_missed_deadline_post_mortem_parses_the_same_way() -> None:
    result = parse_document(
        "# Post-mortem: Q3 launch slipped six weeks\n\n**Project:** Atlas\n**Date:** 2026-10-02\n\n"
        "## What went wrong\n\n- Scope grew after kickoff\n\n"
        "## What we'll do differently\n\n1. **Freeze scope at kickoff** (P1, @pm-lead)\n"
        "2. Weekly risk review — owner: @eng-manager, due 2026-11-01\n",
        "launch.md",
    )
    pm = result.postmortem
    assert pm is not None
    assert [(i.text, i.owner, i.priority, i.deadline) for i in pm.action_items] == [
        ("Freeze scope at kickoff", "@pm-lead", Priority.P1, None),
        ("Weekly risk review", "@eng-manager", None, dt.date(2026, 11, 1)),
    ]


def test_a_lost_deal_review_with_next_steps_table() -> None:
    result = parse_document(
        "# Lost deal review: Globex renewal\n\n## Next steps\n\n| Task | Who | When |\n|---|---|---|\n"
        "| Send the pricing survey | @sales-ops | 2026-02-01 |\n",
        "deal.md",
    )
    pm = result.postmortem
    assert pm is not None
    assert [(i.text, i.owner, i.deadline) for i in pm.action_items] == [
        ("Send the pricing survey", "@sales-ops", dt.date(2026, 2, 1))
    ]


# -- rules found on the development corpus (tests/corpus/documents) -------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "## What we're doing about it",
        "## What has been done",
        "## Preventive Actions",
        "## Remedial Measures",
        "## Resolving actions",
        "### Immediate Actions",
        "### Further Improvements",
    ],
)
def test_section_names_for_actions(heading: str) -> None:
    assert [i.text for i in items("- Add a canary stage", heading=heading)] == ["Add a canary stage"]


def test_singular_actionable_is_a_guideline_not_an_action_section() -> None:
    result = parse_document(
        "# Retro\n\n### Actionable\n\nWork toward defining the issues.\n\n## Action Items\n\n- Add a canary (P1, @a)\n",
        "t.md",
    )
    assert result.postmortem is not None
    assert [i.text for i in result.postmortem.action_items] == ["Add a canary"]


def test_action_table_is_recognised_by_its_header_outside_any_action_section() -> None:
    result = parse_document(
        "# Chain halt\n\n##\n\n| Action Item | Type | Owner | Bug |\n| --- | --- | --- | --- |\n"
        "| Sync Go versions | Prevention | Core team | DONE |\n"
        "| Add a version check | Prevention | Core team | TODO. |\n",
        "t.md",
    )
    pm = result.postmortem
    assert pm is not None and [d.code for d in result.diagnostics if d.severity.value == "error"] == []
    assert [(i.text, i.owner, i.status) for i in pm.action_items] == [
        ("Sync Go versions", "Core team", Status.DONE),
        ("Add a version check", "Core team", Status.OPEN),
    ]


def test_category_sub_headings_group_items() -> None:
    found = items(
        "### Prevention\n\n| Action Item | Owner |\n|---|---|\n| Pin dependencies | chinmay |\n\n"
        "### Detection\n\n- Alert on failing builds\n\n### Mitigation\n\nNone.\n"
    )
    assert [(i.text, i.group) for i in found] == [
        ("Pin dependencies", "Prevention"),
        ("Alert on failing builds", "Detection"),
    ]


def test_a_list_beside_an_action_table_is_its_legend() -> None:
    found = items(
        "Priorities:\n\n* P0 - Critical for the release.\n* P1 - Important.\n\n"
        "| Action Item | Priority | Status |\n|---|---|---|\n"
        "| Detect corruption | P0 | DONE |\n| Document recovery | P1 | |\n"
    )
    assert [(i.text, i.priority, i.status) for i in found] == [
        ("Detect corruption", Priority.P0, Status.DONE),
        ("Document recovery", Priority.P1, None),
    ]


def test_a_list_of_actions_beside_an_action_table_is_read_not_dropped() -> None:
    # Only a list that defines terms is a legend; actions written as a list next to a table of
    # more actions are items (they used to vanish without a diagnostic).
    found = items(
        "- [x] Roll back the release (@ana, P0)\n- Add a canary stage, owner: bo\n\n"
        "| Action Item | Priority |\n|---|---|\n| Detect corruption | P0 |\n"
    )
    assert [(i.text, i.owner, i.status) for i in found] == [
        ("Roll back the release", "@ana", Status.DONE),
        ("Add a canary stage", "bo", Status.OPEN),  # a list with checkboxes: unticked is open
        ("Detect corruption", None, None),
    ]


@pytest.mark.parametrize(
    "legend",
    [
        "* P0 - Critical for the release.\n* P1 - Important.\n",
        "- **Prevent**: stop it from happening again\n- **Detect** — notice it sooner\n",
        "- Mitigate – reduce the time to recover\n",
    ],
)
def test_term_definitions_beside_an_action_table_stay_a_legend(legend: str) -> None:
    found = items(f"{legend}\n| Action Item | Priority |\n|---|---|\n| Detect corruption | P0 |\n")
    assert [i.text for i in found] == ["Detect corruption"]


def test_status_word_in_a_notes_column() -> None:
    item = only("| Action Item | Owner | Notes |\n|---|---|---|\n| Update the dependency | danrubel | Done |\n")
    assert (item.owner, item.status) == ("danrubel", Status.DONE)


def test_status_column_beats_the_wording() -> None:
    item = only("| Action Item | Status |\n|---|---|\n| Recovery procedures are documented | |\n")
    assert item.status is None


def test_paragraph_items_with_obligations_and_outcome_notes() -> None:
    found = items(
        "The monitoring system should notify more people. (filed\nhttps://github.com/acme/site/issues/12)\n\n"
        "The monitor is configured to check the wrong host. (fixed by adding a\nseparate entry)\n\n"
        "It would be useful to have a channel for reaching people in a\nhurry. (added an @emergency role)\n\n"
        "There was a sophisticated vulnerability. Everything is back to normal, with contracts\n"
        "that will be re-introduced next week.\n",
        heading="## Follow-up",
    )
    assert [(i.text[:30], i.status) for i in found] == [
        ("The monitoring system should n", Status.OPEN),
        ("The monitor is configured to c", Status.DONE),
        ("It would be useful to have a c", Status.DONE),
    ]
    assert [t.key for t in found[0].tickets] == ["acme/site#12"]


def test_plain_lines_with_should_be_are_items_one_per_line() -> None:
    found = items(
        "Regular monitoring of the relayer should be implemented.\n"
        "Back-up systems should be implemented to distribute rewards.\n",
        heading="### Recommendations:",
    )
    assert [i.line for i in found] == [5, 6]


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("- We enabled branch protection on more repositories.", Status.DONE),
        ("- We have for several years enabled 2FA for the organisation.", Status.DONE),
        ("- The `automerge` GitHub Action has been disabled and removed.", Status.DONE),
        ("- Funds from all strategies containing similar code have been withdrawn.", Status.DONE),
        ("- Firstly, a small upgrade was released which improved performance.", Status.DONE),
        ("- validators rolled back their states to the previous block", Status.DONE),
        ("- QA now includes manual stability testing of each deployment.", Status.DONE),
        ("- We are improving documentation for new maintainers.", Status.IN_PROGRESS),
        ("- We are going to improve documentation.", None),
        ("- GPG signing was proposed; it was rejected due to workflow concerns.", Status.WONT_DO),
        ("- The team has rectified the issue and will implement more tests.", None),
        ("- Lastly, we will also be re-evaluating gas pricing.", None),
        ("- The strategies will be re-written to not use a fee cap.", None),
    ],
)
def test_status_from_tense(line: str, status: Status | None) -> None:
    assert only(line).status is status


def test_parallel_past_tense_in_a_list() -> None:
    found = items("- Removed all references.\n- Verified historical deployments.\n- Updated cache busters.\n")
    assert [i.status for i in found] == [Status.DONE, Status.DONE, Status.DONE]
    assert only("- Updated cache busters for the app.").status is None


def test_note_after_a_bold_title() -> None:
    item = only("- **Alert** *(pending)* – Deploy a new Lambda to watch task definitions.")
    assert (item.text, item.status) == ("Alert – Deploy a new Lambda to watch task definitions.", Status.OPEN)


def test_leading_ticket_link_with_a_dash() -> None:
    item = only("* [acme/app#27110](https://github.com/acme/app/issues/27110) -\n  Test the plugins on CI")
    assert (item.text, [t.key for t in item.tickets]) == ("Test the plugins on CI", ["acme/app#27110"])


def test_leading_parenthetical_note_is_not_an_owner() -> None:
    assert only("- (Longer-term) Mirror the artifacts").owner is None
    assert only("- (tc, cloudops teams) ramp the teams up").owner == "tc, cloudops teams"


def test_an_item_ending_with_a_colon_is_spelled_out_by_its_sub_bullets() -> None:
    item = only(
        "- A better process for flagging fires quickly:\n  - Alerts for issues gaining votes\n  - More monitoring\n"
    )
    assert item.extra["description"] == "Alerts for issues gaining votes More monitoring"


def test_bare_action_items_line_separated_from_its_list() -> None:
    result = parse_document("# Regression\n\nAction items\n\n- P1 Add a test\n- P2 Screenshot test\n", "t.md")
    assert result.postmortem is not None
    assert [(i.text, i.priority) for i in result.postmortem.action_items] == [
        ("Add a test", Priority.P1),
        ("Screenshot test", Priority.P2),
    ]


# -- edges of the rules above -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "status"),
    [
        ("### Completed / done", Status.DONE),
        ("### Done and remaining", None),
        ("### Planned, someday", None),
        ("### Next (planned)", Status.OPEN),
    ],
)
def test_heading_status_alternatives(heading: str, status: Status | None) -> None:
    assert only(f"{heading}\n\n- Shard the broker").status is status


def test_fields_and_notes_under_a_bold_title() -> None:
    item, *_ = items(
        "1. **Faster rollback**\n"
        "   - **Why:** rollbacks took an hour\n"
        "   - **Status:** stuck\n"
        "   - **Tracking:** https://github.com/acme/app/issues/7\n"
        "   - Steps:\n"
        "     - one command\n"
    )
    assert item.extra["why"] == "rollbacks took an hour"
    assert (item.status, item.status_raw) == (None, "stuck")
    assert [t.key for t in item.tickets] == ["acme/app#7"]
    assert item.extra["description"] == "Steps: one command"
    _, diagnostics = parse("1. **Faster rollback**\n   - **Status:** stuck\n")
    assert ("PM031", 6) in {(d.code, d.line) for d in diagnostics}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- [x] ~~Rewrite the loader~~", {"text": "Rewrite the loader", "status": Status.DONE, "status_raw": "[x]"}),
        ("- [blocked] Rewrite the loader", {"text": "Rewrite the loader", "status": Status.OPEN, "owner": None}),
        (
            "- Patch the proxy (fixed in [#12](https://github.com/acme/app/pull/12))",
            {"text": "Patch the proxy", "status": Status.DONE},
        ),
        ("- Tune GC. Status: in progress, Priority: P2", {"status": Status.IN_PROGRESS, "priority": Priority.P2}),
        ("- Tune GC. Status: wobbly", {"status": None, "status_raw": "wobbly"}),
        ("- [P1] Tune GC. Priority: P0", {"priority": Priority.P1}),
        ("- Tune GC. Owner: a very long description of who might own this one day", {"owner": None}),
    ],
)
def test_annotation_edges(line: str, expected: dict[str, object]) -> None:
    item = only(line)
    for name, value in expected.items():
        assert getattr(item, name) == value, (name, item)


def test_bold_lead_in_plain_lines_are_items() -> None:
    found = items("**Monitoring**: alert on queue depth\n**Docs**: write the runbook\n", heading="## Next steps")
    assert [i.text for i in found] == ["Monitoring: alert on queue depth", "Docs: write the runbook"]


def test_multi_line_item_that_is_not_a_bold_title_keeps_its_text() -> None:
    assert only("- **Monitoring** of queues and\n  alerts on depth").text == "Monitoring of queues and alerts on depth"


def test_wording_after_a_bold_label() -> None:
    found = items(
        "- **Checked arithmetic:** Replace unsafe math with checked operations\n"
        "- **Invariant-driven fuzzing:** Property-based tests over solver inputs\n"
        "- **Monitor exceptions:** The error tracking team should watch the dashboard\n"
    )
    assert [i.status for i in found] == [None, None, None]
    assert found[2].owner is None


def test_an_intro_paragraph_above_sub_sections_with_lists_is_not_an_item() -> None:
    found = items(
        "To prevent recurrence, future designs must enforce numerical safety.\n\n"
        "### 1. Solver constraints\n\n- **Domain enforcement:** Check the domain before solving\n",
        heading="## Remediation and architectural lessons",
    )
    assert [i.text for i in found] == ["Domain enforcement: Check the domain before solving"]


def test_reference_at_the_end_of_a_wrapped_items_first_line_is_a_ticket() -> None:
    item = only("- We are improving documentation for new maintainers and training (DEMO-5)\n  existing maintainers.")
    assert item.text == "We are improving documentation for new maintainers and training existing maintainers."
    assert [t.key for t in item.tickets] == ["DEMO-5"]
    plain = only("- Keep the cache (for now)\n  until the migration lands.")
    assert (plain.text, plain.tickets) == ("Keep the cache (for now) until the migration lands.", ())


def test_a_log_of_actions_taken_is_not_an_action_table() -> None:
    result = parse_document(
        "# Outage\n\n## Response\n\n| Time | Action |\n|---|---|\n| 14:02 | Rolled back the deploy |\n\n"
        "## Action Items\n\n- Add a canary (P1, @dana)\n",
        "t.md",
    )
    assert result.postmortem is not None
    assert [i.text for i in result.postmortem.action_items] == ["Add a canary"]


# -- lists their lead-in says are no actions (issue 27, class from blind batch 08) -----------------------


def test_a_list_of_what_one_thing_reports_is_that_one_item() -> None:
    found, diagnostics = parse(
        "We now have a job that runs every night and reports:\n"
        "- whether the replicas are in sync\n"
        "- how many messages wait in the queue\n",
        "## Prevention",
    )
    assert [(i.text, i.status, i.confidence) for i in found] == [
        ("We now have a job that runs every night and reports:", Status.DONE, "low")
    ]


def test_a_list_under_a_lead_in_that_names_the_steps_of_a_procedure_is_no_items() -> None:
    found, diagnostics = parse(
        "For each release we'll follow the steps\n\n- 1. tag the build\n- 2. sign off by two members\n",
        "## Prevention",
    )
    assert found == ()
    assert any(d.code == "PM045" for d in diagnostics)


def test_step_entries_after_an_item_are_its_steps() -> None:
    found = items("- Script the whole release\n- step 1. tag the build\n- step 2. publish the images\n")
    assert [i.text for i in found] == ["Script the whole release"]


def test_an_ordinary_lead_in_still_introduces_items() -> None:
    found = items("We will do the following:\n- Add an alert on lag\n- Document the failover\n")
    assert [i.text for i in found] == ["Add an alert on lag", "Document the failover"]


def test_a_list_announced_as_the_writers_plans_holds_open_items() -> None:
    found = items(
        "We're currently planning several things to improve visibility:\n\n"
        "- More real-time metrics on queue depth\n- Integration tests with fault injection\n",
        "### Future improvements",
    )
    assert [(i.text, i.status) for i in found] == [
        ("More real-time metrics on queue depth", Status.OPEN),
        ("Integration tests with fault injection", Status.OPEN),
    ]


def test_a_list_after_specifics_of_one_plan_is_no_announcement_of_items() -> None:
    found = items(
        "We will upgrade to the new engine later this year. It fixes these issues. Specifically:\n\n"
        "- There will be no polling any more.\n- Blocks will be created every two seconds.\n",
        "## Summary",
    )
    assert all("polling" not in i.text and "Blocks" not in i.text for i in found)


def test_a_parallel_past_tense_list_under_a_neutral_heading_reports_work() -> None:
    found = items(
        "## Action Items\n\n- Add an alert on lag\n\n## The weeks after\n\n"
        "- Made a plan to shed load\n- Started mapping the relay maps\n- Onboarded two more people\n"
        "- Set up more metrics\n",
        "## Summary\n\nIt broke.",
    )
    assert [(i.text, i.status, i.confidence) for i in found[1:]] == [
        ("Made a plan to shed load", Status.DONE, "low"),
        ("Started mapping the relay maps", Status.IN_PROGRESS, "low"),
        ("Onboarded two more people", Status.DONE, "low"),
        ("Set up more metrics", Status.DONE, "low"),
    ]


def test_a_short_past_tense_list_under_a_neutral_heading_is_no_items() -> None:
    found = items("## Action Items\n\n- Add an alert on lag\n\n## Notes\n\n- Fixed the typo\n- Moved the page\n")
    assert [i.text for i in found] == ["Add an alert on lag"]


def test_a_later_checklist_restating_the_action_table_adds_no_items() -> None:
    found, diagnostics = parse(
        "| Action | Owner | Status |\n|---|---|---|\n"
        "| Add TLS expiry monitoring with alerting | @kim | open |\n"
        "| Rotate the admin password | @kim | open |\n\n"
        "## Action Items Status\n\n- [ ] TLS monitoring\n- [x] Admin password rotation\n"
    )
    assert [(i.text, i.status) for i in found] == [
        ("Add TLS expiry monitoring with alerting", Status.OPEN),
        ("Rotate the admin password", Status.OPEN),
    ]
    assert any(d.code == "PM045" and "restate" in d.message for d in diagnostics)


def test_a_later_list_of_other_work_is_read() -> None:
    found = items(
        "| Action | Owner |\n|---|---|\n| Add TLS monitoring | @kim |\n| Rotate the password | @kim |\n\n"
        "## Follow-ups\n\n- [ ] Write the runbook\n- [ ] Review quotas\n"
    )
    assert len(found) == 4


def test_sub_headings_carrying_a_priority_are_the_items_whatever_they_hold() -> None:
    found = items(
        "### Upgrade policy (P0)\n\nEvery emergency upgrade will be tested offline first.\n\n"
        "### Detection improvements (P1)\n\nWe are implementing alerts for:\n\n"
        "- No new block for 90 s\n- Finality lag\n\n"
        "### Recovery readiness (P2)\n\n- Formalising a runbook\n- Running tabletop exercises\n",
        "## What we are doing to prevent recurrence",
    )
    assert [(i.text, i.priority.value if i.priority else None, i.status) for i in found] == [
        ("Upgrade policy", "P0", Status.OPEN),
        ("Detection improvements", "P1", Status.IN_PROGRESS),
        ("Recovery readiness", "P2", None),
    ]


def test_a_numbered_lesson_whose_prose_promises_work_is_its_title() -> None:
    found = items(
        "## Action Items\n\n- Add an alert on lag\n\n## Lessons learnt\n\n"
        "### 1. Create a services check-list\n\nThe services broke one by one. Going forward, we'll create a "
        "check-list of all services to update after an upgrade.\n\n"
        "### 2. Communication matters\n\nTwo forums were confusing.\n",
        "## Summary\n\nIt broke.",
    )
    assert [(i.text, i.status, i.confidence) for i in found[1:]] == [
        ("Create a services check-list", Status.OPEN, "low")
    ]


def test_several_areas_to_improve_announce_the_bold_titled_items_below() -> None:
    found = items(
        "We have identified several key areas to improve reliability:\n\n"
        "1. **Load handling**\n   - Conducting stress tests.\n\n2. **Bug bounty**\n   - We will open a program.\n",
        "## Looking forward",
    )
    assert [(i.text, i.status) for i in found] == [("Load handling", Status.OPEN), ("Bug bounty", Status.OPEN)]


def test_an_issue_column_of_described_references_is_the_work_and_outcome_the_status() -> None:
    found = items(
        "| Issue | Triggered by | Outcome |\n|---|---|---|\n"
        "| #41 — alerting gap on caught failures | Lesson 3 | Resolved by PR #47 — alarm added |\n"
        "| #46 — versioned docs publishing | Docs walk | Open — deferred |\n",
        "## Follow-up issues",
    )
    assert [(i.text, i.status, [t.key for t in i.tickets]) for i in found] == [
        ("alerting gap on caught failures", Status.DONE, ["#41"]),
        ("versioned docs publishing", Status.OPEN, ["#46"]),
    ]


def test_a_status_cell_led_by_its_word_is_read() -> None:
    found = items("| Action | Status |\n|---|---|\n| Add the alert | Done — shipped in 1.2 |\n")
    assert [(i.text, i.status) for i in found] == [("Add the alert", Status.DONE)]


def test_a_section_continuing_the_action_section_lists_items_in_noun_phrases() -> None:
    found = items(
        "- Add an alert on lag\n\n## 8. Preventive Enhancements\n\n"
        "- Canary-node testing of new binaries ahead of any rollout\n",
        "## 7. Corrective Actions",
    )
    assert [(i.text, i.confidence) for i in found] == [
        ("Add an alert on lag", "high"),
        ("Canary-node testing of new binaries ahead of any rollout", "low"),
    ]


def test_a_simple_past_report_after_a_perfect_one_in_the_paragraph_reports_work_too() -> None:
    found = items(
        "The server needs more memory. I've bumped the RAM to 1GB. I also installed the uptime app and enabled "
        "push notifications. Thanks for reading!\n",
        "## Moving forward",
    )
    assert [(i.text, i.status) for i in found] == [
        ("I've bumped the RAM to 1GB.", Status.DONE),
        ("I also installed the uptime app and enabled push notifications.", Status.DONE),
    ]


def test_a_simple_past_sentence_alone_in_prose_is_narrative() -> None:
    assert items("The server ran out of memory. I also installed a new kernel last year.\n", "## Moving forward") == ()


def test_remedial_work_in_the_passive_progressive_is_in_progress() -> None:
    from sync.core.parse.evidence import prose_status

    assert prose_status("The disk has been cleaned up and additional measures are being applied.") == "in_progress"
    assert prose_status("The disk has been cleaned up.") == "done"


def test_work_reported_done_that_will_continue_is_in_progress() -> None:
    from sync.core.parse.evidence import prose_status

    assert prose_status("Lastly we have already improved, and will continue to improve, our alerting.") == "in_progress"
    assert prose_status("We will continue to investigate any related incident.") == "open"


def test_a_ticked_box_restating_an_item_marks_it_done() -> None:
    found = items(
        "| Action | Owner |\n|---|---|\n| Add TLS expiry monitoring | @kim |\n| Rotate the admin password | @kim |\n\n"
        "## Action Items Status\n\n- [x] TLS monitoring\n- [ ] Admin password rotation\n"
    )
    assert [(i.text, i.status) for i in found] == [
        ("Add TLS expiry monitoring", Status.DONE),
        ("Rotate the admin password", Status.OPEN),
    ]


def test_a_procedure_in_the_action_section_is_no_items_and_its_steps_alone_are_items() -> None:
    found, diagnostics = parse("For each release we'll follow the steps\n\n- tag the build\n- sign it off\n")
    assert found == ()
    assert any(d.code == "PM045" for d in diagnostics)
    steps = items("- step 1. tag the build\n- step 2. sign it off\n")
    assert [i.text for i in steps] == ["step 1. tag the build", "step 2. sign it off"]


def test_a_deeper_heading_under_a_prioritised_sub_heading_belongs_to_it() -> None:
    found = items(
        "### Upgrade policy (P0)\n\nWe will test upgrades offline.\n\n#### Details\n\nOn a copy of mainnet.\n\n"
        "### Recovery readiness (P2)\n\n- Formalising a runbook\n"
    )
    assert [i.text for i in found] == ["Upgrade policy", "Recovery readiness"]


def test_a_numbered_lesson_titled_only_by_a_handle_names_no_item() -> None:
    found = items(
        "## Action Items\n\n- Add an alert on lag\n\n## Lessons learnt\n\n"
        "### 1. `@kim`\n\nGoing forward, we'll create a check-list.\n",
        "## Summary\n\nIt broke.",
    )
    assert [i.text for i in found] == ["Add an alert on lag"]


def test_a_reported_entry_keeps_the_status_it_states() -> None:
    found = items(
        "## Action Items\n\n- Add an alert on lag\n\n## The weeks after\n\n"
        "- Made a plan to shed load\n- Wrote a load test (in progress)\n- Onboarded two more people\n",
        "## Summary\n\nIt broke.",
    )
    assert [(i.text, i.status) for i in found[1:]] == [
        ("Made a plan to shed load", Status.DONE),
        ("Wrote a load test", Status.IN_PROGRESS),
        ("Onboarded two more people", Status.DONE),
    ]


def test_promises_about_the_next_part_of_a_series_are_no_items() -> None:
    found = items(
        "In Part 4, I will share the DNS tools and commands that were essential.\n\n"
        "[Continue to Part 4](../Part4/Tools.md)\n",
        "# Next",
    )
    assert found == ()
    kept = items("In the coming weeks, I will share the rotation runbook with every team.\n", "# Next")
    assert len(kept) == 1


def test_the_writers_admitting_a_mistake_is_no_obligation() -> None:
    from sync.core.parse.wording import reads_as_action

    assert not reads_as_action("However, I must admit a mistake: I did not apply the changes at once.")
    assert reads_as_action("We must rotate the keys every quarter.")


def test_ticket_link_lines_in_the_action_section_are_its_items() -> None:
    found = items(
        "[OPS41](https://boards.example.com/c/x1) - Retry webhooks on timeout\n\n"
        "[OPS42](https://boards.example.com/c/x2)\n"
    )
    assert [(i.text, i.confidence) for i in found] == [
        ("OPS41 - Retry webhooks on timeout", "high"),
        ("OPS42", "high"),
    ]
    # A link with words for its text opens prose, not a ticket; nor does a key joined to a sentence.
    assert items("[Thread in #support](https://chat.example.com/t/1)\n") == ()
    assert items("[OPS41](https://boards.example.com/c/x1) was where it started.\n") == ()


def test_a_bold_title_takes_ongoing_work_from_the_words_under_it() -> None:
    found = items(
        "We have identified several areas to improve:\n\n"
        "1. **Cache warm-up**\n   - We are testing a warm-up job before each deploy.\n"
        "2. **Paging policy**\n   - We will page the secondary on a missed ack.\n"
        "3. **Load tests**\n   - Running load tests on staging.\n",
        "## Looking ahead",
    )
    assert [(i.text, i.status) for i in found] == [
        ("Cache warm-up", Status.IN_PROGRESS),
        ("Paging policy", Status.OPEN),
        ("Load tests", Status.OPEN),
    ]


def test_a_section_that_also_names_lessons_does_not_continue_the_action_section() -> None:
    body = "- Add an alert on lag\n\n## {title}\n\nThe staging setup needs to mirror production more closely.\n"
    after = items(body.format(title="Further Hardening and Learnings"), "## Corrective Actions")
    assert [i.text for i in after] == ["Add an alert on lag"]
    # Without the lessons, the same section continues the actions and its prose is an item.
    continued = items(body.format(title="Further Hardening"), "## Corrective Actions")
    assert [i.text for i in continued][1:] == ["The staging setup needs to mirror production more closely."]


def test_mitigation_groups_report_their_work_and_a_link_to_the_pull_request_is_its_ticket() -> None:
    found = items(
        "### Queue patch\n"
        "- The consumer has been patched to ack on timeout.\n"
        "  - [See the change](https://github.com/acme/queue/pull/7)\n\n"
        "### Credits\n- Affected customers were credited for the lost hours.\n",
        "## Mitigations",
    )
    assert [(i.text, i.status, [t.key for t in i.tickets]) for i in found] == [
        ("The consumer has been patched to ack on timeout.", Status.DONE, ["acme/queue#7"]),
        ("Affected customers were credited for the lost hours.", Status.DONE, []),
    ]


def test_auto_numbered_entries_after_a_procedure_announced_as_prevention_are_its_items() -> None:
    found = items(
        "We will follow this procedure to keep it from recurring:\n\n"
        "#. List the hosts that still use the old resolver\n\n"
        "#. Move each host to the new resolver and\n   check its lookups\n\n"
        "#. Once every host is moved, retire the ``old-dns`` record\n",
        "Prevention Measures\n-------------------",
    )
    assert [(i.text, i.status, i.line) for i in found] == [
        ("List the hosts that still use the old resolver", Status.OPEN, 8),
        ("Move each host to the new resolver and check its lookups", Status.OPEN, 10),
        ("Once every host is moved, retire the ``old-dns`` record", Status.OPEN, 13),
    ]


def test_a_headline_with_its_verb_left_out_reports_work_done() -> None:
    found = items(
        "- Replication-lag dashboard and its alerts added (see the runbook).\n"
        "- Stale DNS entries and old certificates removed\n"
        "- QUEUE-12 - consumer stalls: messages get duplicated\n"
        "- Obtain the logs for the requests involved\n",
        "## Follow-up",
    )
    assert [(i.text, i.status) for i in found] == [
        ("Replication-lag dashboard and its alerts added (see the runbook).", Status.DONE),
        ("Stale DNS entries and old certificates removed", Status.DONE),
        ("consumer stalls: messages get duplicated", None),
        ("Obtain the logs for the requests involved", None),
    ]


def test_a_paragraph_below_the_action_list_adds_what_it_commits_to_or_has_under_way() -> None:
    found = items(
        "- We've added a timeout to the pool\n\n"
        "These changes stop the pile-up. More broadly, we'll be running a wider audit of queue limits.\n\n"
        "We're also in the middle of an ongoing effort to split the ingest path.\n\n"
        "Thanks to everyone who helped.\n",
        "## Next steps",
    )
    assert [(i.text, i.status, i.confidence) for i in found] == [
        ("We've added a timeout to the pool", Status.DONE, "high"),
        ("More broadly, we'll be running a wider audit of queue limits.", Status.OPEN, "low"),
        ("We're also in the middle of an ongoing effort to split the ingest path.", Status.IN_PROGRESS, "low"),
    ]
    from sync.core.parse.evidence import ongoing_work

    assert ongoing_work("We\u2019re still in the process of hardening the edge.")
    assert not ongoing_work("While we were in the process of preparing a fix, the chain halted.")


def test_a_status_word_about_someone_else_in_a_trailing_note_stays_in_the_text() -> None:
    found = items(
        "- [x] Migrated the tenants of Acme and Globex (Initech pending).\n- Rotate the keys (already planned)\n"
    )
    assert [(i.text, i.status) for i in found] == [
        ("Migrated the tenants of Acme and Globex (Initech pending).", Status.DONE),
        ("Rotate the keys", Status.OPEN),
    ]


def test_a_prose_commitment_keeps_a_worded_time_frame_but_not_asap() -> None:
    found = items(
        "## Summary\n\nThe queue stalled.\n\n## What now?\n\n"
        "We will move the queue to its own cluster later this year.\n\n"
        "In the coming weeks we will be testing the consumers under load.\n\n"
        "We will retire the old broker as soon as possible.\n",
        "# Queue stall",
    )
    assert [(i.text[:24], i.deadline_raw) for i in found] == [
        ("We will move the queue t", "later this year"),
        ("In the coming weeks we w", "In the coming weeks"),
        ("We will retire the old b", None),
    ]


def test_a_table_whose_action_column_repeats_a_setting_is_no_action_table() -> None:
    rules = (
        "| Order | Rule | Action |\n|---|---|---|\n| 1 | API calls | Bypass |\n| 2 | Bots | Bypass |\n"
        "| 3 | Pages | Cache |\n| 4 | Images | Bypass |\n"
    )
    # Outside the action sections (its "Action" column would make it a loose action table), no items.
    found, diagnostics = parse(rules, "## Cache rules")
    assert found == ()
    assert any(d.code == "PM045" for d in diagnostics)
    # Under a heading that leans towards actions, the same: a candidate table of settings.
    assert items(rules, "## Prevention") == ()
    # Inside an action section the section says what its table holds, repeated rows and all.
    assert [i.text for i in items(rules)] == ["Bypass", "Bypass", "Cache", "Bypass"]
    work = (
        "| Action | Owner |\n|---|---|\n| Add a rule for bots | @kim |\n| Purge the cache | @kim |\n"
        "| Alert on HITs | @bo |\n"
    )
    assert [i.text for i in items(work)] == ["Add a rule for bots", "Purge the cache", "Alert on HITs"]


def test_a_sub_heading_of_the_root_cause_is_narrative_whatever_word_it_holds() -> None:
    found = items(
        "## Root Cause\n\n### Why the CDN cached the wrong response\n\n"
        "- The CDN cached the response without the header\n\n## Next steps\n\n- Add the header to the key\n",
        "## Summary\n\nIt broke.",
    )
    assert [i.text for i in found] == ["Add the header to the key"]


def test_a_field_value_table_is_one_item_per_action_row() -> None:
    found = items(
        "| Field | Value |\n|---|---|\n| Action | Add a canary stage |\n| Owner | @kim |\n| Due date | 2026-05-01 |\n"
        "| Priority | P1 |\n| Status | In progress |\n| Action | Alert on retries |\n| Owner | @bo |\n"
    )
    assert [(i.text, i.owner, str(i.deadline), i.priority, i.status) for i in found] == [
        ("Add a canary stage", "@kim", "2026-05-01", Priority.P1, Status.IN_PROGRESS),
        ("Alert on retries", "@bo", "None", None, None),
    ]
    # Without a "Field | Value" header the first field row heads the table; an ordinary two-column
    # action table is still read row by row.
    headless = items("| Action | Add a canary stage |\n|---|---|\n| Owner | @kim |\n")
    assert [(i.text, i.owner) for i in headless] == [("Add a canary stage", "@kim")]
    two_columns = items("| Action | Owner |\n|---|---|\n| Add a canary | @kim |\n| Alert on retries | @bo |\n")
    assert [(i.text, i.owner) for i in two_columns] == [("Add a canary", "@kim"), ("Alert on retries", "@bo")]
    # A description row explains the action above it; the incident's own metadata table names no action.
    described = items("| Field | Value |\n|---|---|\n| Action | Add a canary |\n| Description | Catch bad configs |\n")
    assert [(i.text, i.extra) for i in described] == [("Add a canary", {"Description": "Catch bad configs"})]
    metadata = (
        "| Field | Value |\n|---|---|\n| Description | The queue stalled |\n| Owner | @kim |\n| Status | Resolved |\n"
    )
    assert items(metadata, "## Summary") == ()


def test_a_label_line_over_sub_bullets_is_the_item_they_elaborate() -> None:
    found = items(
        "- Alerting gaps\n  - page on queue depth\n  - a dashboard per tenant\n- Fund the team\n  - hire two SREs\n"
    )
    assert [(i.text, i.parent) for i in found] == [
        ("Alerting gaps", None),
        ("Fund the team", None),
        ("hire two SREs", 2),
    ]
    assert found[0].extra["description"] == "page on queue depth a dashboard per tenant"
    # A label over orders groups them: each order is an item.
    grouped = items("- Backend\n  - Add retries to the client\n  - Fix the timeouts\n")
    assert [(i.text, i.parent) for i in grouped] == [
        ("Backend", None),
        ("Add retries to the client", 1),
        ("Fix the timeouts", 1),
    ]


def test_a_team_as_the_subject_of_to_verb_owns_the_item() -> None:
    found = items("- Storage team to add a quota alert\n- Ask the storage team to add a quota alert\n")
    assert [(i.text, i.owner) for i in found] == [
        ("Storage team to add a quota alert", "Storage team"),
        ("Ask the storage team to add a quota alert", None),
    ]


def test_actions_written_as_prose_in_the_action_section_are_its_sentences() -> None:
    found = items(
        "Because of this, I moved the cron job to its own host. I will also add an alert on its runtime. "
        "We need more hands for on-call. Later that day we received the all-clear from the vendor.\n",
        "## Follow-up",
    )
    assert [(i.text, i.status, i.confidence) for i in found] == [
        ("Because of this, I moved the cron job to its own host.", Status.DONE, "low"),
        ("I will also add an alert on its runtime.", Status.OPEN, "low"),
    ]


def test_a_severity_in_a_nested_bullet_is_the_items_priority() -> None:
    found = items("- [ ] Add a canary stage\n  - Severity: high\n- [x] Alert on retries\n")
    assert [(i.text, i.priority) for i in found] == [("Add a canary stage", Priority.P1), ("Alert on retries", None)]


def test_month_ends_progress_emoji_and_a_team_at_work() -> None:
    found = items(
        "| Action | Status | Due |\n|---|---|---|\n| Add a canary | 🚧 | end of May 2026 |\n"
        "| Alert on retries | ⏳ | by the end of June |\n"
    )
    assert [(i.status, str(i.deadline)) for i in found] == [
        (Status.IN_PROGRESS, "2026-05-31"),
        (Status.OPEN, "2026-06-30"),  # waiting its turn; the document's year (its title's date)
    ]
    prose = items(
        "We'll add a canary stage by the end of May. The storage team is migrating the queue to a managed service.\n",
        "## What's next?",
    )
    assert [(i.deadline_raw, i.status) for i in prose] == [
        ("by the end of May", Status.OPEN),
        (None, Status.IN_PROGRESS),
    ]


def test_beside_the_action_list_a_titled_block_under_a_leaning_heading_needs_more_evidence() -> None:
    body = (
        "- Add an alert on lag\n\n## Notes\n\nNone.\n\n## How do we prevent this?\n\n### Faster revert\n\n"
        "We have begun work on it.\n"
    )
    assert [i.text for i in items(body, "## Action Items")] == ["Add an alert on lag"]
    # Without the document's own list, the same block names an item.
    alone = items(
        "It broke.\n\n## How do we prevent this?\n\n### Faster revert\n\nWe have begun work on it.\n", "## Summary"
    )
    assert [(i.text, i.status) for i in alone] == [("Faster revert", Status.IN_PROGRESS)]


def test_a_sentence_whose_first_words_carry_markup_keeps_its_paragraphs_line() -> None:
    found = items(
        "It broke.\n\n## What now?\n\nThe cache\nfell over. **We** will add a circuit breaker.\n", "## Summary"
    )
    assert [(i.text, i.line) for i in found] == [("We will add a circuit breaker.", 9)]


def test_a_month_end_needs_a_year() -> None:
    from sync.core.parse.dates import period_end

    assert period_end("end of May", None) is None
    assert str(period_end("end of May", 2027)) == "2027-05-31"


def test_fields_after_separators_at_the_end_of_an_item_are_its_fields() -> None:
    found = items(
        "- Add a canary stage - @kim - P1 - due 2026-04-01\n- Alert on retries | @bo | P2\n"
        "- Fix login - users cannot sign in\n"
    )
    assert [(i.text, i.owner, i.priority, str(i.deadline)) for i in found] == [
        ("Add a canary stage", "@kim", Priority.P1, "2026-04-01"),
        ("Alert on retries", "@bo", Priority.P2, "None"),
        ("Fix login - users cannot sign in", None, None, "None"),
    ]


def test_field_lines_under_an_items_sub_heading_set_its_fields() -> None:
    found = items(
        "### Add a canary stage\n\n**Owner:** @kim\n**Status:** In progress\n**Due:** 2026-04-01\n\n"
        "### Alert on retries\n\n**Owner:** @bo\n**Status:** Done\n",
        "## Follow-up actions",
    )
    assert [(i.text, i.owner, i.status, str(i.deadline)) for i in found] == [
        ("Add a canary stage", "@kim", Status.IN_PROGRESS, "2026-04-01"),
        ("Alert on retries", "@bo", Status.DONE, "None"),
    ]


def test_prose_in_the_action_section_that_tells_the_incident_or_a_discussion_is_no_item() -> None:
    found = items(
        "The team discussed the outage and agreed that paging worked. We rolled back the deploy at 10:05 and "
        "it recovered. We have since added an alert on queue depth.\n",
        "## Follow-up",
    )
    assert [(i.text, i.status) for i in found] == [("We have since added an alert on queue depth.", Status.DONE)]


def test_no_longer_doing_something_is_a_change_made_and_an_organisation_at_work_is_in_progress() -> None:
    found = items(
        "We will no longer deploy on Fridays. Therefore, we are no longer going to skip the canary. "
        "The SRE is evaluating a managed queue.\n",
        "## What now?",
    )
    assert [(i.text[:30], i.status) for i in found] == [
        ("We will no longer deploy on Fr", Status.DONE),
        ("Therefore, we are no longer go", Status.DONE),
        ("The SRE is evaluating a manage", Status.IN_PROGRESS),
    ]
    begun = items("We will train every on-call engineer, a process which has already been initiated.\n", "## What now?")
    assert [i.status for i in begun] == [Status.IN_PROGRESS]
    planned = items("- PostgreSQL upgrade planned (to version 16)\n- Stale DNS entries removed\n", "## Follow-up")
    assert [i.status for i in planned] == [Status.OPEN, Status.DONE]


def test_a_plain_line_with_a_note_that_it_is_under_way_is_an_item_in_progress() -> None:
    found = items("Load tests for the new checkout flow (already being implemented)\n", "## Follow up actions:")
    assert [(i.text, i.status) for i in found] == [
        ("Load tests for the new checkout flow (already being implemented)", Status.IN_PROGRESS)
    ]


def test_reasons_a_lead_in_gives_are_no_items_and_a_ticket_filed_for_work_is_open() -> None:
    found = items(
        "The old hash stays for now, we don't see it as a priority because:\n\n"
        "- No exploit is feasible today.\n- The impact is low.\n\n"
        "We've however opened an issue to replace it next quarter.\n",
        "## Next steps",
    )
    assert [(i.text, i.status) for i in found] == [
        ("We've however opened an issue to replace it next quarter.", Status.OPEN)
    ]


def test_rules_the_writers_will_follow_from_now_on_are_items() -> None:
    found = items(
        "It broke.\n\n## Prevention\n\nWe can limit the impact by following a few extra rules in development:\n\n"
        "1. Every feature has a test before it merges.\n2. Every bugfix starts with a failing test.\n",
        "## Summary",
    )
    assert [(i.text, i.status) for i in found] == [
        ("Every feature has a test before it merges.", Status.OPEN),
        ("Every bugfix starts with a failing test.", Status.OPEN),
    ]


# -- issue 27: entries of a list under a heading that only leans towards actions ---------------------


def test_entries_naming_work_under_a_leaning_heading_are_low_items_whatever_their_grammar() -> None:
    found = items(
        "1. Introduction of a canary stage for the DNS config\n"
        "2. Ponder how the vendor's OSPF timers differ from the RFC\n"
        "3. Adding a lock to the purge job\n"
        "4. Tighten peering filters so a flap cannot reach the core\n",
        heading="## Future Work",
    )
    assert [i.text for i in found] == [
        "Introduction of a canary stage for the DNS config",
        "Ponder how the vendor's OSPF timers differ from the RFC",
        "Adding a lock to the purge job",
        "Tighten peering filters so a flap cannot reach the core",
    ]
    assert {i.confidence for i in found} == {"low"}


@pytest.mark.parametrize(
    "entry",
    [
        "The lack of a locale made the database refuse to start",  # a determiner opens a statement
        "Grafana doesn't vary its panels by tenant",  # a finite verb in the main clause
        "Mon 07:06 UTC: the backlog started to grow",  # a timeline entry
        "Short-term mitigation:",  # a label over what follows
        "Mitigation: traffic pinned to the old pool",
    ],
)
def test_statements_in_a_list_under_a_leaning_heading_are_no_items(entry: str) -> None:
    found = items(f"- Review of the edge configs\n- {entry}\n- Ponder a second uplink\n", heading="## Future Work")
    assert [i.text for i in found] == ["Review of the edge configs", "Ponder a second uplink"]


def test_an_entry_naming_work_in_a_list_of_statements_is_no_item() -> None:
    # Most entries describe the system: the list explains, and its one noun phrase is part of that.
    found = items(
        "- The cache ignores the tenant header\n- Every page can be served stale\n- Introduction of purge rules\n",
        heading="## Future Work",
    )
    assert found == ()


def test_prose_reporting_work_in_a_section_that_names_actions_is_an_item_beside_other_items() -> None:
    found = items(
        "We rolled the release back at noon.\n\n"
        "Based on this failure, we are adding a synthetic check that logs in every minute.\n\n"
        "We will page the owner when it fails twice in a row.\n\n"
        "Thank you for bearing with us.\n",
        heading="### What we are changing",
    )
    assert [i.text for i in found] == [
        "Based on this failure, we are adding a synthetic check that logs in every minute.",
        "We will page the owner when it fails twice in a row.",
    ]
    assert found[0].status is Status.IN_PROGRESS


def test_a_status_cell_with_a_note_after_the_status_word_is_read() -> None:
    found = items(
        "| Ticket | Change | State |\n|---|---|---|\n"
        "| OPS-12 | Rotate the signing key | In Review (carried over) |\n"
        "| OPS-13 | Drop the legacy token | (pending) |\n"
    )
    assert [i.status for i in found] == [Status.IN_PROGRESS, None]


def test_a_box_marked_not_applicable_or_cancelled_is_an_item_given_up() -> None:
    found = items(
        "- [N/A] **Pin the base image** — not needed; it is pinned by digest.\n"
        "- [-] Move the cron to the new host\n"
        "- [x] Add a budget alert\n"
        "- [ ] Rotate the key\n"
    )
    assert [(i.text, i.status) for i in found] == [
        ("Pin the base image — not needed; it is pinned by digest.", Status.WONT_DO),
        ("Move the cron to the new host", Status.WONT_DO),
        ("Add a budget alert", Status.DONE),
        ("Rotate the key", Status.OPEN),
    ]


def test_a_state_or_an_observation_in_the_present_perfect_is_no_work_reported() -> None:
    found = items(
        "We have been unable to ship 2.0 for a month. We have seen four failures on staging so far. "
        "We have rotated the signing key.\n",
        heading="## Summary",
    )
    assert [(i.text, i.status) for i in found] == [("We have rotated the signing key.", Status.DONE)]


def test_a_closing_sentence_noting_an_item_is_finished_makes_it_done() -> None:
    found = items(
        "- The nightly job should skip archived tenants. We already implemented that now.\n"
        "- Add a canary. This is done as of today.\n"
        "- Add a probe. It is done when the probe pages.\n"
    )
    assert [i.status for i in found] == [Status.DONE, Status.DONE, None]


@pytest.mark.parametrize("heading", ["## How did we respond?", "## How we responded"])
def test_a_heading_asking_how_the_team_responded_tells_the_story(heading: str) -> None:
    body = "We started with draining the queue. When we noticed the lag, we set the counter back to zero.\n"
    assert items(body, heading=heading) == ()
    assert items(body, heading="## Our response going forward") != ()


def test_a_status_pages_reassurance_is_no_item() -> None:
    result = parse_document(
        b"# Docs outage 2026-03-04\n\nWe are working to get the site back up and running soon. "
        b"The team is working hard to support everyone. We will add a second mirror in the EU.\n",
        "t.md",
    )
    assert result.postmortem is not None
    assert [i.text for i in result.postmortem.action_items] == ["We will add a second mirror in the EU."]


def test_an_item_opening_with_already_is_done_whatever_the_verbs_form() -> None:
    assert only("- Already run the cleanup script on all staging tenants\n").status is Status.DONE


def test_a_leading_connective_does_not_hide_the_tense_of_the_item() -> None:
    found = items("- In addition, we are updating the failover runbook.\n- Moreover, we have rotated the key.\n")
    assert [i.status for i in found] == [Status.IN_PROGRESS, Status.DONE]
