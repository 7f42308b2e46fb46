"""Terminal rendering: aligned plain-text tables."""

from __future__ import annotations

from reports.layout import AnyReport, Cell, Layout, Table, layout_of

_MAX_CELL = 60


def _cell(cell: Cell) -> str:
    text = " ".join(str(cell).split())
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def table_text(table: Table) -> list[str]:
    rows = [tuple(_cell(c) for c in row) for row in table.rows]
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(table.headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(table.headers, widths, strict=True)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    out.extend("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows)
    return out


def layout_text(layout: Layout) -> str:
    out = [layout.title, layout.subtitle, ""]
    for section in layout.sections:
        out.append(f"== {section.title}")
        out.extend(section.lines)
        for table in section.tables:
            if table.rows:
                out.append("")
                out.extend(table_text(table))
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_text(report: AnyReport) -> str:
    return layout_text(layout_of(report))
