"""The parser's I/O edge: find Markdown documents on disk and parse them one by one.

A file that cannot be read (missing, a permission problem, a directory where a file was
expected) becomes a ParseResult with an error diagnostic, so one broken file never stops the rest.

Which files are post-mortems is decided here, not in the parser: ``[sources] exclude`` globs are
never read, and a parsed file without the shape of a post-mortem (:func:`is_postmortem`: no
summary field and no action-item section — a README.md or SOURCES.md beside the documents) is
skipped by sync with one info line instead of becoming an incident.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from sync.core.model import ParseResult, PostMortem
from sync.core.parse import ParseOptions, codes, parse_document
from sync.core.parse.codes import Collector

log = logging.getLogger(__name__)


Excluder = Callable[[Path], bool]


def excluder(patterns: Sequence[str]) -> Excluder:
    """A predicate for ``[sources] exclude``: a pattern without ``/`` matches the file name
    (``README.md``, ``_*.md``), one with ``/`` the whole path (``*`` crosses directories)."""

    def excluded(path: Path) -> bool:
        for pattern in patterns:
            if "/" in pattern:
                if fnmatch.fnmatchcase(str(path), pattern) or fnmatch.fnmatchcase(str(_identity(path)), pattern):
                    return True
            elif fnmatch.fnmatchcase(path.name, pattern):
                return True
        return False

    return excluded


def is_postmortem(pm: PostMortem) -> bool:
    """Whether a parsed document has the shape of a post-mortem: a summary field (id, severity,
    start, end, duration or review date) or an action-item section."""
    summary: tuple[object, ...] = (pm.incident_id, pm.severity, pm.severity_raw, pm.started_at, pm.ended_at)
    summary += (pm.duration_minutes, pm.review_date)
    return any(value is not None for value in summary) or any(section.kind == "actions" for section in pm.sections)


def source_roots(patterns: Sequence[str], base: str | None) -> tuple[Path, ...] | None:
    """The folders ``[sources] paths`` name: each glob's directory part before its first wildcard,
    relative ones against ``base`` (the config file's directory). Write-back writes only inside
    them (a document that is a symlink to a file elsewhere is left alone); None without a base."""
    if base is None:
        return None
    roots: list[Path] = []
    for pattern in patterns:
        parts = Path(pattern).parts
        fixed = next((i for i, part in enumerate(parts) if any(c in part for c in "*?[")), len(parts))
        root = Path(base, *parts[:fixed])
        roots.append(root if fixed < len(parts) else root.parent)
    return tuple(dict.fromkeys(roots))


def discover(paths: Sequence[Path], exclude: Excluder | None = None) -> list[Path]:
    """Expand the given paths: files as given, directories recursively for ``*.md`` (sorted),
    leaving out files ``exclude`` matches.

    Duplicates (the same file reached twice) are dropped, keeping the first spelling. Paths that
    do not exist are kept, so :func:`load_documents` reports each as an error diagnostic.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            candidates = sorted(p for p in path.rglob("*.md") if p.is_file() and not (exclude and exclude(p)))
        else:
            candidates = [path]
        for candidate in candidates:
            key = _identity(candidate)
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def load_documents(
    paths: Sequence[Path], options: ParseOptions | None = None, *, exclude: Excluder | None = None
) -> Iterator[ParseResult]:
    """Read and parse each discovered document, lazily, in order."""
    for path in discover(paths, exclude):
        try:
            source = path.read_bytes()
        except OSError as exc:
            log.debug("cannot read %s: %s", path, exc)
            diagnostics = Collector(str(path))
            reason = exc.strerror or type(exc).__name__
            diagnostics.add(
                codes.UNREADABLE, None, f"cannot read file: {reason}", hint="check the path and permissions"
            )
            yield ParseResult(path=str(path), postmortem=None, diagnostics=tuple(diagnostics.items))
            continue
        yield parse_document(source, str(path), options)


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()
