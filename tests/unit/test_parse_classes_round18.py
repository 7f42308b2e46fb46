"""Classes of writing met in blind batches 83 onwards and in the classes left open before them (issue 27,
eighteenth round): each rule checked on made-up documents written the way those classes write, never on a
corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Status
from sync.core.parse.evidence import conditional_rules, heading_strength, names_rules
from sync.core.parse.sections import classify_title
from tests.unit.test_parse_classes_round12 import _STORY, items

_ACTIONS = "## Action items\n\n- [x] Restore the wiki from the nightly dump\n- [ ] Alert on disk usage over 80 %\n\n"


@pytest.mark.parametrize(
    "label",
    ["**ALWAYS:**", "**NEVER:**", "Do's:", "**Don’ts:**", "**For schema changes:**", "### For Future Deployments"],
)
def test_standing_rules_and_a_checklist_for_each_occasion_are_no_items(label: str) -> None:
    body = f"{_STORY}{_ACTIONS}## Recommendations\n\n{label}\n\n1. Take a snapshot first\n2. Keep a session open\n"
    assert [item.text for item in items(body)] == [
        "Restore the wiki from the nightly dump",
        "Alert on disk usage over 80 %",
    ]


def test_a_label_naming_a_thing_still_groups_its_work() -> None:
    # "For the database:" names what the work is on, not an occasion: its entries stay items.
    body = f"{_STORY}## Next steps\n\n**For the database:**\n\n- Add an index on pages.title\n- Move dumps offsite\n"
    assert [item.text for item in items(body)] == ["Add an index on pages.title", "Move dumps offsite"]


def test_a_prevention_strategy_beside_the_action_list_is_no_more_work() -> None:
    body = (
        f"{_STORY}{_ACTIONS}## Prevention strategies\n\n**For disk changes:**\n1. Check free space first\n"
        "2. Resize during a quiet hour\n\n**Deciding whether to rebuild:**\n"
        "- If the restore takes longer than a rebuild: rebuild\n- If data may be corrupt: rebuild\n"
    )
    assert len(items(body)) == 2


def test_conditions_open_every_entry_of_a_decision_rule() -> None:
    assert conditional_rules(["If the restore is slow: rebuild", "When in doubt, ask"])
    assert not conditional_rules(["If the restore is slow: rebuild", "Add an alert"])
    assert not conditional_rules(["If the restore is slow: rebuild"])  # one entry is no rule list


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("What I would do differently", "lessons"),
        ("What we'd do differently with hindsight", "lessons"),
        ("What we will do differently", "actions"),
        ("What we're doing differently", "actions"),
    ],
)
def test_hindsight_is_a_lesson_and_a_plan_is_actions(title: str, kind: str) -> None:
    assert classify_title(title) == kind


def test_what_the_writer_would_do_differently_is_no_list_of_work() -> None:
    body = f"{_STORY}{_ACTIONS}## Retrospective\n\n**What I would do differently:**\n- Test on a spare VM first\n"
    assert [item.status for item in items(body)] == [Status.DONE, Status.OPEN]


def test_present_is_no_typo_of_prevent() -> None:
    assert heading_strength("Features Present") == heading_strength("Features")
    assert heading_strength("Prevnetion") > heading_strength("Features")  # a real typo still leans
    assert names_rules("For network changes:") and not names_rules("For the network team:")
