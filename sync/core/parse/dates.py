"""Dates, times, durations and deadline phrases as post-mortems write them.

Pure functions over strings: no clock. Everything that needs "the year" or "the zone" takes it
as an argument, because a document rarely states either next to the value.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sync.core.parse.memo import short_text_cache

# Fixed offsets for the abbreviations post-mortems use; an abbreviation names the offset the
# author meant, so daylight-saving rules must not be applied on top.
_ABBREVIATIONS: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "BST": 60,
    "CET": 60,
    "CEST": 120,
    "EET": 120,
    "IST": 330,
    "JST": 540,
    "AEST": 600,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
}

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            # English, then French, German, Spanish, Portuguese, Dutch and Italian names: post-mortems are
            # written in the team's language, and a date is read only with its day number beside it.
            ("jan", "january", "janvier", "januar", "jänner", "enero", "janeiro", "januari", "gennaio"),
            ("feb", "february", "février", "fevrier", "februar", "febrero", "fevereiro", "februari", "febbraio"),
            ("mar", "march", "mars", "märz", "maerz", "marzo", "março", "maart"),
            ("apr", "april", "avril", "abril", "aprile"),
            ("may", "mai", "mayo", "maio", "mei", "maggio"),
            ("jun", "june", "juin", "juni", "junio", "junho", "giugno"),
            ("jul", "july", "juillet", "juli", "julio", "julho", "luglio"),
            ("aug", "august", "août", "aout", "agosto", "augustus"),
            ("sep", "sept", "september", "septembre", "septiembre", "setiembre", "setembro", "settembre"),
            ("oct", "october", "octobre", "oktober", "octubre", "outubro", "ottobre"),
            ("nov", "november", "novembre", "noviembre", "novembro"),
            ("dec", "december", "décembre", "decembre", "dezember", "diciembre", "dezembro", "dicembre"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

_TZ_RE = r"(?P<tz>Z|UTC|GMT|[A-Z]{3,4}|[+-]\d{2}:?\d{2})"
_TIME_RE = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?\s*(?P<ampm>[ap]\.?m\.?)?"
_ISO_DATE = re.compile(r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})(?!\d)")
_TEXT_DATE = re.compile(
    rf"\b(?P<month>{_MONTH_RE})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:\s*-\s*\d{{1,2}})?(?:,?\s+(?P<year>\d{{4}}))?\b",
    re.IGNORECASE,
)
# "21 March 2019", "3. März 2026", "1er mai 2026", "3 de marzo de 2026".
_DAY_FIRST_DATE = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?(?P<month>{_MONTH_RE})\b\.?"
    rf"(?:,?\s+(?:de\s+)?(?P<year>\d{{4}})\b)?",
    re.IGNORECASE,
)
# "04.03.2026": day, month and year with dots, as most of Europe writes a date.
_DOTTED_DATE = re.compile(r"(?<![\w.])(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})(?![\d.])")
_TIME = re.compile(rf"(?<![\d:])T?{_TIME_RE}(?:\s*{_TZ_RE}\b)?", re.IGNORECASE)
# What a worded date cannot lack, under the same flags as the patterns it stands in for: _TEXT_DATE's
# month is followed by blanks, then the day's digit ("\s\d"); _DAY_FIRST_DATE's day digit is followed by an
# optional ordinal suffix or dot, then blanks. A new form of either must keep its piece here.
_SPACED_DAY = re.compile(r"\s\d|\d(?:st|nd|rd|th|er|\.)?\s", re.IGNORECASE)
_ZONE_NOTE = re.compile(r"\b(?:all\s+)?times?\s+(?:are\s+)?(?:in\s+)?\(?(?P<tz>UTC|GMT|[A-Z]{3,4})\b")


def timezone_for(name: str | None, default: str = "UTC") -> dt.tzinfo:
    """A tzinfo for an abbreviation (``PST``), an offset (``+02:00``) or an IANA name."""
    for candidate in (name, default):
        if not candidate:
            continue
        zone = _zone(candidate)
        if zone is not None:
            return zone
    return dt.UTC


# Cached: a document names the same zone on every line of its timeline. The zones are immutable, and ZoneInfo
# hands out one instance per key anyway.
@short_text_cache(maxsize=256)
def _zone(name: str) -> dt.tzinfo | None:
    upper = name.upper()
    if upper in _ABBREVIATIONS:
        return dt.timezone(dt.timedelta(minutes=_ABBREVIATIONS[upper]))
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", name)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        return dt.timezone(sign * dt.timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone_note(text: str) -> str | None:
    """The zone named by a note like "All times in PST" or "(all times UTC)", if any."""
    match = _ZONE_NOTE.search(text)
    if match and match.group("tz").upper() in _ABBREVIATIONS:
        return match.group("tz").upper()
    return None


def parse_date(text: str, year: int | None = None) -> dt.date | None:
    """The first calendar date in ``text``: ISO, "March 26th, 2019", "21 March 2019", "July 1"."""
    found = _find_date(text, year)
    return found[0] if found else None


# Cached (pure, and its result immutable): the same date and time fields recur down a timeline and across a
# corpus written from one template.
@short_text_cache(maxsize=4096)
def _find_date(text: str, year: int | None) -> tuple[dt.date, int, int] | None:
    if not _DIGIT.search(text):
        return None  # every date form writes its day in digits; most item texts hold none
    candidates: list[tuple[int, int, dt.date]] = []
    # A pattern skipped here has no match in the text, so no candidate is lost: an ISO date holds "-", a
    # dotted one "."; a worded one a digit with blanks beside it, which _SPACED_DAY tests (see there).
    spaced = _SPACED_DAY.search(text) is not None
    for regex in (_ISO_DATE, _TEXT_DATE, _DAY_FIRST_DATE, _DOTTED_DATE):
        if regex is _ISO_DATE and "-" not in text or regex is _DOTTED_DATE and "." not in text:
            continue
        if (regex is _TEXT_DATE or regex is _DAY_FIRST_DATE) and not spaced:
            continue
        match = regex.search(text)
        if not match:
            continue
        month_raw = match.group("month")
        month = int(month_raw) if month_raw.isdigit() else _MONTHS[month_raw.lower()]
        year_raw = match.group("year")
        the_year = int(year_raw) if year_raw else year
        if the_year is None:
            continue
        try:
            value = dt.date(the_year, month, int(match.group("day")))
        except ValueError:
            continue
        candidates.append((match.start(), match.end(), value))
    if not candidates:
        return None
    start, end, value = min(candidates, key=lambda c: c[0])
    return value, start, end


@short_text_cache(maxsize=4096)  # pure, its result immutable; clock times recur as dates do (_find_date)
def parse_time(text: str) -> tuple[dt.time, str | None] | None:
    """The first clock time in ``text`` and the zone written after it (12-hour clocks honoured)."""
    match = _TIME.search(text)
    if not match:
        return None
    hour, minute = int(match.group("hour")), int(match.group("minute"))
    second = int(match.group("second") or 0)
    ampm = (match.group("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    tz = match.group("tz")
    if tz and tz.upper() not in _ABBREVIATIONS and not re.fullmatch(r"[+-]\d{2}:?\d{2}", tz):
        tz = None
    return dt.time(hour, minute, second), tz


def parse_datetime(text: str, default_timezone: str = "UTC", year: int | None = None) -> dt.datetime | None:
    """A timezone-aware datetime from "2026-03-04 14:02 UTC", "Mar 12, 2025, 18:00 UTC",
    "2026-04-18T03:10:00Z"… Returns None unless both a date and a time are present."""
    found = _find_date(text, year)
    if found is None:
        return None
    date, _, end = found
    timed = parse_time(text[end:])
    if timed is None:
        return None
    clock, tz = timed
    return dt.datetime.combine(date, clock, tzinfo=timezone_for(tz, default_timezone))


def parse_date_or_datetime(
    text: str, default_timezone: str = "UTC", year: int | None = None
) -> tuple[dt.datetime, bool] | None:
    """Like :func:`parse_datetime` but accepts a bare date (midnight); the flag says a time was given."""
    moment = parse_datetime(text, default_timezone, year)
    if moment is not None:
        return moment, True
    date = parse_date(text, year)
    if date is None:
        return None
    return dt.datetime.combine(date, dt.time(0, 0), tzinfo=timezone_for(None, default_timezone)), False


_UNIT_MINUTES = {"d": 1440, "h": 60, "m": 1, "s": 1 / 60}
_DURATION_PART = re.compile(
    r"(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)(?![a-z])",
    re.IGNORECASE,
)
_DURATION_GLUE = re.compile(r"^[\s,]*(?:and\s+)?$", re.IGNORECASE)


@short_text_cache(maxsize=1024)  # pure; a template's duration line recurs across a corpus
def parse_duration_minutes(text: str) -> int | None:
    """Minutes in the first duration of ``text``: "2h 45m", "2.75 hours", "5 hours 26 minutes",
    "2d 1h 29m", "371 minutes", "~24h40m", "1 hour and 48 minutes"."""
    total = 0.0
    previous_end: int | None = None
    for match in _DURATION_PART.finditer(text):
        if previous_end is not None and not _DURATION_GLUE.match(text[previous_end : match.start()]):
            break
        total += float(match.group("value")) * _UNIT_MINUTES[match.group("unit")[0].lower()]
        previous_end = match.end()
    if previous_end is None:
        return None
    return round(total)


_QUARTER = re.compile(r"\bQ([1-4])\s*(?:'|FY)?\s*(\d{4})?\b", re.IGNORECASE)
_HALF = re.compile(r"\bH([12])\s*(\d{4})?\b")
# "end of June", "the end of March 2027": the month's last day.
_MONTH_END = re.compile(rf"\bend of (?P<month>{_MONTH_RE})\b\.?(?:,?\s+(?P<year>\d{{4}})\b)?", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_DEADLINE_PHRASE = re.compile(
    r"(?:\bby\s+|\bbefore\s+|\bdue\s*:?\s*|\btarget\s*:?\s*|\bin\s+|\bduring\s+(?:the\s+)?)?"
    r"(?:\d{4}-\d{2}-\d{2}|(?:end\s+of\s+)?(?:Q[1-4]|H[12])(?:\s*\d{4})?(?:\s*[-–]\s*(?:Q[1-4]|H[12])\s*\d{4})?"
    r"(?:\s+sprints?)?)",
    re.IGNORECASE,
)


def period_end(text: str, year: int | None) -> dt.date | None:
    """The last day of the latest period a deadline phrase names: a date, "Q4 2025 - Q1 2026"
    (→ 2026-03-31), "in H1" (→ June 30 of ``year``). None when the year is unknowable."""
    exact = _ISO_DATE.search(text)
    if exact:
        return parse_date(text)
    ends: list[dt.date] = []
    for match in _QUARTER.finditer(text):
        the_year = int(match.group(2)) if match.group(2) else year
        if the_year is not None:
            ends.append(_end_of_month(the_year, int(match.group(1)) * 3))
    for match in _HALF.finditer(text):
        the_year = int(match.group(2)) if match.group(2) else year
        if the_year is not None:
            ends.append(_end_of_month(the_year, int(match.group(1)) * 6))
    for match in _MONTH_END.finditer(text):
        the_year = int(match.group("year")) if match.group("year") else year
        if the_year is not None:
            ends.append(_end_of_month(the_year, _MONTHS[match.group("month").lower()]))
    if ends:
        return max(ends)
    return parse_date(text, year)


def _end_of_month(year: int, month: int) -> dt.date:
    first_next = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def deadline_phrase(text: str) -> re.Match[str] | None:
    """A deadline phrase at the end of an item text ("in H1", "during the H1 sprints", "by 2026-05-01")."""
    best: re.Match[str] | None = None
    if not _DIGIT.search(text):
        return None  # every phrase names a date, a quarter or a half, so holds a digit
    for match in _DEADLINE_PHRASE.finditer(text):
        if text[match.end() :].strip(" .;") == "" and match.group(0).strip():
            best = match
            break
    if best is None:
        return None
    words = best.group(0).split()
    # A bare period token without a preposition ("…the H1") is too weak to call a deadline.
    if words and words[0].lower() not in {"by", "before", "due", "due:", "target", "target:", "in", "during"}:
        return None
    return best
