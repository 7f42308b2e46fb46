"""Classes of writing met in blind batches 109 onwards (issue 27, twenty-second round): each rule checked on
made-up documents written the way those classes write, never on a corpus document's text."""

from __future__ import annotations

import pytest

from sync.core.model import Status
from sync.core.parse.options import ParseOptions
from tests.unit.test_parse_classes_round12 import _STORY, items


def test_a_status_in_parentheses_on_the_action_heading_is_every_entrys_status() -> None:
    body = (
        f"{_STORY}## Preventive measures (implemented)\n\n1. **Smoke test** — run the connect check after each build.\n"
        "2. **Explicit error** — raise when the credentials are missing.\n\n"
        "## Next steps (deferred)\n\n- **CI integration** of the smoke test.\n"
    )
    found = items(body)
    assert [(item.text.split(" —")[0], item.status) for item in found] == [
        ("Smoke test", Status.DONE),
        ("Explicit error", Status.DONE),
        ("CI integration of the smoke test.", Status.OPEN),
    ]


def test_the_action_headings_own_words_are_no_status_of_its_entries() -> None:
    # "Next Steps" and a ✅ beside the heading name the section: each entry's own words give its status.
    body = (
        f"{_STORY}## ✅ Next Steps\n\n- We've updated the health checks to cover the pool.\n"
        "- Revoke the vendor's access to the project.\n"
    )
    assert [item.status for item in items(body)] == [Status.DONE, None]


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("внедрены", Status.DONE),
        ("отложено", Status.OPEN),
        ("в работе", Status.IN_PROGRESS),
        ("已完成", Status.DONE),
        ("进行中", Status.IN_PROGRESS),
        ("対応済み", Status.DONE),
        ("未着手", Status.OPEN),
        ("완료", Status.DONE),
        ("w toku", Status.IN_PROGRESS),
        ("tamamlandı", Status.DONE),
    ],
)
def test_status_words_in_the_languages_post_mortems_are_written_in(word: str, status: Status) -> None:
    assert ParseOptions().status(word) is status


def test_a_russian_measures_heading_with_a_parenthesised_status_holds_its_items() -> None:
    body = (
        f"{_STORY}## Меры по предотвращению (внедрены)\n\n1. **Smoke test** после каждой сборки.\n\n"
        "## Меры которые НЕ внедрены (отложены)\n\n- **CI integration** smoke-test после релиза.\n"
    )
    assert [(item.text.split()[0], item.status) for item in items(body)] == [
        ("Smoke", Status.DONE),
        ("CI", Status.OPEN),
    ]
