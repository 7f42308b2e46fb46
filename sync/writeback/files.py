"""Write-back's I/O edge: apply :func:`sync.core.writeback.plan_writeback` to a document on disk, atomically.

The document is only replaced when its bytes still hash to what pmsync parsed (a document edited since is
reported and left alone), and only through a temp file in the same directory that is fsynced, given the
original's permission bits and renamed over it, so a reader or a crash sees either the old or the new file,
never a torn one. Temp files are named ``.<name>.pmsync-<random>.tmp``; one left by a killed run is removed by
the next write-back of the same document.

Writes stay inside the documents' folders: a document is written (and temp files beside it created or
removed) only when its real path lies inside the real path of its source root — the folder of
``[sources] paths`` it is found under (:func:`sync.documents.source_roots`), else (a path given on the
command line elsewhere) its own folder. A document that is a symlink to a file elsewhere (``/etc/…``,
another checkout), or found in a symlinked sub-folder that leads out of its source root, is reported as
failed and left alone; a link that stays inside is written through.

The three file-system calls that decide durability (fsync, the rename, opening the directory to fsync it) are
taken from a :class:`FileOps`, so tests inject failures and crashes at exactly those steps.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sync.core.writeback import ItemWriteback, WritebackResult, plan_writeback

log = logging.getLogger(__name__)

WritebackStatus = Literal["written", "unchanged", "skipped-modified", "failed"]
_TEMP_SUFFIX = ".tmp"


@dataclass(frozen=True)
class WritebackOutcome:
    """What happened to one document; ``changed_lines``, ``skipped`` (cells kept because they name another
    ticket), ``status_shown`` and ``status_edited`` come from the plan when there was one
    (:class:`~sync.core.writeback.WritebackResult`)."""

    status: WritebackStatus
    detail: str
    changed_lines: tuple[int, ...] = ()
    skipped: tuple[tuple[int, str], ...] = ()
    status_shown: tuple[int, ...] = ()
    status_edited: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class FileOps:
    """The durability-critical file-system calls: ``os.fsync``, ``os.replace`` and ``os.open`` by default."""

    fsync: Callable[[int], None] = os.fsync
    replace: Callable[[Path, Path], None] = os.replace
    open_directory: Callable[[Path], int] = lambda directory: os.open(directory, os.O_RDONLY)


OS_FILES = FileOps()


def write_back(
    path: Path,
    expected_sha256: str,
    updates: Sequence[ItemWriteback],
    *,
    files: FileOps = OS_FILES,
    roots: Sequence[Path] | None = None,
) -> WritebackOutcome:
    """Write ``updates`` into the document at ``path`` if it is still the version hashed as ``expected_sha256``
    and its real path is inside its source root among ``roots`` (see the module's docstring)."""
    # Write through a symlink to its target, so the link survives the rename.
    target = Path(os.path.realpath(path))
    if _root_of(path, roots) not in target.parents:
        log.warning("%s leads outside the documents folder (to %s); not written back", path, target)
        return WritebackOutcome(
            "failed", f"{path} is a link to {target}, outside the documents folder; not written back"
        )
    _remove_stale_temps(target)
    try:
        original = target.read_bytes()
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError as exc:
        return WritebackOutcome("failed", f"cannot read {path}: {exc}")
    if hashlib.sha256(original).hexdigest() != expected_sha256:
        return WritebackOutcome("skipped-modified", f"{path} changed since it was parsed; run pmsync sync again")
    try:
        text = original.decode("utf-8")  # not utf-8-sig: a BOM stays in the text and is re-encoded as it was
    except UnicodeDecodeError as exc:
        return WritebackOutcome("failed", f"{path} is not UTF-8: {exc}")
    plan = plan_writeback(text, updates)
    if plan.text == text:
        return _outcome("unchanged", f"{path} already up to date", plan)
    try:
        written = _replace_atomically(target, original, plan.text.encode("utf-8"), mode, files)
    except OSError as exc:
        return _outcome("failed", f"cannot write {path}: {exc}", plan)
    if not written:
        return _outcome("skipped-modified", f"{path} changed during write-back; run pmsync sync again", plan)
    log.info("Wrote back %d line(s) of %s", len(plan.changed_lines), path)
    return _outcome("written", f"{path}: {len(plan.changed_lines)} line(s) updated", plan)


def _root_of(path: Path, roots: Sequence[Path] | None) -> Path:
    """The real folder ``path`` must stay inside: the source root it is spelled under, else its own folder."""
    spelled = Path(os.path.abspath(path))
    for root in roots or ():
        if Path(os.path.abspath(root)) in spelled.parents:
            return Path(os.path.realpath(root))
    return Path(os.path.realpath(spelled.parent))


def _outcome(status: WritebackStatus, detail: str, plan: WritebackResult) -> WritebackOutcome:
    return WritebackOutcome(
        status,
        detail,
        changed_lines=plan.changed_lines,
        skipped=plan.skipped,
        status_shown=plan.status_shown,
        status_edited=plan.status_edited,
    )


def _temp_prefix(target: Path) -> str:
    return f".{target.name}.pmsync-"


def _remove_stale_temps(target: Path) -> None:
    for stale in target.parent.glob(f"{_temp_prefix(target)}*{_TEMP_SUFFIX}"):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
            log.info("Removed stale write-back temp file %s", stale)


def _replace_atomically(target: Path, original: bytes, data: bytes, mode: int, files: FileOps) -> bool:
    """Replace ``target`` with ``data``; False (and nothing written) if it no longer holds ``original``."""
    tmp = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed by the with below; made outside it so failures can remove it
        dir=target.parent, prefix=_temp_prefix(target), suffix=_TEMP_SUFFIX, delete=False
    )
    tmp_path = Path(tmp.name)
    try:
        with tmp:
            os.fchmod(tmp.fileno(), mode)
            tmp.write(data)
            tmp.flush()
            files.fsync(tmp.fileno())
        # Narrow the window for a concurrent edit to the instant between this check and the rename.
        if target.read_bytes() != original:
            tmp_path.unlink()
            return False
        files.replace(tmp_path, target)  # the single step that makes the new content visible
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise
    _fsync_directory(target.parent, files)
    return True


def _fsync_directory(directory: Path, files: FileOps) -> None:
    """Persist the rename itself; the file is already replaced, so a failure here is only logged."""
    try:
        fd = files.open_directory(directory)
    except OSError as exc:
        log.warning("Could not open %s to fsync it: %s", directory, exc)
        return
    try:
        files.fsync(fd)
    except OSError as exc:
        log.warning("Could not fsync directory %s: %s", directory, exc)
    finally:
        os.close(fd)
