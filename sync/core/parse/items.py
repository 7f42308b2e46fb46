"""Action items from the blocks of an action section: tables, lists, checkboxes, labelled paragraphs.

Each item's text goes through one pipeline (:meth:`ItemReader.read_text`) that peels structured
decorations off its ends — checkbox, ✅, ``(P0, @kofi, due …)``, ``[jhford]``, ``P1:``, ``— @ravi``,
``(done 2026-04-22)``, ``Owner: @x``, trailing ticket links, deadline phrases — and keeps what is
left as the action text. Nothing is invented: fields the item does not state stay ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sync.core.model import ActionItem, Priority, Status, TicketLink
from sync.core.parse import codes
from sync.core.parse.blocks import Inline, Link, Node, first_line, node_text
from sync.core.parse.codes import Collector
from sync.core.parse.dates import deadline_phrase, parse_date, period_end
from sync.core.parse.options import ParseOptions
from sync.core.parse.refs import (
    BARE_URL,
    from_url,
    is_jira_key,
    is_ticketish_text,
    link_ticket,
    merge,
    text_tickets,
)
from sync.core.parse.wording import is_placeholder, reads_as_done

_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_HANDLE = r"@[\w][\w.-]*[\w]|@\w"
_OWNER_TOKEN = rf"(?:{_EMAIL}|{_HANDLE})"
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX✓✔]?)\]\s*")
_DONE_SYMBOL = re.compile(r"[✅✔☑]\ufe0f?")
_LEADING_PAREN = re.compile(r"^\((?P<body>[^()]{1,80})\)\s*")
_LEADING_BRACKET = re.compile(r"^\[(?P<body>@?[A-Za-z][\w.@-]*(?:[ ,]+@?[A-Za-z][\w.@-]*){0,2})\]\s+")
_TRAILING_BRACKET = re.compile(r"\s*\[(?P<body>@?[A-Z][\w.-]*(?: [A-Z][\w.-]*)?|@[\w.-]+)\]\s*\.?$")
_PRIORITY_PREFIX = re.compile(r"^\[?(?P<p>P[0-4])\]?\s*[:\-–—]?\s+", re.IGNORECASE)
_TRAILING_PAREN = re.compile(r"\s*\((?P<body>[^()]{1,80})\)\s*\.?$")
# A trailing parenthesised list of ticket references: "(DEMO-22)", "(#12, #14)", "([PROJ-3](…))".
# Link texts are masked with \0 before matching, so a link of any text counts as one reference.
_TRAILING_GROUP = re.compile(r"\s*\((?P<body>[^()]{1,400})\)\s*\.?$")
_REFERENCE = r"\0+|#\d+|[\w.-]+/[\w.-]+#\d+|[A-Z][A-Z0-9]{1,9}-\d+|bug\s*#?\s*\d+|https?://[^\s,;()]+"
_REFERENCE_LIST = re.compile(rf"\s*(?:{_REFERENCE})(?:\s*[,;/&]?\s*(?:and\s+)?(?:{_REFERENCE}))*\s*", re.IGNORECASE)
_JIRA_LIKE = re.compile(r"\b(?P<project>[A-Z][A-Z0-9]{1,9})-\d+\b")
# A name, a team slug or "<x> team": not a lower-case word such as "optional" or "stretch goal".
_PLAIN_OWNER = re.compile(
    r"[a-z][a-z0-9]*(?:[._-][a-z0-9]+)+|[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2}|[\w.-]+(?: [\w.-]+)? team"
)
_TRAILING_CLAUSE = re.compile(r"\s+(?:—|–|--|-)\s+(?P<body>[^—–]{1,80})$")
_OWNER_SENTENCE = re.compile(
    rf"(?:(?<=^)|(?<=[\s.;,(]))owners?\s*:\s*(?P<owner>{_OWNER_TOKEN}|[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?)\.?",
    re.IGNORECASE,
)
_SUBJECT_OWNER = re.compile(rf"^(?P<owner>{_OWNER_TOKEN})\s+(?:will|should|to|is going to|must)\b")
_TEAM_OWNER = re.compile(
    r"^(?P<owner>[A-Za-z][\w'’-]*(?:\s+[\w'’-]+){0,3}\s+team)\s+(?:should|will|must|needs to|is to|to own)\b"
)
_WORK_IN_PROGRESS = re.compile(r"\bwork in progress\b|\bis (?:currently )?(?:underway|in progress)\b", re.I)
_UPPER_STATUS_WORDS = ("DONE", "TODO", "WONTFIX", "IN PROGRESS")
_UPPER_STATUS = re.compile(rf"(?:^|\s)(?P<s>{'|'.join(_UPPER_STATUS_WORDS)})\s*$")
_LABEL_ACTION = re.compile(r"^action items?\s*:?$", re.IGNORECASE)
_DUE = re.compile(r"^(?:due|by|deadline|target|eta)\s*:?\s*(?P<d>.+)$", re.IGNORECASE)
_STATUS_WITH_DATE = re.compile(
    r"^(?P<s>done|completed?|fixed|resolved|closed)(?:\s+(?:as of|on|in))?\s*:?\s*(?P<d>\d{4}-\d{2}-\d{2})?$",
    re.IGNORECASE,
)
_URL_IN_GROUP = re.compile(r"https?://[^\s,;()]+")
_CLOSING_PUNCTUATION = re.compile(r"[\s)\].,;]*")
_PART_SPLIT = re.compile(r"[,;]")
_PRIORITY_WORD = re.compile(r"p[0-4]|[a-z]+")
_OWNER_ONLY = re.compile(_OWNER_TOKEN)
_OWNER_PART = re.compile(rf"owners?\s*:?\s*(?P<o>{_OWNER_TOKEN}|[\w .'-]{{1,40}})", re.IGNORECASE)
_PERIOD = re.compile(r"\b(?:Q[1-4]|H[12])\b")
_ANY_DIGIT = re.compile(r"\d")
_PARENTHETICAL = re.compile(r"\s*\([^)]*\)")

_COLUMNS: dict[str, str] = {}
for _role, _names in {
    "number": "#|no|no.|nr|number|id|item #",
    "text": "action|action item|action items|actions|item|task|description|what|follow-up|follow up"
    "|followup|remediation|corrective action|recommendation|todo|to do|step|next step",
    "owner": "owner|owners|who|assignee|assigned to|responsible|owner(s)|team|dri",
    "deadline": "deadline|due|due date|target|target date|by when|when|eta|due by",
    "priority": "priority|prio|pri",
    "status": "status|state|done?|progress",
    "ticket": "ticket|tickets|bug|bug #|bugs|reference|references|ref|issue|issues|jira|link|links|tracking|tracker|pr",
    "kind": "type|kind|category",
}.items():
    for _name in _names.split("|"):
        _COLUMNS[_name] = _role


@dataclass
class Group:
    """A sub-heading inside an action section and what it says about all its items."""

    title: str | None = None
    status: Status | None = None
    status_raw: str | None = None
    deadline_raw: str | None = None
    tickets: list[TicketLink] = field(default_factory=list)


@dataclass
class Draft:
    """An item being assembled; becomes an :class:`ActionItem` once numbered."""

    text: str
    line: int
    owner: str | None = None
    deadline_raw: str | None = None
    priority_raw: str | None = None
    status_raw: str | None = None
    status: Status | None = None
    status_marked: bool = False
    kind: str | None = None
    number: int | None = None
    tickets: list[TicketLink] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    parent: Draft | None = None
    group: Group | None = None


class _Text:
    """Item text with link positions, trimmed from either end as decorations are recognised."""

    def __init__(self, inline: Inline) -> None:
        self.text = inline.text
        self.links = list(inline.links)

    def cut(self, start: int, end: int) -> None:
        width = end - start
        self.text = self.text[:start] + self.text[end:]
        kept: list[Link] = []
        for link in self.links:
            if link.end <= start:
                kept.append(link)
            elif link.start >= end:
                kept.append(Link(link.text, link.url, link.start - width, link.end - width, link.autolink))
        self.links = kept

    def strip(self) -> None:
        lead = len(self.text) - len(self.text.lstrip())
        if lead:
            self.cut(0, lead)
        self.text = self.text.rstrip()


def parse_group(title: str, links: Sequence[Link], options: ParseOptions) -> Group:
    """Read a group heading: "Immediate Actions (Completed)", "Long-term (Target: Q4 2025 - Q1 2026)"."""
    group = Group()
    name = title
    for match in reversed(list(re.finditer(r"\s*\(([^()]*)\)", title))):
        body = match.group(1).strip()
        status = options.status(body)
        inner_links = [ln for ln in links if match.start() <= ln.start < match.end()]
        if status is not None:
            group.status, group.status_raw = status, body
        elif re.search(r"\b(?:Q[1-4]|H[12])\b|\d{4}-\d{2}-\d{2}|\btarget\b|\bdue\b", body, re.IGNORECASE):
            group.deadline_raw = re.sub(r"^(?:target|due|deadline)\s*:?\s*", "", body, flags=re.IGNORECASE)
        elif not inner_links:
            continue
        name = name[: match.start()] + name[match.end() :]
    for link in links:
        ticket = link_ticket(link.text, link.url) or (
            TicketLink(system="other", key=link.text or link.url, url=link.url) if link.url.startswith("http") else None
        )
        if ticket is not None:
            group.tickets.append(ticket)
    group.title = name.strip(" :") or None
    return group


class ItemReader:
    """Reads action items out of the blocks of one document's action sections."""

    def __init__(self, options: ParseOptions, diagnostics: Collector) -> None:
        self.options = options
        self.diagnostics = diagnostics
        self.drafts: list[Draft] = []

    # -- block dispatch -------------------------------------------------------------------------

    def read_block(self, node: Node, group: Group | None) -> None:
        """Collect the items a block holds (lists, tables, ``**Action item:**`` paragraphs)."""
        if node.type in ("bullet_list", "ordered_list"):
            self.read_list(node, group, parent=None)
        elif node.type == "table":
            self.read_table(node, group)
        elif node.type == "paragraph":
            self.read_paragraph(node, group)

    def read_paragraph(self, node: Node, group: Group | None) -> None:
        rendered = node_text(node)
        if not rendered.bold_prefix or not _LABEL_ACTION.match(rendered.bold_prefix):
            return
        text = _Text(rendered)
        text.cut(0, len(rendered.bold_prefix))
        text.text = text.text.lstrip(":")
        text.strip()
        draft = self.read_text(text, first_line(node))
        self._keep(draft, group)

    def read_list(self, node: Node, group: Group | None, parent: Draft | None) -> None:
        siblings: list[Draft] = []
        for item in node.children:
            if item.type != "list_item":
                continue
            paragraphs = [c for c in item.children if c.type == "paragraph"]
            nested = [c for c in item.children if c.type in ("bullet_list", "ordered_list")]
            line = first_line(item)
            if not paragraphs:
                if not nested:
                    self.diagnostics.add(codes.EMPTY_ITEM, line, "empty list item dropped")
                for sub in nested:
                    self.read_list(sub, group, parent)
                continue
            draft = self.read_text(_Text(node_text(paragraphs[0])), line)
            draft.parent = parent
            if not self._keep(draft, group):
                continue
            siblings.append(draft)
            for sub in nested:
                self._read_nested(sub, draft, group)
        if any(d.status_marked for d in siblings):
            # The list marks status per item, so an unmarked item is one not yet done.
            for draft in siblings:
                if draft.status is None:
                    draft.status = Status.OPEN

    def _read_nested(self, node: Node, parent: Draft, group: Group | None) -> None:
        entries = [c for c in node.children if c.type == "list_item"]
        rendered = [
            node_text(next(c for c in e.children if c.type == "paragraph"))
            if any(c.type == "paragraph" for c in e.children)
            else Inline()
            for e in entries
        ]
        if rendered and all(_only_reference(r) for r in rendered):
            for r in rendered:
                parent.tickets.extend(self._tickets_of(r.text, r.links))
            return
        if parent.owner is not None and all(not _has_owner_mark(r.text) for r in rendered):
            # Sub-bullets under an owned item describe it (mentimeter's "[Rick]" items).
            description = " ".join(r.text for r in rendered if r.text)
            if description:
                parent.extra["description"] = description
            return
        self.read_list(node, group, parent)

    def read_table(self, node: Node, group: Group | None) -> None:
        rows = [r for section in node.children for r in section.children if r.type == "tr"]
        if not rows:
            return
        header = [node_text(cell).text for cell in rows[0].children]
        roles = [_COLUMNS.get(_column_key(name)) for name in header]
        if "text" not in roles:
            if roles and roles[0] is None:
                roles[0] = "text"  # the first unnamed column of an action table is the action
            else:
                self.diagnostics.add(codes.TABLE_WITHOUT_ACTION, first_line(node), f"columns {header!r}")
                return
        for row in rows[1:]:
            line = first_line(row) if row.map else first_line(node)
            cells = [node_text(cell) for cell in row.children]
            self._read_row(header, roles, cells, line, group)

    def _read_row(
        self, header: list[str], roles: list[str | None], cells: list[Inline], line: int, group: Group | None
    ) -> None:
        by_role: dict[str, Inline] = {}
        extra: dict[str, str] = {}
        for name, role, cell in zip(header, roles, cells, strict=False):
            if role is None:
                if cell.text:
                    extra[name] = cell.text
            elif role not in by_role:
                by_role[role] = cell
        text_cell = by_role.get("text", Inline())
        if not any(cell.text for cell in cells):
            self.diagnostics.add(codes.EMPTY_ITEM, line, "empty table row dropped")
            return
        draft = self.read_text(_Text(text_cell), line)
        draft.extra.update(extra)
        if (owner := by_role.get("owner")) and owner.text and not is_placeholder(owner.text):
            draft.owner = owner.text
        if (kind := by_role.get("kind")) and kind.text:
            draft.kind = kind.text
        if (number := by_role.get("number")) and number.text.strip().lstrip("#").isdigit():
            draft.number = int(number.text.strip().lstrip("#")) or None
        if (priority := by_role.get("priority")) and priority.text:
            draft.priority_raw = priority.text
        if (deadline := by_role.get("deadline")) and deadline.text:
            draft.deadline_raw = deadline.text
        if (status := by_role.get("status")) and status.text:
            draft.status_raw = status.text
            draft.status = self.options.status(status.text)
            draft.status_marked = draft.status is not None
            if draft.status is None:
                self.diagnostics.add(codes.UNMAPPED_STATUS, line, f"status {status.text!r} kept as raw text")
        if (ticket := by_role.get("ticket")) and ticket.text:
            self._read_ticket_cell(draft, ticket)
        self._keep(draft, group)

    def _read_ticket_cell(self, draft: Draft, cell: Inline) -> None:
        text = cell.text
        upper = _UPPER_STATUS.search(text)
        if upper and draft.status is None:
            draft.status_raw = upper.group("s")
            draft.status = self.options.status(upper.group("s"))
            draft.status_marked = draft.status is not None
            text = text[: upper.start()].strip()
        if text and text.lower() not in ("n/a", "na", "-", "none"):
            draft.tickets.extend(self._tickets_of(text, cell.links))

    # -- the text pipeline ----------------------------------------------------------------------

    def read_text(self, text: _Text, line: int) -> Draft:
        """Peel decorations off an item's text; what remains is the action."""
        draft = Draft(text="", line=line)
        text.strip()
        self._checkbox(text, draft)
        self._done_symbol(text, draft)
        # Trailing references first: write-back appends " (<ticket>)" after whatever the author wrote,
        # and the other steps must see the text as it was before.
        while self._trailing_references(text, draft):
            pass
        self._leading(text, draft)
        self._leading_ticket(text, draft)
        self._trailing(text, draft)
        self._owner_sentence(text, draft)
        self._trailing_tickets(text, draft)
        self._trailing(text, draft)
        self._deadline_phrase(text, draft)
        body = text.text.strip().rstrip(" —–-,;").strip()
        draft.tickets = [*self._tickets_of(body, text.links), *draft.tickets]
        draft.text = " ".join(body.split())
        self._wording(draft)
        return draft

    def _checkbox(self, text: _Text, draft: Draft) -> None:
        match = _CHECKBOX.match(text.text)
        if not match:
            return
        mark = match.group("mark")
        draft.status = Status.DONE if mark.strip() else Status.OPEN
        draft.status_raw = f"[{mark}]"
        draft.status_marked = True
        text.cut(0, match.end())

    def _done_symbol(self, text: _Text, draft: Draft) -> None:
        match = _DONE_SYMBOL.search(text.text)
        if not match:
            return
        if draft.status is None or draft.status is Status.OPEN and draft.status_raw is None:
            draft.status, draft.status_raw, draft.status_marked = Status.DONE, match.group(0), True
        text.cut(match.start(), match.end())
        text.strip()

    def _leading(self, text: _Text, draft: Draft) -> None:
        for _ in range(3):
            paren = _LEADING_PAREN.match(text.text)
            if paren and self._apply_parts(paren.group("body"), draft, allow_owner_phrase=True):
                text.cut(0, paren.end())
                continue
            prefix = _PRIORITY_PREFIX.match(text.text)
            if prefix and draft.priority_raw is None:
                draft.priority_raw = prefix.group("p")
                text.cut(0, prefix.end())
                continue
            bracket = _LEADING_BRACKET.match(text.text)
            if bracket and draft.owner is None and not any(link.start == 0 for link in text.links):
                draft.owner = bracket.group("body")
                text.cut(0, bracket.end())
                continue
            break

    def _leading_ticket(self, text: _Text, draft: Draft) -> None:
        first = min(text.links, key=lambda ln: ln.start, default=None)
        if first is None or first.start != 0:
            return
        if first.autolink or is_ticketish_text(first.text):
            rest = text.text[first.end :]
            if rest.strip():
                ticket = link_ticket(first.text, first.url)
                draft.tickets.append(ticket or TicketLink(system="other", key=first.text, url=first.url))
                text.cut(0, first.end)
                text.strip()

    def _trailing(self, text: _Text, draft: Draft) -> None:
        for _ in range(8):
            # Each suffix shape ends in a known character; checking it first spares most regex searches.
            closing = _closing_char(text.text)
            if closing == ")" and self._trailing_references(text, draft):  # "Fix x (OPS-1) — @ravi"
                continue
            if closing == "]":
                bracket = _TRAILING_BRACKET.search(text.text)
                if bracket and draft.owner is None and not _overlaps_link(text, bracket.start(), bracket.end()):
                    draft.owner = bracket.group("body")
                    text.cut(bracket.start(), len(text.text))
                    continue
            if closing == ")":
                paren = _TRAILING_PAREN.search(text.text)
                if paren and not _inside_link(text, paren.start()) and self._apply_parts(paren.group("body"), draft):
                    text.cut(paren.start(), len(text.text))
                    continue
            if "-" in text.text or "—" in text.text or "–" in text.text:
                clause = _TRAILING_CLAUSE.search(text.text)
                if clause and not _inside_link(text, clause.start()) and self._apply_parts(clause.group("body"), draft):
                    text.cut(clause.start(), len(text.text))
                    continue
            if draft.status is None and text.text.rstrip().endswith(_UPPER_STATUS_WORDS):
                upper = _UPPER_STATUS.search(text.text)
                if upper and upper.start() > 0:
                    draft.status_raw = upper.group("s")
                    draft.status = self.options.status(upper.group("s"))
                    draft.status_marked = draft.status is not None
                    text.cut(upper.start(), len(text.text))
                    continue
            break

    def _trailing_references(self, text: _Text, draft: Draft) -> bool:
        """Peel one trailing ``(KEY-1, #2, [link](…))`` group whose every part is a ticket reference."""
        if _closing_char(text.text) != ")":
            return False
        group = _TRAILING_GROUP.search(text.text)
        if group is None or group.start() == 0 or _inside_link(text, group.start()):
            return False
        start, end = group.span("body")
        inner = [ln for ln in text.links if ln.start < end and start < ln.end]
        if any(ln.start < start or ln.end > end for ln in inner):
            return False
        masked = list(text.text[start:end])
        for link in inner:
            masked[link.start - start : link.end - start] = "\0" * (link.end - link.start)
        body = "".join(masked)
        if not _REFERENCE_LIST.fullmatch(body):
            return False
        if any(not is_jira_key(m.group(0)) for m in _JIRA_LIKE.finditer(body)):
            return False  # "(SEV-1)", "(RFC-7231)": standards and severities, not tickets
        found: list[TicketLink] = []
        for link in inner:
            ticket = link_ticket(link.url if link.autolink else link.text, link.url)
            if ticket is None and link.autolink and link.url.startswith(("http://", "https://")):
                ticket = TicketLink(system="other", key=link.url, url=link.url)
            if ticket is None:
                return False
            found.append(ticket)
        plain = body.replace("\0", " ")
        for url in _URL_IN_GROUP.findall(plain):
            found.append(from_url(url) or TicketLink(system="other", key=url, url=url))
        found.extend(text_tickets(_URL_IN_GROUP.sub(" ", plain)))
        if not found:
            return False
        draft.tickets[0:0] = found
        text.cut(group.start(), len(text.text))
        text.strip()
        return True

    def _owner_sentence(self, text: _Text, draft: Draft) -> None:
        match = _OWNER_SENTENCE.search(text.text)
        if not match or _inside_link(text, match.start()):
            return
        if draft.owner is None:
            draft.owner = match.group("owner").rstrip(".")
        start = match.start()
        while start > 0 and text.text[start - 1] in " —–-,;(":
            start -= 1
        end = match.end()
        if text.text[end : end + 1] == ")" and "(" in text.text[start : match.start() + 1]:
            end += 1
        text.cut(start, end)
        text.strip()

    def _trailing_tickets(self, text: _Text, draft: Draft) -> None:
        while text.links:
            last = max(text.links, key=lambda ln: ln.end)
            tail = text.text[last.end :]
            if not _CLOSING_PUNCTUATION.fullmatch(tail):
                return
            if not (last.autolink or is_ticketish_text(last.text)) or last.start == 0:
                return
            enclosed = text.text[last.start - 1 : last.start] in ("(", "[") or tail.strip()[:1] in (")", "]")
            if not (last.autolink or enclosed or _GENERIC_LINK_TEXT.match(last.text)):
                return  # "… e.g. Geth #31317": the reference is part of the sentence
            ticket = link_ticket(last.text, last.url) or TicketLink(system="other", key=last.text, url=last.url)
            draft.tickets.insert(0, ticket)
            start = last.start
            while start > 0 and text.text[start - 1] in " ([,;":
                start -= 1
            text.cut(start, len(text.text))
            text.strip()

    def _deadline_phrase(self, text: _Text, draft: Draft) -> None:
        if draft.deadline_raw is not None:
            return
        match = deadline_phrase(text.text)
        if match is None or match.start() == 0:
            return
        draft.deadline_raw = match.group(0).strip().rstrip(".")
        text.cut(match.start(), len(text.text))
        text.strip()

    def _apply_parts(self, body: str, draft: Draft, allow_owner_phrase: bool = False) -> bool:
        """Apply a ``P0, @kofi, due 2025-12-05`` clause when every part is understood."""
        parts = [p.strip() for p in _PART_SPLIT.split(body) if p.strip()]
        if not parts:
            return False
        updates: list[tuple[str, str]] = []
        unknown: list[str] = []
        for part in parts:
            found = self._part_role(part)
            if found is None:
                if not allow_owner_phrase:
                    return False
                unknown.append(part)
            else:
                updates.append(found)
        if unknown:
            # "(P2, architecture-guild) …": one unmarked name beside understood parts is the owner.
            if len(unknown) > 1 or not updates or draft.owner is not None or not _PLAIN_OWNER.fullmatch(unknown[0]):
                return self._owner_phrase(body, draft)
            updates.append(("owner", unknown[0]))
        for role, value in updates:
            if role == "priority" and draft.priority_raw is None:
                draft.priority_raw = value
            elif role == "owner" and draft.owner is None:
                draft.owner = value
            elif role == "deadline" and draft.deadline_raw is None:
                draft.deadline_raw = value
            elif role == "status":
                if draft.status is None or not draft.status_marked:
                    draft.status_raw = value
                    draft.status = self.options.status(_STATUS_WITH_DATE.sub(r"\g<s>", value)) or self.options.status(
                        value
                    )
                    draft.status_marked = draft.status is not None
                done_on = _STATUS_WITH_DATE.match(value)
                if done_on and done_on.group("d"):
                    draft.extra.setdefault("done_on", done_on.group("d"))
        return True

    def _part_role(self, part: str) -> tuple[str, str] | None:
        lower = part.lower()
        if self.options.priority(part) is not None and _PRIORITY_WORD.fullmatch(lower):
            return "priority", part
        if self.options.status(part) is not None or _STATUS_WITH_DATE.match(part):
            return "status", part
        if _OWNER_ONLY.fullmatch(part):
            return "owner", part
        owner = _OWNER_PART.fullmatch(part)
        if owner:
            return "owner", owner.group("o").strip()
        due = _DUE.match(part)
        if due and (parse_date(due.group("d")) or _PERIOD.search(due.group("d"))):
            return "deadline", due.group("d").strip()
        return None

    def _owner_phrase(self, body: str, draft: Draft) -> bool:
        # "(tc, cloudops teams) ramp …": a short leading parenthetical of names is the owner.
        words = body.replace(",", " ").split()
        if draft.owner is not None or not words or len(words) > 6 or _ANY_DIGIT.search(body):
            return False
        draft.owner = body.strip()
        return True

    def _tickets_of(self, text: str, links: Sequence[Link]) -> list[TicketLink]:
        found: list[TicketLink] = []
        scrubbed = text
        for link in sorted(links, key=lambda ln: ln.start, reverse=True):
            ticket = link_ticket(link.text, link.url) if not link.autolink else link_ticket(link.url, link.url)
            if ticket is None and link.autolink and link.url.startswith("http"):
                ticket = TicketLink(system="other", key=link.url, url=link.url)
            if ticket is not None:
                found.insert(0, ticket)
            if 0 <= link.start <= link.end <= len(scrubbed):
                scrubbed = scrubbed[: link.start] + " " * (link.end - link.start) + scrubbed[link.end :]
        found.extend(text_tickets(scrubbed))
        return found

    def _wording(self, draft: Draft) -> None:
        text = draft.text
        if draft.owner is None:
            subject = _SUBJECT_OWNER.match(text) or _TEAM_OWNER.match(text)
            if subject:
                draft.owner = subject.group("owner")
        if draft.status is None:
            if _WORK_IN_PROGRESS.search(text):
                draft.status, draft.status_raw = Status.IN_PROGRESS, _WORK_IN_PROGRESS.search(text).group(0)  # type: ignore[union-attr]
            elif reads_as_done(text):
                draft.status, draft.status_raw = Status.DONE, "past tense"

    # -- keeping, numbering ---------------------------------------------------------------------

    def _keep(self, draft: Draft, group: Group | None) -> bool:
        if not draft.text:
            self.diagnostics.add(codes.EMPTY_ITEM, draft.line, "item without text dropped")
            return False
        if is_placeholder(draft.text):
            self.diagnostics.add(codes.PLACEHOLDER_ITEM, draft.line, f"template placeholder {draft.text!r} dropped")
            return False
        draft.group = group
        self.drafts.append(draft)
        return True

    def finish(self, year: int | None) -> list[ActionItem]:
        """Number the drafts, apply group facts, map enums, and build the items."""
        items: list[ActionItem] = []
        numbers: dict[int, int] = {}
        used: set[int] = set()
        highest = 0
        for draft in self.drafts:
            number = draft.number if draft.number is not None and draft.number not in used else highest + 1
            used.add(number)
            highest = max(highest, number)
            numbers[id(draft)] = number
            items.append(self._build(draft, number, numbers, year))
        return items

    def _build(self, draft: Draft, number: int, numbers: dict[int, int], year: int | None) -> ActionItem:
        group = draft.group
        status, status_raw = draft.status, draft.status_raw
        tickets = list(draft.tickets)
        deadline_raw = draft.deadline_raw
        if group is not None:
            if status is None and group.status is not None:
                status, status_raw = group.status, group.status_raw
            if deadline_raw is None:
                deadline_raw = group.deadline_raw
            tickets.extend(group.tickets)
        priority: Priority | None = None
        if draft.priority_raw is not None:
            priority = self.options.priority(draft.priority_raw)
            if priority is None:
                self.diagnostics.add(
                    codes.UNMAPPED_PRIORITY, draft.line, f"priority {draft.priority_raw!r} kept as raw text"
                )
        deadline = None
        if deadline_raw is not None:
            deadline = period_end(deadline_raw, year)
            if deadline is None and not _PERIOD.search(deadline_raw):
                self.diagnostics.add(codes.BAD_DATE, draft.line, f"deadline {deadline_raw!r} is not a date")
        parent = numbers.get(id(draft.parent)) if draft.parent is not None else None
        return ActionItem(
            number=number,
            text=draft.text,
            owner=draft.owner,
            deadline=deadline,
            deadline_raw=deadline_raw,
            priority=priority,
            priority_raw=draft.priority_raw,
            status=status,
            status_raw=status_raw,
            tickets=merge(tickets),
            kind=draft.kind,
            group=group.title if group is not None else None,
            parent=parent,
            extra=draft.extra,
            line=draft.line,
        )


def _column_key(name: str) -> str:
    key = _PARENTHETICAL.sub("", name).strip().lower()
    return " ".join(key.split())


_GENERIC_LINK_TEXT = re.compile(r"^(?:pr|prs|pull request|issue|ticket|link|here|bug|follow along(?: here)?)$", re.I)


def _closing_char(text: str) -> str:
    """The last character before trailing whitespace and one optional full stop ("" for none)."""
    end = text.rstrip()
    if end.endswith("."):
        end = end[:-1].rstrip()
    return end[-1:]


def _overlaps_link(text: _Text, start: int, end: int) -> bool:
    return any(link.start < end and start < link.end for link in text.links)


def _inside_link(text: _Text, position: int) -> bool:
    return any(link.start <= position < link.end for link in text.links)


def _only_reference(rendered: Inline) -> bool:
    """A nested bullet that is nothing but a URL, autolink or ticket link."""
    text = rendered.text.strip()
    if not text:
        return False
    if BARE_URL.fullmatch(text):
        return True
    return (
        len(rendered.links) == 1
        and rendered.links[0].start == 0
        and rendered.links[0].end == len(text)
        and (rendered.links[0].autolink or is_ticketish_text(rendered.links[0].text))
    )


def _has_owner_mark(text: str) -> bool:
    return bool(_TRAILING_BRACKET.search(text) or _OWNER_ONLY.search(text))
