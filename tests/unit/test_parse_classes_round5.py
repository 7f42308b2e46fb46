"""Classes of writing from blind batch 30 onwards (issue 27, fifth round): each rule checked on made-up
documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import ActionItem, Status
from sync.core.parse.blocks import _lettered_as_numbered
from sync.core.parse.evidence import (
    LEANING,
    advises_others,
    commits_in_prose,
    heading_strength,
    is_status_update,
    names_procedure,
    notes_a_state,
    prose_status,
    reports_action,
    reports_response,
    states_actions,
)
from tests.parsed import items_of


def items(body: str) -> tuple[ActionItem, ...]:
    return items_of("Cache outage 2026-03-04", body)


def test_under_a_taken_lead_in_an_item_keeps_the_tense_it_is_written_in() -> None:
    found = items(
        "## Actions taken\n\nWe have taken a few actions to limit the damage:\n\n"
        "* We have blocked the abusive clients at the edge.\n"
        "* We have started measuring egress per client and are working on stricter limits.\n"
        "* We will move the archives behind the CDN.\n"
    )
    assert [(i.text[:30], i.status) for i in found] == [
        ("We have blocked the abusive cl", Status.DONE),
        ("We have started measuring egre", Status.IN_PROGRESS),
        ("We will move the archives behi", Status.OPEN),
    ]


def test_under_a_completed_heading_a_checked_promise_stays_done() -> None:
    (item,) = items("## Completed actions\n\n- [x] We will rotate the keys every quarter\n")
    assert item.status is Status.DONE


@pytest.mark.parametrize(
    "sentence",
    [
        "Going forward we will be deploying a staging server and developing against it.",
        "In the future we are looking to create a clearer error page.",
        "We will be immediately implementing stricter review rules for migrations.",
        "We need to continue watching the latency metrics for two more weeks.",
        "From now on the platform team is going to pin every base image.",
    ],
)
def test_a_commitment_after_a_time_lead_in_or_with_need_to_is_read(sentence: str) -> None:
    assert commits_in_prose(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "We need to sample the events our system receives against every open wait.",
        "We need to be careful.",
        "We will be really sorry about this.",
        "The data we will need is in the appendix.",
    ],
)
def test_a_need_or_will_that_names_no_work_is_no_commitment(sentence: str) -> None:
    assert not commits_in_prose(sentence)


@pytest.mark.parametrize(
    "text",
    [
        "If these vendors wish to be good citizens, they need to start acting like it.",
        "We are asking all crawler operators to respect cache headers.",
        "We also ask that they honour robots.txt.",
        "Those providers should publish their address ranges.",
    ],
)
def test_a_request_to_others_is_advice_not_our_action(text: str) -> None:
    assert advises_others(text)


@pytest.mark.parametrize(
    "text",
    [
        "We also ask you to bear in mind that we are upgrading the storage hardware.",
        "We are asking our team to review every alert rule.",
        "We will add a CDN in front of the archives.",
    ],
)
def test_a_notice_to_readers_or_a_request_to_our_team_is_no_advice(text: str) -> None:
    assert not advises_others(text)


def test_requests_to_others_under_next_steps_are_not_items() -> None:
    found = items(
        "## Next steps\n\n- We are asking all crawler operators to respect cache headers.\n"
        "- If these vendors wish to be good citizens, they need to start acting like it.\n"
        "- Move the archives behind the CDN.\n"
    )
    assert [i.text for i in found] == ["Move the archives behind the CDN."]


@pytest.mark.parametrize(
    "sentence",
    [
        "For users who signed up after the 4th, we have reached out to them directly to explain.",
        "We've also added information to our login news about the data loss.",
        "Upon declaring the incident, we made the decision to restore the last working backup.",
        "After checking both repositories I have made the change final, and the build farm is now back in service.",
    ],
)
def test_a_report_of_the_response_itself_is_no_item(sentence: str) -> None:
    assert reports_response(sentence)
    found = items(f"## How will we respond?\n\n{sentence}\n\nWe will add a restore drill to every release.\n")
    assert [i.text for i in found] == ["We will add a restore drill to every release."]


def test_a_report_of_preventive_work_is_no_response() -> None:
    assert not reports_response("We have added an alert on the replication lag.")


def test_a_finding_reported_is_no_work_done() -> None:
    found = items(
        "## Resolution\n\nWe re-imported the rows from a dump. One row was missing but we have identified the "
        "missing data in the admin chat.\n\nWe will add a dry-run mode to the quota script.\n"
    )
    assert [i.text for i in found] == ["We will add a dry-run mode to the quota script."]


@pytest.mark.parametrize(
    ("text", "notice"),
    [
        ("Public access to the mirror will remain suspended until a new host is ready.", True),
        ("The old endpoint stays read-only until further notice.", True),
        ("Ensure the queue remains paused during deploys.", False),
        ("Keep the old endpoint read-only until the migration ends.", False),
    ],
)
def test_a_notice_of_a_state_is_told_from_an_order_about_one(text: str, notice: bool) -> None:
    assert notes_a_state(text) is notice


def test_a_state_notice_in_next_steps_is_no_item() -> None:
    found = items(
        "## Our next steps\n\n- We will migrate to another hosting provider.\n"
        "- Public access to the mirror will remain suspended until a new host is ready.\n"
    )
    assert [i.text for i in found] == ["We will migrate to another hosting provider."]


def test_entries_lettered_as_paragraphs_completing_a_reported_lead_in_are_done_items() -> None:
    found = items(
        "**Post mortem:**\n\nAfter working with our vendor, we've now deployed a permanent fix to:\n\n"
        "a) Resolve the bug that corrupted the records\n\nb) Add deployment checks for every DNS change\n\n"
        "We apologise for the disruption.\n"
    )
    assert [(i.text, i.status) for i in found] == [
        ("Resolve the bug that corrupted the records", Status.DONE),
        ("Add deployment checks for every DNS change", Status.DONE),
    ]


def test_entries_completing_a_plain_promise_are_open() -> None:
    found = items("We will patch the importer to:\n\n- Retry lookups twice\n- Log failures\n")
    assert [(i.text, i.status) for i in found] == [("Retry lookups twice", Status.OPEN), ("Log failures", Status.OPEN)]


def test_entries_completing_a_promise_are_work_still_to_do() -> None:
    found = items(
        "Going forward we will change our release process to:\n\n- Run the canary for an hour\n- Page on errors\n"
    )
    assert [i.text for i in found] == ["Run the canary for an hour", "Page on errors"]
    assert all(i.status in (None, Status.OPEN) for i in found)


@pytest.mark.parametrize(
    ("text", "numbered"),
    [
        ("a) one\n\nb) two\n", "1) one\n\n2) two\n"),
        ("(a) one\n(b) two\n", " 1) one\n 2) two\n"),
        ("a) one\n\nc) three\n", "a) one\n\nc) three\n"),  # out of order: left as written
        ("Plan a) only\n", "Plan a) only\n"),
    ],
)
def test_letters_in_order_are_read_as_a_numbered_list_of_the_same_width(text: str, numbered: str) -> None:
    assert _lettered_as_numbered(text) == numbered


def test_a_when_lead_in_that_reports_work_is_no_procedure() -> None:
    assert names_procedure("When deploying a new resolver:")
    assert not names_procedure("After working with the vendor, we've deployed a fix to:")


def test_a_status_note_after_a_semicolon_gives_the_status() -> None:
    (item,) = items("## Action items\n\n- Purge all proxy logs; Completed as of 2026-03-09.\n")
    assert item.status is Status.DONE


@pytest.mark.parametrize(
    ("sentence", "commits"),
    [
        ("To fix this issue we will add end-to-end tests to the image build.", True),
        ("Next time we will try to use a different hosting provider.", True),
        (
            "Furthermore, we'll be auditing our reliance on third-party networks, to ensure similar incidents "
            "do not affect availability.",
            True,
        ),
        ("We continue to work to find an intermediary so that the funds can be returned.", True),
        ("We will continue to update this page with status updates.", False),
        ("We will try to be better.", False),
    ],
)
def test_commitments_with_lead_ins_attempts_and_continuations(sentence: str, commits: bool) -> None:
    assert commits_in_prose(sentence) is commits


def test_live_status_page_updates_are_the_story_not_items() -> None:
    assert is_status_update("*Mitigating* - We continue to work to resolve remaining issues.")
    assert is_status_update("Resolved: a permanent fix has been implemented.")
    assert not is_status_update("Resolve the DNS bug.")
    found = items(
        "*Mitigated* - All systems recovered. We'll continue to work towards a permanent resolution.\n\n"
        "As a result of this incident we have set up a public status page.\n"
    )
    assert [(i.text, i.status) for i in found] == [
        ("As a result of this incident we have set up a public status page.", Status.DONE)
    ]


def test_question_headings_about_avoiding_it_in_future_lean_to_actions() -> None:
    assert heading_strength("What could be done to avoid this in future?") == LEANING


@pytest.mark.parametrize(
    "opening",
    [
        "We are committed to learning from this. Below are steps we are committed to taking as a result.",
        "As a result of the bug, Acme is committing to numerous changes to ensure this does not happen again.",
        "Here are the changes we will make.",
    ],
)
def test_a_section_opened_by_naming_the_writers_commitments_is_an_action_section(opening: str) -> None:
    found = items(
        f"## Looking forward\n\n{opening}\n\n#### Engineering\n\n- Introduce a rollout ring for the extension.\n"
        "- Log extension versions for admins.\n"
    )
    assert [(i.text, i.confidence) for i in found] == [
        ("Introduce a rollout ring for the extension.", "high"),
        ("Log extension versions for admins.", "high"),
    ]


def test_a_section_opened_by_other_words_keeps_its_leaning_reading() -> None:
    found = items("## Looking forward\n\nWe learnt a lot.\n\n- Introduce a rollout ring for the extension.\n")
    assert [(i.text, i.confidence) for i in found] == [("Introduce a rollout ring for the extension.", "low")]


@pytest.mark.parametrize(
    ("sentence", "commits"),
    [
        ("This week we will add a second resolver.", True),
        ("For the next release we will run the migration on a copy first.", True),
        ("Once the vendor ships the patch we will upgrade every node.", True),
        ("We are actively overhauling the moderation queue.", True),
        ("We are currently seeing elevated error rates.", False),
        ("This post explains how we'll work to prevent it.", False),
        ("The data we will need is in the appendix.", False),
    ],
)
def test_adverbial_openings_and_work_under_way(sentence: str, commits: bool) -> None:
    assert commits_in_prose(sentence) is commits


def test_key_value_annotations_give_the_fields_and_empty_ones_none() -> None:
    found = items(
        "## Action items (TODOs)\n\n"
        "- [x] Add stale-mount alerting (owner=eng, priority=high, due=2026-01-15)\n"
        "- [x] Enable the recovery timer. (owner=ops, priority=medium, due=2026-01-20, done=2026-01-16)\n"
        "- [x] Investigate the crash from the logs (owner=, priority=, due=)\n"
    )
    assert [(i.text, i.owner, i.priority and i.priority.value, str(i.deadline), i.status) for i in found] == [
        ("Add stale-mount alerting", "eng", "P1", "2026-01-15", Status.DONE),
        ("Enable the recovery timer.", "ops", "P2", "2026-01-20", Status.DONE),
        ("Investigate the crash from the logs", None, None, "None", Status.DONE),
    ]


def test_technical_changes_beside_an_action_list_are_how_it_was_fixed() -> None:
    found = items(
        "## Technical changes\n\n1. Modified the form to:\n   - Submit to our endpoint\n\n"
        "2. Added loading indicators during submission\n\n## Action items\n\n1. Create a catalogue of vendors.\n"
    )
    assert [i.text for i in found] == ["Create a catalogue of vendors."]


@pytest.mark.parametrize(
    ("sentence", "response"),
    [
        ("NFS and SMB services have been suspended temporarily.", True),
        ("The problem has been fixed and the validator is back on line.", True),
        ("The retention job has been rewritten to stream rows.", False),
    ],
)
def test_what_the_response_switched_off_or_on_is_the_response(sentence: str, response: bool) -> None:
    assert reports_response(sentence) is response


def test_a_perception_in_the_passive_is_no_report_of_work() -> None:
    assert not reports_action("According to the moderators, the errors have been seen by the dev team.")
    assert reports_action("The stale certificates have been removed.")


def test_a_label_saying_what_the_fixed_system_now_does_holds_no_items() -> None:
    found = items(
        "## Going forward\n\n**The sync jobs are now fully operational and will:**\n- ✅ Capture every new PR\n"
        "- ✅ Update changed issues\n\n**Still to do:**\n- Add error logging for failed upserts\n"
    )
    assert [i.text for i in found] == ["Add error logging for failed upserts"]


def test_a_preventive_lead_in_under_a_prevention_heading_names_the_list_beside_an_action_section() -> None:
    found = items(
        "## Action items\n\n- Rotate the database password\n\n## Prevention\n\nTo prevent similar issues:\n"
        "1. Add error logging for failed upserts\n2. Alert when no new rows arrive for an hour\n\n"
        "## Fix / Resolution\n\nThe fix was to:\n\n1. Re-export the schema\n2. Regenerate the file\n"
    )
    assert [i.text for i in found] == [
        "Rotate the database password",
        "Add error logging for failed upserts",
        "Alert when no new rows arrive for an hour",
    ]


def test_a_sentence_naming_the_incidents_action_items_is_one() -> None:
    assert states_actions("For this incident, our action items included tasks such as rotating keys.")
    assert not states_actions("Action items are tracked in Jira.")
    found = items(
        "## Review\n\nWe met a week later.\n\nFor this incident, our action items included tasks such as "
        "rotating keys and deleting CI logs after 48 hours.\n"
    )
    assert [i.text[:47] for i in found] == ["For this incident, our action items included ta"]


@pytest.mark.parametrize(
    "text",
    [
        "**Resolved** This incident has been resolved.",
        "**Partly Resolved** - This incident has been resolved.",
        "Update #1 at 2018-09-22 23:15 EDT",
        "MONITORING at 2018-09-23 00:05 EDT",
    ],
)
def test_status_page_labels_without_a_dash_and_timestamped_log_entries_are_updates(text: str) -> None:
    assert is_status_update(text)


def test_timestamped_log_entries_and_bold_resolved_lines_are_no_items() -> None:
    found = items(
        "## Game events\n\n**Resolved** This incident has been resolved.  \nAug 19, 00:42\n\n"
        "- 22:20 to 00:05: we worked a queue backlog\n  - Update #1 at 2018-09-22 23:15 EDT\n"
        "    - Summary: workers seized up\n"
    )
    assert found == ()


def test_an_entry_labelled_remedial_actions_is_an_item_without_its_label() -> None:
    found = items(
        "#### Downtime on March 3rd\n\n- **Time**:\n  - Down: 15:21 UTC\n- **Reason**: the generator used every core.\n"
        "- **Remedial Actions**: I am going to limit the generator's threads. If it fails again I will stop it.\n"
    )
    assert [(i.text, i.status, i.confidence) for i in found] == [
        ("I am going to limit the generator's threads.", Status.OPEN, "low")
    ]


@pytest.mark.parametrize(
    ("sentence", "commits"),
    [
        ("I'm moving back to the LTS release, which I should not have left.", True),
        ("We're also looking at ways of monitoring for corruption.", True),
        ("Finally, I'm going to add a factory method to the cog.", True),
        ("We are looking at the logs.", False),
    ],
)
def test_first_person_contractions_and_looking_at_ways(sentence: str, commits: bool) -> None:
    assert commits_in_prose(sentence) is commits


def test_a_project_underway_is_work_in_progress_and_how_am_i_fixing_it_leans_to_actions() -> None:
    assert prose_status("A project is also underway to replace the bridges.") == "in_progress"
    assert heading_strength("How am I fixing it?") == LEANING
