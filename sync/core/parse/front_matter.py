"""YAML front matter: loaded only after a streaming check that bounds what it expands to.

YAML aliases share nodes: ``a1: &a1 [*a0, *a0, …]`` nine levels deep is 0.7 KB of text and
billions of nodes once walked (the classic "billion laughs"). Loading alone is cheap, the walk
that follows (:func:`json_safe`, any ``str()``) is not. So before the document is constructed,
its event stream — produced without expanding anything — is measured: each anchor's expanded size
and depth are recorded where it is defined, each alias adds its anchor's, and the front matter is
refused (a located diagnostic, never an exception) as soon as the expansion passes
:data:`MAX_NODES` or :data:`MAX_DEPTH`, or an alias refers to a node that is still open (a
self-reference, which no walk ends). Ordinary front matter, aliases included, is far inside both.

Front matter that cannot be used is dropped with a ``PM010`` warning. When it names the incident
id (a top-level ``incident_id:``, ``id:`` or ``incident:`` key), dropping it would key the
document's tickets by file name, and a later fix of the YAML would key them by the id instead: a
second set of tickets. So then the document is refused with ``PM011`` (an error: sync plans only
documents without errors) until the front matter is fixed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from sync.core.parse import codes
from sync.core.parse.codes import Collector

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Far above any real front matter (a few dozen keys, lists of people and tags), far below what
# takes noticeable time or memory to walk.
MAX_NODES = 10_000
MAX_DEPTH = 32
# The YAML text starts on the document's line 2, below the opening ``---``.
_FIRST_LINE = 2

# Keys :func:`read_front_matter` maps to ``incident_id``, at the top level (no indentation).
_ID_KEY = re.compile(r"""^["']?(?:incident[_ -]id|id|incident)["']?[ \t]*:""", re.IGNORECASE | re.MULTILINE)

_FIELD_NAMES = {
    "incident_id": "incident_id",
    "id": "incident_id",
    "incident": "incident_id",
    "title": "title",
    "severity": "severity",
    "sev": "severity",
    "started": "start",
    "start": "start",
    "started_at": "start",
    "start_time": "start",
    "ended": "end",
    "end": "end",
    "ended_at": "end",
    "end_time": "end",
    "review_date": "review_date",
    "reviewed": "review_date",
    "review": "review_date",
    "duration": "duration",
    "duration_minutes": "duration",
    "detection": "detection",
    "detection_delay": "delay",
    "detection_delay_minutes": "delay",
    "impact": "impact",
    "team": "team",
    "service": "service",
    "industry": "industry",
    "tags": "tags",
}


@dataclass
class FrontMatter:
    """Front matter split into known fields and the rest (→ ``PostMortem.metadata``)."""

    fields: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


class Refused(Exception):
    """The front matter expands beyond the bounds, or refers to itself; ``line`` is 0-based in the YAML."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class _Open:
    anchor: str | None
    nodes: int = 1
    depth: int = 1  # of the subtree, this node included


def check_expansion(text: str) -> None:
    """Raise :class:`Refused` when the YAML in ``text`` would expand beyond :data:`MAX_NODES` nodes
    or :data:`MAX_DEPTH` levels, or holds a recursive alias. Time and memory are linear in ``text``
    (the event stream is read once and never expanded); YAML syntax errors propagate as
    :class:`yaml.YAMLError` for the loader to report."""
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> (expanded nodes, depth)
    stack: list[_Open] = []
    total = 0

    def add(nodes: int, depth: int, line: int) -> None:
        nonlocal total
        if stack:
            parent = stack[-1]
            parent.nodes += nodes
            parent.depth = max(parent.depth, depth + 1)
        else:
            total += nodes
        expanded = total + sum(frame.nodes for frame in stack)
        if expanded > MAX_NODES:
            raise Refused(f"front matter expands to more than {MAX_NODES} values (YAML aliases)", line)
        if len(stack) + depth > MAX_DEPTH:
            raise Refused(f"front matter is nested more than {MAX_DEPTH} levels deep", line)

    for event in yaml.parse(text, Loader=_LOADER):
        line = event.start_mark.line if event.start_mark is not None else 0
        if isinstance(event, yaml.AliasEvent):
            anchor = str(event.anchor)
            if any(frame.anchor == anchor for frame in stack):
                raise Refused(f"YAML alias *{anchor} refers to the value that contains it", line)
            nodes, depth = sizes.get(anchor, (1, 1))  # an undefined alias is the loader's error
            add(nodes, depth, line)
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor is not None:
                sizes[str(event.anchor)] = (1, 1)
            add(1, 1, line)
        elif isinstance(event, yaml.CollectionStartEvent):
            stack.append(_Open(anchor=str(event.anchor) if event.anchor is not None else None))
            if len(stack) > MAX_DEPTH:
                raise Refused(f"front matter is nested more than {MAX_DEPTH} levels deep", line)
        elif isinstance(event, yaml.CollectionEndEvent):
            done = stack.pop()
            if done.anchor is not None:
                sizes[done.anchor] = (done.nodes, done.depth)
            add(done.nodes, done.depth, line)


def load_yaml(text: str) -> tuple[Mapping[str, Any] | None, str | None, int | None]:
    """Parse front matter; returns (mapping or None, error text or None, 0-based line of the error
    within ``text`` when known). Bounded: see :func:`check_expansion`."""
    if not text.strip():
        return {}, None, None
    try:
        check_expansion(text)
        data = yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except Refused as exc:
        return None, exc.message, exc.line
    except yaml.YAMLError as exc:
        # Where the broken construct starts (an unclosed bracket or quote) is the line to fix;
        # without one, where YAML noticed the problem.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line if mark is not None else None
        problem = getattr(exc, "problem", None)
        message = str(problem) if problem else (str(exc).splitlines()[0] if str(exc) else "invalid YAML")
        return None, f"invalid YAML: {message}", line
    except ValueError as exc:
        # A constructor's own limit, e.g. an integer of more than 4,300 digits.
        return None, f"invalid YAML value: {exc}", None
    if data is None:
        return {}, None, None
    if not isinstance(data, dict):
        return None, f"front matter is a {type(data).__name__}, not a mapping", None
    return data, None, None


def json_safe(value: Any) -> Any:
    """Front-matter values as JSON-compatible data (dates → ISO strings)."""
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def map_front_matter(data: Mapping[str, Any]) -> FrontMatter:
    """Map front-matter keys onto model fields; unknown keys go to metadata (JSON-safe values)."""
    result = FrontMatter()
    for key, value in data.items():
        name = _FIELD_NAMES.get(str(key).strip().lower().replace("-", "_").replace(" ", "_"))
        if name is not None and name not in result.fields and value is not None:
            result.fields[name] = value
        else:
            result.metadata[str(key)] = json_safe(value)
    return result


def read_front_matter(text: str, diagnostics: Collector) -> FrontMatter:
    """The front matter's fields and metadata; empty, with diagnostics, when it cannot be used."""
    data, error, error_line = load_yaml(text)
    if error is None and data is not None:
        return map_front_matter(data)
    line = error_line + _FIRST_LINE if error_line is not None else 1
    diagnostics.add(codes.FRONT_MATTER, line, error or "front matter is not a mapping")
    named = _ID_KEY.search(text)
    if named is not None:
        id_line = text.count("\n", 0, named.start()) + _FIRST_LINE
        diagnostics.add(
            codes.FRONT_MATTER_ID_LOST,
            id_line,
            "the front matter names the incident id but cannot be read; the document is not synced "
            "until it is fixed (its tickets would otherwise be keyed by the file name)",
            hint=f"fix the front matter (line {line})",
        )
    return FrontMatter()
