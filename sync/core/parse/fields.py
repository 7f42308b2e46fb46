"""Summary fields: YAML front matter and ``Key: value`` lines wherever a document puts them
(plain lines, ``**Key:** value`` paragraphs, ``- **Key**: value`` bullets, ``## Key: value``
headings, and MoJ's colon-less ``Resolved 2024-07-25 16:19``).

Labels are matched against a fixed vocabulary; the first occurrence of a field wins, because
documents restate values further down (often less precisely).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_FIELD_LABELS: dict[str, str] = {}
for _field, _labels in {
    "incident_id": "incident id|incident #|incident number|incident no|incident key|incident ref|id",
    "severity": "severity|incident severity|sev|severity level|priority level",
    "range": "date/time|date / time|date and time|incident date/time|incident window|time window",
    "start": "start|start time|started|started at|start date/time|start date|start time (utc)|incident start"
    "|first detected|outage start|outage began|began|impact start|incident started",
    "end": "end|end time|ended|ended at|end date/time|end date|resolved|resolved at|resolution time|incident end"
    "|outage end|outage ended|incident ended|impact end",
    "duration": "duration|total duration|total impact duration|total downtime|outage duration|downtime|impact duration",
    "duration_fallback": "time to resolve|time to recovery|time to resolution|time to restore|ttr|mttr"
    "|time to resolve (ttr)",
    "detection": "detection|detected by|detection method|identified|how detected|incident detected by"
    "|detected via|detected",
    "delay": "detection delay|time to detection|time to detect|ttd|time to detect (ttd)|delay to detection",
    "review_date": "review date|postmortem date|post-mortem date|reviewed|review|review meeting|reviewed on",
    "impact": "impact|customer impact|user impact|business impact",
    "industry": "industry|sector",
    "team": "team|owning team",
    "service": "service|services|affected service|system",
    "tags": "tags|labels",
}.items():
    for _label in _labels.split("|"):
        _FIELD_LABELS[_label] = _field

_COLONLESS = re.compile(
    r"^(?P<label>first detected|incident declared|repaired|resolved|start|end)\s+(?P<value>\d{4}-\d{2}-\d{2}.*)$",
    re.IGNORECASE,
)
_LINE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z0-9 /&()'#._-]{0,48}?)\s*:\s*(?P<value>.*)$")
_FOOTNOTE_LINK = re.compile(r"\^?\[\[?\d+\]?\]\([^)]*\)\^?")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_LEAD = re.compile(r"^\s*(?:>\s*)*(?:#{1,6}\s+|[-*+]\s+(?:\[[ xX]?\]\s+)?|\d+[.)]\s+)?")


@dataclass(frozen=True)
class Field:
    """One ``label: value`` occurrence."""

    label: str  # normalised label as written
    name: str | None  # the model field it maps to, None when unknown
    value: str
    line: int


@dataclass
class FrontMatter:
    """Front matter split into known fields and the rest (→ ``PostMortem.metadata``)."""

    fields: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


def clean_line(raw: str) -> str:
    """A source line with list/heading markers, emphasis, footnotes and link syntax removed."""
    text = raw
    if "](" in text:  # both link shapes need it; most lines have none
        text = _FOOTNOTE_LINK.sub("", text)
        text = _MD_LINK.sub(r"\1", text)
    text = _LEAD.sub("", text, count=1)
    text = text.replace("**", "").replace("__", "")
    return text.strip()


def scan_fields(lines: Iterable[tuple[int, str]]) -> list[Field]:
    """Every ``label: value`` line among ``(line number, raw text)`` pairs."""
    found: list[Field] = []
    for number, raw in lines:
        if ":" not in raw and not _COLONLESS.match(clean_line(raw)):
            continue
        text = clean_line(raw)
        match = _COLONLESS.match(text) or _LINE.match(text)
        if not match:
            continue
        label = " ".join(match.group("label").lower().split())
        value = match.group("value").strip()
        if not value or label[0].isdigit():
            continue
        found.append(Field(label=label, name=_FIELD_LABELS.get(label), value=value, line=number))
    return found


def read_front_matter(data: Mapping[str, Any]) -> FrontMatter:
    """Map front-matter keys onto model fields; unknown keys go to metadata (JSON-safe values)."""
    result = FrontMatter()
    aliases = {
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
    for key, value in data.items():
        name = aliases.get(str(key).strip().lower().replace("-", "_").replace(" ", "_"))
        if name is not None and name not in result.fields and value is not None:
            result.fields[name] = value
        else:
            result.metadata[str(key)] = json_safe(value)
    return result


def load_yaml(text: str) -> tuple[Mapping[str, Any] | None, str | None, int | None]:
    """Parse front matter; returns (mapping or None, error text or None, 0-based line of the error
    within ``text`` when YAML names one)."""
    try:
        data = yaml.load(text, Loader=_LOADER) if text.strip() else {}  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        # Where the broken construct starts (an unclosed bracket or quote) is the line to fix;
        # without one, where YAML noticed the problem.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        line = mark.line if mark is not None else None
        problem = getattr(exc, "problem", None)
        message = str(problem) if problem else (str(exc).splitlines()[0] if str(exc) else "invalid YAML")
        return None, f"invalid YAML: {message}", line
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


_USERS = re.compile(
    r"(?P<n>\d[\d,.]*)\s*(?P<scale>[kKmM])?\+?\s+(?:users?|customers?|teams?|accounts?|people|orgs?|organizations?)"
)
_REVENUE = re.compile(r"\$\s?(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>[kKmM])?\b(?:[^|;]*?\b(?:revenue|lost|loss))?")
_SLA = re.compile(r"\bSLA\s*(?:breach(?:ed)?)?\s*:?\s*(?P<v>yes|no|y|n|true|false)\b", re.IGNORECASE)


def number(text: str, scale: str | None = None) -> Decimal | None:
    """A decimal from "18,000", "42k", "1.5M"; None when unreadable."""
    try:
        value = Decimal(text.replace(",", "").rstrip("."))
    except InvalidOperation:
        return None
    multiplier = {"k": 1000, "m": 1_000_000}.get((scale or "").lower(), 1)
    return value * multiplier


def impact_numbers(text: str) -> tuple[int | None, Decimal | None, bool | None]:
    """Users affected, revenue lost and SLA breached as stated in an impact line."""
    users: int | None = None
    revenue: Decimal | None = None
    sla: bool | None = None
    match = _USERS.search(text)
    if match:
        value = number(match.group("n"), match.group("scale"))
        users = int(value) if value is not None else None
    for money in _REVENUE.finditer(text):
        tail = text[money.end() : money.end() + 30].lower()
        if "revenue" in money.group(0).lower() or "lost" in money.group(0).lower() or "revenue" in tail:
            revenue = number(money.group("n"), money.group("scale"))
            break
    sla_match = _SLA.search(text)
    if sla_match:
        sla = sla_match.group("v").lower() in ("yes", "y", "true")
    return users, revenue, sla
