"""One self-contained HTML file: the layout's tables plus charts as inline SVG written by
:mod:`reports.svg`. No script, no stylesheet link, no font or CDN request: the file opens offline,
and it needs nothing beyond the base install. Ticket keys link to the tracker. Output is
deterministic.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

from reports import svg
from reports.layout import AnyReport, Cell, Layout, Link, Section, Table, layout_of
from reports.results import GroupCompletion, OverdueReport, QuarterlyReport, Ratio, WeeklyReport
from reports.svg import Series

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:72rem;color:#1f2328;
padding:0 1rem}
h1{margin-bottom:.2rem}.sub{color:#59636e;margin-top:0}
h2{border-bottom:1px solid #d1d9e0;padding-bottom:.3rem;margin-top:2rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.9rem}
th,td{border:1px solid #d1d9e0;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}tr:nth-child(even) td{background:#fbfcfd}
figure.chart{margin:1rem 0}figure.chart svg{max-width:100%;height:auto;display:block;margin-bottom:.5rem}
a{color:#0969da}
"""


def _percent_series(name: str, ratios: Sequence[Ratio]) -> Series:
    return Series(
        name,
        [r.value * 100 if r.value is not None else None for r in ratios],
        [f"{r.numerator}/{r.denominator}" for r in ratios],
    )


def _completion_by_quarter(report: WeeklyReport) -> str:
    groups = [g for g in report.breakdowns.quarter if not g.group.startswith("(")]
    return svg.bars(
        "Completion by due quarter (%)",
        [g.group for g in groups],
        [_percent_series("completion", [g.completion for g in groups])],
        "% done",
        top=100,
    )


def _completion_trend_weeks(report: WeeklyReport) -> str:
    weeks = report.completion_trend
    return svg.line(
        "Completion at the end of each week (%)",
        [w.week_end.strftime("%m-%d") for w in weeks],
        _percent_series("completion", [w.completion for w in weeks]),
        "% done",
        top=100,
    )


def _overdue_by_priority(report: WeeklyReport | OverdueReport) -> str:
    groups = report.breakdowns.priority if isinstance(report, WeeklyReport) else report.by_priority
    late = [g for g in groups if g.overdue]
    return svg.bars(
        "Overdue items by priority",
        [g.group for g in late],
        [Series("overdue", [float(g.overdue) for g in late])],
        "items",
    )


_TOP_GROUPS = 15


def _overdue_groups(title: str, groups: Sequence[GroupCompletion]) -> str:
    late = sorted((g for g in groups if g.overdue), key=lambda g: (-g.overdue, g.group.casefold()))
    shown = late[:_TOP_GROUPS]
    more = f" (top {_TOP_GROUPS} of {len(late)})" if len(late) > _TOP_GROUPS else ""
    return svg.horizontal_bars(title + more, [g.group for g in shown], [float(g.overdue) for g in shown], "overdue")


def _overdue_by_team_and_owner(report: WeeklyReport) -> str:
    return _overdue_groups("Overdue items by team", report.breakdowns.team) + _overdue_groups(
        "Overdue items by owner", report.breakdowns.owner
    )


def _completion_trend(report: QuarterlyReport) -> str:
    return svg.line(
        "Action-item completion per quarter (%)",
        [q.quarter for q in report.quarters],
        _percent_series("completion", [q.completion for q in report.quarters]),
        "% done",
        top=100,
    )


def _mttd_mttr(report: QuarterlyReport) -> str:
    return svg.bars(
        "MTTD and MTTR per quarter",
        [q.quarter for q in report.quarters],
        [
            Series("MTTD", [q.mttd_minutes for q in report.quarters]),
            Series("MTTR", [q.mttr_minutes for q in report.quarters]),
        ],
        "minutes",
    )


def _root_causes(report: QuarterlyReport) -> str:
    """Grouped bars: every category in any quarter's top 3 (ties included), with its real score in
    every quarter — a category outside one quarter's top 3 still shows what it scored there."""
    shown: list[str] = []
    for q in report.quarters:
        shown.extend(c.category for c in q.top_categories if c.category not in shown)
    series = [
        Series(
            category,
            [
                float(next((c.score for c in q.category_scores if c.category == category), 0)) if q.incidents else None
                for q in report.quarters
            ],
        )
        for category in shown
    ]
    return svg.bars(
        "Top root-cause categories per quarter (sum of factor scores)",
        [q.quarter for q in report.quarters],
        series,
        "score",
    )


def _cost(report: QuarterlyReport) -> str:
    return svg.bars(
        "Incident cost per quarter",
        [q.quarter for q in report.quarters],
        [Series("cost", [float(q.cost_total) if q.cost_total is not None else None for q in report.quarters])],
        "USD",
    )


_CHARTS: dict[str, Callable[[Any], str]] = {
    "completion_by_quarter": _completion_by_quarter,
    "completion_trend_weeks": _completion_trend_weeks,
    "overdue_by_priority": _overdue_by_priority,
    "overdue_by_team_and_owner": _overdue_by_team_and_owner,
    "completion_trend": _completion_trend,
    "mttd_mttr": _mttd_mttr,
    "root_causes": _root_causes,
    "cost": _cost,
}


def _cell_html(cell: Cell) -> str:
    if isinstance(cell, Link):
        return f'<a href="{html.escape(cell.url, quote=True)}">{html.escape(cell.text)}</a>'
    return html.escape(cell)


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
    body = "".join("<tr>" + "".join(f"<td>{_cell_html(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _section_html(section: Section, report: AnyReport) -> str:
    parts = [f"<section><h2>{html.escape(section.title)}</h2>"]
    if section.lines:
        parts.append("<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in section.lines) + "</ul>")
    if section.chart and isinstance(report, WeeklyReport | OverdueReport | QuarterlyReport):
        parts.append(f'<figure class="chart" data-chart="{section.chart}">{_CHARTS[section.chart](report)}</figure>')
    parts.extend(_table_html(table) for table in section.tables if table.rows)
    parts.append("</section>")
    return "".join(parts)


def layout_html(layout: Layout, report: AnyReport) -> str:
    sections = "\n".join(_section_html(section, report) for section in layout.sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        'img-src data:">'
        f"<title>{html.escape(layout.title)}</title><style>{_STYLE}</style></head>\n"
        f'<body><h1>{html.escape(layout.title)}</h1><p class="sub">{html.escape(layout.subtitle)}</p>\n'
        f"{sections}\n</body></html>\n"
    )


def render_html(report: AnyReport) -> str:
    return layout_html(layout_of(report), report)
