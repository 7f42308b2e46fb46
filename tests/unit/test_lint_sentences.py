"""Sentence splitting keeps the source line each sentence starts on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.core.lint.sentences import Sentence, sentences

PARAGRAPH = """The deploy started at 14:02. The canary was
skipped for config changes. Nobody was paged
until 14:09, when the alert fired.
"""


def test_sentences_start_mid_paragraph_on_later_lines() -> None:
    assert list(sentences(PARAGRAPH, first_line=10)) == [
        Sentence(10, "The deploy started at 14:02."),
        Sentence(10, "The canary was skipped for config changes."),
        Sentence(11, "Nobody was paged until 14:09, when the alert fired."),
    ]


CASES = [
    ("bullets", "- first item\n- second item\n  wraps here\n", [(1, "first item"), (2, "second item wraps here")]),
    (
        "numbered",
        "1. Why 1: pods failed.\n2. Why 2: pool was 0.\n",
        [(1, "Why 1: pods failed."), (2, "Why 2: pool was 0.")],
    ),
    ("checkboxes", "- [ ] Runbook created\n- [x] Test added\n", [(1, "Runbook created"), (2, "Test added")]),
    ("heading", "### What went wrong\nThe alert was late.\n", [(1, "What went wrong"), (2, "The alert was late.")]),
    ("quote", "> Quoted text.\nplain\n", [(1, "Quoted text. plain")]),
    (
        "bold-fields",
        "**Authors:** dana\n**Summary:** The alert failed to fire.\n",
        [(1, "Authors: dana"), (2, "Summary: The alert failed to fire.")],
    ),
    ("plain-fields", "Severity: SEV-2\nStart: 2026-01-01\n", [(1, "Severity: SEV-2"), (2, "Start: 2026-01-01")]),
    ("timeline", "14:02 - push\n14:09 - alert\n", [(1, "14:02 - push"), (2, "14:09 - alert")]),
    (
        "dated-timeline",
        "2026-01-01 10:00 push\n2026-01-01 10:05 alert\n",
        [(1, "2026-01-01 10:00 push"), (2, "2026-01-01 10:05 alert")],
    ),
    (
        "table-cells",
        "| Time | Event |\n|---|---|\n| 14:02 | push done |\n",
        [(1, "Time"), (1, "Event"), (3, "14:02"), (3, "push done")],
    ),
    ("fenced-code", "Before.\n```\nDana forgot. x\n```\nAfter.\n", [(1, "Before."), (5, "After.")]),
    ("tilde-fence", "~~~\ncode\n~~~\n", []),
    ("html-comment", "<!-- guidance: do not\nblame people -->\nText.\n", [(3, "Text.")]),
    ("inline-code", "Run `make deploy. Now` here.\n", [(1, "Run here.")]),
    ("link-target", "See [the doc](http://x.example/a.B) now.\n", [(1, "See [the doc] now.")]),
    ("emphasis", "**Dana** was _paged_.\n", [(1, "Dana was paged.")]),
    ("snake-case-kept", "The max_pool_size was 0.\n", [(1, "The max_pool_size was 0.")]),
    (
        "abbreviation",
        "Use a canary, e.g. Argo rollouts. Then stop.\n",
        [(1, "Use a canary, e.g. Argo rollouts."), (1, "Then stop.")],
    ),
    ("lowercase-after-dot", "Version 1. then more\n", [(1, "Version 1. then more")]),
    (
        "question-and-quote",
        'Why? "Nobody knew." @dana said so!\n',
        [(1, "Why?"), (1, '"Nobody knew."'), (1, "@dana said so!")],
    ),
    ("setext-rule", "Title\n=====\nBody.\n", [(1, "Title"), (3, "Body.")]),
    ("blank-lines", "\n\n   \nOne.\n", [(4, "One.")]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_blocks_and_sentences(text: str, expected: list[tuple[int, str]]) -> None:
    assert [(s.line, s.text) for s in sentences(text, first_line=1)] == expected


def test_skipped_lines_end_the_paragraph() -> None:
    text = "Dana joined.\n| 1 | item | @dana |\nThe end.\n"
    assert [(s.line, s.text) for s in sentences(text, first_line=5, skip_lines={6})] == [
        (5, "Dana joined."),
        (7, "The end."),
    ]


LINE_PIECES = st.sampled_from(
    ["", "- ", "1. ", "| a | b |", "|---|---|", "```", "# Head", "> ", "**Owner:** ", "14:02 - ", "<!--", "-->"]
)
WORDS = st.text(alphabet=st.sampled_from("abc XYZ@.?!`'\"*_-:"), max_size=30)


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(st.tuples(LINE_PIECES, WORDS), max_size=12), first=st.integers(min_value=1, max_value=500))
def test_sentence_lines_stay_in_range_and_in_order(lines: list[tuple[str, str]], first: int) -> None:
    text = "\n".join(prefix + words for prefix, words in lines)
    found = list(sentences(text, first_line=first))
    numbers = [s.line for s in found]
    assert numbers == sorted(numbers)
    assert all(first <= n < first + max(len(lines), 1) for n in numbers)
    assert all(s.text and s.text == s.text.strip() and "\n" not in s.text for s in found)
