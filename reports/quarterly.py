"""The quarterly review: exactly the template's six questions, each with its trend.

1. **Top 3 root-cause categories** — sum of contributing-factor scores per category over the
   quarter's incidents. Categories tied on score with the third are all listed (so "top 3" can
   name more than three) and each tie is noted; within a tie the order is by the number of primary
   (3) scores, then by name. Each listed category has its own trend: its score in every quarter
   (0 where it scored nothing), never the top score of whichever category led.
2. **MTTD** — mean detection delay (minutes) of the incidents that state one.
3. **MTTR** — mean incident duration (minutes): as stated, else end − start.
4. **Action-item completion rate** — items due in the quarter that are done at ``as_of`` / those
   items not won't-do (a backfilled history has no earlier statuses to measure at the quarter's end).
5. **Repeat incidents** — the quarter's incidents that repeat an earlier one (see
   :mod:`reports.repeats`) / the quarter's incidents.
6. **Cost** — total incident cost per quarter and cost per minute of downtime (total cost /
   total duration of the incidents that have both).

An incident belongs to the quarter its start (else end) falls in, in the configured time zone.
A quarter without incidents says so (``has_data`` false, ``note``) instead of showing zeros.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Literal

from reports.facts import IncidentFacts, ReportData, ReportSettings
from reports.metrics import (
    counted,
    in_teams,
    parse_quarter,
    previous_quarter,
    quarter_bounds,
    quarter_name,
    quarter_of,
    status_at,
)
from reports.repeats import find_pairs
from reports.results import CategoryScore, QuarterFacts, QuarterlyReport, Ratio, Trend
from sync.core.model import Status

QUESTIONS = (
    "Top 3 root-cause categories",
    "MTTD (detection delay)",
    "MTTR (incident duration)",
    "Action-item completion rate",
    "Repeat incidents",
    "Incident cost",
)


def category_scores(incidents: Sequence[IncidentFacts]) -> list[CategoryScore]:
    """Every category that scored, highest score first (then most primary scores, then name)."""
    totals: dict[str, int] = defaultdict(int)
    primary: dict[str, int] = defaultdict(int)
    for incident in incidents:
        for category, score in incident.factors:
            totals[category] += score
            primary[category] += score == 3
    ranked = sorted((c for c in totals if totals[c] > 0), key=lambda c: (-totals[c], -primary[c], c))
    return [CategoryScore(category=c, score=totals[c], primary=primary[c]) for c in ranked]


def top_categories(incidents: Sequence[IncidentFacts], limit: int = 3) -> list[CategoryScore]:
    """The ``limit`` highest-scoring categories, and every category tied on score with the last."""
    return top_of(category_scores(incidents), limit)


def top_of(ranked: Sequence[CategoryScore], limit: int = 3) -> list[CategoryScore]:
    if len(ranked) <= limit:
        return list(ranked)
    floor = ranked[limit - 1].score
    return [c for c in ranked if c.score >= floor]


def tie_notes(top: Sequence[CategoryScore]) -> list[str]:
    """``"tie at score 5: monitoring, testing"`` for each score shared by listed categories."""
    by_score: dict[int, list[str]] = defaultdict(list)
    for c in top:
        by_score[c.score].append(c.category)
    return [f"tie at score {score}: {', '.join(names)}" for score, names in by_score.items() if len(names) > 1]


def _mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def due_completion(data: ReportData, as_of: dt.datetime, settings: ReportSettings) -> dict[str, tuple[int, int]]:
    """Per quarter of the due date: (items done at ``as_of``, items not won't-do) among the counted
    items of the selected teams. :mod:`sync.store.report_queries` computes the same in SQL."""
    incident_by_key = {i.key: i for i in data.incidents}
    done: dict[str, int] = defaultdict(int)
    denominator: dict[str, int] = defaultdict(int)
    for item in data.items:
        if item.due is None or not counted(item, as_of):
            continue
        incident = incident_by_key.get(item.incident_key)
        if not in_teams(incident, settings.teams):
            continue
        status = status_at(item, as_of)
        if status is Status.WONT_DO:
            continue
        name = quarter_of(item.due)
        denominator[name] += 1
        done[name] += status is Status.DONE
    return {name: (done[name], denominator[name]) for name in denominator}


def quarter_facts(
    name: str,
    incidents: Sequence[IncidentFacts],
    completion: tuple[int, int],
    repeated: set[str],
) -> QuarterFacts:
    done, denominator = completion
    scores = category_scores(incidents)
    delays = [float(i.detection_delay_minutes) for i in incidents if i.detection_delay_minutes is not None]
    durations = [i.minutes for i in incidents if i.minutes is not None]
    costed = [i for i in incidents if i.cost_total is not None]
    cost_total = sum((i.cost_total for i in costed if i.cost_total is not None), Decimal(0)) if costed else None
    with_both = [(i.cost_total, i.minutes) for i in costed if i.minutes]
    downtime = sum(m for _c, m in with_both if m)
    per_minute = (
        (sum((c for c, _m in with_both if c is not None), Decimal(0)) / downtime).quantize(Decimal("0.01"))
        if downtime
        else None
    )
    return QuarterFacts(
        quarter=name,
        incidents=len(incidents),
        has_data=bool(incidents) or denominator > 0,
        note=None if incidents else f"no incidents in {name}",
        top_categories=top_of(scores),
        category_scores=scores,
        ties=tie_notes(top_of(scores)),
        mttd_minutes=_mean(delays),
        mttd_incidents=len(delays),
        mttr_minutes=_mean([float(d) for d in durations]),
        mttr_incidents=len(durations),
        completion=Ratio(numerator=done, denominator=denominator),
        repeats=Ratio(numerator=sum(1 for i in incidents if i.key in repeated), denominator=len(incidents)),
        cost_total=cost_total,
        cost_incidents=len(costed),
        downtime_minutes=downtime,
        cost_per_minute=per_minute,
    )


def _trend(
    question: str,
    metric: str,
    unit: Literal["score", "minutes", "ratio", "USD"],
    values: list[float | None],
    better: Literal["up", "down"],
) -> Trend:
    current, before = (values[-1], values[-2]) if len(values) >= 2 else (values[-1] if values else None, None)
    change = round(current - before, 4) if current is not None and before is not None else None
    direction: Literal["up", "down", "flat", "n/a"] = (
        "n/a" if change is None else "up" if change > 0 else "down" if change < 0 else "flat"
    )
    return Trend(
        question=question, metric=metric, unit=unit, values=values, change=change, direction=direction, better=better
    )


def category_trends(quarters: Sequence[QuarterFacts]) -> list[Trend]:
    """One trend per category listed in the reviewed quarter's top 3 (ties included): that
    category's own score in each quarter — 0 where it scored nothing, none where a quarter had no
    incidents to score."""
    listed = [c.category for c in quarters[-1].top_categories]
    if not listed:
        return [_trend(QUESTIONS[0], "score: no scored contributing factors", "score", [None] * len(quarters), "down")]
    trends_: list[Trend] = []
    for category in listed:
        values: list[float | None] = [
            float(next((c.score for c in q.category_scores if c.category == category), 0)) if q.incidents else None
            for q in quarters
        ]
        trends_.append(_trend(QUESTIONS[0], f"score: {category}", "score", values, "down"))
    return trends_


def trends(quarters: Sequence[QuarterFacts]) -> list[Trend]:
    return [
        *category_trends(quarters),
        _trend(QUESTIONS[1], "mean minutes", "minutes", [q.mttd_minutes for q in quarters], "down"),
        _trend(QUESTIONS[2], "mean minutes", "minutes", [q.mttr_minutes for q in quarters], "down"),
        _trend(QUESTIONS[3], "done / (due − won't do)", "ratio", [q.completion.value for q in quarters], "up"),
        _trend(QUESTIONS[4], "repeats / incidents", "ratio", [q.repeats.value for q in quarters], "down"),
        _trend(
            QUESTIONS[5],
            "total cost",
            "USD",
            [float(q.cost_total) if q.cost_total is not None else None for q in quarters],
            "down",
        ),
    ]


def quarterly_report(
    data: ReportData,
    as_of: dt.datetime,
    quarter: str,
    settings: ReportSettings,
    completions: Mapping[str, tuple[int, int]] | None = None,
) -> QuarterlyReport:
    """The review of ``quarter`` (``2026Q3``) with the ``trend_quarters − 1`` quarters before it.
    ``completions`` (per due quarter, see :func:`due_completion`) is computed from ``data.items``
    unless given — the state database gives it without loading the items."""
    zone = settings.zone
    year, number = parse_quarter(quarter)
    wanted: list[tuple[int, int]] = [(year, number)]
    for _ in range(max(1, settings.trend_quarters) - 1):
        wanted.insert(0, previous_quarter(*wanted[0]))
    bounds = [quarter_bounds(y, q, zone) for y, q in wanted]
    first_start = bounds[0][0]
    selected = [i for i in data.incidents if in_teams(i, settings.teams)]
    repeated = {p.later.key for p in find_pairs(selected, settings, later_from=first_start, first_only=True)}
    completions = due_completion(data, as_of, settings) if completions is None else completions
    facts: list[QuarterFacts] = []
    for (y, q), (start, end) in zip(wanted, bounds, strict=True):
        inside = [
            i for i in selected if i.occurred_at is not None and start <= i.occurred_at < end and i.occurred_at <= as_of
        ]
        name = quarter_name(y, q)
        facts.append(quarter_facts(name, inside, completions.get(name, (0, 0)), repeated))
    return QuarterlyReport(
        as_of=as_of,
        timezone=settings.timezone,
        teams=list(settings.teams),
        quarter=quarter_name(year, number),
        quarters=facts,
        trends=trends(facts),
    )
