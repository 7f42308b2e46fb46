"""Timeline entries: tables, ``HH:MM - text`` lines and bullets, ``[MM-DD HH:MM]`` bullets,
``HH:MM ::::: text`` (Taskcluster, even when indented into a code block), and one heading per
timestamp with the event in the following paragraph.

Only timeline sections are read, so chat-log appendices full of ``[7:22 AM]`` never leak in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from sync.core.model import TimelineEntry
from sync.core.parse.blocks import Node, first_line, node_text
from sync.core.parse.dates import parse_date, parse_time, timezone_for, zone_note
from sync.core.parse.fields import clean_line

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*"
_CLOCK = r"~?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[aApP]\.?[mM]\.?)?"
_ENTRY = re.compile(
    r"^\[?~?(?P<when>"
    rf"(?:(?:\d{{4}}-)?\d{{1,2}}-\d{{1,2}}[ ,T]+|{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:\d{{4}},?\s+)?)?"
    rf"{_CLOCK}(?:\s*[-–]\s*{_CLOCK})?(?:\s+(?:UTC|GMT|[A-Z]{{3,4}})\b)?"
    r"|\d{4}-\d{2}-\d{2}\s+\d{4}"
    r")\]?(?:\s*(?::{2,}|[-–—:])\s*|\s+)(?P<text>\S.*)$"
)
_HEADING_ONLY = re.compile(
    rf"^~?(?P<when>(?:\d{{4}}-\d{{1,2}}-\d{{1,2}}\s+)?{_CLOCK}(?:\s*[-–]\s*{_CLOCK})?(?:\s+[A-Z]{{3,4}})?)\s*$"
)
_DATE_LINE = re.compile(r"^\d{4}-\d{2}-\d{2}\b")
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})\b")
_COMPACT_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}\s+(\d{2})(\d{2})\b")
# How far a bare time may go back before it is read as past midnight; smaller steps back are an
# author listing two events out of order.
_ROLLOVER = dt.timedelta(hours=12)
_FIRST_ROLLOVER = dt.timedelta(hours=18)
_DAY = dt.timedelta(days=1)


class TimelineReader:
    """Accumulates entries across the blocks of the timeline sections of one document."""

    def __init__(self, default_timezone: str, year: int | None) -> None:
        self.default_timezone = default_timezone
        self.year = year
        self.zone: str | None = None
        self.current_date: dt.date | None = None
        self.entries: list[TimelineEntry] = []
        self._pending_heading: tuple[str, str, int] | None = None
        self._last_at: dt.datetime | None = None
        # The incident's start, when known: where a timeline of bare times begins.
        self.reference: dt.datetime | None = None

    def read_block(self, node: Node, lines: Sequence[str]) -> None:
        """Read one block of a timeline section (``lines`` is the document, 0-based)."""
        if node.type == "heading":
            self._flush_heading("")
            self._heading(node)
            return
        if node.type == "paragraph":
            self._paragraph(node, lines)
        elif node.type in ("bullet_list", "ordered_list"):
            for item in node.children:
                paragraphs = [c for c in item.children if c.type == "paragraph"]
                if paragraphs:
                    self._line(node_text(paragraphs[0]).text, first_line(item))
        elif node.type == "table":
            self._table(node)
        elif node.type == "code_block" and node.map:
            for offset, raw in enumerate(lines[node.map[0] : node.map[1]]):
                self._line(clean_line(raw), node.map[0] + offset + 1)

    def finish(self) -> tuple[TimelineEntry, ...]:
        self._flush_heading("")
        return tuple(self.entries)

    def _heading(self, node: Node) -> None:
        title = node_text(node).text
        line = first_line(node)
        zone = zone_note(title)
        if zone:
            self.zone = zone
        only = _HEADING_ONLY.match(title)
        if only:
            self._pending_heading = (only.group("when"), title, line)
            return
        match = _ENTRY.match(title)
        if match:
            self._add(match.group("when"), match.group("text"), line)
        elif _DATE_LINE.match(title) or parse_date(title, self.year):
            self.current_date = parse_date(title, self.year) or self.current_date
            self._day_given()

    def _flush_heading(self, text: str) -> None:
        if self._pending_heading is not None:
            when, _, line = self._pending_heading
            self._pending_heading = None
            self._add(when, text, line)

    def _paragraph(self, node: Node, lines: Sequence[str]) -> None:
        text = node_text(node).text
        zone = zone_note(text)
        if zone:
            self.zone = zone
        if self._pending_heading is not None:
            self._flush_heading(text)
            return
        assert node.map is not None  # markdown-it maps every paragraph
        current: list[str] = []
        start = 0
        when = ""
        for offset, raw in enumerate(lines[node.map[0] : node.map[1]]):
            cleaned = clean_line(raw)
            match = _ENTRY.match(cleaned)
            if match:
                if current:
                    self._add(when, " ".join(current), start)
                when, current, start = match.group("when"), [match.group("text")], node.map[0] + offset + 1
            elif current:
                current.append(cleaned)
            elif _DATE_LINE.match(cleaned):
                self.current_date = parse_date(cleaned) or self.current_date
                self._day_given()
        if current:
            self._add(when, " ".join(current), start)

    def _line(self, text: str, line: int) -> None:
        match = _ENTRY.match(text.strip())
        if match:
            self._add(match.group("when"), match.group("text"), line)

    def _table(self, node: Node) -> None:
        rows = [r for section in node.children for r in section.children if r.type == "tr"]
        header = [node_text(c).text for c in rows[0].children] if rows else []
        zone = zone_note(" ".join(header))
        if zone:
            self.zone = zone
        for row in rows[1:]:
            cells = [node_text(c).text for c in row.children]
            if len(cells) < 2 or not cells[0].strip() or not any(c.strip() for c in cells[1:]):
                continue
            self._add(cells[0], " — ".join(c for c in cells[1:] if c.strip()), first_line(row))

    def _add(self, when: str, text: str, line: int) -> None:
        when = when.strip()
        text = " ".join(text.split())
        if not when or not text:
            return
        self.entries.append(TimelineEntry(time=when, at=self._resolve(when), text=text, line=line))

    def _resolve(self, when: str) -> dt.datetime | None:
        year = self.year or (self.current_date.year if self.current_date else None)
        date = parse_date(when, year)
        if date is None:
            short = _MONTH_DAY.match(when)
            if short and year is not None:
                try:
                    date = dt.date(year, int(short.group(1)), int(short.group(2)))
                except ValueError:
                    date = None
        dated = date is not None
        if date is not None:
            self.current_date = date
        date = date or self.current_date
        spaced = when.replace("T", " ")
        # _COMPACT_TIME opens with a date written with "-": without one it would leave the text as it is.
        timed = parse_time(_COMPACT_TIME.sub(r"\1:\2", spaced) if "-" in spaced else spaced)
        if date is None or timed is None:
            return None
        clock, tz = timed
        at = dt.datetime.combine(date, clock, tzinfo=timezone_for(tz or self.zone, self.default_timezone))
        if not dated:
            shift = self._day_shift(at)
            if shift:
                self.current_date = date + shift
                at += shift
        self._last_at = at
        return at

    def _day_given(self) -> None:
        # A date heading or line names the day of the bare times after it: no guessing from the
        # entries before it or from the start.
        self._last_at = None
        self.reference = None

    def _day_shift(self, at: dt.datetime) -> dt.timedelta:
        """A bare time's day, told from the entry before it (or the incident's start)."""
        if self._last_at is not None:
            # Far before the previous entry (23:58, then 00:02): past midnight.
            return _DAY if at < self._last_at - _ROLLOVER else dt.timedelta(0)
        if self.reference is None:
            return dt.timedelta(0)
        # The first entry against the start: 00:02 after a start at 23:50 is the next day, 23:50
        # before a start at 00:05 the evening before; events a few hours before the start stay.
        if at < self.reference - _FIRST_ROLLOVER:
            return _DAY
        return -_DAY if at > self.reference + _FIRST_ROLLOVER else dt.timedelta(0)
