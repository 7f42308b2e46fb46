"""Write-back on disk: only the parsed version is replaced, atomically, with its permissions, and crashes leave
the original intact."""

from __future__ import annotations

import hashlib
import logging
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sync.core.writeback import ItemWriteback
from sync.writeback.files import OS_FILES, FileOps, WritebackOutcome, write_back

ROOT = Path(__file__).resolve().parents[2]
DOC = "# PM\n\n| # | Action | Status |\n|---|---|---|\n| 1 | Add an alert | Open |\n| 2 | Runbook | Open |\n"
WRITTEN = (
    "# PM\n\n| # | Action | Status | Ticket |\n|---|---|---|---|\n"
    "| 1 | Add an alert | Done | LOC-1 |\n| 2 | Runbook | Open | |\n"
)
UPDATES = (ItemWriteback(number=1, line=5, ticket_markdown="LOC-1", status_label="Done"),)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def temps(directory: Path) -> list[Path]:
    return sorted(directory.glob(".*.pmsync-*.tmp"))


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "pm.md"
    path.write_bytes(DOC.encode("utf-8"))
    return path


def test_written_replaces_the_document_and_leaves_no_temp(doc: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="sync.writeback.files")
    outcome = write_back(doc, sha(DOC.encode()), UPDATES)
    assert outcome == WritebackOutcome(
        "written", f"{doc}: 4 line(s) updated", changed_lines=(3, 4, 5, 6), status_shown=(1,)
    )
    assert doc.read_bytes() == WRITTEN.encode()
    assert temps(doc.parent) == []
    assert f"Wrote back 4 line(s) of {doc}" in caplog.messages


def test_second_run_with_the_new_hash_is_unchanged(doc: Path) -> None:
    write_back(doc, sha(DOC.encode()), UPDATES)
    before = doc.stat()
    outcome = write_back(doc, sha(WRITTEN.encode()), UPDATES)
    assert outcome.status == "unchanged"
    assert doc.read_bytes() == WRITTEN.encode()
    assert doc.stat().st_ino == before.st_ino  # not even rewritten with equal bytes


def test_unchanged_still_reports_skipped_items(doc: Path) -> None:
    outcome = write_back(
        doc, sha(DOC.encode()), (ItemWriteback(number=9, line=1, ticket_markdown="X-1", status_label="Open"),)
    )
    assert outcome.status == "unchanged"
    assert outcome.skipped == ((9, "line 1 is neither a table row nor a list item"),)


def test_document_edited_since_parse_is_skipped_and_untouched(doc: Path) -> None:
    edited = DOC.replace("Runbook", "Runbook for rollback").encode()
    doc.write_bytes(edited)
    outcome = write_back(doc, sha(DOC.encode()), UPDATES)
    assert outcome.status == "skipped-modified"
    assert "run pmsync sync again" in outcome.detail
    assert doc.read_bytes() == edited


def test_document_edited_while_the_temp_file_is_written_is_skipped(doc: Path) -> None:
    edited = b"# PM\n\nRewritten by a human meanwhile.\n"

    def fsync_while_someone_edits(fd: int) -> None:
        doc.write_bytes(edited)
        os.fsync(fd)

    outcome = write_back(doc, sha(DOC.encode()), UPDATES, files=FileOps(fsync=fsync_while_someone_edits))
    assert outcome.status == "skipped-modified"
    assert doc.read_bytes() == edited
    assert temps(doc.parent) == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"# PM\n\xff\xfe broken\n", "is not UTF-8"),
        ("# PM\n".encode("utf-16"), "is not UTF-8"),
    ],
)
def test_undecodable_document_fails_untouched(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "pm.md"
    path.write_bytes(data)
    outcome = write_back(path, sha(data), UPDATES)
    assert outcome.status == "failed"
    assert message in outcome.detail
    assert path.read_bytes() == data


def test_missing_document_fails(tmp_path: Path) -> None:
    outcome = write_back(tmp_path / "gone.md", sha(b""), UPDATES)
    assert outcome.status == "failed"
    assert outcome.detail.startswith(f"cannot read {tmp_path / 'gone.md'}")


def test_utf8_bom_and_crlf_survive(tmp_path: Path) -> None:
    data = ("\ufeff" + DOC.replace("\n", "\r\n")).encode("utf-8")
    path = tmp_path / "pm.md"
    path.write_bytes(data)
    assert write_back(path, sha(data), UPDATES).status == "written"
    assert path.read_bytes() == ("\ufeff" + WRITTEN.replace("\n", "\r\n")).encode("utf-8")


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664, 0o755])
def test_permission_bits_are_preserved(doc: Path, mode: int) -> None:
    doc.chmod(mode)
    assert write_back(doc, sha(DOC.encode()), UPDATES).status == "written"
    assert stat.S_IMODE(doc.stat().st_mode) == mode


def test_symlink_stays_a_symlink_and_its_target_is_written(doc: Path) -> None:
    link = doc.parent / "link.md"
    link.symlink_to(doc.name)
    assert write_back(link, sha(DOC.encode()), UPDATES).status == "written"
    assert link.is_symlink()
    assert doc.read_bytes() == WRITTEN.encode()


def test_failure_before_the_rename_removes_the_temp_and_keeps_the_original(doc: Path) -> None:
    def refuse(tmp: Path, target: Path) -> None:
        raise PermissionError(13, "Permission denied", str(target))

    outcome = write_back(doc, sha(DOC.encode()), UPDATES, files=FileOps(replace=refuse))
    assert outcome.status == "failed"
    assert "Permission denied" in outcome.detail
    assert outcome.changed_lines == (3, 4, 5, 6)
    assert doc.read_bytes() == DOC.encode()
    assert temps(doc.parent) == []


def test_interrupt_before_the_rename_propagates_and_removes_the_temp(doc: Path) -> None:
    def interrupted(tmp: Path, target: Path) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_back(doc, sha(DOC.encode()), UPDATES, files=FileOps(replace=interrupted))
    assert doc.read_bytes() == DOC.encode()
    assert temps(doc.parent) == []


@pytest.mark.slow
def test_process_killed_before_the_rename_leaves_the_original_and_the_next_run_cleans_up(doc: Path) -> None:
    # os._exit skips every except/finally, as SIGKILL or a power cut would: the temp file is left behind.
    script = textwrap.dedent(
        """
        import os, sys
        from pathlib import Path
        import sync.writeback.files as io
        from sync.core.writeback import ItemWriteback

        crash = io.FileOps(replace=lambda tmp, target: os._exit(17))
        update = ItemWriteback(number=1, line=5, ticket_markdown="LOC-1", status_label="Done")
        io.write_back(Path(sys.argv[1]), sys.argv[2], [update], files=crash)
        """
    )
    killed = subprocess.run(
        [sys.executable, "-c", script, str(doc), sha(DOC.encode())], cwd=ROOT, capture_output=True, check=False
    )
    assert killed.returncode == 17, killed.stderr
    assert doc.read_bytes() == DOC.encode()
    [orphan] = temps(doc.parent)
    assert orphan.read_bytes() == WRITTEN.encode()

    unrelated = doc.parent / ".other.md.pmsync-keep.tmp"
    unrelated.write_bytes(b"another document's temp file")
    outcome = write_back(doc, sha(DOC.encode()), UPDATES)
    assert outcome.status == "written"
    assert doc.read_bytes() == WRITTEN.encode()
    assert temps(doc.parent) == [unrelated]  # only this document's stale temp files are pmsync's to remove


def test_stale_temp_is_removed_even_when_the_document_was_edited(doc: Path) -> None:
    stale = doc.parent / f".{doc.name}.pmsync-abc123.tmp"
    stale.write_bytes(b"half-written")
    assert write_back(doc, "0" * 64, UPDATES).status == "skipped-modified"
    assert not stale.exists()


def test_directory_fsync_failure_is_logged_not_fatal(doc: Path, caplog: pytest.LogCaptureFixture) -> None:
    def fsync_files_only(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(22, "Invalid argument")
        os.fsync(fd)

    assert write_back(doc, sha(DOC.encode()), UPDATES, files=FileOps(fsync=fsync_files_only)).status == "written"
    assert doc.read_bytes() == WRITTEN.encode()
    assert any(r.levelno == logging.WARNING and "Could not fsync directory" in r.getMessage() for r in caplog.records)


def test_directory_that_cannot_be_opened_is_logged_not_fatal(doc: Path, caplog: pytest.LogCaptureFixture) -> None:
    def refuse(directory: Path) -> int:
        raise PermissionError(13, "Permission denied", str(directory))

    assert write_back(doc, sha(DOC.encode()), UPDATES, files=FileOps(open_directory=refuse)).status == "written"
    assert doc.read_bytes() == WRITTEN.encode()
    assert any("Could not open" in r.getMessage() for r in caplog.records)


def test_the_default_file_ops_are_the_operating_systems(tmp_path: Path) -> None:
    fd = OS_FILES.open_directory(tmp_path)
    try:
        OS_FILES.fsync(fd)  # a directory opened read-only can be fsynced
    finally:
        os.close(fd)
    assert OS_FILES.replace is os.replace
