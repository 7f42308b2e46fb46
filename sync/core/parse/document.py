"""``parse_document``: one Markdown post-mortem → :class:`PostMortem` + diagnostics. Never raises.

The pipeline: decode → split front matter → one markdown-it parse → find section starts →
read each kind of section from its blocks (actions, timeline, whys, factors, went well,
prevention, cost) → read summary fields from every other line → assemble the frozen model.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sync.core.model import (
    ActionItem,
    Detection,
    DetectionMethod,
    Impact,
    ParseResult,
    PostMortem,
    Section,
)
from sync.core.parse import codes
from sync.core.parse.blocks import (
    Node,
    first_line,
    last_line,
    node_text,
    parse_tree,
    split_front_matter,
)
from sync.core.parse.candidates import (
    NUMBERED_TITLE,
    checks_and_results,
    field_record,
    files_titled_entries,
    label_group,
    owner_label,
    read_candidates,
    read_lead_in,
    read_prose_sentences,
    read_spelt_out,
    repeated_records,
    spells_out_one_action,
    tells_what_it_does,
    titled_item,
    walks_through_ui,
)
from sync.core.parse.codes import Collector
from sync.core.parse.dates import parse_date, parse_date_or_datetime, parse_duration_minutes, timezone_for
from sync.core.parse.evidence import holds_no_follow_ups, names_effects, names_rules, weighs_option
from sync.core.parse.fields import Field, impact_numbers, scan_fields
from sync.core.parse.front_matter import json_safe, read_front_matter
from sync.core.parse.items import (
    Group,
    ItemReader,
    holds_actions,
    inherit_group,
    names_changes_made,
    names_work_left,
    parse_group,
)
from sync.core.parse.options import ParseOptions
from sync.core.parse.retrospective import read_bullets, read_checks, read_cost, read_factors, read_whys
from sync.core.parse.sections import (
    PSEUDO_DEPTH,
    Header,
    classify_title,
    clean_title,
    find_headers,
    is_generic_title,
    pseudo_heading,
)
from sync.core.parse.timeline import TimelineReader
from sync.core.parse.wording import is_placeholder_title, opens_with_order

log = logging.getLogger(__name__)

_INCIDENT_IN_HEADING = re.compile(r"\bincident\s+(?P<id>[A-Z][A-Z0-9]*-\d+(?:-\d+)?)\b", re.IGNORECASE)
_INCIDENT_NUMBER = re.compile(r"\bincident\s*#\s*(?P<id>\d+)\b", re.IGNORECASE)
_RANGE_SPLIT = re.compile(r"\s*(?:→|->|⟶|\bto\b|–|—)\s*")
_DURATION_NOTE = re.compile(r"\(\s*duration\s*:?\s*(?P<d>[^)]+)\)", re.IGNORECASE)
_DELAY_NOTE = re.compile(r"\bdelay(?:ed)?\b[^0-9~]{0,12}(?P<d>~?\d[^).;]*)", re.IGNORECASE)
_PAREN_DURATION = re.compile(r"\((?P<d>[^)]*\d[^)]*)\)")
_YEAR = re.compile(r"\b(19|20)\d{2}\b")
_DETECTION_WORDS: tuple[tuple[DetectionMethod, re.Pattern[str]], ...] = (
    (
        DetectionMethod.MONITORING,
        re.compile(
            r"monitor|alert|alarm|\bpage[sd]?\b|pager|borgmon|sentry|prometheus|pagerduty|automat|synthetic|probe|nagios|datadog",
            re.I,
        ),
    ),
    (
        DetectionMethod.CUSTOMER,
        re.compile(r"customer|\busers?\b|support ticket|support|client|reported by|people telling|community", re.I),
    ),
    (
        DetectionMethod.INTERNAL,
        re.compile(r"internal|engineer|analyst|noticed|developer|employee|team member|staff|operator", re.I),
    ),
)


def parse_document(source: str | bytes, path: str, options: ParseOptions | None = None) -> ParseResult:
    """Parse one post-mortem. Never raises: unusable input yields ``postmortem=None`` and an
    error diagnostic (see :mod:`sync.core.parse.codes` for the codes)."""
    options = options or ParseOptions()
    diagnostics = Collector(path)
    try:
        text = _decode(source, diagnostics)
        if text is None:
            return ParseResult(path=path, postmortem=None, diagnostics=tuple(diagnostics.items))
        raw = source if isinstance(source, bytes) else source.encode("utf-8", "surrogatepass")
        postmortem = _Parser(text, path, options, diagnostics, hashlib.sha256(raw).hexdigest()).run()
    except Exception as exc:  # noqa: BLE001 - the contract is "never raises"; the bug is reported as data
        log.exception("parser failed on %s", path)
        diagnostics.add(codes.INTERNAL, None, f"{type(exc).__name__}: {exc}", hint="please report this document")
        return ParseResult(path=path, postmortem=None, diagnostics=tuple(diagnostics.items))
    return ParseResult(path=path, postmortem=postmortem, diagnostics=tuple(diagnostics.items))


def _decode(source: str | bytes, diagnostics: Collector) -> str | None:
    if isinstance(source, bytes):
        if b"\x00" in source:
            diagnostics.add(codes.BINARY, None, "input contains NUL bytes; not a text document")
            return None
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            diagnostics.add(
                codes.NOT_UTF8,
                None,
                f"invalid byte 0x{source[exc.start]:02x} at offset {exc.start}",
                hint="save the document as UTF-8",
            )
            return None
    else:
        # As CommonMark does, a NUL in text is replaced, not fatal (bytes with NULs are binary).
        text = source.removeprefix("\ufeff").replace("\x00", "\ufffd")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        diagnostics.add(codes.EMPTY, None, "document is empty")
        return None
    return text


@dataclass
class _LabelSection:
    """A ``- **Label**:`` list item with nested bullets (MoJ's "Review actions")."""

    header: Header
    lists: list[Node]
    end: int


@dataclass
class _Facts:
    """Summary facts in the order they were found; the first value of each field wins."""

    values: dict[str, tuple[Any, int | None]] = field(default_factory=dict)

    def put(self, name: str, value: Any, line: int | None) -> None:
        if value is not None and value != "" and name not in self.values:
            self.values[name] = (value, line)

    def get(self, name: str) -> Any:
        found = self.values.get(name)
        return found[0] if found else None

    def line(self, name: str) -> int | None:
        found = self.values.get(name)
        return found[1] if found else None


class _Parser:
    def __init__(self, text: str, path: str, options: ParseOptions, diagnostics: Collector, sha: str) -> None:
        self.path = path
        self.options = options
        self.diagnostics = diagnostics
        self.sha = sha
        front, body, _ = split_front_matter(text)
        self.front: dict[str, Any] = {}
        self.metadata: dict[str, Any] = {}
        if front is not None:
            matter = read_front_matter(front, diagnostics)
            self.front, self.metadata = matter.fields, matter.metadata
        self.lines = body.split("\n")
        root, _ = parse_tree(body)
        self.blocks: list[Node] = list(root.children)
        self.headers = find_headers(self.blocks)
        self.labels = self._label_sections()
        self._loose_tables: list[Node] | None = None
        # Where each heading's section ends: asked for many times per document (every kind's regions).
        self._stops: dict[int, int] = {}
        stack: list[Header] = []
        for header in self.headers:
            assert header.block is not None  # every heading found is a block of the document
            while stack and stack[-1].depth >= header.depth:
                self._stops[id(stack.pop())] = header.block
            stack.append(header)

    # -- structure ------------------------------------------------------------------------------

    def _label_sections(self) -> list[_LabelSection]:
        found: list[_LabelSection] = []
        for node in self.blocks:
            if node.type not in ("bullet_list", "ordered_list"):
                continue
            outline = _outline(node)
            if node.type == "ordered_list" and not outline:
                continue
            for item in node.children:
                children = list(item.children)
                if not children or children[0].type not in ("paragraph", "heading"):
                    continue
                nested = [c for c in children if c.type in ("bullet_list", "ordered_list")]
                label = pseudo_heading(children[0])
                if label is None and children[0].type == "heading":
                    # "- **Review actions**:" over an empty "  -" line is a setext heading.
                    label = node_text(children[0])
                if label is None and outline and children[0].type == "paragraph":
                    label = node_text(children[0])
                if label is None:
                    continue
                title = clean_title(label.bold_prefix or label.text)
                if not nested and classify_title(title) != "actions":
                    continue
                header = Header(
                    title=title,
                    level=0,
                    depth=PSEUDO_DEPTH,
                    kind=classify_title(title),
                    line=first_line(item),
                    node=item,
                    block=None,
                    links=list(label.links),
                )
                header.effective_kind = header.kind
                found.append(_LabelSection(header=header, lists=nested, end=last_line(item)))
        return found

    def _region(self, header: Header) -> list[int]:
        """Block indices under ``header`` up to the next header of the same or higher rank."""
        assert header.block is not None
        return list(range(header.block + 1, self._stops.get(id(header), len(self.blocks))))

    def _regions(self, kind: str) -> Iterator[tuple[Header, list[int]]]:
        """Outermost sections of ``kind`` and their blocks (nested ones are included, once)."""
        covered: set[int] = set()
        for header in self.headers:
            if header.effective_kind != kind or header.block in covered:
                continue
            region = self._region(header)
            covered.update(region)
            yield header, region

    # -- the run --------------------------------------------------------------------------------

    def run(self) -> PostMortem:
        title, title_header = self._title()
        facts = self._facts()
        started, start_timed = self._moment("start", facts)
        ended, end_timed = self._moment("end", facts)
        review = self._review_date(facts)
        year = self._year(started, ended, review, title, facts)
        items = self._action_items(year)
        template = title is not None and is_placeholder_title(title)
        if template:
            self.diagnostics.add(
                codes.UNFILLED_TEMPLATE,
                title_header.line if title_header else 1,
                f"title {title!r} is a placeholder; this is an unfilled template, {len(items)} item(s) dropped",
            )
            items = []
        has_actions = (
            any(h.effective_kind == "actions" for h in self.headers)
            or any(label.header.kind == "actions" for label in self.labels)
            or bool(self._loose_action_tables())
            or bool(items)  # found under a heading that only leans towards actions, or in prose
        )
        if not has_actions:
            self.diagnostics.add(
                codes.NO_ACTION_SECTION,
                None,
                "no action-item section (Action Items, Follow-ups, Remediation…)",
                hint="add an '## Action Items' section",
            )
        timeline = self._timeline(year, started)
        severity_raw = facts.get("severity")
        severity = self.options.severity(str(severity_raw)) if severity_raw is not None else None
        if severity_raw is not None and severity is None:
            self.diagnostics.add(
                codes.UNMAPPED_SEVERITY, facts.line("severity"), f"severity {severity_raw!r} kept as raw text"
            )
        item_lines = {item.line for item in items}
        return PostMortem(
            path=self.path,
            content_sha256=self.sha,
            title=title,
            incident_id=self._incident_id(facts, title),
            severity=severity,
            severity_raw=str(severity_raw) if severity_raw is not None else None,
            started_at=started,
            ended_at=ended,
            duration_minutes=self._duration(facts, started, ended, start_timed and end_timed),
            review_date=review,
            impact=self._impact(facts),
            detection=self._detection(facts),
            timeline=timeline,
            whys=tuple(w for _, region in self._regions("whys") for w in read_whys(self._nodes(region), self.lines)),
            factors=tuple(
                f for _, region in self._regions("factors") for f in read_factors(self._nodes(region), self.diagnostics)
            ),
            went_well=tuple(t for _, region in self._regions("went_well") for t in read_bullets(self._nodes(region))),
            action_items=tuple(items),
            # A box read as an action item (a "Prevention" section of commitments) is not also a check.
            prevention=tuple(
                c
                for _, region in self._regions("prevention")
                for c in read_checks(self._nodes(region))
                if c.line not in item_lines
            ),
            cost_inputs=self._cost(),
            industry=_text(self.front.get("industry")) or _text(facts.get("industry")),
            team=_text(self.front.get("team")) or _text(facts.get("team")),
            service=_text(self.front.get("service")) or _text(facts.get("service")),
            tags=_tags(self.front.get("tags") or facts.get("tags")),
            metadata=self.metadata,
            sections=self._sections(title_header),
        )

    def _nodes(self, indices: Sequence[int]) -> list[Node]:
        return [self.blocks[i] for i in indices]

    # -- title and id ---------------------------------------------------------------------------

    def _title(self) -> tuple[str | None, Header | None]:
        front_title = _text(self.front.get("title"))
        headings = [h for h in self.headers if h.level > 0]
        h1 = next((h for h in headings if h.level == 1), None)
        first = h1 or (headings[0] if headings else None)
        chosen: Header | None = None
        if first is not None and (first.kind == "other" or _names_incident(first)):
            chosen = first
            if is_generic_title(first.title):
                later = [h for h in headings if h.line > first.line]
                if later and later[0].kind == "other" and later[0].level <= 3:
                    chosen = later[0]
        if chosen is not None:
            chosen.effective_kind = "title"
        if front_title:
            return front_title, chosen
        return (chosen.title if chosen else None), chosen

    def _incident_id(self, facts: _Facts, title: str | None) -> str | None:
        for value in (self.front.get("incident_id"), facts.get("incident_id")):
            if _text(value):
                return _text(value)
        for header in self.headers:
            match = _INCIDENT_IN_HEADING.search(header.title)
            if match:
                return match.group("id")
        match = _INCIDENT_NUMBER.search(title or "")
        return match.group("id") if match else None

    # -- summary fields -------------------------------------------------------------------------

    def _facts(self) -> _Facts:
        facts = _Facts()
        for name, value in self.front.items():
            facts.put(name, value, 1)
        excluded = self._excluded_lines()
        eligible_kinds = {"title", "summary", "preamble"}
        kinds = self._line_kinds()
        title_lines = {h.line for h in self.headers if h.effective_kind == "title"}
        scanned = scan_fields(
            sorted(
                [
                    *(
                        (number + 1, raw)
                        for number, raw in enumerate(self.lines)
                        if number not in excluded and raw.strip()
                    ),
                    *self._table_fields(),
                ]
            )
        )
        for found in scanned:
            if found.name is None:
                if (
                    kinds.get(found.line - 1, "preamble") in eligible_kinds
                    and found.line not in title_lines
                    and len(found.label.split()) <= 4
                    and not any(ch.isdigit() for ch in found.label)
                ):
                    self.metadata.setdefault(found.label, found.value)
                continue
            self._put_field(facts, found)
        for header in self.headers:
            if header.kind == "detection" and header.block is not None and "detection" not in facts.values:
                body = next((self.blocks[i] for i in self._region(header) if self.blocks[i].type == "paragraph"), None)
                if body is not None:
                    facts.put("detection", node_text(body).text, first_line(body))
        return facts

    def _table_fields(self) -> list[tuple[int, str]]:
        """Summary fields kept in a table, as ``Label: value`` lines: a two-column ``| Field | Value |``
        table, or a one-row table whose header names the fields (``| ID | Severity | Start |``)."""
        sectioned = self._excluded_lines(tables=False)
        found: list[tuple[int, str]] = []
        for node in self.blocks:
            if node.type != "table" or not node.map or node.map[0] in sectioned:
                continue
            rows = [r for part in node.children for r in part.children if r.type == "tr"]
            cells = [[node_text(c).text for c in row.children] for row in rows]
            if all(len(row) == 2 for row in cells):
                found.extend(
                    (first_line(row), f"{label}: {value}") for row, (label, value) in zip(rows, cells, strict=True)
                )
            elif len(cells) == 2 and len(cells[0]) >= 2:
                found.extend((first_line(rows[1]), f"{label}: {value}") for label, value in zip(*cells, strict=False))
        return found

    def _put_field(self, facts: _Facts, found: Field) -> None:
        name = found.name
        assert name is not None
        if name == "range":
            parts = _RANGE_SPLIT.split(_DURATION_NOTE.sub("", found.value), maxsplit=1)
            facts.put("start", parts[0], found.line)
            if len(parts) > 1:
                facts.put("end", parts[1], found.line)
            note = _DURATION_NOTE.search(found.value)
            if note:
                facts.put("duration", note.group("d"), found.line)
            return
        if name in ("start", "end") and parse_date_or_datetime(found.value) is None:
            return
        facts.put(name, found.value, found.line)

    def _excluded_lines(self, tables: bool = True) -> set[int]:
        excluded: set[int] = set()
        skipped = ("fence", "code_block", "html_block", "table", "blockquote") if tables else ()
        for node in self.blocks:
            if node.type in skipped and node.map:
                excluded.update(range(node.map[0], node.map[1]))
        for kind in (
            "actions",
            "timeline",
            "cost",
            "whys",
            "factors",
            "went_well",
            "went_wrong",
            "lucky",
            "lessons",
            "supporting",
        ):
            for _, region in self._regions(kind):
                for index in region:
                    node = self.blocks[index]
                    assert node.map is not None  # markdown-it maps every block token
                    excluded.update(range(node.map[0], node.map[1]))
        for label in self.labels:
            if label.header.kind in ("actions", "timeline", "context") or label.header.title.lower() == "context":
                for nested in label.lists:
                    assert nested.map is not None
                    excluded.update(range(nested.map[0], nested.map[1]))
        return excluded

    def _line_kinds(self) -> dict[int, str]:
        kinds: dict[int, str] = {}
        starts = sorted((h.line - 1, h.effective_kind) for h in self.headers)
        for position, (start, kind) in enumerate(starts):
            end = starts[position + 1][0] if position + 1 < len(starts) else len(self.lines)
            for number in range(start, end):
                kinds[number] = kind
        return kinds

    def _moment(self, name: str, facts: _Facts) -> tuple[dt.datetime | None, bool]:
        value = facts.get(name)
        if isinstance(value, dt.datetime):
            return (
                value if value.tzinfo else value.replace(tzinfo=timezone_for(None, self.options.default_timezone))
            ), True
        if isinstance(value, dt.date):
            return dt.datetime.combine(
                value, dt.time(0, 0), tzinfo=timezone_for(None, self.options.default_timezone)
            ), False
        if value is None:
            return None, False
        found = parse_date_or_datetime(str(value), self.options.default_timezone)
        return found if found else (None, False)

    def _review_date(self, facts: _Facts) -> dt.date | None:
        value = facts.get("review_date")
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        return parse_date(str(value)) if value is not None else None

    def _year(
        self,
        started: dt.datetime | None,
        ended: dt.datetime | None,
        review: dt.date | None,
        title: str | None,
        facts: _Facts,
    ) -> int | None:
        for moment in (started, ended, review):
            if moment is not None:
                return moment.year
        for text in (title, str(self.metadata.get("date", ""))):
            match = _YEAR.search(text or "")
            if match:
                return int(match.group(0))
        del facts
        return None

    def _duration(
        self, facts: _Facts, started: dt.datetime | None, ended: dt.datetime | None, timed: bool
    ) -> int | None:
        for name in ("duration", "duration_fallback"):
            value = facts.get(name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
                return int(value)
            if value is not None:
                minutes = parse_duration_minutes(str(value))
                if minutes is not None:
                    return minutes
        if started is not None and ended is not None and timed and ended >= started:
            return int((ended - started).total_seconds() // 60)
        return None

    def _impact(self, facts: _Facts) -> Impact:
        value = facts.get("impact")
        if value is None:
            return Impact()
        text = str(value) if not isinstance(value, dict) else None
        if isinstance(value, dict):
            return Impact.model_validate({k: v for k, v in value.items() if k in Impact.model_fields})
        users, revenue, sla = impact_numbers(text or "")
        return Impact(users=users, revenue_lost=revenue, sla_breached=sla, text=text)

    def _detection(self, facts: _Facts) -> Detection:
        value = facts.get("detection")
        text = str(value) if value is not None else None
        method: DetectionMethod | None = None
        delay: int | None = None
        if text:
            positions = [(m.start(), kind) for kind, pattern in _DETECTION_WORDS if (m := pattern.search(text))]
            if positions:
                method = min(positions)[1]
            note = _DELAY_NOTE.search(text) or _PAREN_DURATION.search(text)
            if note:
                delay = parse_duration_minutes(note.group("d"))
        explicit = facts.get("delay")
        if explicit is not None:
            minutes = int(explicit) if isinstance(explicit, int) else parse_duration_minutes(str(explicit))
            delay = minutes if minutes is not None else delay
        return Detection(method=method, method_raw=text, delay_minutes=delay)

    def _cost(self) -> Any:
        for header, region in self._regions("cost"):
            nodes = self._nodes(region)
            if not nodes:
                continue
            start = header.line
            end = max(last_line(n) for n in nodes)
            found = read_cost(self.lines[start:end])
            if found is not None:
                return found
        return None

    # -- actions and timeline -------------------------------------------------------------------

    def _action_items(self, year: int | None) -> list[ActionItem]:
        reader = ItemReader(self.options, self.diagnostics, self.lines)
        units: list[tuple[int, Any]] = []
        for header, region in self._regions("actions"):
            units.append((header.line, (header, region)))
        for label in self.labels:
            if label.header.kind == "actions":
                units.append((label.header.line, label))
        for node in self._loose_action_tables():
            units.append((first_line(node), node))
        spans: list[tuple[int, int]] = []
        for _, unit in sorted(units, key=lambda u: u[0]):
            start = len(reader.drafts)
            if isinstance(unit, Node):
                reader.read_table(unit, None)
            elif isinstance(unit, _LabelSection):
                for nested in unit.lists:
                    reader.read_list(nested, None, None)
            else:
                header, region = unit
                self._read_action_region(reader, header, region)
            spans.append((start, len(reader.drafts)))
        self._drop_restated(reader, spans)
        read_candidates(reader, self.blocks, self.headers, self._structural_blocks(), self.options)
        self._owners_from_actors(reader)
        _owners_in_parentheses(reader)
        return reader.finish(year)

    def _owners_from_actors(self, reader: ItemReader) -> None:
        """ "Hypha: Make a proposal …", "Hypha + ICL: Write …", "ICL check how …": a name heading an item
        is its owner when the document names it as an actor elsewhere (an owner of another item, an
        author). A category label ("Monitoring: Add alerts") is no such name."""
        if not any(d.owner is None and _ACTOR_LEAD.match(d.text) for d in reader.drafts):
            return  # most documents: no item to give an owner, so no byline to read
        actors = {part.casefold() for d in reader.drafts if d.owner for part in _ACTOR_SPLIT.split(d.owner)}
        for line in self.lines:
            byline = _BYLINE.match(line) if ":" in line else None
            if byline:
                actors.update(n.casefold() for n in _NAME_IN_BYLINE.findall(byline.group("names")))
        for header in self.headers:
            if header.block is not None and _BYLINE_HEADING.match(header.title.strip()):
                for index in self._region(header)[:2]:
                    if self.blocks[index].type == "paragraph":
                        text = node_text(self.blocks[index]).text
                        actors.update(n.casefold() for n in _NAME_IN_BYLINE.findall(text))
        actors -= _NOT_ACTORS
        if not actors:
            return
        for _ in range(2):  # an owner found names an actor for the items before it too
            for draft in reader.drafts:
                lead = _ACTOR_LEAD.match(draft.text) if draft.owner is None else None
                if lead is None:
                    continue
                parts = [p.casefold() for p in _ACTOR_SPLIT.split(lead.group("names")) if p]
                known = sum(1 for p in parts if p in actors)
                # A colon or "to"/"will" marks the subject; a bare leading name needs every part known.
                if known == len(parts) or (known and lead.group("sep").strip()):
                    draft.owner = lead.group("names")
                    actors.update(parts)

    def _drop_restated(self, reader: ItemReader, spans: list[tuple[int, int]]) -> None:
        """Two action sections that hold the same items are one list said twice: a later one that
        restates an earlier one one for one, in order and in fewer words ("## Action Items Status" as a
        checklist under the action table), or two that pair item for item in any order on their words
        ("## Preventive Measures" elaborating each row of the "## Action Items" table below it). One is
        read: the table when only one of them is (its columns are the record: owner, due date, ticket),
        else the earlier. A box the other ticks marks the item it restates."""
        dropped: set[int] = set()
        for later, (start, end) in enumerate(spans):
            restated = reader.drafts[start:end]
            if len(restated) < 2 or start in dropped:
                continue
            bare = not any(d.owner or d.deadline_raw or d.tickets for d in restated)
            for first, last in spans[:later]:
                originals = reader.drafts[first:last]
                if len(originals) != len(restated) or first in dropped:
                    continue
                pairs = _pair_restated(originals, restated)
                if bare and all(
                    _shares_word(a.text, b.text) and len(b.text.split()) <= len(a.text.split())
                    for a, b in zip(originals, restated, strict=True)
                ):
                    pairs = list(zip(originals, restated, strict=True))
                if pairs is None:
                    continue
                if self._from_table(restated) and not self._from_table(originals):
                    pairs = [(b, a) for a, b in pairs]
                    start, end, first, last = first, last, start, end
                for kept, again in pairs:
                    if again.status_marked and (kept.status is None or kept.status_guessed):
                        kept.status, kept.status_raw = again.status, again.status_raw
                dropped.update(range(start, end))
                self.diagnostics.add(
                    codes.NOT_AN_ITEM,
                    reader.drafts[start].line,
                    f"{end - start} entries restate the items of line {reader.drafts[first].line} on: not read again",
                )
                break
        if dropped:
            reader.drafts[:] = [d for i, d in enumerate(reader.drafts) if i not in dropped]

    def _from_table(self, drafts: Sequence[Any]) -> bool:
        return all(self.lines[d.line - 1].lstrip().startswith("|") for d in drafts if 0 < d.line <= len(self.lines))

    def _structural_blocks(self) -> set[int]:
        """Blocks the structural pass read or deliberately passed over: action regions (with their
        sub-headings), loose action tables, lists holding an action label section."""
        covered = {i for _, region in self._regions("actions") for i in region}
        covered.update(i for i, node in enumerate(self.blocks) if node in self._loose_action_tables())
        for label in self.labels:
            # "- **Limits**:" over sub-bullets inside a record of fields ("- **File**:", "- **Change**:") is
            # one field of the record, which the candidates read whole under the heading that names it.
            covered.update(
                i
                for i, node in enumerate(self.blocks)
                if node.map and label.header.line - 1 in range(*node.map) and not field_record(node)
            )
        return covered

    def _loose_action_tables(self) -> list[Node]:
        """Tables whose header names an action column ("| Action Item | Owner |") outside any action
        section (under an empty or unrelated heading): the header says what they hold."""
        if self._loose_tables is None:
            candidates = [
                (index, node)
                for index, node in enumerate(self.blocks)
                if node.type == "table" and ItemReader.names_actions(node)
            ]
            if candidates:  # most documents have none: skip the section walk
                covered = {i for _, region in self._regions("actions") for i in region} | self._narrative_blocks()
                covered.update(
                    i for header in self.headers if holds_no_follow_ups(header.title) for i in self._region(header)
                )
                candidates = [(index, node) for index, node in candidates if index not in covered]
            self._loose_tables = [node for _, node in candidates]
        return self._loose_tables

    def _narrative_blocks(self) -> set[int]:
        found: set[int] = set()
        for kind in ("timeline", "whys", "factors", "went_well", "went_wrong", "lucky", "prevention", "cost"):
            for _, region in self._regions(kind):
                found.update(region)
        return found

    def _read_action_region(self, reader: ItemReader, header: Header, region: list[int]) -> None:
        by_block = {h.block: h for h in self.headers if h.block is not None}
        # "## Leftover tasks": a section named for the work still to do holds open work, whatever an entry's
        # tense ("I removed the gem but found no replacement").
        # So does one naming the writers' changes as made ("## Changes we have made").
        named = names_work_left(header.title) or names_changes_made(header.title)
        parsed = parse_group(header.title, header.links, self.options)
        # "## Actions (implemented)": a status in parentheses is said of every entry; the heading's own
        # words ("Next Steps", "✅ Próximos passos") name the section, not its entries' status.
        parenthesised = parsed.status is not None and parsed.status_raw != parsed.title
        # "### Short-term Improvements (Within 1 Month)": a time frame in the heading is every entry's too.
        framed = parsed.deadline_raw is not None
        group = parsed if named or parenthesised or framed else None
        # The groups of the sub-headings enclosing the current one, by depth: "### Immediate (Within 7 Days)"
        # over "**1. Backups**" gives the label's items their time frame, status and priority.
        enclosing: list[tuple[int, Group]] = [(header.depth, group)] if group is not None else []
        skip_depth: int | None = None
        readable: list[tuple[int, Any]] = []
        titled = self._titled_items(reader, region, by_block)
        for titled_header, nodes in titled:
            draft = titled_item(reader, titled_header, nodes)
            if draft is not None:
                reader.drafts.append(draft)
        if titled:
            return
        records = repeated_records([self.blocks[index] for index in region])
        for index in region:
            sub = by_block.get(index)
            if sub is not None:
                if skip_depth is not None and sub.depth > skip_depth:
                    continue
                skip_depth = None
                if sub.level == 0 and (names_effects(f"{sub.title}:") or weighs_option(sub.title)):
                    # "**The sync functions are now fully operational and will:**": what the fixed thing does;
                    # "**Expected effects:**", "**Risk:**": what a proposed measure would bring or risk.
                    self.diagnostics.add(codes.NOT_AN_ITEM, sub.line, "what its label says a change brings: not items")
                    skip_depth = sub.depth
                elif names_rules(sub.title):
                    # "**ALWAYS:**", "### For Future Deployments": standing rules, a checklist for each time.
                    self.diagnostics.add(codes.NOT_AN_ITEM, sub.line, "rules to work by: not items")
                    skip_depth = sub.depth
                elif (spelled := self._spelt_out(sub, index, region, by_block)) is not None:
                    draft = titled_item(reader, sub, spelled)
                    if draft is not None:
                        reader.keep(draft, enclosing[-1][1] if enclosing else None)
                    skip_depth = sub.depth
                elif sub.kind in _GROUP_KINDS:
                    group = parse_group(sub.title, sub.links, self.options)
                    group.owner = owner_label(sub, reader.source)
                    while enclosing and enclosing[-1][0] >= sub.depth:
                        enclosing.pop()
                    if enclosing:
                        inherit_group(group, enclosing[-1][1])
                    enclosing.append((sub.depth, group))
                else:
                    skip_depth = sub.depth
                continue
            if skip_depth is not None:
                continue
            if id(self.blocks[index]) in records:
                self.diagnostics.add(
                    codes.NOT_AN_ITEM, first_line(self.blocks[index]), "a record of fields like its siblings: not items"
                )
                continue
            if checks_and_results(self.blocks[index]):
                # "- `pnpm build`: ✅ pasa", "- Secret scan: ✅ 0 hits": the checks run and how they came out.
                self.diagnostics.add(
                    codes.NOT_AN_ITEM, first_line(self.blocks[index]), "a list of checks and their results: not items"
                )
                continue
            if walks_through_ui(self.blocks[index]):
                # "1. Go to the console", "2. Select your project", "3. Click **Regenerate**": how it is done.
                self.diagnostics.add(
                    codes.NOT_AN_ITEM, first_line(self.blocks[index]), "steps through a user interface: not items"
                )
                continue
            if tells_what_it_does(self.blocks[index]):
                # "**Created `check.py`**:" over "- Uses Playwright to test the pages", "- Runs after every deploy".
                self.diagnostics.add(codes.NOT_AN_ITEM, first_line(self.blocks[index]), "what a thing does: not items")
                continue
            if _names_only(self.blocks[index]):
                # "… pointed these subdomains at the buckets:" over "- staticshare", "- `VISIBILITY_QUERY`":
                # the names the prose is about, not what is to be done.
                self.diagnostics.add(
                    codes.NOT_AN_ITEM, first_line(self.blocks[index]), "a list of names the prose refers to: not items"
                )
                continue
            readable.append((index, group))
        # Paragraphs are items only where the author wrote no list or table in the whole section:
        # beside a list (even one under a sub-heading) they introduce or comment on it.
        # A table of anything but actions ("| type | name |" of the records removed) is prose's evidence.
        listed = any(
            self.blocks[index].type in ("bullet_list", "ordered_list") or reader.is_action_table(self.blocks[index])
            for index, _ in readable
        )
        # Beside an action table, a list that defines terms explains the table (a legend of types
        # or priorities: "P0 - critical…"); any other list holds items and is read as such, never
        # dropped without a word.
        tabled = {id(group) for index, group in readable if reader.is_action_table(self.blocks[index])}
        before = (len(reader.drafts), len(self.diagnostics.items))
        label: Any = None
        intro: Node | None = None
        seen_list = False
        prose: list[Node] = []
        from_prose = 0  # drafts read from the sentences of prose
        above: Node | None = None
        spelt: set[int] = set()  # the lists that spell out the numbered bold title above them
        for position, (index, group) in enumerate(readable):
            node = self.blocks[index]
            prior, above = above, node
            if index in spelt:
                continue
            if node.type == "paragraph":
                after = position + 1  # the list below, past a code block that shows the change ("```bash …```")
                while after < len(readable) and self.blocks[readable[after][0]].type in ("fence", "code_block"):
                    after += 1
                following = self.blocks[readable[after][0]] if after < len(readable) else None
                if following is not None and read_spelt_out(reader, node, following, group):
                    spelt.update(index for index, _ in readable[position + 1 : after + 1])
                    intro = None
                    continue
            if (
                node.type in ("bullet_list", "ordered_list")
                and intro is not None
                and read_lead_in(reader, intro, node, group)
            ):
                intro, seen_list = None, True
                continue
            intro = node if node.type == "paragraph" else None
            found = label_group(node, group) if node.type == "paragraph" else None
            if found is not None:
                # "The following action items are already completed:": the status of the list below it.
                label = found
                continue
            if node.type in ("bullet_list", "ordered_list", "table") and label is not None:
                group, label = label, None
            seen_list = seen_list or node.type in ("bullet_list", "ordered_list", "table")
            if node.type == "paragraph" and not listed:
                count = len(reader.drafts)
                reader.read_plain(node, group)
                if len(reader.drafts) == count:
                    # Prose that is no item as a whole: beside the section's items, its sentences that commit
                    # to more or report work under way are items ("We are building tests that …"); work
                    # reported done there is the story ("We reverted it.").
                    prose.append(node)
                    read_prose_sentences(reader, node, reports=False)
                    from_prose += len(reader.drafts) - count
            elif node.type == "paragraph" and seen_list:
                # Below the list, a paragraph that commits to more ("We'll be doing a more extensive review")
                # or reports work under way adds an item; one that comments on the list adds none.
                reader.read_block(node, group)
                read_prose_sentences(reader, node, reports=False)
            elif node.type in ("bullet_list", "ordered_list") and id(group) in tabled and _is_legend(node):
                continue
            elif not reader.elaborates_entry_above(prior, node):
                reader.read_block(node, group)
        if len(reader.drafts) == before[0] + from_prose:
            # A section that holds only prose ("Because of this, I moved the job. I will also add …"): the
            # sentences that commit to or report work, done or not, are its items.
            del reader.drafts[before[0] :]
            for node in prose:
                read_prose_sentences(reader, node, reports=True)
        written = [self.blocks[i] for i, _ in readable if self.blocks[i].type not in ("hr", "html_block")]
        # A table with a header and no rows is a section still to be written (a fresh template), not
        # content the parser failed to read.
        written = [node for node in written if node.type != "table" or _table_rows(node) > 1]
        if written and not _says_none(written) and (len(reader.drafts), len(self.diagnostics.items)) == before:
            self.diagnostics.add(
                codes.NO_ITEMS_FOUND,
                header.line,
                f"section {header.title!r} has content but no action item was recognised",
                hint="write one item per bullet, checkbox, table row or line",
            )

    def _spelt_out(self, sub: Header, at: int, region: list[int], by_block: dict[int, Header]) -> list[Node] | None:
        """The blocks under a numbered bold title (at block ``at``) when they spell its one action out, else None."""
        nodes: list[Node] = []
        for index in region[region.index(at) + 1 :]:
            if index in by_block:
                break
            nodes.append(self.blocks[index])
        return nodes if spells_out_one_action(sub, nodes) else None

    @staticmethod
    def _supports_prose(reader: ItemReader, node: Node, before: Sequence[Node]) -> bool:
        """A list or table inside a titled item's prose that lists what the prose is about ("the queries
        that depend on it: `A`, `B`"), not further actions: the prose opened the sub-section."""
        if not any(n.type == "paragraph" for n in before):
            return False
        if node.type == "table":
            return not reader.is_action_table(node)
        return (
            node.type in ("bullet_list", "ordered_list")
            and not holds_actions([node])
            and not files_titled_entries(node)
        )

    def _titled_items(
        self, reader: ItemReader, region: list[int], by_block: dict[int, Header]
    ) -> list[tuple[Header, list[Node]]]:
        """Sub-headings that are the items of an action section: every sub-heading names one action and
        holds only prose about it ("### 1) Streaming processes reduces `@nova` [mitigation]")."""
        found: list[tuple[Header, list[Node]]] = []
        current: tuple[Header, list[Node]] | None = None
        subs = [by_block[index] for index in region if index in by_block]
        # "### Runtime Upgrade Policy (P0)", "### Recovery Readiness (P2)": sub-headings that carry a
        # priority are the items, whatever they hold (a list under one spells it out).
        # So do sub-headings most of which open with a priority field ("### A1. Update the deploy workflow" over
        # "**Prioridad:** Alta"): the form of an action's record.
        # So are sub-headings that are each an order ("### Restart Grafana", "### CRITICAL: Revoke the webhook"),
        # whatever spells them out below: steps, commands, prose.
        prioritised = len(subs) >= 2 and (
            2 * sum(1 for h in subs if _PRIORITY_TAG.search(h.title)) >= len(subs)
            or 2 * sum(1 for h in subs if self._opens_with_record(h)) >= len(subs)
            or all(h.level > 0 and opens_with_order(_SHOUTED.sub("", h.title)) for h in subs)
        )
        tail = len(region)
        while tail and self.blocks[region[tail - 1]].type == "hr":
            tail -= 1
        closing = set(region[tail:])
        for index in region:
            sub = by_block.get(index)
            if sub is not None:
                if prioritised and sub.depth > subs[0].depth and current is not None:
                    current[1].append(self.blocks[index])
                    continue
                if (
                    sub.level == 0
                    and current is not None
                    and current[0].level > 0
                    and NUMBERED_TITLE.match(current[0].title)
                    and not NUMBERED_TITLE.match(sub.title)
                ):
                    # "**Resultado**:" under "### 3. Limpeza do Histórico ✅": a label inside the record of
                    # the numbered sub-heading's one action, part of what spells it out ("**1. Uptime
                    # monitoring**" under "### Short term" is an item of its own).
                    current[1].append(self.blocks[index])
                    continue
                numbered = bool(NUMBERED_TITLE.match(sub.title)) or prioritised
                if sub.level == 0 or (sub.kind != "other" and not numbered) or len(sub.title.split()) > 12:
                    return []
                current = (sub, [])
                found.append(current)
                continue
            node = self.blocks[index]
            if index in closing:
                continue  # the rule that closes the section ("---" before the next "##"), not the item's content
            if current is None:
                if node.type != "paragraph":
                    return []  # a list or table before any sub-heading: the section lists its items
                continue
            explains = node.type in ("paragraph", "fence", "code_block", "blockquote", "html_block")
            if not explains and not prioritised and not self._supports_prose(reader, node, current[1]):
                return []
            current[1].append(node)
        if prioritised:
            return found
        return found if found and all(any(n.type == "paragraph" for n in nodes) for _, nodes in found) else []

    def _opens_with_record(self, header: Header) -> bool:
        """Whether the block under ``header`` is a paragraph opened by a record's field ("**Priority:** High",
        "**Target file:** `app.py`")."""
        if header.block is None or header.block + 1 >= len(self.blocks):
            return False
        node = self.blocks[header.block + 1]
        return node.type == "paragraph" and bool(_RECORD_OPENER.match(node_text(node).text))

    def _timeline(self, year: int | None, started: dt.datetime | None) -> tuple[Any, ...]:
        reader = TimelineReader(self.options.default_timezone, year)
        if started is not None:
            reader.current_date = started.date()
            reader.reference = started
        for header, region in self._regions("timeline"):
            from sync.core.parse.dates import zone_note

            zone = zone_note(header.title)
            if zone:
                reader.zone = zone
            for index in region:
                reader.read_block(self.blocks[index], self.lines)
        return reader.finish()

    # -- sections -------------------------------------------------------------------------------

    def _sections(self, title_header: Header | None) -> tuple[Section, ...]:
        starts: list[tuple[int, Header]] = [(h.line, h) for h in self.headers]
        starts.extend((label.header.line, label.header) for label in self.labels)
        starts.sort(key=lambda s: s[0])
        sections: list[Section] = []
        total = len(self.lines)
        for position, (line, header) in enumerate(starts):
            end = starts[position + 1][0] - 1 if position + 1 < len(starts) else total
            while end > line and not self.lines[end - 1].strip():
                end -= 1
            end = max(end, line)
            kind = "title" if header is title_header and header.kind == "other" else header.effective_kind
            sections.append(
                Section(
                    title=header.title or "(untitled)",
                    level=header.level,
                    kind=kind,
                    line=line,
                    end_line=end,
                    text="\n".join(self.lines[line:end]),
                )
            )
        return tuple(sections)


# Sub-headings that group the items of an action section by category (the Google SRE book's
# Prevention / Detection / Mitigation / Process / Fixes) rather than start another section.
_GROUP_KINDS = frozenset({"other", "actions", "prevention", "detection", "resolution"})
_NONE_STATED = re.compile(r"^\W*(?:none|no(?:ne)?\b.*|n/?a|nothing\b.*|tbd)\W*$", re.IGNORECASE)


_PRIORITY_TAG = re.compile(r"[(\[]\s*P[0-4]\s*[)\]]")
# The fields an action's record opens with: its priority, or what it changes ("**Target file:** `app.py`",
# "**対象ファイル:**", "**Effort:** 2 days").
_RECORD_OPENER = re.compile(
    r"^(?:priority|prioridad|prioridade|priorit[äa]t|priorité|priorità|优先级|優先度|우선순위"
    r"|(?:target|affected) (?:files?|functions?|components?|modules?|services?)|files? to (?:change|modify)|effort"
    r"|対象(?:ファイル|関数|箇所|モジュール)|修正(?:対象|箇所)|目标文件|涉及文件|修改文件|대상 (?:파일|함수))\s*[:：]",
    re.IGNORECASE,
)


def _outline(node: Node) -> bool:
    """A list that is the document's outline ("1. Incident Date", "7. Preventative Measures", each over
    its own sub-bullets): short plain entries, most with a list below, two or more named as sections."""
    entries = node.children
    if len(entries) < 3:
        return False
    labels: list[str] = []
    nested = 0
    for entry in entries:
        first = entry.children[0] if entry.children else None
        if first is None or first.type != "paragraph":
            return False
        text = node_text(first).text.strip().rstrip(":")
        if len(text.split()) > 6 or text.endswith((".", "!", "?")):
            return False
        labels.append(text)
        nested += any(c.type in ("bullet_list", "ordered_list") for c in entry.children[1:])
    return 2 * nested >= len(entries) and sum(1 for t in labels if classify_title(t) != "other") >= 2


# "CRITICAL: Revoke the webhook", "URGENT - Rotate the key": a shouted label before the title.
_SHOUTED = re.compile(r"^[A-Z]{3,}\s*[:\-–—]\s*")
_ONE_NAME = re.compile(r"^`?[\w.@/:-]+`?$")
# Chinese, Japanese and Korean write a sentence without spaces: a run of more than four of their characters
# ("增加超时分级") is words, not one name.
_CJK_WORDS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{5}")


def _names_only(node: Node) -> bool:
    """A list of two or more entries that are each one name or identifier and nothing else."""
    if node.type not in ("bullet_list", "ordered_list") or len(node.children) < 2:
        return False
    for entry in node.children:
        if len(entry.children) != 1 or entry.children[0].type != "paragraph":
            return False
        text = node_text(entry.children[0]).text
        if not _ONE_NAME.match(text) or "://" in text or _CJK_WORDS.search(text):
            return False  # a link alone is the ticket of an item
    return True


def _names_incident(header: Header) -> bool:
    """An H1 written as a sentence names the incident even when a section word occurs in it ("SSO
    logins rejected after identity-provider metadata refresh"); a section name is a few words."""
    return header.level == 1 and header.kind != "actions" and len(header.title.split()) >= 5


def _says_none(blocks: Sequence[Node]) -> bool:
    """A section that states it has no items ("_No action items._", "None.", "N/A")."""
    if len(blocks) != 1 or blocks[0].type != "paragraph":
        return False
    text = node_text(blocks[0]).text
    return len(text) <= 80 and bool(_NONE_STATED.match(text))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(json_safe(value)).strip() if not isinstance(value, str) else value.strip()
    return text or None


def _tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(t.strip() for t in re.split(r"[,;]", str(value)) if t.strip())


# "P0 - Critical for …", "Prevent: stop it happening", "**Detect** — notice it sooner": a short
# term (one or two words, no sentence punctuation) and a separator, then its definition.
_LEGEND_ENTRY = re.compile(r"^\**[\w/+.()-]+(?: [\w/+.()-]+)?\**\s*(?:[-–—]|:)\s+\S")


def _is_legend(node: Any) -> bool:
    """A list whose every entry defines a term (see ``_LEGEND_ENTRY``)."""
    # An entry that does not open with a paragraph (an empty "-") is no definition.
    texts = [node_text(entry.children[0]).text for entry in node.children if entry.children[:1]]
    return len(texts) == len(node.children) and all(_LEGEND_ENTRY.match(text) for text in texts)


_WORD = re.compile(r"[a-z0-9][a-z0-9._/-]{3,}")


_NAME = r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*)?"
_ACTOR_SPLIT = re.compile(r"\s*(?:\+|&|/|,|\band\b|<>)\s*")
_ACTOR_LEAD = re.compile(
    rf"^(?P<names>{_NAME}(?:\s*(?:\+|&|/|\band\b)\s*{_NAME})*)(?P<sep>:\s+|\s+(?:to|will|shall|should|must)\s+|\s+)"
    r"(?=[a-zA-Z])"
)
_BYLINE = re.compile(
    r"^\s*(?:[-*]\s+)?(?:\*\*)?(?:authors?|owners?|prepared by|written by|participants)(?:\*\*)?"
    r"\s*:(?:\*\*)?\s*(?P<names>.+)$",
    re.IGNORECASE,
)
_BYLINE_HEADING = re.compile(r"^(?:authors?|owners?|participants)$", re.IGNORECASE)
_NAME_IN_BYLINE = re.compile(rf"(?<![\w@]){_NAME}")
_NOT_ACTORS = frozenset({"the", "we", "our", "team", "n/a", "none", "tbd", "unknown"})
# "draft the thank-you emails (Romeo)", "get the receipts in (everyone)": meeting notes name who takes a
# to-do in brackets after it. A first name, or "everyone"; "(OSI)", "(RTO)", "(if available)" are no one.
_PAREN_NAME = re.compile(r"\s*\((?P<name>[A-Z][a-z]{1,20}(?: [A-Z][a-z]{1,20})?\??|everyone|all)\)\s*$")
# The to-dos that must carry such a name, and one name that must recur, before brackets read as owners: a
# list of "(Grafana)", "(Sentry)" names tools, a team's notes name the same people again and again.
_PAREN_NAMES_MIN = 3


def _owners_in_parentheses(reader: ItemReader) -> None:
    named = [
        (draft, match) for draft in reader.drafts if draft.owner is None and (match := _PAREN_NAME.search(draft.text))
    ]
    if len(named) < _PAREN_NAMES_MIN:
        return
    counts = Counter(match.group("name").rstrip("?").casefold() for _, match in named)
    if not any(count >= 2 for name, count in counts.items() if name not in ("everyone", "all")):
        return
    for draft, match in named:
        # The name stays in the title too: it is how the team wrote the to-do and reads it back.
        draft.owner = match.group("name")


_SMALL_WORDS = frozenset({"with", "that", "from", "this", "into", "when", "after", "before", "their", "them", "each"})


def _content_words(text: str) -> set[str]:
    return {w[:5] for w in _WORD.findall(text.lower()) if w not in _SMALL_WORDS}


def _pair_restated(originals: Sequence[Any], restated: Sequence[Any]) -> list[tuple[Any, Any]] | None:
    """Each original paired with the restatement that shares most of its words (two at least), each
    used once; ``None`` when some item finds no such partner: the lists hold different items."""
    words = [_content_words(d.text) for d in restated]
    free = set(range(len(restated)))
    pairs: list[tuple[Any, Any]] = []
    for original in originals:
        own = _content_words(original.text)
        best = max(free, key=lambda i: (len(own & words[i]), -i), default=None)
        if best is None or len(own & words[best]) < 2:
            return None
        free.discard(best)
        pairs.append((original, restated[best]))
    return pairs


def _shares_word(a: str, b: str) -> bool:
    """Whether two wordings of one item share a word of four letters or more (its first five letters)."""
    return bool({w[:5] for w in _WORD.findall(a.lower())} & {w[:5] for w in _WORD.findall(b.lower())})


def _table_rows(node: Any) -> int:
    """Rows of a table, its header row included."""
    return sum(1 for section in node.children for row in section.children if row.type == "tr")
