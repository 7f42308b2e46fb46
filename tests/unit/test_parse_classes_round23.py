"""Classes of writing met in blind batches 121 onwards (issue 27, twenty-third round): each rule checked on
made-up documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Status
from tests.unit.test_parse_classes_round12 import _STORY, items


@pytest.mark.parametrize(
    "lead_in",
    [
        "Now that the cause is known we can avoid this in the future. The future plans are to:",
        "It will not happen again soon, but long-term our plan is to:",
        "The wiki is back. To avoid a repeat we are going to:",
    ],
)
def test_a_plan_the_story_turns_to_is_read_from_the_list_it_completes(lead_in: str) -> None:
    body = f"{_STORY}{lead_in}\n\n1. Add an alert on disk usage.\n2. Move the uploads to object storage.\n"
    found = items(body)
    assert [(item.text, item.status, item.confidence) for item in found] == [
        ("Add an alert on disk usage.", Status.OPEN, "low"),
        ("Move the uploads to object storage.", Status.OPEN, "low"),
    ]


def test_the_response_plan_during_the_incident_is_no_follow_up() -> None:
    # "The game plan is:" in the story: what the responders did next, step by step; nothing looks ahead.
    body = f"{_STORY}The game plan is:\n\n1. Put the wiki in read-only mode.\n2. Copy the data to a bigger disk.\n"
    assert items(body) == ()


@pytest.mark.parametrize("heading", ["## 🛠️ Lo Que Construimos", "## Qué construimos", "## O que construímos"])
def test_what_we_built_in_spanish_or_portuguese_under_an_emoji_is_the_changes_made(heading: str) -> None:
    body = (
        f"{_STORY}{heading}\n\n1. **`backup.sh`** → Copia la base cada noche.\n"
        "2. **`alerts.yml`** → Avisa cuando el disco pasa del 80 %.\n"
    )
    assert [(item.text.split(" →")[0], item.status) for item in items(body)] == [
        ("`backup.sh`", Status.DONE),
        ("`alerts.yml`", Status.DONE),
    ]
