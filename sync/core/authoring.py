"""Starting a post-mortem: incident ids from a format, and the template filled from what is known.

Pure. ``pmsync new`` (``sync/cli/new.py``) reads the ids already in use (documents, state store),
asks :func:`next_sequence` for the next number, claims the id in the store
(``sync/store/id_claims.py``) and writes :func:`fill_template`'s text.

**Ids.** ``[authoring] id_format`` is a Python format string with ``{seq}`` (required, once; a
format spec such as ``{seq:04d}`` pads it) and optionally ``{year}``, ``{month}``, ``{day}`` (today's
date). The sequence counts among ids *of the same shape*: with ``INC-{year}-{seq:04d}`` the first id
of a new year is ``INC-2027-0001``; without ``{year}`` the sequence never resets.

**Templates.** ``{{ name }}`` placeholders (spaces optional) for the values in :class:`NewDocument`;
everything else is copied as written. An unknown placeholder is an error (a typo would otherwise
ship as literal text), and a template without ``{{incident_id}}`` is refused: the generated id must
land in the document, or the next ``pmsync new`` could not see it.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sync.core.model import Severity

ID_FIELDS = frozenset(["seq", "year", "month", "day"])
PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
MAX_SLUG = 60
PLACEHOLDERS = frozenset(
    ["title", "incident_id", "today", "severity", "start", "end", "duration", "team", "service", "industry"]
)


def id_fields(id_format: str) -> list[tuple[str, str, str]]:
    """``(literal, field, spec)`` parts of ``id_format``; ``ValueError`` unless it is a usable format."""
    try:
        parts = list(string.Formatter().parse(id_format))
    except ValueError as exc:
        raise ValueError(f"{id_format!r} is not a format string: {exc}") from None
    fields = [name for _, name, _, _ in parts if name is not None]
    unknown = sorted({name for name in fields if name not in ID_FIELDS})
    if unknown:
        raise ValueError(f"unknown field {{{unknown[0]}}} in {id_format!r}; use {{seq}}, {{year}}, {{month}}, {{day}}")
    if fields.count("seq") != 1:
        raise ValueError(f"{id_format!r} needs {{seq}} exactly once (e.g. INC-{{year}}-{{seq:04d}})")
    if "day" not in fields and not any(char.isalpha() for literal, _, _, _ in parts for char in literal):
        # Ids are found in the documents' text: without a word such as INC- (or the full date),
        # every number there ("500 errors for 3000 users") would look like one.
        raise ValueError(f"{id_format!r} needs a fixed part with a letter (e.g. INC-{{year}}-{{seq:04d}})")
    if any(conversion for _, name, _, conversion in parts if name is not None):
        raise ValueError(f"{id_format!r}: conversions such as !r are not supported")
    try:
        format_id(id_format, dt.date(2026, 1, 1), 1)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{id_format!r}: {exc}") from None
    return [(literal, name or "", spec or "") for literal, name, spec, _ in parts]


def format_id(id_format: str, today: dt.date, seq: int) -> str:
    """The id with sequence number ``seq`` on ``today``."""
    return id_format.format(seq=seq, year=today.year, month=f"{today.month:02d}", day=f"{today.day:02d}")


def id_pattern(id_format: str, today: dt.date) -> re.Pattern[str]:
    """Matches ids of ``id_format``'s shape on ``today`` (date fields fixed); group ``seq`` is the number."""
    regex = []
    for literal, name, spec in id_fields(id_format):
        regex.append(re.escape(literal))
        if name == "seq":
            regex.append(r"(?P<seq>\d+)")
        elif name:
            value = {"year": today.year, "month": f"{today.month:02d}", "day": f"{today.day:02d}"}[name]
            regex.append(re.escape(format(value, spec)))
    # Not part of a longer id: with INC-{seq}, INC-2025-0900 is another scheme's id, not INC-2025.
    # A file name's "-title" may follow (inc-2026-0007-checkout-502s.md).
    return re.compile(r"(?<![\w-])" + "".join(regex) + r"(?!\w|-\d)", re.IGNORECASE)


def sequences(pattern: re.Pattern[str], text: str) -> Iterable[int]:
    """The sequence numbers of the ids in ``text``."""
    return (int(match.group("seq")) for match in pattern.finditer(text))


def next_sequence(id_format: str, today: dt.date, texts: Iterable[str]) -> int:
    """One more than the highest sequence among the ids of this shape in ``texts`` (1 when none)."""
    pattern = id_pattern(id_format, today)
    return max((seq for text in texts for seq in sequences(pattern, text)), default=0) + 1


@dataclass(frozen=True)
class NewDocument:
    """What ``pmsync new`` knows when the document is started."""

    title: str
    incident_id: str
    today: dt.date
    severity: Severity | None = None
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    team: str | None = None
    service: str | None = None
    industry: str | None = None

    def values(self) -> dict[str, str]:
        """The placeholder values; unknown ones are empty, so the line stays for a human to fill."""
        return {
            "title": self.title,
            "incident_id": self.incident_id,
            "today": self.today.isoformat(),
            "severity": self.severity.value if self.severity else "",
            "start": moment_text(self.started_at),
            "end": moment_text(self.ended_at),
            "duration": duration_text(self.started_at, self.ended_at),
            "team": self.team or "",
            "service": self.service or "",
            "industry": self.industry or "",
        }


def moment_text(moment: dt.datetime | None) -> str:
    """``2026-03-04 14:02 UTC`` (or ``+01:00`` for another offset), as the parser reads it back."""
    if moment is None:
        return ""
    offset = moment.utcoffset()
    if offset is None or offset == dt.timedelta(0):
        return f"{moment:%Y-%m-%d %H:%M} UTC"
    return f"{moment:%Y-%m-%d %H:%M} {moment.isoformat()[-6:]}"


def duration_text(start: dt.datetime | None, end: dt.datetime | None) -> str:
    """``2h 45m`` between two moments, empty unless both are known."""
    if start is None or end is None:
        return ""
    minutes = int((end - start).total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    return f"{hours}h {rest}m" if hours else f"{rest}m"


def check_template(template: str) -> None:
    """``ValueError`` for unknown placeholders or a missing ``{{incident_id}}``."""
    names = {match.group(1) for match in PLACEHOLDER.finditer(template)}
    unknown = sorted(names - PLACEHOLDERS)
    if unknown:
        known = ", ".join(f"{{{{{name}}}}}" for name in sorted(PLACEHOLDERS))
        raise ValueError(f"unknown placeholder {{{{{unknown[0]}}}}}; the known ones are {known}")
    if "incident_id" not in names:
        raise ValueError("the template has no {{incident_id}} placeholder, so the generated id would be lost")


def fill_template(template: str, document: NewDocument) -> str:
    """The template with every placeholder replaced (see :func:`check_template`)."""
    check_template(template)
    values = document.values()
    lines = []
    for line in template.split("\n"):
        filled = PLACEHOLDER.sub(lambda match: values[match.group(1)], line)
        # An empty value leaves "- **Team:** " behind: drop the trailing space, keep the prompt.
        lines.append(filled.rstrip() if filled != line else filled)
    return "\n".join(lines)


def slugify(text: str, limit: int = MAX_SLUG) -> str:
    """Lower-case ASCII words joined by hyphens, cut at a word boundary."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or (words[0][:limit] if words else "")


def file_name(incident_id: str, title: str) -> str:
    """``inc-2026-0007-checkout-api-returned-502s.md``: the id first, so files sort by id."""
    stem = "-".join(part for part in (slugify(incident_id, 80), slugify(title)) if part)
    return f"{stem or 'postmortem'}.md"
