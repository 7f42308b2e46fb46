"""Issue 27's guard: every earlier corpus stays at 100 %, each blind batch at or above the score recorded
after its fixes (``tests/corpus/blind/scores.json``, written by ``bench/parser_score.py --record``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.corpus.scoring import SetScore, blind_batches, blind_sets, corpus_sets, recorded

RECORDED: dict[str, Any] = recorded()


def _problems(score: SetScore) -> list[str]:
    return [f"{d.file}: {p}" for d in score.documents for p in d.problems]


@pytest.fixture(scope="module")
def corpora() -> list[SetScore]:
    return corpus_sets()


def test_earlier_corpora_stay_exact(corpora: list[SetScore]) -> None:
    for score in corpora:
        assert (score.right, score.extra) == (score.total, 0), (score.name, _problems(score))


def test_corpora_items_are_confident(corpora: list[SetScore]) -> None:
    # The corpora were written with action sections: an item found there is found where items are written.
    for score in corpora:
        assert score.low <= 0.10 * score.items, (score.name, score.low, score.items)


def test_every_blind_batch_has_its_blind_score_recorded() -> None:
    for batch in blind_batches():
        assert "blind" in RECORDED.get(batch.name, {}), f"{batch.name}: score it blind before changing the parser"


@pytest.mark.parametrize("score", blind_sets(), ids=lambda s: s.name)
def test_blind_batch_keeps_its_recorded_score(score: SetScore) -> None:
    after = RECORDED.get(score.name, {}).get("after") or RECORDED[score.name]["blind"]
    assert score.right >= after["right"], (score.name, score.right, after, _problems(score))
    assert score.extra <= after["extra"], (score.name, score.extra, after, _problems(score))
