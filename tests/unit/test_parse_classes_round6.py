"""Classes of writing met in blind batches 35 onwards (issue 27, sixth round): each rule checked on made-up
documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import ActionItem, Priority, Status
from sync.core.parse import parse_document
from sync.core.parse.blocks import parse_tree
from sync.core.parse.candidates import label_group
from sync.core.parse.evidence import (
    LEANING,
    NARRATIVE,
    commits_in_prose,
    heading_strength,
    ongoing_work,
    prose_status,
    reports_action,
    reports_done_work,
    worded_deadline,
)
from sync.core.parse.items import Group
from tests.parsed import items_of


def items(body: str) -> tuple[ActionItem, ...]:
    return items_of("Queue outage 2026-03-04", body)


@pytest.mark.parametrize(
    "sentence",
    [
        "In future no single maintainer will hold the only copy of the signing key.",
        "Going forward, every schema migration will be reviewed by a second engineer.",
        "From now on, all deploys will go through the staging cluster first.",
        "Henceforth the on-call rota will never have fewer than two people.",
    ],
)
def test_a_rule_set_from_now_on_is_a_commitment_whoever_its_subject(sentence: str) -> None:
    assert commits_in_prose(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Going forward, the service will be more resilient.",
        "In the future, similar incidents will be prevented.",
        "From now on, users will be happy with the new dashboard.",
        "The old dashboard will have a new colour.",
    ],
)
def test_a_hope_or_a_prediction_is_no_rule(sentence: str) -> None:
    assert not commits_in_prose(sentence)


def test_a_rule_under_a_mitigation_heading_is_read_as_an_uncertain_item() -> None:
    found = items(
        "## How will we stop this happening again?\n\n"
        "We learned a lot. In future no single maintainer will hold the only copy of the signing key.\n"
    )
    assert [item.text[:40] for item in found] == ["In future no single maintainer will hold"]
    assert found[0].status in (None, Status.OPEN)


@pytest.mark.parametrize("title", ["How do we do this?", "How did I do it", "How it works", "Implementation details"])
def test_a_heading_explaining_how_the_fix_works_is_narrative(title: str) -> None:
    assert heading_strength(title) == NARRATIVE


def test_the_code_of_a_fix_explained_under_the_fix_heading_is_no_item() -> None:
    found = items(
        "## How am I going to fix this?\n\n"
        "First, I am going to move the timers into a shared registry.\n\n"
        "## How do I do this?\n\n"
        "- The registry is implemented as a dictionary on the bot object.\n"
        "- The unload method is called when the module is unloaded.\n"
        "- It is implemented in the scheduler class as `self.registry = Registry()`.\n"
    )
    assert [item.text[:40] for item in found] == ["First, I am going to move the timers int"]


def test_the_sentence_ending_in_a_colon_labels_the_list_after_a_story() -> None:
    found = items(
        "## Lessons\n\n"
        "Once the queue drained we spent two days discussing what should change. Here are some actions:\n\n"
        "- Publish a chart of the queue latency.\n"
        "- Document the failover procedure.\n"
    )
    assert [item.text for item in found] == [
        "Publish a chart of the queue latency.",
        "Document the failover procedure.",
    ]


def test_a_long_story_ending_in_a_colon_is_no_label() -> None:
    found = items(
        "## Lessons\n\n"
        "Once the queue drained we looked at the graphs and saw what the workers had been doing all night:\n\n"
        "- Retry the same job every second.\n"
        "- Fill the disk with logs.\n"
    )
    assert found == ()


def test_a_list_opened_by_past_forms_throughout_reports_work_done() -> None:
    found = items(
        "## Preventive actions\n\n"
        "- Migrated the database traffic to the dedicated interfaces\n"
        "- Reduced reliance on the onboard card for bulk transfers\n"
        "- Documented the card settings and the incident\n"
    )
    assert [item.status for item in found] == [Status.DONE] * 3


def test_adjective_like_openers_alone_state_no_status() -> None:
    found = items("## Preventive actions\n\n- Reduced reliance on the onboard card\n- Improved alerting on the queue\n")
    assert [item.status for item in found] == [None, None] or all(i.status is Status.OPEN for i in found)


def test_a_passive_report_with_all_or_both_is_done_and_a_state_is_not_work_going_on() -> None:
    found = items(
        "## Actions\n\n"
        "* The build servers have all been rebuilt from scratch.\n"
        "* Password hashing has been updated, so we're using a modern algorithm now.\n"
    )
    assert [item.status for item in found] == [Status.DONE, Status.DONE]


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Temporary fix was to upgrade every plugin.", Status.DONE),
        ("The long-term fix is to replace the queue with a log.", None),
        ("Our permanent solution will be to shard the sessions table.", None),
    ],
)
def test_a_fix_named_in_a_sentence_is_an_item(sentence: str, status: Status | None) -> None:
    found = items(f"The mail server sent spam for two days before we noticed. {sentence}\n")
    assert [item.text for item in found] == [sentence]
    assert found[0].status in ((status,) if status is not None else (None, Status.OPEN))


def test_what_we_learned_sub_sections_report_the_changes_made_since() -> None:
    found = items(
        "## What happened\n\nThe queue starved for seven hours.\n\n"
        "## What we learned\n\n### Quicker debugging\n\n"
        "To help debugging, we also created queue latency dashboards.\n\n"
        "### Quicker resolution\n\n"
        "**Job dropping flag:** We created a flag that drops a worker's jobs before they run.\n\n"
        "**Notice:** Jobs have been resumed.\n"
    )
    assert [(item.text[:45], item.status) for item in found] == [
        ("To help debugging, we also created queue late", Status.DONE),
        ("Job dropping flag: We created a flag that dro", Status.DONE),
    ]


def test_the_response_told_under_a_story_heading_stays_the_story() -> None:
    found = items(
        "## The incident\n\nJobs starved every queue.\n\n"
        "**Resolution:** We ran a script to delete the jobs of the worker.\n\n"
        "**Detection:** An engineer noticed the queue build-up.\n"
    )
    assert found == ()


@pytest.mark.parametrize(
    "sentence", ["In this post, I'll walk you through the outage.", "In this section, we will break down the steps."]
)
def test_what_the_write_up_itself_does_is_no_commitment(sentence: str) -> None:
    assert not commits_in_prose(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "We now have the ability to test new images internally before they go live.",
        "We can now roll back a single customer's environment.",
        "Since last week, we are now able to fail over the database in one step.",
    ],
)
def test_a_capability_the_writers_now_have_reports_work_done(sentence: str) -> None:
    assert reports_done_work(sentence)


def test_we_can_without_now_reports_nothing() -> None:
    assert not reports_done_work("We can test new images internally if someone asks.")


def test_a_progressive_after_a_time_to_come_is_a_plan_with_its_deadline() -> None:
    sentence = "Starting with the next release, we're changing how rollouts work."
    assert prose_status(sentence) == "open"
    assert worded_deadline(sentence) == "the next release"
    assert prose_status("We're changing how rollouts work.") == "in_progress"


@pytest.mark.parametrize(
    ("sentence", "frame"),
    [
        ("In the coming weeks we will set aside maintenance windows for stress tests.", "In the coming weeks"),
        ("This upgrade will be conducted within the day.", "within the day"),
        ("We will publish a fuller retrospective in the near future.", "in the near future"),
        ("We will move the mirrors over the next month or two.", "over the next month or two"),
    ],
)
def test_a_time_frame_in_words_is_the_deadline_as_written(sentence: str, frame: str) -> None:
    assert worded_deadline(sentence) == frame


def test_a_lead_in_naming_a_time_frame_gives_it_to_every_entry() -> None:
    found = items(
        "## What happened\n\nThe database lost its replica.\n\n"
        "## Next steps\n\n"
        "The most important changes we will implement over the next month or two include:\n\n"
        "1. Storing binlogs on a separate server.\n"
        "2. Testing full restores every quarter.\n"
    )
    assert [(item.text[:20], item.deadline_raw, item.deadline) for item in found] == [
        ("Storing binlogs on a", "over the next month or two", None),
        ("Testing full restore", "over the next month or two", None),
    ]


def test_a_lead_in_naming_several_changes_and_a_time_frame_gives_the_frame_to_its_list() -> None:
    def group_of(text: str) -> Group | None:
        paragraph = [node for node in parse_tree(text)[0].children if node.type == "paragraph"][0]
        return label_group(paragraph, None)

    assert group_of("We looked at the graphs over the following days and saw:\n") is None
    found = group_of("The changes we will implement over the next month or two include:\n")
    assert found is not None and found.deadline_raw == "over the next month or two"


def test_a_list_the_writers_name_their_changes_afterwards_holds_items() -> None:
    found = items(
        "Our stream failed after five minutes, despite two servers.\n\n"
        "**Key lessons learned:**\n\n"
        "1. **Early start:** Start the streaming servers an hour before the event.\n"
        "2. **Lower resolution:** Stream at 720p instead of 1080p.\n\n"
        "By implementing these changes, we aim to avoid similar issues at future events.\n"
    )
    assert [item.text[:30] for item in found] == ["Early start: Start the streami", "Lower resolution: Stream at 72"]


def test_a_list_followed_by_the_story_of_its_outcome_holds_none() -> None:
    found = items(
        "Our stream failed after five minutes, despite two servers.\n\n"
        "**Key lessons learned:**\n\n"
        "1. **Early start:** Start the streaming servers an hour before the event.\n"
        "2. **Lower resolution:** Stream at 720p instead of 1080p.\n\n"
        "After those changes the stream was back within minutes.\n"
    )
    assert found == ()


def test_a_general_promise_over_a_list_announces_the_steps() -> None:
    found = items(
        "## Improvements for future releases\n\n"
        "We will take steps to ensure that this sort of problem does not happen in the future.\n\n"
        "* Accounts of former developers no longer have access to the repository.\n"
        "* The 2.1.1 release is now signed with the maintainer's key.\n"
        "* We will investigate signing releases with a code-signing certificate.\n"
    )
    assert [(item.text[:24], item.status) for item in found] == [
        ("Accounts of former devel", Status.DONE),
        ("The 2.1.1 release is now", Status.DONE),
        ("We will investigate sign", Status.OPEN),
    ]


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("Die entsprechenden Gegenmaßnahmen sind getroffen.", "done"),
        ("Diese Funktion des Protokolls wurde zunächst deaktiviert.", "done"),
        ("Parallel versuchen wir mit den Entwicklern herauszufinden, warum sie versagt hat.", "in_progress"),
    ],
)
def test_german_prose_reports_its_tense(sentence: str, status: str) -> None:
    assert prose_status(sentence) == status


def test_a_german_promise_is_a_commitment_and_a_live_update_is_none() -> None:
    assert commits_in_prose("Wir werden die Überwachung der Gateways ausbauen.")
    assert not ongoing_work("Wir arbeiten an einer Lösung.")
    assert not ongoing_work("Wir untersuchen unsere Logfiles.")


@pytest.mark.parametrize(
    "sentence",
    [
        "We will continue to monitor the situation.",
        "We will be doing everything in our power to stop this.",
        "I'll start by saying that backups matter.",
        "I'll add for the record that the stress was high.",
    ],
)
def test_a_live_update_or_the_write_up_s_own_telling_is_no_commitment(sentence: str) -> None:
    assert not commits_in_prose(sentence)


def test_adding_a_thing_that_does_something_stays_a_commitment() -> None:
    assert commits_in_prose("We will add a check that verifies the configuration.")
    assert not reports_action("In the first article, we talked about the automation scripts.")


def test_an_action_list_entry_keeps_its_time_frame_in_words_and_says_it_names_no_date() -> None:
    result = parse_document(
        "# Outage 2026-03-04\n\n## Next steps\n\n"
        "- Move the mirrors over the next month or two (P1, @kim)\n"
        "- Kick off the redesign with the teams next week (P2, @ana)\n",
        "t.md",
    )
    assert result.postmortem is not None
    first, second = result.postmortem.action_items
    assert (first.deadline_raw, first.deadline, second.deadline_raw) == ("over the next month or two", None, None)
    assert any("names no date" in d.message and d.line == 5 for d in result.diagnostics)


def test_a_promise_reported_in_a_that_clause_is_a_commitment() -> None:
    assert commits_in_prose("I want to assure you that I will be building better monitoring for the fetchers.")
    assert not commits_in_prose("The data that we will need is in the archive.")


def test_the_cast_of_the_story_is_no_list_of_items() -> None:
    found = items(
        "## What happened\n\nThe client rejected the server's certificate.\n\n"
        "## The outage\n\n"
        "To tell the story of the outage, I'll introduce a fictional API, so the characters are as follows:\n\n"
        "- **Server**: `https://api.acme.invalid`\n"
        "- **Server root CA**: DigiCert\n"
        "- **Client root CA**: Acme Corp Root CA\n"
    )
    assert found == ()


def test_labelled_entries_that_name_work_stay_items() -> None:
    found = items(
        "Our stream failed after five minutes.\n\n"
        "- **Monitoring**: Add an alert on dropped frames\n"
        "- **Capacity**: Rent a second uplink before the next event\n\n"
        "By implementing these changes, we aim to avoid a repeat.\n"
    )
    assert [item.text[:20] for item in found] == ["Monitoring: Add an a", "Capacity: Rent a sec"]


@pytest.mark.parametrize("title", ["User Next Steps", "Next steps for customers", "Customer action required"])
def test_steps_for_the_readers_are_no_action_section(title: str) -> None:
    assert heading_strength(title) == NARRATIVE
    found = items(
        f"## {title}\n\n"
        "* **Quota changes:** Quotas will not transfer over, so please fill out the request form.\n"
        "* **Group directories:** These need to be created manually; contact the facilitators.\n"
    )
    assert found == ()


def test_a_sub_heading_naming_a_priority_and_a_span_gives_both_to_its_items() -> None:
    result = parse_document(
        "# Outage 2026-03-04\n\n## Action Items\n\n### 🔴 High Priority (1 week)\n\n"
        "1. **Fix the restart policy**\n\n### 🟢 Low Priority (3 months)\n\n"
        "2. **Add service monitoring** - alerting for failures\n3. **Document the update procedure** (P0)\n",
        "t.md",
    )
    assert result.postmortem is not None
    assert [(i.text[:20], i.priority, i.deadline_raw) for i in result.postmortem.action_items] == [
        ("Fix the restart poli", Priority.P1, "1 week"),
        ("Add service monitori", Priority.P2, "3 months"),
        ("Document the update ", Priority.P0, "3 months"),
    ]
    assert any("'1 week' names no date" in d.message for d in result.diagnostics)


def test_a_to_do_label_names_the_list_below_as_the_writers_actions() -> None:
    found = items(
        "## Epilogue\n\nThe server is fine now.\n\nThings I have to do:\n\n"
        "- Never leave a non-essential cron job running while away.\n"
        "- Put in place a monitoring system that sends SMS alerts.\n"
    )
    assert [(item.text[:24], item.status) for item in found] == [
        ("Never leave a non-essent", Status.OPEN),
        ("Put in place a monitorin", Status.OPEN),
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "I'm putting a disk monitor in place for immediate alerting.",
        "We are putting a disk monitor in place for immediate alerting.",
        "We're setting up a second region for the queue.",
        "The team is also configuring rate limits on the gateway.",
    ],
)
def test_a_progressive_of_work_is_a_commitment_however_contracted(sentence: str) -> None:
    assert commits_in_prose(sentence)


def test_a_progressive_of_what_is_seen_is_no_commitment() -> None:
    assert not commits_in_prose("We are seeing elevated error rates on the gateway.")


def test_a_radical_sign_closing_an_entry_is_a_tick() -> None:
    found = items(
        "## Recommendations\n\n* Fix the developer mailing list. √\n* Gather contact info for pool operators ✓\n"
        "* Check that √2 is irrational in the docs\n"
    )
    assert [(item.text, item.status) for item in found] == [
        ("Fix the developer mailing list.", Status.DONE),
        ("Gather contact info for pool operators", Status.DONE),
        ("Check that √2 is irrational in the docs", Status.OPEN),
    ]


def test_the_pros_and_cons_of_an_option_are_no_items() -> None:
    found = items(
        "## Future plans\n\n* We'll keep trying all options and post updates here.\n\n"
        "### 1. Keep the old bootloader\n\nPros:\n\n* Locked bootloader\n\nCons:\n\n"
        "* No security patches to the proprietary parts\n"
    )
    assert not any(item.text.startswith(("Locked bootloader", "No security patches")) for item in found)


def test_a_question_in_an_action_section_is_discussion_unless_it_asks_for_work() -> None:
    found = items(
        "## Discussion and action items\n\n"
        "- What automated checks are being run?\n"
        "- Update the example project to use checksum verification?\n"
        "- Include data about related identifiers (e.g. parent/child?)\n"
        "- Who owns the signing keys? (@kim, P1)\n"
    )
    assert [item.text[:30] for item in found] == [
        "Update the example project to ",
        "Include data about related ide",
        "Who owns the signing keys?",
    ]


def test_preventative_measures_the_writers_introduce_are_items_beside_an_action_section() -> None:
    found = items(
        "## Next steps\n\n- Rotate the release keys (P1, @kim)\n\n"
        "## How do we stop it from repeating?\n\n"
        "In conclusion, after all that we learned from this incident, we are introducing the following processes "
        "as preventative measures:\n\n"
        "- Extra checks to the release procedure to verify the published version.\n"
        "- We will avoid releasing on Fridays.\n"
    )
    assert [item.text[:24] for item in found] == [
        "Rotate the release keys",
        "Extra checks to the rele",
        "We will avoid releasing ",
    ]
    assert heading_strength("How do we stop it from repeating?") == LEANING
