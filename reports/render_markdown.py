"""Markdown rendering: pastes into a wiki page or an issue.

Every text from a document (action texts, owners, titles) is escaped: Markdown's punctuation gets
a backslash and ``<``/``>``/``&`` become entities, so "*urgent*", a stray ``|`` or an HTML tag in
a cell shows as written and never as emphasis, a broken table or markup."""

from __future__ import annotations

import re

from reports.layout import AnyReport, Cell, Layout, Link, Table, layout_of

# Inline specials only: every line starts with "- ", "| " or "#", so "-", "+" and "#" inside
# text cannot start a list or heading, and "(" or "!" mean nothing without the escaped "[".
_SPECIALS = re.compile(r"([\\`*_\[\]|~])")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def escape(text: str) -> str:
    """One line of literal text: whitespace folded, Markdown's specials escaped."""
    folded = _SPECIALS.sub(r"\\\1", " ".join(text.split()))
    return "".join(_ENTITIES.get(c, c) for c in folded)


def cell_markdown(cell: Cell) -> str:
    if isinstance(cell, Link):
        # Spaces, parentheses and pipes in the address would end the link or the table cell.
        target = "".join(f"%{ord(c):02X}" if c in " ()|<>" else c for c in cell.url)
        return f"[{escape(cell.text)}]({target})"
    return escape(cell)


def table_markdown(table: Table) -> list[str]:
    out = ["| " + " | ".join(escape(h) for h in table.headers) + " |"]
    out.append("|" + "|".join("---" for _ in table.headers) + "|")
    out.extend("| " + " | ".join(cell_markdown(c) for c in row) + " |" for row in table.rows)
    return out


def layout_markdown(layout: Layout) -> str:
    out = [f"# {escape(layout.title)}", "", f"_{escape(layout.subtitle)}_", ""]
    for section in layout.sections:
        out.extend([f"## {escape(section.title)}", ""])
        if section.lines:
            out.extend(f"- {escape(line)}" for line in section.lines)
            out.append("")
        for table in section.tables:
            if table.rows:
                out.extend(table_markdown(table))
                out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_markdown(report: AnyReport) -> str:
    return layout_markdown(layout_of(report))
