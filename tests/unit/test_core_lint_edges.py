"""Sentence splitting on table cells that hold only emphasis markers (found by the fuzz test, pinned here
so the branch does not depend on what hypothesis happens to draw)."""

from __future__ import annotations

from sync.core.lint.sentences import Sentence, sentences


def test_a_cell_of_bare_emphasis_markers_is_no_sentence() -> None:
    assert list(sentences("| ** | Fix it. |\n| __ | Then ship it. |\n", first_line=3)) == [
        Sentence(3, "Fix it."),
        Sentence(4, "Then ship it."),
    ]
