"""Discovery and loading of documents from disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sync.core.model import DiagnosticSeverity
from sync.documents import discover, load_documents

DOC = "# T\n\n## Action Items\n- Fix it\n"


def test_discover_expands_directories_sorted_and_deduplicates(tmp_path: Path) -> None:
    (tmp_path / "b.md").write_text(DOC)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.md").write_text(DOC)
    (tmp_path / "c.txt").write_text(DOC)
    found = discover([tmp_path / "b.md", tmp_path, tmp_path / "missing.md"])
    assert found == [tmp_path / "b.md", tmp_path / "sub" / "a.md", tmp_path / "missing.md"]


def test_load_reports_unreadable_files_and_continues(tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text(DOC)
    results = list(load_documents([tmp_path / "missing.md", good]))
    assert results[0].postmortem is None
    assert [(d.severity, d.code) for d in results[0].diagnostics] == [(DiagnosticSeverity.ERROR, "PM005")]
    assert results[1].postmortem is not None and results[1].postmortem.action_items[0].text == "Fix it"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads anything")
def test_permission_denied_is_a_diagnostic(tmp_path: Path) -> None:
    locked = tmp_path / "locked.md"
    locked.write_text(DOC)
    locked.chmod(0)
    try:
        (result,) = load_documents([locked])
    finally:
        locked.chmod(0o644)
    assert result.postmortem is None and result.diagnostics[0].code == "PM005"


# --- what is a post-mortem, and what is never read (issue 18.6) ------------------------------------


def _pm(text: str) -> object:
    from sync.core.parse import parse_document

    result = parse_document(text.encode(), "x.md")
    assert result.postmortem is not None
    return result.postmortem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# About\n\nThese are our post-mortems.\n\n- be blameless\n", False),
        ("# Notes\n\n## Timeline\n- 10:00 paged\n", False),
        ("# T\n\n- **Incident ID:** INC-7\n\nText.\n", True),
        ("# T\n\n- **Severity:** SEV-2\n", True),
        ("# T\n\n- **Review Date:** 2026-03-05\n", True),
        (DOC, True),
    ],
)
def test_is_postmortem_needs_a_summary_field_or_an_action_section(text: str, expected: bool) -> None:
    from sync.core.model import PostMortem
    from sync.documents import is_postmortem

    pm = _pm(text)
    assert isinstance(pm, PostMortem)
    assert is_postmortem(pm) is expected


def test_excluded_files_are_left_out_of_directories_but_not_when_named(tmp_path: Path) -> None:
    from sync.documents import excluder

    for name in ("README.md", "inc-1.md", "drafts/inc-2.md", "drafts/deep/inc-3.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(DOC)
    excluded = excluder(["README.md", f"{tmp_path}/drafts/*"])
    assert discover([tmp_path], excluded) == [tmp_path / "inc-1.md"]
    assert discover([tmp_path / "README.md"], excluded) == [tmp_path / "README.md"]  # asked for by name
    assert [r.path for r in load_documents([tmp_path], exclude=excluded)] == [str(tmp_path / "inc-1.md")]
    relative = excluder(["drafts/*"])  # a path pattern also matches the path as it was given
    assert relative(Path("drafts/inc-2.md")) and not relative(Path("inc-1.md"))
