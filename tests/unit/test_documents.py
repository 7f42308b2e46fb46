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
