"""Summary fields: ``Key: value`` lines wherever a document puts them
(plain lines, ``**Key:** value`` paragraphs, ``- **Key**: value`` bullets, ``## Key: value``
headings, and MoJ's colon-less ``Resolved 2024-07-25 16:19``).

Labels are matched against a fixed vocabulary; the first occurrence of a field wins, because
documents restate values further down (often less precisely). YAML front matter is read by
:mod:`sync.core.parse.front_matter`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sync.core.parse.memo import short_text_cache

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


@short_text_cache(maxsize=4096)  # pure; a corpus written from one template repeats its lines
def clean_line(raw: str) -> str:
    """A source line with list/heading markers, emphasis, footnotes and link syntax removed."""
    text = raw
    if "](" in text:  # both link shapes need it; most lines have none
        text = _FOOTNOTE_LINK.sub("", text)
        text = _MD_LINK.sub(r"\1", text)
    if text[:1].isspace() or text[:1] in (">", "#", "-", "*", "+") or text[:1].isdecimal():  # what _LEAD opens with
        text = _LEAD.sub("", text, count=1)
    text = text.replace("**", "").replace("__", "")
    return text.strip()


def scan_fields(lines: Iterable[tuple[int, str]]) -> list[Field]:
    """Every ``label: value`` line among ``(line number, raw text)`` pairs."""
    found: list[Field] = []
    for number, raw in lines:
        # _COLONLESS's value opens with an ISO date, and clean_line only takes characters away, so a line
        # without "-" cannot match it (a colonless value of another shape must drop this test).
        if ":" not in raw and ("-" not in raw or not _COLONLESS.match(clean_line(raw))):
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
