"""One neutral layout per report — sections of lines and tables — that the terminal, Markdown
and HTML renderers all draw, so the three never disagree on what a report says."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

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

AnyReport = WeeklyReport | OverdueReport | QuarterlyReport | RepeatsReport


@dataclass(frozen=True)
class Link:
    """A cell that links to ``url`` (a ticket on the tracker); renderers without links show ``text``."""

    text: str
    url: str

    def __str__(self) -> str:
        return self.text


Cell = str | Link


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    chart: str | None = None  # the name of the chart the HTML renderer draws here


@dataclass(frozen=True)
class Layout:
    title: str
    subtitle: str
    sections: tuple[Section, ...] = field(default_factory=tuple)


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:,.1f}{unit}" if value != int(value) else f"{int(value):,}{unit}"


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f} %"


def _money(value: Decimal | None) -> str:
    return "–" if value is None else f"${value:,.2f}"


def _when(as_of: dt.datetime, zone: str) -> str:
    return f"as of {as_of.astimezone(ZoneInfo(zone)).isoformat(timespec='minutes')} ({zone})"


def _scope(teams: Sequence[str]) -> str:
    return f"teams: {', '.join(teams)}" if teams else "all teams"


def completion_lines(c: Completion) -> tuple[str, ...]:
    return (
        f"Completion: {c.completion.percent()} — done / (all − won't do)",
        f"On time: {c.on_time.percent()} — done on or before the due date",
        f"Won't do: {c.wont_do_share.percent()} (kept apart from the rate)",
        f"Items: {c.items} — done {c.done}, in progress {c.in_progress}, open {c.open}, won't do {c.wont_do}, "
        f"overdue {c.overdue}",
    )


def group_table(label: str, groups: Sequence[GroupCompletion]) -> Table:
    return Table(
        headers=(label, "items", "done", "won't do", "open", "overdue", "completion", "on time"),
        rows=tuple(
            (
                g.group,
                str(g.items),
                str(g.done),
                str(g.wont_do),
                str(g.open + g.in_progress),
                str(g.overdue),
                g.completion.percent(),
                g.on_time.percent(),
            )
            for g in groups
        ),
    )


OVERDUE_ROWS = 50  # the weekly report's overdue table: the most overdue, then "and N more"
LATE_ROWS = 50  # its late reviews, likewise


def ticket_cell(ticket: str | None, url: str | None) -> Cell:
    if ticket is None:
        return "–"
    # Only a web address becomes a link: a tracker URL of another scheme is shown as text.
    return Link(ticket, url) if url and url.startswith(("https://", "http://")) else ticket


def overdue_table(rows: Sequence[OverdueItem]) -> Table:
    return Table(
        headers=("item", "ticket", "owner", "priority", "due", "days overdue", "status", "action"),
        rows=tuple(
            (
                r.item,
                ticket_cell(r.ticket, r.url),
                r.owner or "–",
                r.priority or "–",
                r.due.isoformat(),
                str(r.days_overdue),
                r.status,
                r.text,
            )
            for r in rows
        ),
    )


def _capped_lines(count: int) -> tuple[str, ...]:
    if count == 0:
        return ("Nothing is overdue.",)
    if count > OVERDUE_ROWS:
        return (
            f"The {OVERDUE_ROWS} most overdue, and {count - OVERDUE_ROWS} more "
            "(all of them: `pmsync report overdue`, or --format json).",
        )
    return ()


def overdue_groups(label: str, groups: Sequence[GroupCompletion]) -> Table:
    """Groups with overdue items, most overdue first."""
    late = sorted((g for g in groups if g.overdue), key=lambda g: (-g.overdue, g.group.casefold()))
    return Table(
        headers=(label, "overdue", "open", "items"),
        rows=tuple((g.group, str(g.overdue), str(g.open + g.in_progress), str(g.items)) for g in late),
    )


def weekly_layout(report: WeeklyReport) -> Layout:
    c = report.completion
    b = report.breakdowns
    t = report.timeliness
    return Layout(
        title="Weekly action-item report",
        subtitle=f"{_when(report.as_of, report.timezone)}, week {report.period_start.isoformat()} to "
        f"{report.as_of.astimezone(ZoneInfo(report.timezone)).date().isoformat()}, {_scope(report.teams)}",
        sections=(
            Section(
                "Summary",
                lines=(
                    *completion_lines(c),
                    f"This week: {report.closed_in_period} closed "
                    f"({report.closed_in_period - report.wont_do_in_period} done, "
                    f"{report.wont_do_in_period} won't do), "
                    f"{report.became_overdue_in_period} became overdue",
                ),
                chart="completion_by_quarter",
            ),
            Section(
                "Completion trend (last 12 weeks)",
                lines=("Completion at the end of each week, from the tickets' status history.",)
                if report.completion_trend
                else ("No history yet.",),
                tables=(
                    Table(
                        ("week ending", "items", "completion"),
                        tuple(
                            (w.week_end.isoformat(), str(w.items), w.completion.percent())
                            for w in report.completion_trend
                        ),
                    ),
                )
                if report.completion_trend
                else (),
                chart="completion_trend_weeks",
            ),
            Section(
                f"Overdue ({report.completion.overdue})",
                lines=_capped_lines(report.completion.overdue),
                tables=(overdue_table(report.overdue[:OVERDUE_ROWS]),) if report.overdue else (),
                chart="overdue_by_priority",
            ),
            Section(
                "Overdue by team and by owner",
                lines=() if report.overdue else ("Nothing is overdue.",),
                tables=(
                    overdue_groups("team", b.team),
                    overdue_groups("owner", b.owner),
                )
                if report.overdue
                else (),
                chart="overdue_by_team_and_owner",
            ),
            Section(
                "Ageing of open items",
                lines=(f"{report.ageing.open_items} open items; {report.ageing.unknown_age} without a ticket yet",),
                tables=(
                    Table(
                        ("age", "items"), tuple((bucket.label, str(bucket.count)) for bucket in report.ageing.buckets)
                    ),
                ),
            ),
            Section(
                "Time to close",
                lines=() if report.time_to_close else ("No item was closed yet.",),
                tables=(
                    Table(
                        ("priority", "closed", "mean days", "median days"),
                        tuple(
                            (r.priority, str(r.closed), _num(r.mean_days), _num(r.median_days))
                            for r in report.time_to_close
                        ),
                    ),
                )
                if report.time_to_close
                else (),
            ),
            Section(
                "Breakdowns",
                tables=(
                    group_table("priority", b.priority),
                    group_table("severity", b.severity),
                    group_table("team", b.team),
                    group_table("owner", b.owner),
                    group_table("due quarter", b.quarter),
                ),
            ),
            Section(
                "Post-mortem timeliness",
                lines=(
                    f"Reviewed within {t.window_hours} h of the incident's end: {t.within.percent()}; "
                    f"{t.missing_dates} without an end time or review date",
                    *(
                        (f"The {LATE_ROWS} most delayed reviews, and {len(t.late) - LATE_ROWS} more (--format json).",)
                        if len(t.late) > LATE_ROWS
                        else ()
                    ),
                ),
                tables=(
                    Table(
                        ("incident", "ended", "review date", "hours"),
                        tuple(
                            (
                                r.incident,
                                r.ended_at.isoformat(timespec="minutes"),
                                r.review_date.isoformat(),
                                _num(r.hours),
                            )
                            for r in t.late[:LATE_ROWS]
                        ),
                    ),
                )
                if t.late
                else (),
            ),
        ),
    )


def overdue_layout(report: OverdueReport) -> Layout:
    nudges = tuple((n.item, n.ticket or "–", n.owner or "–", n.window, n.message) for n in report.nudges)
    return Layout(
        title="Overdue action items",
        subtitle=f"{_when(report.as_of, report.timezone)}, {_scope(report.teams)}",
        sections=(
            Section(
                f"Overdue ({len(report.overdue)} of {report.open_items} open items)",
                lines=() if report.overdue else ("Nothing is overdue.",),
                tables=(overdue_table(report.overdue),) if report.overdue else (),
                chart="overdue_by_priority",
            ),
            Section("By priority", tables=(group_table("priority", report.by_priority),)),
            *(
                (Section("Nudges", tables=(Table(("item", "ticket", "owner", "window", "message"), nudges),)),)
                if nudges
                else ()
            ),
        ),
    )


def _ratio(r: Ratio) -> str:
    return r.percent()


def quarterly_layout(report: QuarterlyReport) -> Layout:
    quarters = report.quarters
    current = quarters[-1]

    notes = tuple(q.note for q in quarters if q.note)
    trend_rows = tuple(
        (
            t.question,
            t.metric,
            " → ".join(_percent(v) if t.unit == "ratio" else _num(v) for v in t.values),
            f"{t.direction} ({'better' if t.direction == t.better else 'worse'})"
            if t.direction in ("up", "down")
            else t.direction,
        )
        for t in report.trends
    )
    return Layout(
        title=f"Quarterly review {report.quarter}",
        subtitle=f"{_when(report.as_of, report.timezone)}, {_scope(report.teams)}",
        sections=(
            Section(
                "Trends", lines=notes, tables=(Table(("question", "measure", "per quarter", "trend"), trend_rows),)
            ),
            Section(
                "1. Top 3 root-cause categories",
                lines=(
                    f"{current.quarter}: "
                    + (
                        ", ".join(
                            f"{c.category} (score {c.score}, primary {c.primary})" for c in current.top_categories
                        )
                        or "no scored contributing factors"
                    ),
                    *(f"{current.quarter}: {note}" for note in current.ties),
                ),
                tables=(
                    Table(
                        ("quarter", "top 3 (score; ties all listed)", "ties"),
                        tuple(
                            (
                                q.quarter,
                                ", ".join(f"{c.category} ({c.score})" for c in q.top_categories) or "–",
                                "; ".join(q.ties) or "–",
                            )
                            for q in quarters
                        ),
                    ),
                ),
                chart="root_causes",
            ),
            Section(
                "2–3. MTTD and MTTR",
                tables=(
                    Table(
                        ("quarter", "incidents", "MTTD min", "measured", "MTTR min", "measured"),
                        tuple(
                            (
                                q.quarter,
                                str(q.incidents),
                                _num(q.mttd_minutes),
                                str(q.mttd_incidents),
                                _num(q.mttr_minutes),
                                str(q.mttr_incidents),
                            )
                            for q in quarters
                        ),
                    ),
                ),
                chart="mttd_mttr",
            ),
            Section(
                "4. Action-item completion rate",
                lines=("Items due in the quarter: done / (all − won't do).",),
                tables=(Table(("quarter", "completion"), tuple((q.quarter, _ratio(q.completion)) for q in quarters)),),
                chart="completion_trend",
            ),
            Section(
                "5. Repeat incidents",
                tables=(Table(("quarter", "repeats"), tuple((q.quarter, _ratio(q.repeats)) for q in quarters)),),
            ),
            Section(
                "6. Incident cost",
                tables=(
                    Table(
                        ("quarter", "total cost", "incidents with cost", "downtime min", "cost per minute"),
                        tuple(
                            (
                                q.quarter,
                                _money(q.cost_total),
                                str(q.cost_incidents),
                                str(q.downtime_minutes),
                                _money(q.cost_per_minute),
                            )
                            for q in quarters
                        ),
                    ),
                ),
                chart="cost",
            ),
        ),
    )


def repeats_layout(report: RepeatsReport) -> Layout:
    sections: list[Section] = []
    for number, cluster in enumerate(report.clusters, start=1):
        names = " → ".join(i.incident for i in cluster.incidents)
        recurred = [e for e in cluster.earlier_items if e.fixed_but_recurred]
        lines = [
            *(
                f"{link.later} repeats {link.earlier}: {link.reason}, similarity {link.similarity:.2f}, "
                f"shared primary factors: {', '.join(link.shared_factors) or 'none'}"
                + (f"; named in {'; '.join(link.found_in)}" if link.found_in else "")
                for link in cluster.links
            ),
        ]
        if recurred:
            lines.append(f"Fixed but recurred: {len(recurred)} earlier action item(s) were done before the repeat.")
        sections.append(
            Section(
                f"Cluster {number}: {names}",
                lines=tuple(lines),
                tables=(
                    Table(
                        ("incident", "occurred", "primary factors", "title"),
                        tuple(
                            (
                                i.incident,
                                i.occurred_at.isoformat(timespec="minutes") if i.occurred_at else "–",
                                ", ".join(i.primary_factors) or "–",
                                i.title or "–",
                            )
                            for i in cluster.incidents
                        ),
                    ),
                    Table(
                        ("earlier item", "ticket", "status when it recurred", "note", "action"),
                        tuple(
                            (
                                e.item,
                                e.ticket or "–",
                                e.status_then,
                                "fixed but recurred" if e.fixed_but_recurred else "",
                                e.text,
                            )
                            for e in cluster.earlier_items
                        ),
                    ),
                ),
            )
        )
    summary = Section(
        "Summary",
        lines=(
            f"{len(report.clusters)} repeat cluster(s) among {report.incidents} incidents "
            f"(similarity threshold {report.similarity_threshold:.2f}).",
        ),
    )
    return Layout(
        title="Repeat incidents",
        subtitle=f"{_when(report.as_of, report.timezone)}, {_scope(report.teams)}",
        sections=(summary, *sections),
    )


def layout_of(report: AnyReport) -> Layout:
    if isinstance(report, WeeklyReport):
        return weekly_layout(report)
    if isinstance(report, OverdueReport):
        return overdue_layout(report)
    if isinstance(report, QuarterlyReport):
        return quarterly_layout(report)
    return repeats_layout(report)
