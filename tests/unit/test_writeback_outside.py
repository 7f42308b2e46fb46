"""Issue 24.4: write-back writes, and removes temp files, only inside the documents' folders. A document
that is a symlink to a file elsewhere (or reached through a symlinked sub-folder leading out of its
source root) is reported and left alone, and so are the ``.NAME.pmsync-*.tmp`` files beside it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from click.testing import CliRunner

from sync.cli.main import cli
from sync.core.writeback import ItemWriteback
from sync.documents import source_roots
from sync.writeback.files import write_back

DOC = "# PM\n\n| # | Action | Status |\n|---|---|---|\n| 1 | Add an alert | Open |\n"
UPDATES = (ItemWriteback(number=1, line=5, ticket_markdown="LOC-1", status_label="Done"),)
SHA = hashlib.sha256(DOC.encode()).hexdigest()


def _outside(tmp_path: Path) -> tuple[Path, Path]:
    """A file outside the documents folder, with a temp file of pmsync's naming beside it."""
    outside = tmp_path / "elsewhere" / "victim.md"
    outside.parent.mkdir()
    outside.write_text(DOC, encoding="utf-8")
    temp = outside.parent / ".victim.md.pmsync-abc123.tmp"
    temp.write_text("someone else's file", encoding="utf-8")
    return outside, temp


def test_a_symlink_leading_out_of_the_folder_is_reported_and_nothing_outside_changes(tmp_path: Path) -> None:
    outside, temp = _outside(tmp_path)
    docs = tmp_path / "docs"
    docs.mkdir()
    link = docs / "victim.md"
    link.symlink_to(outside)
    outcome = write_back(link, SHA, UPDATES)
    assert outcome.status == "failed"
    assert "outside the documents folder" in outcome.detail and str(outside) in outcome.detail
    assert outside.read_text(encoding="utf-8") == DOC
    assert temp.exists()


def test_a_symlinked_sub_folder_leading_out_of_the_source_root_is_refused(tmp_path: Path) -> None:
    outside, temp = _outside(tmp_path)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "team").symlink_to(outside.parent, target_is_directory=True)
    outcome = write_back(docs / "team" / "victim.md", SHA, UPDATES, roots=[docs])
    assert outcome.status == "failed"
    assert outside.read_text(encoding="utf-8") == DOC and temp.exists()


def test_a_source_root_reached_through_a_symlink_is_written(tmp_path: Path) -> None:
    real = tmp_path / "checkout" / "docs"
    real.mkdir(parents=True)
    (real / "pm.md").write_text(DOC, encoding="utf-8")
    (tmp_path / "docs").symlink_to(real, target_is_directory=True)
    outcome = write_back(tmp_path / "docs" / "pm.md", SHA, UPDATES, roots=[tmp_path / "docs"])
    assert outcome.status == "written"
    assert "LOC-1" in (real / "pm.md").read_text(encoding="utf-8")


def test_a_link_inside_the_source_root_is_written_through(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "2026").mkdir(parents=True)
    (docs / "2026" / "pm.md").write_text(DOC, encoding="utf-8")
    (docs / "latest").mkdir()
    (docs / "latest" / "pm.md").symlink_to(docs / "2026" / "pm.md")
    assert write_back(docs / "latest" / "pm.md", SHA, UPDATES, roots=[tmp_path / "other", docs]).status == "written"
    assert "LOC-1" in (docs / "2026" / "pm.md").read_text(encoding="utf-8")


def test_source_roots_are_the_folders_before_the_first_wildcard(tmp_path: Path) -> None:
    patterns = ["docs/*.md", "postmortems/**/*.md", "single/file.md", "/abs/[ab]/*.md", "docs/x*.md"]
    assert source_roots(patterns, str(tmp_path)) == (
        tmp_path / "docs",
        tmp_path / "postmortems",
        tmp_path / "single",
        Path("/abs"),
    )
    assert source_roots(patterns, None) is None


def test_sync_write_back_reports_the_link_and_leaves_the_outside_file_alone(tmp_path: Path) -> None:
    outside, temp = _outside(tmp_path)
    outside.write_text(
        "---\nincident_id: INC-7\nseverity: SEV-2\n---\n# Outage\n\n## Action Items\n\n"
        "| # | Action | Owner | Priority | Status |\n|---|---|---|---|---|\n| 1 | Add an alert | @kim | P1 | Open |\n",
        encoding="utf-8",
    )
    before = outside.read_text(encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "inc-7.md").symlink_to(outside)
    config = tmp_path / "pmsync.toml"
    config.write_text(
        f'[sources]\npaths = ["docs/*.md"]\n[state]\nurl = "sqlite:///{tmp_path / "state.db"}"\n'
        '[tracker]\nkind = "local"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--config", str(config), "sync", "--write-back"])
    assert result.exit_code == 1, result.output
    assert "outside the documents folder" in result.output
    assert outside.read_text(encoding="utf-8") == before
    assert temp.exists()
