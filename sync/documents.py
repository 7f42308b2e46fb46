"""The parser's I/O edge: find Markdown documents on disk and parse them one by one.

A file that cannot be read (missing, a permission problem, a directory where a file was
expected) becomes a ParseResult with an error diagnostic, so one broken file never stops the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

from sync.core.model import ParseResult
from sync.core.parse import ParseOptions, codes, parse_document
from sync.core.parse.codes import Collector

log = logging.getLogger(__name__)


def discover(paths: Sequence[Path]) -> list[Path]:
    """Expand the given paths: files as given, directories recursively for ``*.md`` (sorted).

    Duplicates (the same file reached twice) are dropped, keeping the first spelling. Paths that
    do not exist are kept, so :func:`load_documents` reports each as an error diagnostic.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        candidates = sorted(p for p in path.rglob("*.md") if p.is_file()) if path.is_dir() else [path]
        for candidate in candidates:
            key = _identity(candidate)
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def load_documents(paths: Sequence[Path], options: ParseOptions | None = None) -> Iterator[ParseResult]:
    """Read and parse each discovered document, lazily, in order."""
    for path in discover(paths):
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
