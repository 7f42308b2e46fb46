"""CSV rendering for BI tools: unformatted numbers, ISO dates, one header row.

- weekly and quarterly: one row per measure — ``section, group, metric, value, numerator,
  denominator`` (rates as fractions with their numerator and denominator);
- overdue: one row per overdue item;
- repeats: one row per repeat pair.

Cells are neutralised against formula injection (OWASP's rule): a cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, so a spreadsheet shows it as
text instead of running it. Plain numbers (``-3``, ``0.25``) are left as they are.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from reports.layout import AnyReport
from reports.results import (
    Completion,
    GroupCompletion,
    OverdueItem,
    OverdueReport,
    QuarterlyReport,
    Ratio,
    RepeatsReport,
    WeeklyReport,
)

Row = tuple[str, ...]
METRIC_HEADER: Row = ("section", "group", "metric", "value", "numerator", "denominator")
ITEM_HEADER: Row = ("item", "incident", "ticket", "owner", "priority", "team", "due", "days_overdue", "status", "text")
PAIR_HEADER: Row = ("cluster", "earlier", "later", "reason", "similarity", "shared_factors", "found_in")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def neutralise(cell: str) -> str:
    """``=HYPERLINK(…)`` → ``'=HYPERLINK(…)``; numbers and every other cell unchanged."""
    if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _safe(rows: Iterable[Row]) -> Iterator[Row]:
    for row in rows:
        # A bare carriage return is not quoted by the csv module (it quotes only the line
        # terminator, "\n") and would split the row in a reader: make it a newline, which is.
        yield tuple(neutralise(cell).replace("\r\n", "\n").replace("\r", "\n") for cell in row)


def _plain(value: float | int | Decimal | None) -> str:
    return "" if value is None else str(value)


def _ratio(section: str, group: str, metric: str, ratio: Ratio) -> Row:
    return (section, group, metric, _plain(ratio.value), str(ratio.numerator), str(ratio.denominator))


def _count(section: str, group: str, metric: str, value: float | int | Decimal | None) -> Row:
    return (section, group, metric, _plain(value), "", "")


def _completion_rows(section: str, group: str, c: Completion) -> Iterator[Row]:
    yield _ratio(section, group, "completion", c.completion)
    yield _ratio(section, group, "on_time", c.on_time)
    yield _ratio(section, group, "wont_do_share", c.wont_do_share)
    for name in ("items", "done", "wont_do", "in_progress", "open", "overdue"):
        yield _count(section, group, name, getattr(c, name))


def _groups(section: str, groups: Sequence[GroupCompletion]) -> Iterator[Row]:
    for g in groups:
        yield from _completion_rows(section, g.group, g)


def weekly_rows(r: WeeklyReport) -> Iterator[Row]:
    yield from _completion_rows("summary", "all", r.completion)
    yield _count("summary", "all", "closed_in_period", r.closed_in_period)
    yield _count("summary", "all", "wont_do_in_period", r.wont_do_in_period)
    yield _count("summary", "all", "became_overdue_in_period", r.became_overdue_in_period)
    for bucket in r.ageing.buckets:
        yield _count("ageing", bucket.label, "open_items", bucket.count)
    yield _count("ageing", "no ticket", "open_items", r.ageing.unknown_age)
    for close in r.time_to_close:
        yield _count("time_to_close", close.priority, "closed", close.closed)
        yield _count("time_to_close", close.priority, "mean_days", close.mean_days)
        yield _count("time_to_close", close.priority, "median_days", close.median_days)
    b = r.breakdowns
    for name, groups in (
        ("priority", b.priority),
        ("severity", b.severity),
        ("team", b.team),
        ("owner", b.owner),
        ("quarter", b.quarter),
    ):
        yield from _groups(f"by_{name}", groups)
    yield _ratio("timeliness", "all", "reviewed_within_window", r.timeliness.within)
    yield _count("timeliness", "all", "missing_dates", r.timeliness.missing_dates)


def quarterly_rows(r: QuarterlyReport) -> Iterator[Row]:
    for q in r.quarters:
        yield _count(q.quarter, "all", "incidents", q.incidents)
        for c in q.top_categories:
            # Competition ranking: tied categories share a rank (1, 1, 3).
            rank = 1 + sum(1 for other in q.top_categories if other.score > c.score)
            yield _count(q.quarter, c.category, f"root_cause_rank_{rank}_score", c.score)
        yield (q.quarter, "all", "mttd_minutes", _plain(q.mttd_minutes), "", str(q.mttd_incidents))
        yield (q.quarter, "all", "mttr_minutes", _plain(q.mttr_minutes), "", str(q.mttr_incidents))
        yield _ratio(q.quarter, "all", "completion", q.completion)
        yield _ratio(q.quarter, "all", "repeats", q.repeats)
        yield (q.quarter, "all", "cost_total", _plain(q.cost_total), "", str(q.cost_incidents))
        yield (q.quarter, "all", "cost_per_minute", _plain(q.cost_per_minute), "", str(q.downtime_minutes))


def _item_row(o: OverdueItem) -> Row:
    return (
        o.item,
        o.incident,
        o.ticket or "",
        o.owner or "",
        o.priority or "",
        o.team or "",
        o.due.isoformat(),
        str(o.days_overdue),
        o.status,
        o.text,
    )


def repeat_rows(r: RepeatsReport) -> Iterator[Row]:
    for number, cluster in enumerate(r.clusters, start=1):
        for link in cluster.links:
            yield (
                str(number),
                link.earlier,
                link.later,
                link.reason,
                str(link.similarity),
                ";".join(link.shared_factors),
                " | ".join(link.found_in),
            )


def render_csv(report: AnyReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if isinstance(report, WeeklyReport):
        writer.writerow(METRIC_HEADER)
        writer.writerows(_safe(weekly_rows(report)))
    elif isinstance(report, QuarterlyReport):
        writer.writerow(METRIC_HEADER)
        writer.writerows(_safe(quarterly_rows(report)))
    elif isinstance(report, OverdueReport):
        writer.writerow(ITEM_HEADER)
        writer.writerows(_safe(_item_row(o) for o in report.overdue))
    else:
        writer.writerow(PAIR_HEADER)
        writer.writerows(_safe(repeat_rows(report)))
    return buffer.getvalue()
