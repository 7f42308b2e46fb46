"""Classes of writing from blind batches 21-23 (issue 27, fourth round): each rule checked on made-up
documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import ActionItem, Diagnostic, Status
from sync.core.parse import parse_document
from sync.core.parse.options import ParseOptions


def parse(body: str) -> tuple[tuple[ActionItem, ...], tuple[Diagnostic, ...]]:
    result = parse_document(f"# Broker outage 2026-03-04\n\n{body}\n", "t.md")
    assert result.postmortem is not None
    return result.postmortem.action_items, result.diagnostics


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("✅ Done", Status.DONE),
        ("Done ✅", Status.DONE),
        ("✅️ Done", Status.DONE),  # with the emoji variation selector
        ("🚧 In progress", Status.IN_PROGRESS),
        ("❌ Not started", Status.OPEN),
        ("⏳ Pending", Status.OPEN),
        ("✅", Status.DONE),
        ("Implemented", Status.DONE),
        ("Proposed", Status.OPEN),
    ],
)
def test_a_status_cell_with_a_symbol_beside_the_word_is_read(cell: str, status: Status) -> None:
    assert ParseOptions().status(cell) is status


@pytest.mark.parametrize("cell", ["❌", "✅ 🚧", "🎉 Shipped-ish", "📌"])
def test_a_symbol_that_decides_nothing_gives_no_status(cell: str) -> None:
    # "❌" means "not done" or "won't do" depending on the team; two symbols that disagree say nothing.
    assert ParseOptions().status(cell) is None


def test_an_action_table_with_emoji_status_cells_gives_each_row_its_status() -> None:
    found, _ = parse(
        "## Remediation\n\n| # | Action | Status |\n|---|---|---|\n"
        "| 1 | Validate the map in CI | ✅ Done |\n| 2 | Sync the backup on release | Planned |\n"
        "| 3 | Alert on fallback | 🚧 In progress |\n"
    )
    assert [(i.text, i.status) for i in found] == [
        ("Validate the map in CI", Status.DONE),
        ("Sync the backup on release", Status.OPEN),
        ("Alert on fallback", Status.IN_PROGRESS),
    ]


def test_a_status_label_opening_an_item_gives_its_status_and_is_cut() -> None:
    found, _ = parse(
        "## Mitigations\n\n- Implemented: Standby cluster ready.\n"
        "- Suggested: Guard kubectl against the wrong context.\n- Proposed: Train the team on the chart tooling.\n"
    )
    assert [(i.text, i.status) for i in found] == [
        ("Standby cluster ready.", Status.DONE),
        ("Guard kubectl against the wrong context.", Status.OPEN),
        ("Train the team on the chart tooling.", Status.OPEN),
    ]


def test_a_status_marker_set_in_code_gives_the_status_and_stays_in_the_title() -> None:
    found, _ = parse(
        "## Next steps\n\n- `TODO`: Alert on key expiry dates.\n- `DONE`: We now fetch the scheme before start-up.\n"
    )
    assert [(i.text, i.status) for i in found] == [
        ("`TODO`: Alert on key expiry dates.", Status.OPEN),
        ("`DONE`: We now fetch the scheme before start-up.", Status.DONE),
    ]


def test_a_word_like_a_status_that_is_not_a_label_stays() -> None:
    found, _ = parse("## Action items\n\n- Implemented features need a canary stage\n")
    assert [i.text for i in found] == ["Implemented features need a canary stage"]


def test_a_lead_in_saying_the_writers_are_preventing_a_repeat_makes_the_list_below_their_measures() -> None:
    found, _ = parse(
        "## Action taken\n\n- We rotated every token.\n\n"
        "## Strengthening our pipeline\n\n"
        "To reduce exposure to similar incidents in the future, we're tightening our practices by:\n\n"
        "1. Pinning every third-party action to a commit.\n\n2. Reviewing the pipeline each quarter.\n\n"
        "3. We've enabled audit logs on the organisation.\n"
    )
    texts = {i.text: i for i in found}
    assert "Pinning every third-party action to a commit." in texts
    assert "Reviewing the pipeline each quarter." in texts
    # The lead-in names no status: an entry's own words still say it is done.
    assert texts["We've enabled audit logs on the organisation."].status is Status.DONE


def test_a_list_after_a_lead_in_without_that_purpose_stays_below_the_bar() -> None:
    found, _ = parse(
        "## Action taken\n\n- We rotated every token.\n\n"
        "## Strengthening our pipeline\n\nWe looked at three tools:\n\n"
        "1. Pinning actions to a commit.\n\n2. Reviewing the pipeline.\n"
    )
    texts = [i.text for i in found]
    assert "Pinning actions to a commit." not in texts and "Reviewing the pipeline." not in texts


def test_a_bold_name_over_a_list_is_the_owner_of_its_entries() -> None:
    found, _ = parse(
        "## Actions\n\n**Gwen T**\n- Document the schema update\n- Back up the content weekly\n\n"
        "**Idris**\n- Look into the error handling\n\n**Team**\n- Fix known errors as they arise\n"
    )
    assert [(i.text, i.owner) for i in found] == [
        ("Document the schema update", "Gwen T"),
        ("Back up the content weekly", "Gwen T"),
        ("Look into the error handling", "Idris"),
        ("Fix known errors as they arise", "Team"),
    ]


@pytest.mark.parametrize("label", ["Monitoring", "Documentation", "Backend", "Short term", "API"])
def test_a_bold_topic_over_a_list_is_no_owner(label: str) -> None:
    # "Backend" is a common word: the document uses it in lower case too. The others are topic nouns,
    # a time frame or not a name at all.
    found, _ = parse(f"## Actions\n\n**{label}**\n- Add an alert on backend lag\n- Write the runbook\n")
    assert [i.owner for i in found] == [None, None]


def test_a_bold_name_also_used_in_lower_case_is_no_owner() -> None:
    found, _ = parse("## Actions\n\n**Will**\n- Decide who will own the queue\n")
    assert [i.owner for i in found] == [None]


def test_bold_initials_closing_a_paragraph_are_its_owners_and_make_it_one_item() -> None:
    found, _ = parse(
        "## Actions\n\nHow do we spot an incident?\n\n"
        "Work out what is critical and list it.\nDefine acceptance tests for each release. **RK**/JT\n\n"
        "We need a list of example records to check. **JP**\n\nMigration needed for the type field **NW**/**AC**\n"
    )
    assert [(i.text, i.owner) for i in found] == [
        ("Work out what is critical and list it. Define acceptance tests for each release.", "RK/JT"),
        ("We need a list of example records to check.", "JP"),
        ("Migration needed for the type field", "NW/AC"),
    ]


def test_plain_capitals_closing_a_line_are_words_not_owners() -> None:
    found, _ = parse("## Actions\n\nMove the tunnel to TCP/IP\n")
    assert [(i.text, i.owner) for i in found] == [("Move the tunnel to TCP/IP", None)]


def test_bracketed_notes_after_an_action_give_its_status_or_its_owner() -> None:
    found, _ = parse(
        "## Actions\n\n* Create an incident channel (#ops-incident) [IBG] [done]\n"
        "* Add a basic uptime check [CF to write story]\n* Review the [runbook] with on-call\n"
    )
    assert [(i.text, i.owner, i.status) for i in found] == [
        ("Create an incident channel (#ops-incident)", "IBG", Status.DONE),
        ("Add a basic uptime check", "CF", Status.OPEN),
        ("Review the [runbook] with on-call", None, Status.OPEN),
    ]


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Over the next few days and weeks we'll be putting better monitoring in place around worker usage.", None),
        ("We have plans to start replicating all our files into a second region.", None),
        ("In response, we are actively developing a shared quarantine service for bad uploads.", Status.IN_PROGRESS),
        ("To be safer, we're also investigating ways of sandboxing the build step.", Status.IN_PROGRESS),
        ("We were planning on deploying the metrics agent onto the hosts, and this made it urgent.", None),
    ],
)
def test_prose_that_commits_to_work_is_an_item(sentence: str, status: Status | None) -> None:
    found, _ = parse(f"The site was down for an hour on Tuesday because the disk filled up.\n\n{sentence}\n")
    assert [i.text for i in found] == [sentence]
    # A promise states no status; reading it as open is allowed, anything else is not.
    expected = (None, Status.OPEN) if status is None else (status,)
    assert found[0].status in expected


def test_looking_for_the_cause_during_the_incident_is_no_item() -> None:
    found, _ = parse("We are currently actively investigating the cause of this issue and will post updates.\n")
    assert found == ()


def test_sub_headings_over_prose_with_supporting_lists_are_the_items() -> None:
    found, _ = parse(
        "## Corrective Actions\n\n### Public user check\n\nWe closed the hole in the login check.\n\n"
        "### Introspection\n\nWe should turn introspection off. The client depends on these queries:\n\n"
        "- `COPYRIGHT_QUERY`\n- `VISIBILITY_QUERY`\n\n"
        "_Update (July 02, 2021)_ This was addressed in CDP-2437 and deployed to production on July 1.\n\n"
        "### Unauthenticated operations\n\nThese resolvers were left open:\n\n"
        "| Resolver | Query |\n|---|---|\n| Bureau | bureaus |\n| Region | regions |\n\n"
        "We will wrap them in the login check.\n"
    )
    assert [(i.text, i.status) for i in found] == [
        ("Public user check", Status.DONE),
        ("Introspection", Status.DONE),  # the later update says it shipped
        ("Unauthenticated operations", Status.OPEN),
    ]


def test_sub_headings_over_lists_of_actions_stay_groups() -> None:
    found, _ = parse(
        "## Action items\n\n### Backend\n\nTwo fixes:\n\n- Add retries to the client\n- Cap the queue\n\n"
        "### Frontend\n\n- Show a banner during outages\n"
    )
    assert [i.text for i in found] == ["Add retries to the client", "Cap the queue", "Show a banner during outages"]


def test_a_list_of_names_the_prose_refers_to_is_no_list_of_items() -> None:
    found, diagnostics = parse(
        "## Corrective Actions\n\nWe removed the records that pointed these subdomains at the buckets:\n\n"
        "- staticshare\n- statictranslations\n\n"
        "| type | name |\n|---|---|\n| CNAME | share.example.gov |\n\n"
        "The ops documentation will be updated to require proxying for bucket subdomains.\n"
    )
    texts = [i.text for i in found]
    assert "staticshare" not in texts and "statictranslations" not in texts
    assert any(t.startswith("The ops documentation will be updated") for t in texts)
    assert any(d.code == "PM045" and "names the prose refers to" in d.message for d in diagnostics)


def test_a_list_of_links_alone_is_a_list_of_items() -> None:
    found, _ = parse(
        "## Action items\n\n- https://github.com/acme/api/issues/95\n- https://github.com/acme/api/issues/97\n"
    )
    assert len(found) == 2


def test_a_list_of_what_a_change_brings_is_not_items() -> None:
    found, diagnostics = parse(
        "## Action items\n\n- Add `^build` to the typecheck target\n\n"
        "## The fix\n\nThis ensures:\n\n1. Nx builds the upstream packages first\n"
        "2. Add the type files before the check\n"
    )
    assert [i.text for i in found] == ["Add `^build` to the typecheck target"]
    assert any("what its lead-in says a change brings" in d.message for d in diagnostics)


def test_a_checklist_for_when_something_happens_is_a_procedure() -> None:
    found, _ = parse(
        "## Action items\n\n- Write the verification script\n\n"
        "## Prevention\n\nWhen creating a new target that runs TypeScript:\n\n"
        "- [ ] Check the target's dependencies\n- [ ] Test with a clean build\n"
    )
    assert [i.text for i in found] == ["Write the verification script"]


def test_steps_that_resolved_the_incident_are_the_story() -> None:
    found, diagnostics = parse(
        "## How the earlier write-up helped\n\n### Quick resolution path\n\n"
        "1. **Recognised the pattern** from the error\n"
        "2. **Checked the earlier postmortem** for the fix\n3. **Applied the documented fix** at once\n\n"
        "## Process improvements\n\n- Add a lint rule for missing build dependencies\n"
    )
    assert [i.text for i in found] == ["Add a lint rule for missing build dependencies"]
    assert any("steps that resolved the incident" in d.message for d in diagnostics)


def test_a_change_note_under_a_fix_heading_reports_the_fix_done() -> None:
    found, _ = parse(
        "## Root cause\n\nThe writer skipped a byte when nullness was off.\n\n"
        "## Fix\n\nAdded `else p_byteB 0 st` to all four type cases, so a byte is always written:\n\n"
        "```fsharp\n| TType_app -> p_byteB 0 st\n```\n"
    )
    assert [(i.text[:40], i.status, i.confidence) for i in found] == [
        ("Added `else p_byteB 0 st` to all four ty", Status.DONE, "low")
    ]


def test_past_forms_under_a_heading_that_reports_nothing_are_the_story() -> None:
    found, _ = parse("## Root cause\n\nAdded a constraint in 8.0, which shifted every later read.\n")
    assert found == ()


def test_a_numbered_outline_of_sections_is_read_as_sections() -> None:
    found, _ = parse(
        "1. Incident Date\n   - March 30, 2026\n2. Timeline\n   - At 11:00 we noticed no updates.\n"
        "   - A new key was issued.\n3. Root Causes\n   - The key was deleted.\n"
        "4. Preventative Measures\n   - Keys should be issued to services, not people.\n"
        "   - Test alarms as part of production readiness.\n"
        "5. Tracking of Preventative Measures\n   - A configuration drift analysis is needed.\n"
    )
    assert [(i.text, i.status) for i in found] == [
        ("Keys should be issued to services, not people.", None),
        ("Test alarms as part of production readiness.", None),
        ("A configuration drift analysis is needed.", None),  # wanted, not reported done
    ]


def test_a_numbered_list_of_steps_is_no_outline() -> None:
    found, _ = parse(
        "## Summary\n\n1. Deploy\n   - went out at 10:00\n2. Rollback\n   - at 10:20\n3. Recovery\n   - by 11:00\n\n"
        "## Action items\n\n- Add a canary stage\n"
    )
    assert [i.text for i in found] == ["Add a canary stage"]


def test_someone_now_having_a_permission_reports_it_done() -> None:
    found, _ = parse("## Corrective Actions\n\n- Pat and Cory now have permissions to update the filter\n")
    assert [(i.text, i.status) for i in found] == [
        ("Pat and Cory now have permissions to update the filter", Status.DONE)
    ]


def test_template_placeholders_in_an_action_table_are_neither_owners_nor_items() -> None:
    found, _ = parse(
        "## Action Items\n\n| Action Item | Owner | Reference |\n|---|---|---|\n"
        "| Write the release process | ??? | **TODO** |\n| ... another item | ?? | **TODO** |\n"
        "| Explore a beta channel | andre | **TODO** |\n"
    )
    assert [(i.text, i.owner) for i in found] == [
        ("Write the release process", None),
        ("Explore a beta channel", "andre"),
    ]


def test_a_commitment_in_an_analysis_section_is_read() -> None:
    found, _ = parse(
        "## Analysis\n\nThe cluster reserved more memory than the services used. The scheduler then refused "
        "new instances.\n\nAs the main action from this review, we plan to change how the cluster reserves "
        "resources.\n"
    )
    assert [i.text for i in found] == [
        "As the main action from this review, we plan to change how the cluster reserves resources."
    ]


def test_a_lead_in_reporting_preventive_changes_makes_the_list_below_them() -> None:
    found, _ = parse(
        "The certificates expired overnight.\n\n"
        "To prevent similar issues in the future, we've made a few changes along with longer-term work:\n\n"
        "1. A periodic job has been added that renews the certificates.\n"
        "2. We have enabled phone escalation for the on-call account.\n"
        "3. The reliance on the API will be removed for private repositories.\n"
    )
    assert [i.status for i in found] == [Status.DONE, Status.DONE, Status.OPEN]


def test_a_labelled_action_spelt_out_by_the_list_below_is_one_item() -> None:
    found, _ = parse(
        "## Improvement plan\n\nJump server access: Configure an external jump server, allowing:\n"
        " - SSH access through one host.\n - Per-user authorized keys.\n"
    )
    assert [(i.text, i.extra.get("description")) for i in found] == [
        (
            "Jump server access: Configure an external jump server",
            "SSH access through one host.; Per-user authorized keys.",
        )
    ]


def test_a_lead_in_that_is_no_action_leaves_its_list_to_be_read() -> None:
    found, _ = parse(
        "## Improvement plan\n\nSecurity review: the auditors found two gaps, with:\n"
        " - Rotate the shared key.\n - Remove the old admin account.\n"
    )
    assert [i.text for i in found] == ["Rotate the shared key.", "Remove the old admin account."]


def test_list_entries_pushed_into_code_by_wide_spacing_are_read_as_text() -> None:
    found, _ = parse(
        "The pre-agreed maintenance actions:\n\n1.            Point all services to DC2\n"
        "2.            Reboot the standby balancer\n\n"
        "What happened:\n\n1.            Point all services to DC2.\n2.            Reboot the standby.\n\n"
        "Agreed actions:\n\n1.            Test the failover again, as we no longer have the logs.\n"
        "2.            Ensure we update the status page if we are seeing customer impact.\n"
    )
    # The plan carried out during the incident and the story are no items; the agreed actions are, and an
    # order's clause of reason or condition ("as we no longer have …") does not make it done: it is open.
    assert [(i.text, i.status) for i in found] == [
        ("Test the failover again, as we no longer have the logs.", Status.OPEN),
        ("Ensure we update the status page if we are seeing customer impact.", Status.OPEN),
    ]


def test_an_indented_code_block_of_its_own_stays_code() -> None:
    found, _ = parse("## Action items\n\n- Raise the pool size:\n\n        pool_size = 50\n")
    assert [i.text for i in found] == ["Raise the pool size:"]


def test_a_table_whose_column_names_the_remediation_required_is_an_action_table() -> None:
    found, _ = parse(
        "## Current state\n\n| Repository | Remediation Action Required | Current Status |\n|---|---|---|\n"
        "| `acme/spec` | Restore the branch head to the last good commit | **🔴 OUTSTANDING** (still bad) |\n"
        "| `acme/gen` | Delete the compromised branch | **Done** (deleted at 07:00) |\n"
    )
    assert [(i.text, i.status) for i in found] == [
        ("Restore the branch head to the last good commit", Status.OPEN),
        ("Delete the compromised branch", Status.DONE),
    ]


def test_measures_announced_as_being_enacted_are_items_beside_an_action_list() -> None:
    found, _ = parse(
        "## Action items\n\n- Rotate the bot token\n\n"
        "## Lessons learned\n\nThe following mandates are being enacted across the organization:\n\n"
        "1. **Isolation of privileged contexts:** We will stop running installs in privileged workflows.\n"
        "2. **Deprecation of global tokens:** The organization is deprecating global tokens for automation.\n\n"
        "## Observations\n\n- Reviews were slow\n"
    )
    assert [(i.text[:30], i.status) for i in found] == [
        ("Rotate the bot token", None),
        ("Isolation of privileged contex", Status.OPEN),  # "We will …": the wording says still to do
        ("Deprecation of global tokens: ", Status.IN_PROGRESS),
    ]


def test_a_paragraph_opened_by_an_order_under_an_improvements_heading_is_an_item() -> None:
    found, _ = parse(
        "## Improvements\n\nMistakes are chances to learn, and here are some of the lessons we have taken.\n\n"
        "Improve our monitoring, especially around mainnet. This includes paging the right people.\n\n"
        "Reduce the time from fix to release. Two releases were needed this time.\n"
    )
    assert [i.text[:35] for i in found] == [
        "Improve our monitoring, especially ",
        "Reduce the time from fix to release",
    ]


def test_a_long_question_heading_naming_prevention_holds_its_titled_entries() -> None:
    found, _ = parse(
        "## What is being done to prevent future incidents?\n\n"
        "1. **Decouple the website and the registry**: Right now the site depends on the registry. "
        "We are planning to add a replica for the site.\n"
        "2. **Move attachments out of the database**: Work has begun to move the tarballs to object storage.\n"
    )
    # "being done" names no status; "we are planning to" is an intention; "work has begun" is under way.
    assert [(i.text[:20], i.status) for i in found] == [
        ("Decouple the website", None),
        ("Move attachments out", Status.IN_PROGRESS),
    ]


def test_tickets_created_to_track_the_work_are_items_even_in_the_story() -> None:
    found, _ = parse(
        "## Details\n\nWe changed the proxy config twice during the incident.\n\n"
        "For the curious, the changes made are:\n\n- https://github.com/acme/build/pull/3226\n\n"
        "We have created tickets in the acme/build repository to track the work needed to fill those gaps:\n\n"
        "- https://github.com/acme/build/issues/3235\n- https://github.com/acme/build/issues/3236\n"
    )
    assert [(i.text, i.confidence) for i in found] == [
        ("https://github.com/acme/build/issues/3235", "low"),
        ("https://github.com/acme/build/issues/3236", "low"),
    ]


def test_a_bold_titled_entry_is_judged_by_its_title_not_its_long_explanation() -> None:
    explanation = "It is a static analyser for workflow files, and it would have flagged the risky trigger. " * 6
    story = "The nodes then failed to start. " * 12
    found, _ = parse(
        "## Summary\n\n"
        "- **Mainnet:** operators restarted their nodes to apply the release, and the timeouts were too short "
        f"for the databases to close. {story}\n\n"
        f"## Hardening\n\n- **Adding `zizmor` as a required check on every repo.** {explanation}\n"
    )
    # The label over the story is judged whole, its length included.
    assert [i.text[:30] for i in found] == ["Adding `zizmor` as a required "]


def test_the_write_ups_own_changelog_and_generic_promises_are_not_items() -> None:
    found, _ = parse(
        "## Next steps\n\n- Pin every action to a commit\n\n## What we take from this\n\nWe'll do better.\n\n"
        "## Changelog\n\n- 2026-05-15 — Corrected the package count in the summary.\n"
    )
    assert [i.text for i in found] == ["Pin every action to a commit"]


def test_work_reported_done_since_the_incident_is_an_item_wherever_it_is_told() -> None:
    found, _ = parse(
        "## Action items\n\n- Run a second ceremony\n\n"
        "## Before the ceremony\n\nA new member overwrote their keypair by running a wrong command. We have since "
        "published a fix that asks before overwriting a keypair. The proxy then failed too.\n"
    )
    assert [(i.text, i.status, i.confidence) for i in found] == [
        ("Run a second ceremony", None, "high"),
        ("We have since published a fix that asks before overwriting a keypair.", Status.DONE, "low"),
    ]


def test_since_as_a_time_is_no_report() -> None:
    found, _ = parse("## Before the ceremony\n\nWe have been running this setup since March without trouble.\n")
    assert found == ()


def test_how_the_incident_was_resolved_is_the_story() -> None:
    found, diagnostics = parse(
        "## Fix / Resolution\n\nThe site was restored by:\n\n- Enabling application passwords.\n"
        "- Choosing one canonical domain.\n\n## Fix\n\nThe fix was to:\n\n1. Export the glossary.\n"
        "2. Regenerate the import file.\n\n## Prevention / Hardening\n\n- Keep a minimal test file.\n"
    )
    assert [i.text for i in found] == ["Keep a minimal test file."]
    assert sum("how the incident was resolved" in d.message for d in diagnostics) == 2


def test_response_actions_tell_the_response() -> None:
    found, _ = parse(
        "## Response Actions\n\n1. **Escalation**: Opened a priority ticket with the provider\n\n"
        "### Resolution\n\nThe provider removed the caching rule.\n\n"
        "## Future Considerations\n\n1. **Monitoring**: Implement alerts for asset loading failures\n"
    )
    assert [i.text for i in found] == ["Monitoring: Implement alerts for asset loading failures"]


def test_a_status_update_saying_the_team_is_on_it_is_no_item() -> None:
    found, _ = parse("Some routes are failing in the west.\n\nWe are working on it.\n")
    assert found == ()


def test_a_purpose_clause_does_not_make_a_concrete_commitment_generic() -> None:
    found, _ = parse(
        "The storage was unavailable for six hours.\n\n"
        "To prevent similar issues from recurring, we will be conducting emergency maintenance to repair the array.\n\n"
        "We will do everything to prevent similar incidents. We will also discuss the steps taken in a later post.\n"
    )
    assert [i.text[:40] for i in found] == ["To prevent similar issues from recurring"]


def test_a_summary_previewing_the_follow_ups_adds_none_of_its_own() -> None:
    found, _ = parse(
        "## Summary\n\nThe relay missed blocks. Additionally, we are implementing safeguards to prevent "
        "similar failures.\n\n## Looking forward\n\n- Add a simulator health check\n"
    )
    assert [i.text for i in found] == ["Add a simulator health check"]


def test_a_summary_alone_is_still_read() -> None:
    found, _ = parse("## Summary\n\nThe relay missed blocks. We are adding a simulator health check.\n")
    assert [i.text for i in found] == ["We are adding a simulator health check."]


def test_a_question_closed_by_initials_is_no_item_and_a_checkbox_outranks_a_code_marker() -> None:
    found, _ = parse("## Actions\n\nWho owns the queue? **JP**\n\nSpeed up the deploys **NW**\n")
    assert [(i.text, i.owner) for i in found] == [("Speed up the deploys", "NW")]
    found, _ = parse("## Next steps\n\n- [x] `TODO`: Alert on key expiry dates.\n")
    assert [(i.text, i.status) for i in found] == [("`TODO`: Alert on key expiry dates.", Status.DONE)]
