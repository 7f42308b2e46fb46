"""Edges of the linear-time rewrites in lint (issue 24.2); the inputs that were slow are hang-guarded in
tests/property/test_hostile_input.py."""

from __future__ import annotations

from sync.core.lint.sentences import sentences
from sync.core.parse import parse_document
from sync.core.parse.front_matter import check_expansion


def texts(markdown: str) -> list[tuple[int, str]]:
    return [(s.line, s.text) for s in sentences(markdown, 1)]


def test_an_abbreviation_followed_by_several_dots_does_not_end_a_sentence() -> None:
    assert texts("We paged ops, sre etc.. Then it healed.") == [(1, "We paged ops, sre etc.. Then it healed.")]


def test_a_long_word_before_a_full_stop_ends_the_sentence() -> None:
    assert texts("Restarted thecoordinatorservice. Then it healed.") == [
        (1, "Restarted thecoordinatorservice."),
        (1, "Then it healed."),
    ]


def test_sentences_of_a_wrapped_paragraph_keep_their_lines() -> None:
    assert texts("First one.\nSecond\nwraps. Third\none.") == [
        (1, "First one."),
        (2, "Second wraps."),
        (3, "Third one."),
    ]


def test_comments_are_blanked_up_to_their_end_and_an_unclosed_one_is_prose() -> None:
    assert texts("Kept. <!-- hidden. --> Shown.\n\n<!-- not closed. Still prose.") == [
        (1, "Kept."),
        (1, "Shown."),
        (3, "<!-- not closed."),
        (3, "Still prose."),
    ]


def test_a_scalar_anchor_counts_one_value() -> None:
    check_expansion("a: &x 1\nb: [*x, *x]\n")
    result = parse_document("---\na: &x 1\nb: [*x, *x]\n---\n# T\n\n## Action Items\n\n- x (@kim)\n", "pm.md")
    assert result.postmortem is not None and result.postmortem.metadata == {"a": 1, "b": [1, 1]}
