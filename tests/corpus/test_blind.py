"""Issue 27's guard: every earlier corpus stays at 100 %, each blind batch at or above the score recorded
after its fixes (``tests/corpus/blind/scores.json``, written by ``bench/parser_score.py --record``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sync.core.model import ActionItem
from sync.core.parse import parse_document
from tests.corpus.scoring import SetScore, blind_batches, blind_sets, corpus_sets, recorded

RECORDED: dict[str, Any] = recorded()
ROOT = Path(__file__).resolve().parents[2]


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


def test_house_template_documents_are_read_with_confidence() -> None:
    # Issue 27: low-confidence items at most 10 % on documents written in the house template.
    paths = sorted((ROOT / "tests/corpus/shared").glob("s0*.md")) + sorted((ROOT / "examples/postmortems").glob("*.md"))
    found: list[ActionItem] = []
    for path in paths:
        postmortem = parse_document(path.read_bytes(), str(path)).postmortem
        found.extend(postmortem.action_items if postmortem is not None else ())
    assert len(paths) >= 10 and found
    assert sum(1 for item in found if item.confidence == "low") <= 0.10 * len(found)
