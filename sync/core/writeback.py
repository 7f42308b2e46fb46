"""Write-back planning: put each item's ticket and status into its document, touching nothing else.

Pure text in, text out. The contract that makes write-back safe to run on hand-written documents:

- Only the item's own line changes, plus — when a table has no ticket column — the header, delimiter and
  every other row of that one table (one cell appended). Line count, line endings (``\\n``/``\\r\\n``), a
  missing final newline, a UTF-8 BOM and trailing whitespace are kept byte for byte; lines are numbered by
  ``\\n`` (a lone ``\\r`` is kept as content).
- Tables: the ticket cell is filled when empty (or a placeholder such as ``n/a``), left alone when it already
  names the same ticket, and left alone *and reported* when it names a different one (the human's reference
  wins, and the item's status cell is not touched either). A Status/State column is updated; none is added.
- A status cell a person changed since pmsync last wrote it (``last_status_label`` given, and the cell no
  longer says it) is left alone and reported in :attr:`WritebackResult.status_edited`; the caller decides
  whether the edit wins (``[sync] doc_status``). So is a closed status (Done, Won't do, ``[x]``) pmsync
  never wrote, where the ticket is still open: the author's Done is never turned back into Open — until
  the ticket follows, it is a status conflict. Cells that end up showing the item's status are listed in
  :attr:`WritebackResult.status_shown`, so the caller can remember what the document now says.
  Cells keep their padding style; ``\\|`` and pipes inside inline code do not split cells.
- Lists: `` (<ticket>)`` is appended to the item's first line unless the item already names the ticket;
  checkboxes follow the status (closed → ``[x]``; reopened → ``[ ]`` only where pmsync ticked it).
- Lines inside fenced code blocks are never touched.
- Applying the result again with the same updates changes nothing (idempotent).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sync.core.model import Status

STATUS_LABELS: Mapping[Status, str] = {
    Status.OPEN: "Open",
    Status.IN_PROGRESS: "In progress",
    Status.DONE: "Done",
    Status.WONT_DO: "Won't do",
}
_CLOSED_LABELS = frozenset({STATUS_LABELS[Status.DONE], STATUS_LABELS[Status.WONT_DO]})

# Header texts (lower-cased, emphasis removed) that name the ticket and status columns.
TICKET_HEADERS = frozenset(
    {"ticket", "tickets", "issue", "issues", "bug", "bug #", "bugs", "jira", "link", "reference"}
)
STATUS_HEADERS = frozenset({"status", "state"})

# Words a human may already have written for a status; a cell starting with one of these for the
# label being written is left as is (``Done (2026-03-01)`` stays).
_STATUS_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "Open": ("open", "todo", "to do", "to-do", "not started", "new", "pending"),
    "In progress": ("in progress", "in-progress", "wip", "started", "ongoing", "doing"),
    "Done": ("done", "complete", "completed", "closed", "fixed", "resolved"),
    "Won't do": ("won't do", "wont do", "won't-do", "won't fix", "wontfix", "wont fix", "cancelled", "canceled"),
}

# A ticket cell holding only a placeholder counts as empty; a trailing bold note (Google style
# ``n/a **DONE**``) is kept after the ticket written in its place.
_PLACEHOLDER = re.compile(
    r"^(?P<placeholder>n/?a|none|tbd|-+|—|–|\?)?\s*(?P<note>\*\*[^*]+\*\*|__[^_]+__)?$", re.IGNORECASE
)
_LIST_ITEM = re.compile(r"^(?P<indent>\s*)(?P<marker>[-*+]|\d{1,9}[.)])(?P<gap>[ \t]+|$)(?P<box>\[[ xX]\](?=\s|$))?")
_FENCE = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_DELIMITER_CELL = re.compile(r"^\s*:?-+:?\s*$")
_HEADING = re.compile(r"^ {0,3}#{1,6}(\s|$)")
_MARKDOWN_LINK = re.compile(r"^\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)$")


@dataclass(frozen=True)
class ItemWriteback:
    """What to write for one action item.

    ``line`` is :attr:`ActionItem.line` (the table row, or the list item's first line);
    ``ticket_markdown`` is what goes into the document (``[PROJ-12](https://…)`` or ``LOC-3``);
    ``status_label`` is one of :data:`STATUS_LABELS`' values, or ``None`` to leave the status alone;
    ``last_status_label`` is the label pmsync last wrote into the item's status cell (``None``: never).
    """

    number: int
    line: int
    ticket_markdown: str
    status_label: str | None
    last_status_label: str | None = None

    def __post_init__(self) -> None:
        for label in (self.status_label, self.last_status_label):
            if label is not None and label not in _STATUS_SYNONYMS:
                raise ValueError(f"status_label must be one of {sorted(_STATUS_SYNONYMS)}, not {label!r}")
        if not self.ticket_markdown.strip() or "\n" in self.ticket_markdown or "\r" in self.ticket_markdown:
            raise ValueError(f"ticket_markdown must be one non-empty line, not {self.ticket_markdown!r}")


@dataclass(frozen=True)
class WritebackResult:
    """The new text, the 1-based numbers of the lines that differ, the items left alone with why, the
    items whose status cell now shows their status, and the items whose status cell a person edited
    (number, the cell's text)."""

    text: str
    changed_lines: tuple[int, ...] = ()
    skipped: tuple[tuple[int, str], ...] = ()
    status_shown: tuple[int, ...] = ()
    status_edited: tuple[tuple[int, str], ...] = ()


def status_label(status: Status) -> str:
    """The document label for a canonical status (``Status.WONT_DO`` → ``Won't do``)."""
    return STATUS_LABELS[status]


def plan_writeback(text: str, updates: Sequence[ItemWriteback]) -> WritebackResult:
    """Return ``text`` with every update's ticket and status written into its item, and nothing else changed."""
    doc = _Document(text)
    fenced = _fenced_lines(doc.contents)
    skipped: list[tuple[int, str]] = []
    tables_found = _find_tables(doc.contents, fenced)
    tables: dict[int, tuple[_Table, list[ItemWriteback]]] = {}
    shown: list[int] = []
    edited: list[tuple[int, str]] = []
    for update in updates:
        index = update.line - 1
        if not 0 <= index < len(doc.contents):
            skipped.append((update.number, f"line {update.line} is outside the document"))
            continue
        if index in fenced:
            skipped.append((update.number, f"line {update.line} is inside a fenced code block"))
            continue
        content = doc.contents[index]
        if _LIST_ITEM.match(content):
            _write_list_item(doc, fenced, index, update, edited)
            continue
        table = next((t for t in tables_found if t.header <= index < t.end), None)
        if table is None:
            skipped.append((update.number, f"line {update.line} is neither a table row nor a list item"))
        elif index <= table.delimiter:
            skipped.append((update.number, f"line {update.line} is a table header, not an item row"))
        else:
            tables.setdefault(table.header, (table, []))[1].append(update)
    for table, table_updates in tables.values():
        skipped.extend(_write_table(doc, table, table_updates, shown, edited))
    new_text = doc.render()
    changed = tuple(i + 1 for i, (old, new) in enumerate(zip(doc.original, doc.contents, strict=True)) if old != new)
    return WritebackResult(
        text=new_text,
        changed_lines=changed,
        skipped=tuple(skipped),
        status_shown=tuple(sorted(shown)),
        status_edited=tuple(sorted(edited)),
    )


class _Document:
    """Lines split on ``\\n`` with their endings kept apart, so edits cannot disturb them."""

    def __init__(self, text: str) -> None:
        # A byte-order mark is not content: set it aside so a first-line item is still recognised.
        self.bom = "\ufeff" if text.startswith("\ufeff") else ""
        parts = text[len(self.bom) :].split("\n")
        self.contents: list[str] = []
        self.endings: list[str] = []
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if not last and part.endswith("\r"):
                self.contents.append(part[:-1])
                self.endings.append("\r\n")
            else:
                self.contents.append(part)
                self.endings.append("" if last else "\n")
        self.original = tuple(self.contents)

    def render(self) -> str:
        return self.bom + "".join(c + e for c, e in zip(self.contents, self.endings, strict=True))


def _fenced_lines(contents: Sequence[str]) -> frozenset[int]:
    """Indices of lines in fenced code blocks, fence lines included; an unclosed fence runs to the end.

    Any indentation opens a fence, because fences nested in list items are common and marking too much
    as code only means skipping, never corrupting.
    """
    inside: set[int] = set()
    opening: str | None = None
    for i, content in enumerate(contents):
        match = _FENCE.match(content)
        if opening is None:
            if match and not (match["fence"][0] == "`" and "`" in match["info"]):
                opening = match["fence"]
                inside.add(i)
            continue
        inside.add(i)
        if (
            match
            and match["fence"][0] == opening[0]
            and len(match["fence"]) >= len(opening)
            and not match["info"].strip()
        ):
            opening = None
    return frozenset(inside)


# --- tables -------------------------------------------------------------------------------------------------


def _separator_pipes(content: str) -> list[int]:
    """Positions of the pipes that separate cells: not backslash-escaped, not inside an inline code span."""
    pipes: list[int] = []
    i = 0
    while i < len(content):
        char = content[i]
        if char == "\\":
            i += 2
            continue
        if char == "`":
            run_end = i
            while run_end < len(content) and content[run_end] == "`":
                run_end += 1
            run = content[i:run_end]
            close = _closing_backticks(content, run_end, len(run))
            if close is not None:
                i = close + len(run)
                continue
            i = run_end  # an unmatched backtick run is literal text
            continue
        if char == "|":
            pipes.append(i)
        i += 1
    return pipes


def _closing_backticks(content: str, start: int, length: int) -> int | None:
    for match in re.finditer(r"`+", content[start:]):
        if len(match.group()) == length:
            return start + match.start()
    return None


@dataclass
class _Row:
    """A table row as prefix + cells joined by ``|`` + suffix, so it re-renders to exactly the same text."""

    prefix: str
    cells: list[str]
    suffix: str
    leading_pipe: bool
    trailing_pipe: bool

    @classmethod
    def parse(cls, content: str) -> _Row | None:
        pipes = _separator_pipes(content)
        if not pipes:
            return None
        body_start = len(content) - len(content.lstrip())
        body_end = len(content.rstrip())
        leading = pipes[0] == body_start
        trailing = pipes[-1] == body_end - 1 and not (leading and len(pipes) == 1)
        start = pipes[0] + 1 if leading else body_start
        end = pipes[-1] if trailing else body_end
        inner = [p for p in pipes if start <= p < end]
        bounds = [start - 1, *inner, end]
        cells = [content[bounds[k] + 1 : bounds[k + 1]] for k in range(len(bounds) - 1)]
        return cls(content[:start], cells, content[end:], leading, trailing)

    def render(self) -> str:
        return self.prefix + "|".join(self.cells) + self.suffix

    @property
    def padded(self) -> bool:
        """Whether cells are written ``| x |`` rather than ``|x|``."""
        inner = self.cells if self.leading_pipe else self.cells[1:]
        return any(c[:1].isspace() for c in inner) or any(c[-1:].isspace() for c in self.cells[:-1])

    def set_cell(self, column: int, text: str) -> None:
        """Replace one cell's content, keeping its surrounding whitespace; missing cells are created empty."""
        while len(self.cells) <= column:
            self.append_cell("")
        raw = self.cells[column]
        if raw.strip():
            lead = raw[: len(raw) - len(raw.lstrip())]
            trail = raw[len(raw.rstrip()) :]
        else:
            # Only reachable for inner cells and cells before a closing pipe: a row's trailing blanks are its own.
            lead = trail = " " if raw or self.padded else ""
        self.cells[column] = f"{lead}{text}{trail}"

    def append_cell(self, text: str) -> None:
        """Add a cell after the last one, in the row's padding and pipe style."""
        pad = " " if self.padded else ""
        if self.trailing_pipe:
            self.cells.append(f"{pad}{text}{pad}" if text else pad)
            return
        if self.padded and not self.cells[-1][-1:].isspace():
            self.cells[-1] += " "
        if text:
            self.cells.append(pad + text)
        else:
            # A row without a closing pipe can only show an empty last cell by gaining one.
            self.suffix = "|" + self.suffix
            self.trailing_pipe = True


@dataclass(frozen=True)
class _Table:
    header: int
    delimiter: int
    end: int  # exclusive


def _is_delimiter(row: _Row) -> bool:
    return all(_DELIMITER_CELL.match(c) for c in row.cells)


def _find_tables(contents: Sequence[str], fenced: frozenset[int]) -> list[_Table]:
    """Every pipe table, scanned top-down as GFM does, so a body row that looks like a delimiter stays a row."""

    def row_at(i: int) -> _Row | None:
        if i >= len(contents) or i in fenced or not contents[i].strip():
            return None
        return _Row.parse(contents[i])

    found: list[_Table] = []
    i = 0
    while i < len(contents):
        header, delimiter = row_at(i), row_at(i + 1)
        if header and delimiter and len(header.cells) == len(delimiter.cells) and _is_delimiter(delimiter):
            end = i + 2
            while row_at(end):
                end += 1
            found.append(_Table(header=i, delimiter=i + 1, end=end))
            i = end
        else:
            i += 1
    return found


def _header_key(cell: str) -> str:
    return cell.strip().strip("*_").strip().rstrip(":").strip().lower()


def _column(header: _Row, names: frozenset[str]) -> int | None:
    for i, cell in enumerate(header.cells):
        if _header_key(cell) in names:
            return i
    return None


def _write_table(
    doc: _Document,
    table: _Table,
    updates: Sequence[ItemWriteback],
    shown: list[int],
    edited: list[tuple[int, str]],
) -> list[tuple[int, str]]:
    rows: dict[int, _Row] = {}
    for i in range(table.header, table.end):
        row = _Row.parse(doc.contents[i])
        assert row is not None  # _find_tables only returns lines that parse as rows
        rows[i] = row
    header = rows[table.header]
    ticket_column = _column(header, TICKET_HEADERS)
    status_column = _column(header, STATUS_HEADERS)
    added = ticket_column is None
    if ticket_column is None:
        ticket_column = len(header.cells)
        _add_ticket_column(rows, table, {u.line - 1: _escape_pipes(u.ticket_markdown) for u in updates})
    skipped: list[tuple[int, str]] = []
    for update in updates:
        row = rows[update.line - 1]
        if not added:
            reason = _write_ticket_cell(row, ticket_column, update)
            if reason is not None:
                skipped.append((update.number, reason))
                continue  # the human's reference wins: its row's status is not ours to set either
        if status_column is not None and update.status_label is not None:
            status = row.cells[status_column].strip() if status_column < len(row.cells) else ""
            if _says_status(status, update.status_label):
                shown.append(update.number)
            elif update.last_status_label is not None and not _says_status(status, update.last_status_label):
                edited.append((update.number, status))  # a person's edit: never silently reverted
            elif update.last_status_label is None and _is_closed(status):
                # The author's own Done / Won't do: never turned back into Open (a status conflict
                # while the ticket cannot follow), nor reworded while the ticket is closed too.
                if update.status_label not in _CLOSED_LABELS:
                    edited.append((update.number, status))
            else:
                row.set_cell(status_column, update.status_label)
                shown.append(update.number)
    for i, row in rows.items():
        doc.contents[i] = row.render()
    return skipped


def _add_ticket_column(rows: Mapping[int, _Row], table: _Table, tickets: Mapping[int, str]) -> None:
    """Append a ``Ticket`` column to every line of the table, filled for the rows in ``tickets``."""
    header, delimiter = rows[table.header], rows[table.delimiter]
    width = len(header.cells)
    header.append_cell("Ticket")
    minimal = all(len(c.strip().strip(":")) <= 3 for c in delimiter.cells)
    delimiter.append_cell("---" if minimal else "-" * len("Ticket"))
    for i in range(table.delimiter + 1, table.end):
        row = rows[i]
        while len(row.cells) < width:  # GFM pads short rows; the new cell must still land in its column
            row.append_cell("")
        row.append_cell(tickets.get(i, ""))


def _write_ticket_cell(row: _Row, column: int, update: ItemWriteback) -> str | None:
    """Fill an empty or placeholder ticket cell; return why not when it names another ticket."""
    current = row.cells[column].strip() if column < len(row.cells) else ""
    if _names_ticket(current, update.ticket_markdown):
        return None
    placeholder = _PLACEHOLDER.match(current)
    if placeholder is None:
        return f"ticket cell already holds {current!r}"
    text = _escape_pipes(update.ticket_markdown)
    note = placeholder["note"]
    row.set_cell(column, f"{text} {note}" if note else text)
    return None


def _escape_pipes(text: str) -> str:
    return re.sub(r"(?<!\\)\|", r"\\|", text)


def _is_closed(cell: str) -> bool:
    """Whether a status cell says Done or Won't do (or a synonym)."""
    return any(_says_status(cell, label) for label in _CLOSED_LABELS)


def _says_status(cell: str, label: str) -> bool:
    words = cell.strip("*_~ ").lower().replace("\u2019", "'")
    return any(re.match(rf"{re.escape(s)}(?![\w'-])", words) for s in _STATUS_SYNONYMS[label])


def _names_ticket(text: str, ticket_markdown: str) -> bool:
    """Whether ``text`` already names the ticket: its markdown, its key as a whole token, or its URL."""
    ticket = ticket_markdown.strip()
    link = _MARKDOWN_LINK.match(ticket)
    candidates = [ticket, link["text"], link["url"]] if link else [ticket]
    return any(re.search(rf"(?<![\w/]){re.escape(c)}(?![\w/])", text) for c in candidates)


# --- lists --------------------------------------------------------------------------------------------------


def _write_list_item(
    doc: _Document, fenced: frozenset[int], index: int, update: ItemWriteback, edited: list[tuple[int, str]]
) -> None:
    content = doc.contents[index]
    match = _LIST_ITEM.match(content)
    assert match is not None
    item_text = "\n".join(_item_lines(doc.contents, fenced, index))
    if not _names_ticket(item_text, update.ticket_markdown):
        body = content.rstrip()
        content = f"{body} ({update.ticket_markdown}){content[len(body) :]}"
    box = match["box"]
    if box is not None and update.status_label is not None:
        closed = update.status_label in _CLOSED_LABELS
        checked = box[1] in "xX"
        if checked and not closed and update.last_status_label not in _CLOSED_LABELS:
            # A tick pmsync did not put there is the author's (or a person's since): it stays.
            edited.append((update.number, box))
        elif closed != checked:
            start = match.start("box")
            content = content[:start] + ("[x]" if closed else "[ ]") + content[start + 3 :]
    doc.contents[index] = content


def _item_lines(contents: Sequence[str], fenced: frozenset[int], index: int) -> list[str]:
    """The item's first line and its continuation lines (up to a blank line, a new item or a heading)."""
    lines = [contents[index]]
    for i in range(index + 1, len(contents)):
        line = contents[i]
        if not line.strip() or i in fenced or _LIST_ITEM.match(line) or _HEADING.match(line):
            break
        lines.append(line)
    return lines
