"""Markdown rendering: pastes into a wiki page or an issue."""

from __future__ import annotations

from reports.layout import AnyReport, Layout, Table, layout_of


def _escape(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def table_markdown(table: Table) -> list[str]:
    out = ["| " + " | ".join(_escape(h) for h in table.headers) + " |"]
    out.append("|" + "|".join("---" for _ in table.headers) + "|")
    out.extend("| " + " | ".join(_escape(c) for c in row) + " |" for row in table.rows)
    return out


def layout_markdown(layout: Layout) -> str:
    out = [f"# {layout.title}", "", f"_{layout.subtitle}_", ""]
    for section in layout.sections:
        out.extend([f"## {section.title}", ""])
        if section.lines:
            out.extend(f"- {line}" for line in section.lines)
            out.append("")
        for table in section.tables:
            if table.rows:
                out.extend(table_markdown(table))
                out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_markdown(report: AnyReport) -> str:
    return layout_markdown(layout_of(report))
