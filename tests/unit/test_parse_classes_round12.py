"""Classes of writing met in blind batches 61 onwards and in the classes left open before them (issue 27,
twelfth round): each rule checked on made-up documents written the way those classes write, never on a
corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import ActionItem, Status
from sync.core.parse.evidence import LEANING, NARRATIVE, commits_in_prose, heading_strength, worded_deadline
from tests.parsed import items_of


def items(body: str) -> tuple[ActionItem, ...]:
    return items_of("Wiki outage 2026-05-02", body)


_STORY = "## What happened\n\nThe wiki's database filled its disk on Saturday and pages failed to save for a day.\n\n"


@pytest.mark.parametrize(
    ("sentence", "status"),
    [
        ("My next step is to automate the nightly dump.", Status.OPEN),
        ("Our next steps are to add an alert on disk usage.", Status.OPEN),
        ("There are plans to move the uploads to object storage.", Status.OPEN),
        ("I'm working on moving the wiki to the new host.", Status.IN_PROGRESS),
    ],
)
def test_a_plan_stated_as_a_fact_or_work_the_writer_is_on_is_an_item(sentence: str, status: Status) -> None:
    found = items(f"{_STORY}## Aftermath\n\nThe pages are back. {sentence}\n")
    assert [(item.text, item.status, item.confidence) for item in found] == [(sentence, status, "low")]


@pytest.mark.parametrize(
    "sentence",
    [
        "The next step was to restore the last dump.",  # the story of the response
        "As with every failure, the first step is to fix it.",  # how any problem is solved
        "Now that the cause is known, the next step is to resolve the issue.",
        "I'm writing this from the train.",  # the writer, no work
    ],
)
def test_a_step_of_the_response_or_of_any_fix_is_no_item(sentence: str) -> None:
    assert items(f"{_STORY}## Aftermath\n\nThe pages are back. {sentence}\n") == ()


def test_a_problem_entry_whose_later_sentence_plans_the_work_is_one_open_item() -> None:
    found = items(
        "## Problems\n\n"
        "1. The editor crashed on pages with large tables.\n"
        "2. Some templates grew hard to maintain. There are plans to rewrite them before the next release.\n"
    )
    assert [(item.text, item.status) for item in found] == [
        (
            "Some templates grew hard to maintain. There are plans to rewrite them before the next release.",
            Status.OPEN,
        )
    ]


@pytest.mark.parametrize(
    ("text", "frame"),
    [
        ("Rotate the keys ahead of the next testnet upgrade.", "ahead of the next testnet upgrade"),
        ("We will rehearse the failover before the next release.", "before the next release"),
        ("Book the venue before next year's conference.", "before next year's conference"),
    ],
)
def test_the_next_occasion_of_a_recurring_one_is_a_deadline_in_words(text: str, frame: str) -> None:
    assert worded_deadline(text) == frame


def test_an_occasion_in_the_story_is_no_deadline() -> None:
    assert worded_deadline("The bug shipped days before the next release.") is None


_EVENT = "## What happened\n\nThe scoreboard went down twice during the weekend and teams lost their submissions.\n\n"


@pytest.mark.parametrize(
    "sentence",
    [
        "In a future contest that I might run I would plan the schedule better.",
        "Next time, we'd book a bigger room for the finals.",
        "If we run this again, I would probably ask the sponsors earlier.",
    ],
)
def test_what_the_organisers_would_do_next_time_is_an_open_item(sentence: str) -> None:
    found = items(f"{_EVENT}## Thoughts\n\nIt was a fun weekend. {sentence}\n")
    assert [(item.text, item.status, item.confidence) for item in found] == [(sentence, Status.OPEN, "low")]


@pytest.mark.parametrize(
    "sentence",
    [
        "Next time I would do things differently.",  # no work named
        "In the future we would like to thank everyone again.",
        "I would have planned the schedule better.",  # a regret, no next time
    ],
)
def test_a_regret_or_a_conditional_naming_no_work_is_no_item(sentence: str) -> None:
    assert items(f"{_EVENT}## Thoughts\n\nIt was a fun weekend. {sentence}\n") == ()


_IMPROVE = "## Areas of improvement\n\nEvery incident exposes pain points; these are ours.\n\n"


def test_a_topic_title_over_one_promise_leaves_the_promise_as_the_item() -> None:
    found = items(
        f"{_STORY}{_IMPROVE}### Communication\n\n"
        "People kept asking the team for news. To cut the questions, we will have an internal status page.\n"
    )
    assert [(item.text, item.status) for item in found] == [
        ("To cut the questions, we will have an internal status page.", Status.OPEN)
    ]


def test_a_title_that_names_the_change_is_the_item_over_its_reasoning() -> None:
    found = items(
        f"{_STORY}{_IMPROVE}### Better runbooks & cleanup\n\n"
        "Nobody knew where the logs were. We need to write down where each service logs.\n"
    )
    assert [item.text for item in found] == ["Better runbooks & cleanup"]


@pytest.mark.parametrize(
    ("sentence", "commits"),
    [
        ("To help, we will have an internal status page.", True),
        ("To help, we will have a look at the logs.", False),
        ("To help, we will have more information tomorrow.", False),
        ("To help, we will have to wait.", False),
    ],
)
def test_will_have_commits_only_to_a_thing_provided(sentence: str, commits: bool) -> None:
    assert commits_in_prose(sentence) is commits


def test_a_section_named_for_a_day_is_the_story() -> None:
    found = items(
        "## Tuesday — the graphs go flat\n\nI have rebuilt the dashboard from scratch that night.\n\n"
        "## Areas of improvement\n\nWe will add an alert on the request rate per client.\n"
    )
    assert [item.text for item in found] == ["We will add an alert on the request rate per client."]


_LESSONS = "# Lessons learned\n\n## 1. Full restores were too slow\n\nA full restore took two days on the old disks. "


@pytest.mark.parametrize(
    "sentence",
    [
        "Eventually we opted to set up a bucket in a second region.",
        "Due to what we ran into, I added a way to restore a single index.",
    ],
)
def test_work_reported_after_a_lead_in_under_lessons_is_done(sentence: str) -> None:
    found = items(f"{_LESSONS}{sentence}\n")
    assert [(item.text, item.status) for item in found] == [(sentence, Status.DONE)]


def test_what_the_writers_learnt_after_a_lead_in_is_no_report() -> None:
    assert items(f"{_LESSONS}Due to the slow disks, we learned that restores need rehearsing.\n") == ()


@pytest.mark.parametrize(
    "sentence",
    ["I'll say it again, backups matter!", "I'll give it 24-48 hours until I look again.", "We will repeat that."],
)
def test_the_writer_speaking_or_waiting_commits_to_nothing(sentence: str) -> None:
    assert not commits_in_prose(sentence)


_REPORT = "## Candidate data\n\nVolunteers gathered addresses for most candidates this year. "


def test_a_commitment_the_writers_set_in_bold_is_the_item() -> None:
    found = items(
        f"{_REPORT}Fewer partners used the feed than we hoped, so **we should promote the feed to more partners**. "
        "Maps services only came on board late; in advance of the next election **we will approach them in "
        "January**.\n"
    )
    assert [(item.text, item.status) for item in found] == [
        ("we should promote the feed to more partners", Status.OPEN),
        ("we will approach them in January", Status.OPEN),
    ]


@pytest.mark.parametrize(
    "bold",
    [
        "we need to decide whether we keep running the feed",  # a question weighed
        "We will need to consider the survey's usefulness",
        "we should have set targets for photos",  # a regret
        "the feed must carry every candidate",  # another's duty
        "Volunteers did most of the work",  # no commitment
    ],
)
def test_bold_that_weighs_regrets_or_commits_no_writer_is_no_item(bold: str) -> None:
    assert items(f"{_REPORT}Looking back, **{bold}**.\n") == ()


@pytest.mark.parametrize(
    ("sentence", "commits"),
    [
        ("In future, we need to decide whether we keep the service.", False),
        ("We will figure out how the cache filled up.", False),
        ("We will decide on a new provider and migrate by June.", True),
    ],
)
def test_a_question_weighed_is_no_commitment(sentence: str, commits: bool) -> None:
    assert commits_in_prose(sentence) is commits


def test_work_promised_in_the_passive_with_when_it_comes_is_open() -> None:
    found = items(
        f"{_STORY}## What can be changed\n\n"
        "Disk monitoring can probably be set up somehow, and will likely be implemented shortly.\n"
    )
    assert [(item.status, item.confidence) for item in found] == [(Status.OPEN, "low")]


@pytest.mark.parametrize(
    ("sentence", "commits"),
    [
        ("A proposal will soon be created in the forum.", True),
        ("The new dashboards will be deployed shortly.", True),
        ("Blocks will be created every two seconds rather than on every transaction.", False),
        ("The service will be unavailable for an hour.", False),
    ],
)
def test_a_passive_promise_needs_to_say_when(sentence: str, commits: bool) -> None:
    assert commits_in_prose(sentence) is commits


def test_a_change_reported_since_in_the_passive_is_done_even_in_the_story() -> None:
    found = items(
        "## Root cause\n\nThe wiki's disk filled up and its services could not restart. "
        "The server has since been upgraded to a bigger disk.\n"
    )
    assert [(item.text, item.status) for item in found] == [
        ("The server has since been upgraded to a bigger disk.", Status.DONE)
    ]


@pytest.mark.parametrize(
    ("title", "strength"),
    [
        ("What can be changed", LEANING),
        ("What needs to change", LEANING),
        ("What we should do better", LEANING),
        ("What could be improved", NARRATIVE),  # a retrospective's name for what went wrong
    ],
)
def test_a_heading_asking_what_will_change_leans_to_actions(title: str, strength: int) -> None:
    assert heading_strength(title) == strength
