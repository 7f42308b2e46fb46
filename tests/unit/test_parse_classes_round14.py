"""Classes of writing met in blind batches 67 onwards (issue 27, fourteenth round): each rule checked on made-up
documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Status
from tests.unit.test_parse_classes_round12 import _STORY, items


@pytest.mark.parametrize(
    "sentence",
    [
        "Next time we won't restore from the replica before checking its lag.",
        "Next time I see the disk filling up, I'm just going to add a volume.",
        "I'm definitely going to add a second reviewer for migrations.",
    ],
)
def test_a_rule_or_promise_the_writers_set_in_a_lesson_is_an_item(sentence: str) -> None:
    found = items(f"{_STORY}## 1. Replicas are not backups\n\nWe trusted the replica. {sentence}\n")
    assert [item.text for item in found] == [sentence]
    assert found[0].status is Status.OPEN


@pytest.mark.parametrize(
    "sentence",
    [
        "We won't let this happen again.",  # a reassurance, no work
        "We are still investigating how this happened.",  # looking for the cause, not a follow-up
        "I started working on this at 09:40 and restarted the database.",  # the response, told
    ],
)
def test_a_reassurance_or_the_response_told_is_no_item(sentence: str) -> None:
    assert items(f"{_STORY}## Notes\n\nThe pages are back. {sentence}\n") == ()


def test_a_list_the_writers_say_they_are_working_through_is_under_way() -> None:
    found = items(
        f"{_STORY}## Improving recovery\n\n"
        "We are currently working on improving our recovery procedures. Work is split across the following issues:\n\n"
        "* [Hourly snapshots of the wiki database (#12)](https://example.org/issues/12)\n"
        "* [Investigate point-in-time recovery (#13)](https://example.org/issues/13)\n\n"
        "We are also working on a second replica. More information on this can be found at:\n\n"
        "* [Replica for the wiki database (#14)](https://example.org/issues/14)\n"
    )
    assert [(item.text.split(" (#")[0], item.status) for item in found] == [
        ("Hourly snapshots of the wiki database", Status.IN_PROGRESS),
        ("Investigate point-in-time recovery", Status.IN_PROGRESS),
        ("Replica for the wiki database", Status.IN_PROGRESS),
    ]


def test_a_list_after_a_sentence_that_only_points_to_it_is_not_under_way() -> None:
    found = items(
        f"{_STORY}## Improving recovery\n\nThe outage showed gaps. The following issues track them:\n\n"
        "* Investigate point-in-time recovery (#13)\n"
    )
    assert [item.status for item in found] != [Status.IN_PROGRESS]


def test_work_the_writers_started_with_the_topic_named_first_is_under_way() -> None:
    found = items(
        f"{_STORY}## Improving recovery\n\nBackups are now checked by hand.\n\n"
        "Monitoring wise we also started working on a public dashboard for the backups.\n"
    )
    assert [(item.text, item.status) for item in found] == [
        ("Monitoring wise we also started working on a public dashboard for the backups.", Status.IN_PROGRESS)
    ]


@pytest.mark.parametrize(
    "heading", ["## Conclusions - What We Plan to Change", "## What we intend to fix", "## What we are going to do"]
)
def test_a_heading_that_says_what_the_writers_plan_to_change_holds_items(heading: str) -> None:
    found = items(f"{_STORY}{heading}\n\n* Add an alert on disk usage.\n* Rotate the logs daily.\n")
    assert [item.text for item in found] == ["Add an alert on disk usage.", "Rotate the logs daily."]


def test_an_order_keeps_its_own_status_whatever_the_sentence_after_it_reports() -> None:
    found = items(
        f"{_STORY}## Improvements\n\n"
        "* Test the restore before the next upgrade. (A plan that has been dreamed up under pressure is weak.)\n"
        "* Add an alert on disk usage.\n"
    )
    assert [item.status for item in found] == [Status.OPEN, Status.OPEN]


def test_meeting_notes_name_who_takes_each_to_do_in_brackets() -> None:
    found = items(
        f"{_STORY}## To do\n\n- draft the apology email (Romeo)\n- move the dumps off site (Salt)\n"
        "- renew the certificate (Salt)\n- send the invoices (everyone)\n- check the replica (Dana?)\n"
    )
    assert [item.owner for item in found] == ["Romeo", "Salt", "Salt", "everyone", "Dana?"]
    assert found[0].text == "draft the apology email (Romeo)"  # the team's own wording stays


@pytest.mark.parametrize(
    "entries",
    [
        # Tools in brackets, no name twice: no one owns these.
        "- add dashboards (Grafana)\n- add error tracking (Sentry)\n- page the on-call (Pagerduty)\n",
        # Too few to say the notes work that way.
        "- draft the apology email (Romeo)\n- renew the certificate (Romeo)\n",
        # An acronym or a remark is no one.
        "- register with the foundation (OSI)\n- write down the (RTO)\n- add a replica (if available)\n",
    ],
)
def test_brackets_that_name_no_one_leave_the_owner_unset(entries: str) -> None:
    found = items(f"{_STORY}## To do\n\n{entries}")
    assert len(found) == entries.count("- ") and all(item.owner is None for item in found)


def test_a_verb_whose_past_is_its_base_form_reports_work_among_past_forms() -> None:
    found = items(
        f"{_STORY}## Immediate actions\n\n### 3. Recovery planning\n\n"
        "- Implemented a disk usage alert\n- Set up nightly dumps\n- Put the dumps off site\n"
    )
    assert [item.status for item in found] == [Status.DONE] * 3
    alone = items(f"{_STORY}## Next steps\n\n- Set up nightly dumps\n- Add a disk usage alert\n")
    assert [item.status for item in alone] != [Status.DONE] * 2
