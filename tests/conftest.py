"""Shared fixtures: paths to the shared corpus and the project's examples."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "postmortems"
EXAMPLES = ROOT / "examples" / "postmortems"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared post-mortem corpus is missing at {CORPUS}")
    return CORPUS
