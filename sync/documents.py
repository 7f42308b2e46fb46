"""The parser's I/O edge: find Markdown documents on disk and parse them one by one.

A file that cannot be read (missing, a permission problem, a directory where a file was
expected) becomes a ParseResult with an error diagnostic, so one broken file never stops the rest.

Every document is parsed within a budget (:class:`Budget`): a file larger than ``max_bytes``, or
whose lists and quotes nest deeper than ``max_nesting`` (measured on the raw lines, in linear time,
before any parse), or whose parse takes longer than ``max_seconds`` becomes a ``PM006 over-budget``
error diagnostic instead, so one pathological or hostile document never stalls a run: the batch
goes on. The time limit needs a POSIX interval timer and applies on the main thread (the CLI); the
size and nesting limits apply everywhere (the service's scheduled runs too).

With a :class:`ResultCache` (the state database's, :mod:`sync.store.parse_cache`), a document whose
bytes, options and parser are unchanged is not parsed again: a sync of unchanged documents costs a
read and a hash each (issue 26). Results over budget are never kept.

Which files are post-mortems is decided here, not in the parser: ``[sources] exclude`` globs are
never read, and a parsed file without the shape of a post-mortem (:func:`is_postmortem`: no
summary field and no action-item section — a README.md or SOURCES.md beside the documents) is
skipped by sync with one info line instead of becoming an incident.
"""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Protocol

from sync.core.model import ParseResult, PostMortem
from sync.core.parse import ParseOptions, codes, parse_document
from sync.core.parse.codes import Collector
from sync.errors import PmsyncError

log = logging.getLogger(__name__)


Excluder = Callable[[Path], bool]


class ResultCache(Protocol):
    """Parse results kept between runs (:class:`sync.store.parse_cache.ParseCache`)."""

    def lookup(self, path: str, source: bytes, options: ParseOptions) -> ParseResult | None: ...

    def keep(self, path: str, source: bytes, options: ParseOptions, result: ParseResult) -> None: ...


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


@dataclass(frozen=True)
class Budget:
    """What one document may cost. Far above any real post-mortem (the largest in the corpus is
    under 100 KB and nests 4 levels; a 10,000-row action table is 0.7 MB and parses in seconds)."""

    max_bytes: int = 5 * 1024 * 1024
    max_nesting: int = 64
    max_seconds: float = 60.0


DEFAULT_BUDGET = Budget()

# One level of block nesting at the start of a line: a quote marker, or a list marker followed by a
# blank. Possessive, so a line of blanks is consumed once.
_MARKER = re.compile(r"[ \t]*+(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$))")


def nesting(text: str) -> tuple[int, int]:
    """(deepest block nesting, its 1-based line): list and quote markers opening a line, plus the
    indentation before them in steps of two columns. Linear in ``text``; lines without a marker
    (code, prose) count as flat."""
    deepest, where = 0, 0
    for number, line in enumerate(text.split("\n"), 1):
        markers, position = 0, 0
        while (match := _MARKER.match(line, position)) is not None:
            markers += 1
            position = match.end()
        if markers:
            indent = len(line) - len(line.lstrip(" \t"))
            depth = markers + indent // 2
            if depth > deepest:
                deepest, where = depth, number
    return deepest, where


class _OutOfTime(BaseException):
    """Raised by the interval timer inside a parse; a BaseException so the parser's own
    ``except Exception`` (its "never raises" contract) does not turn it into a bug report."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`_OutOfTime` in this thread after ``seconds``, where a POSIX interval timer can
    (the main thread); elsewhere no limit. A timer already running (a caller's) is restored."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    fired: list[bool] = []

    def expire(_signum: int, _frame: FrameType | None) -> None:
        fired.append(True)
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, expire)
    started = time.monotonic()
    # The timer repeats: a handler that runs inside a finalizer or a GC callback has its exception
    # printed and dropped by Python, so one signal alone could let an over-budget parse run on.
    earlier, _interval = signal.setitimer(signal.ITIMER_REAL, seconds, max(seconds / 4, 0.005))
    try:
        yield
        if fired:  # every signal so far landed in a finalizer: still over budget
            raise _OutOfTime
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if earlier:
            signal.setitimer(signal.ITIMER_REAL, max(earlier - (time.monotonic() - started), 0.001))


def _over_budget(path: Path, detail: str, line: int | None = None) -> ParseResult:
    log.info("%s: %s; not parsed", path, detail)
    diagnostics = Collector(str(path))
    diagnostics.add(
        codes.OVER_BUDGET,
        line,
        f"{detail}; not parsed",
        hint="split the document, or check it is the post-mortem meant to be here",
    )
    return ParseResult(path=str(path), postmortem=None, diagnostics=tuple(diagnostics.items))


def parse_within(source: bytes, path: Path, options: ParseOptions | None, budget: Budget) -> ParseResult:
    """:func:`parse_document` within ``budget`` (see the module's docstring)."""
    if len(source) > budget.max_bytes:
        return _over_budget(path, f"{len(source):,} bytes is more than the {budget.max_bytes:,} a document may have")
    depth, line = nesting(source.decode("utf-8", "replace"))
    if depth > budget.max_nesting:
        return _over_budget(path, f"lists or quotes nest {depth} levels deep, more than {budget.max_nesting}", line)
    try:
        with _time_limit(budget.max_seconds):
            return parse_document(source, str(path), options)
    except _OutOfTime:
        return _over_budget(path, f"parsing took more than {budget.max_seconds:g} s")


def load_documents(
    paths: Sequence[Path],
    options: ParseOptions | None = None,
    *,
    exclude: Excluder | None = None,
    budget: Budget = DEFAULT_BUDGET,
    cache: ResultCache | None = None,
) -> Iterator[ParseResult]:
    """Read and parse each discovered document, lazily, in order, each within ``budget``; with a
    ``cache``, an unchanged document's kept result instead."""
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
        if cache is None:
            yield parse_within(source, path, options, budget)
        else:
            yield _cached(cache, source, path, options or ParseOptions(), budget)


def _cached(cache: ResultCache, source: bytes, path: Path, options: ParseOptions, budget: Budget) -> ParseResult:
    try:
        kept = cache.lookup(str(path), source, options)
    except PmsyncError as exc:  # an unreadable cache is a slower run, not a failed one
        log.debug("%s: parse cache not read: %s", path, exc.message)
        kept = None
    if kept is not None:
        return kept
    result = parse_within(source, path, options, budget)
    if not any(d.code == codes.OVER_BUDGET[0] for d in result.diagnostics):
        try:
            cache.keep(str(path), source, options, result)
        except PmsyncError as exc:
            log.debug("%s: parse result not kept: %s", path, exc.message)
    return result


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path.absolute()
