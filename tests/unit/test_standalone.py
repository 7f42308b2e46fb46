"""The repository stands alone (issue 22): nothing the project runs or tests reads outside it.

A user's clone has nothing beside it, so a path that climbs out of the repository (``../shared``, ``parents[3]``
from a test file, an absolute ``/work/shared``) would make the README's test command fail or, worse, skip silently.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("sync", "mappings", "reports", "tests", "bench", ".ci", "examples", "docs")
SUFFIXES = {".py", ".sh", ".toml", ".yaml", ".yml", ".md", ".cfg", ""}
# A path out of the repository: the old shared folder by name, an absolute /work path, or ROOT.parent.
OUTSIDE = re.compile(
    r"""(\.\./shared|["']\.\.["']\s*/\s*["']shared["']|/work/shared|ROOT\.parent\b|parents\[2\]\.parent)"""
)


def _files() -> list[Path]:
    found = [ROOT / "pyproject.toml", ROOT / "Dockerfile", ROOT / "config.example.toml"]
    for top in SCANNED:
        for path in (ROOT / top).rglob("*"):
            if path.is_file() and path.suffix in SUFFIXES and "__pycache__" not in path.parts:
                found.append(path)
    return found


def test_no_file_reads_outside_the_repository() -> None:
    offenders = []
    for path in _files():
        if path == Path(__file__).resolve():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_pattern_catches_the_ways_a_path_leaves() -> None:
    for line in (
        'CORPUS = ROOT / ".." / "shared" / "postmortems"',
        "SPECS = Path('/work/shared/specs')",
        'X = ROOT.parent / "shared"',
        "see ../shared/postmortems",
    ):
        assert OUTSIDE.search(line), line
    assert not OUTSIDE.search('CORPUS = ROOT / "tests" / "corpus" / "shared"')
    assert not OUTSIDE.search('score_set("shared", CORPUS_ROOT / "shared" / "ground_truth.json")')


def test_the_corpus_and_the_api_descriptions_are_in_the_repository() -> None:
    corpus = ROOT / "tests" / "corpus" / "shared"
    assert (corpus / "ground_truth.json").is_file()
    assert (corpus / "README.md").is_file()
    assert len(list(corpus.glob("*.md"))) >= 20
    specs = ROOT / "tests" / "fakes" / "specs"
    for name in ("github-issues.prism-compat.openapi.json", "jira-platform.prism-compat.openapi.json", "README.md"):
        assert (specs / name).is_file(), name
