"""One self-contained HTML file: the layout's tables plus charts drawn by matplotlib as inline
SVG. No script, no stylesheet link, no font or CDN request: the file opens offline.

matplotlib is imported only when a chart is drawn (it is the heaviest dependency and only this
renderer needs it). Output is deterministic: a fixed SVG id salt and no creation date.
"""

from __future__ import annotations

import html
import io
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from reports.layout import AnyReport, Layout, Section, Table, layout_of
from reports.results import OverdueReport, QuarterlyReport, WeeklyReport

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:72rem;color:#1f2328;
padding:0 1rem}
h1{margin-bottom:.2rem}.sub{color:#59636e;margin-top:0}
h2{border-bottom:1px solid #d1d9e0;padding-bottom:.3rem;margin-top:2rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.9rem}
th,td{border:1px solid #d1d9e0;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}tr:nth-child(even) td{background:#fbfcfd}
figure.chart{margin:1rem 0}figure.chart svg{max-width:100%;height:auto}
"""

_COLOURS = ("#0969da", "#bf3989", "#1a7f37", "#9a6700", "#8250df")


def _figure(width: float = 6.4, height: float = 3.2) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="tight")


def _svg(fig: Any) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "pmsync", "svg.fonttype": "path"}):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _bars(
    labels: Sequence[str], values: Sequence[float | None], title: str, ylabel: str, *, annotate: Sequence[str] = ()
) -> str:
    fig = _figure()
    ax = fig.add_subplot()
    heights = [v if v is not None else 0.0 for v in values]
    bars = ax.bar(range(len(labels)), heights, color=_COLOURS[0])
    ax.set_xticks(range(len(labels)), labels)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    for bar, text in zip(bars, annotate, strict=False):
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()), ha="center", va="bottom", fontsize=8)
    if not labels:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
    return _svg(fig)


def _completion_by_quarter(report: Any) -> str:
    groups = [g for g in report.breakdowns.quarter if not g.group.startswith("(")]
    return _bars(
        [g.group for g in groups],
        [(g.completion.value or 0.0) * 100 for g in groups],
        "Completion by due quarter (%)",
        "% done",
        annotate=[f"{g.completion.numerator}/{g.completion.denominator}" for g in groups],
    )


def _overdue_by_priority(report: Any) -> str:
    counts = Counter(o.priority or "(none)" for o in report.overdue)
    labels = sorted(counts)
    return _bars(labels, [float(counts[p]) for p in labels], "Overdue items by priority", "items")


def _completion_trend(report: QuarterlyReport) -> str:
    fig = _figure()
    ax = fig.add_subplot()
    names = [q.quarter for q in report.quarters]
    values = [q.completion.value * 100 if q.completion.value is not None else float("nan") for q in report.quarters]
    positions = list(range(len(names)))
    ax.plot(positions, values, marker="o", color=_COLOURS[0])
    ax.set_xticks(positions, names)
    ax.set_xlim(-0.5, len(names) - 0.5)
    ax.set_ylim(0, 105)
    ax.set_title("Action-item completion per quarter (%)")
    for x, q in enumerate(report.quarters):
        ax.annotate(f"{q.completion.numerator}/{q.completion.denominator}", (x, 2), ha="center", fontsize=8)
    return _svg(fig)


def _mttd_mttr(report: QuarterlyReport) -> str:
    fig = _figure()
    ax = fig.add_subplot()
    names = [q.quarter for q in report.quarters]
    positions = range(len(names))
    ax.bar([p - 0.2 for p in positions], [q.mttd_minutes or 0 for q in report.quarters], 0.4, label="MTTD")
    ax.bar([p + 0.2 for p in positions], [q.mttr_minutes or 0 for q in report.quarters], 0.4, label="MTTR")
    ax.set_xticks(list(positions), names)
    ax.set_ylabel("minutes")
    ax.set_title("MTTD and MTTR per quarter")
    ax.legend()
    return _svg(fig)


def _root_causes(report: QuarterlyReport) -> str:
    """Grouped bars: each quarter's score of every category that made some quarter's top 3."""
    fig = _figure()
    ax = fig.add_subplot()
    names = [q.quarter for q in report.quarters]
    totals: dict[str, int] = {}
    for q in report.quarters:
        for c in q.top_categories:
            totals[c.category] = totals.get(c.category, 0) + c.score
    categories = sorted(totals, key=lambda c: (-totals[c], c))[:5]
    width = 0.8 / max(1, len(categories))
    for n, category in enumerate(categories):
        scores = [next((c.score for c in q.top_categories if c.category == category), 0) for q in report.quarters]
        offsets = [x - 0.4 + width * (n + 0.5) for x in range(len(names))]
        ax.bar(offsets, scores, width, label=category, color=_COLOURS[n % len(_COLOURS)])
    ax.set_xticks(list(range(len(names))), names)
    ax.set_title("Top root-cause categories per quarter (sum of factor scores)")
    if categories:
        ax.legend(fontsize=8)
    else:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
    return _svg(fig)


def _cost(report: QuarterlyReport) -> str:
    return _bars(
        [q.quarter for q in report.quarters],
        [float(q.cost_total) if q.cost_total is not None else None for q in report.quarters],
        "Incident cost per quarter",
        "USD",
    )


_CHARTS: dict[str, Callable[[Any], str]] = {
    "completion_by_quarter": _completion_by_quarter,
    "overdue_by_priority": _overdue_by_priority,
    "completion_trend": _completion_trend,
    "mttd_mttr": _mttd_mttr,
    "root_causes": _root_causes,
    "cost": _cost,
}


def _table_html(table: Table) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in table.rows)
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
