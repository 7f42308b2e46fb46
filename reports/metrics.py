"""Action-item metrics: pure functions of :class:`~reports.facts.ReportData`, an ``as_of`` moment
and the report settings. No clock is read here.

Definitions (the README's "Reports" section repeats them):

- An item's status at ``as_of`` is the last status-history entry at or before ``as_of``; an item
  without history (no ticket yet, or a ticket never pulled) is open. Items removed from their
  document, and items whose ticket was created after ``as_of``, are not counted.
- **completion** = done / (all − won't do); won't-do is reported apart.
- **on time**: done items with a due date whose final move to done (a reopened item counts from
  when it was done again) falls on or before the due date, in the configured time zone.
- **overdue**: not done or won't-do at ``as_of`` and due before ``as_of``'s date.
- **quarters** are calendar quarters in the configured time zone.
- **this week** is the ``weekly_days`` (7) calendar days ending with ``as_of``'s date, in the
  configured time zone. An item was **closed** in the week when its current closed spell (done or
  won't do) began in it; it **became overdue** in the week when the first day it was overdue (the
  day after its due date) falls in it.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from reports.facts import IncidentFacts, ItemFacts, ReportData, ReportSettings
from reports.results import (
    AgeBucket,
    Ageing,
    Breakdowns,
    CloseTime,
    Completion,
    GroupCompletion,
    LateReview,
    Nudge,
    OverdueItem,
    OverdueReport,
    Ratio,
    Timeliness,
    WeeklyReport,
)
from sync.core.model import Status, is_overdue

NONE_GROUP = "(none)"
NO_DUE_GROUP = "(no due date)"
_DAY = 86400.0


@dataclass(frozen=True, slots=True)
class ItemState:
    """One item as of a moment: its status, when it was last done, and its incident."""

    item: ItemFacts
    incident: IncidentFacts | None
    status: Status
    done_at: dt.datetime | None  # start of the current done spell (None unless status is done)
    done_on: dt.date | None  # done_at's date in the configured zone
    overdue: bool  # not closed and due before as_of's date
    on_time: bool | None  # done on or before the due date; None when not done or without a due date


# --- quarters and time zones -------------------------------------------------------------------


def quarter_of(day: dt.date) -> str:
    """``2026Q3`` for any day of July–September 2026."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def parse_quarter(text: str) -> tuple[int, int]:
    """``"2026Q3"`` (or ``2026-Q3``, ``2026q3``) → ``(2026, 3)``; ``ValueError`` otherwise."""
    cleaned = text.strip().upper().replace("-", "")
    year, sep, number = cleaned.partition("Q")
    if not sep or not year.isdigit() or number not in {"1", "2", "3", "4"}:
        raise ValueError(f"not a quarter: {text!r} (expected e.g. 2026Q3)")
    return int(year), int(number)


def quarter_name(year: int, number: int) -> str:
    return f"{year}Q{number}"


def previous_quarter(year: int, number: int) -> tuple[int, int]:
    return (year, number - 1) if number > 1 else (year - 1, 4)


def quarter_bounds(year: int, number: int, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The quarter as ``[start, end)`` moments in ``zone``."""
    start = dt.datetime(year, 3 * number - 2, 1, tzinfo=zone)
    end = dt.datetime(year + 1, 1, 1, tzinfo=zone) if number == 4 else dt.datetime(year, 3 * number + 1, 1, tzinfo=zone)
    return start, end


def local_date(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    return moment.astimezone(zone).date()


# --- one item ------------------------------------------------------------------------------------


def status_at(item: ItemFacts, as_of: dt.datetime) -> Status:
    """The item's status at ``as_of`` from its history; open when nothing is recorded yet."""
    status = Status.OPEN
    for change in item.history:
        if change.at > as_of:
            break
        status = change.status
    return status


def done_since(item: ItemFacts, as_of: dt.datetime) -> dt.datetime | None:
    """When the item's current done spell began (it may have been reopened and done again)."""
    since: dt.datetime | None = None
    for change in item.history:
        if change.at > as_of:
            break
        # A move away from done (reopened) ends the spell; done again starts a new one.
        since = (since or change.at) if change.status is Status.DONE else None
    return since


def closed_since(item: ItemFacts, as_of: dt.datetime) -> dt.datetime | None:
    """When the item's current closed spell (done or won't do, in any order) began."""
    since: dt.datetime | None = None
    for change in item.history:
        if change.at > as_of:
            break
        since = (since or change.at) if change.status.is_closed else None
    return since


def item_state(
    item: ItemFacts, incident: IncidentFacts | None, as_of: dt.datetime, zone: ZoneInfo, today: dt.date | None = None
) -> ItemState:
    """The item at ``as_of``; ``today`` is ``as_of``'s date in ``zone`` (computed when omitted)."""
    today = today or local_date(as_of, zone)
    status = status_at(item, as_of)
    done_at = done_since(item, as_of) if status is Status.DONE else None
    done_on = local_date(done_at, zone) if done_at is not None else None
    due = item.due
    return ItemState(
        item=item,
        incident=incident,
        status=status,
        done_at=done_at,
        done_on=done_on,
        overdue=is_overdue(due, status, today),
        on_time=done_on <= due if done_on is not None and due is not None else None,
    )


def counted(item: ItemFacts, as_of: dt.datetime) -> bool:
    """Items in their document whose ticket (if any) existed at ``as_of``."""
    return item.present and (item.opened_at is None or item.opened_at <= as_of)


def in_teams(incident: IncidentFacts | None, teams: Sequence[str]) -> bool:
    if not teams:
        return True
    return (
        incident is not None and incident.team is not None and incident.team.casefold() in {t.casefold() for t in teams}
    )


def item_states(data: ReportData, as_of: dt.datetime, settings: ReportSettings) -> list[ItemState]:
    """Every counted item of the selected teams, evaluated at ``as_of``."""
    zone = settings.zone
    today = local_date(as_of, zone)
    incidents = {incident.key: incident for incident in data.incidents}
    states: list[ItemState] = []
    for item in data.items:
        incident = incidents.get(item.incident_key)
        if counted(item, as_of) and in_teams(incident, settings.teams):
            states.append(item_state(item, incident, as_of, zone, today))
    return states


# --- aggregates ------------------------------------------------------------------------------


Tally = Counter[tuple[Status, bool, bool | None]]  # (status, overdue, on time) → items


def completion(states: Iterable[ItemState]) -> Completion:
    """Counts and rates of ``states`` (evaluated at one ``as_of``)."""
    # One C-level tally of (status, overdue, on time) instead of per-item branching: 100,000 items
    # are counted six times over (overall and five breakdowns).
    return completion_of(Counter((s.status, s.overdue, s.on_time) for s in states))


def completion_of(tally: Tally) -> Completion:
    """Counts and rates from a tally of (status, overdue, on time) — the in-memory path and the
    database's GROUP BY (:mod:`sync.store.report_queries`) both end here."""
    counts: dict[Status, int] = dict.fromkeys(Status, 0)
    overdue = done_with_due = on_time = 0
    for (status, late, punctual), n in tally.items():
        counts[status] += n
        overdue += n if late else 0
        if punctual is not None:
            done_with_due += n
            on_time += n if punctual else 0
    total = sum(counts.values())
    done, wont = counts[Status.DONE], counts[Status.WONT_DO]
    return Completion(
        items=total,
        done=done,
        wont_do=wont,
        in_progress=counts[Status.IN_PROGRESS],
        open=counts[Status.OPEN],
        overdue=overdue,
        completion=Ratio(numerator=done, denominator=total - wont),
        wont_do_share=Ratio(numerator=wont, denominator=total),
        on_time=Ratio(numerator=on_time, denominator=done_with_due),
    )


def group_sort_key(name: str) -> tuple[int, str]:
    return (1 if name.startswith("(") else 0, name.casefold())


def breakdown(
    states: Iterable[ItemState], key: Callable[[ItemState], str | None], *, missing: str = NONE_GROUP
) -> list[GroupCompletion]:
    groups: dict[str, list[ItemState]] = defaultdict(list)
    for state in states:
        groups[key(state) or missing].append(state)
    return [_group(name, groups[name]) for name in sorted(groups, key=group_sort_key)]


def _group(name: str, states: list[ItemState]) -> GroupCompletion:
    return GroupCompletion(group=name, **dict(completion(states)))


def group_of(name: str, tally: Tally) -> GroupCompletion:
    return GroupCompletion(group=name, **dict(completion_of(tally)))


def breakdowns(states: Sequence[ItemState]) -> Breakdowns:
    return Breakdowns(
        priority=breakdown(states, lambda s: s.item.priority),
        severity=breakdown(states, lambda s: s.incident.severity if s.incident else None),
        team=breakdown(states, lambda s: s.incident.team if s.incident else None),
        owner=breakdown(states, lambda s: s.item.owner),
        quarter=breakdown(states, lambda s: quarter_of(s.item.due) if s.item.due else None, missing=NO_DUE_GROUP),
    )


def overdue_items(states: Iterable[ItemState], today: dt.date) -> list[OverdueItem]:
    """Overdue items, most overdue first."""
    # Built from typed facts: skip pydantic's validation (tens of thousands of rows in a big report).
    rows = [
        OverdueItem.model_construct(
            item=state.item.key,
            incident=state.incident.label if state.incident else state.item.incident_key,
            ticket=state.item.ticket,
            url=state.item.url,
            owner=state.item.owner,
            priority=state.item.priority,
            team=state.incident.team if state.incident else None,
            due=state.item.due,
            days_overdue=(today - state.item.due).days,
            status=state.status.value,
            text=state.item.text,
        )
        for state in states
        if state.overdue and state.item.due is not None
    ]
    return sorted(rows, key=lambda r: (-r.days_overdue, r.priority or "P9", r.item))


def ageing(states: Iterable[ItemState], as_of: dt.datetime, bounds: Sequence[int]) -> Ageing:
    """Open items by age in whole days: ``0–b1``, ``b1+1–b2``, …, ``> bn``."""
    return ageing_of(
        (
            None if state.item.opened_at is None else int((as_of - state.item.opened_at).total_seconds() // _DAY)
            for state in states
            if not state.status.is_closed
        ),
        bounds,
    )


def ageing_of(ages: Iterable[int | None], bounds: Sequence[int]) -> Ageing:
    """Buckets of the open items' ages in whole days (``None``: no ticket yet, age unknown)."""
    edges = sorted(set(bounds))
    counts = [0] * (len(edges) + 1)
    unknown = open_items = 0
    for age in ages:
        open_items += 1
        if age is None:
            unknown += 1
            continue
        index = next((i for i, edge in enumerate(edges) if age <= edge), len(edges))
        counts[index] += 1
    buckets: list[AgeBucket] = []
    low = 0
    for index, edge in enumerate(edges):
        buckets.append(AgeBucket(label=f"{low}–{edge} d", min_days=low, max_days=edge, count=counts[index]))
        low = edge + 1
    buckets.append(AgeBucket(label=f"> {low - 1} d" if edges else "all", min_days=low, max_days=None, count=counts[-1]))
    return Ageing(open_items=open_items, unknown_age=unknown, buckets=buckets)


def time_to_close(states: Iterable[ItemState]) -> list[CloseTime]:
    """Mean and median days from ticket creation to done, per priority."""
    days: dict[str, list[float]] = defaultdict(list)
    for state in states:
        if state.done_at is not None and state.item.opened_at is not None:
            elapsed = max(0.0, (state.done_at - state.item.opened_at).total_seconds() / _DAY)
            days[state.item.priority or NONE_GROUP].append(elapsed)
    return close_times(days)


def close_times(days: Mapping[str, Sequence[float]]) -> list[CloseTime]:
    """Per priority: how many closed, and the mean and median of their days to close."""
    return [
        CloseTime(
            priority=priority,
            closed=len(values),
            mean_days=round(statistics.fmean(values), 2),
            median_days=round(statistics.median(values), 2),
        )
        for priority, values in sorted(days.items(), key=lambda kv: group_sort_key(kv[0]))
        if values
    ]


def review_delay_hours(incident: IncidentFacts, zone: ZoneInfo) -> float | None:
    """Hours from the incident's end to the start of its review day (never negative)."""
    if incident.ended_at is None or incident.review_date is None:
        return None
    review_start = dt.datetime.combine(incident.review_date, dt.time(0), tzinfo=zone)
    return max(0.0, (review_start - incident.ended_at).total_seconds() / 3600)


def timeliness(incidents: Iterable[IncidentFacts], settings: ReportSettings) -> Timeliness:
    zone = settings.zone
    measured = within = missing = 0
    late: list[LateReview] = []
    for incident in incidents:
        hours = review_delay_hours(incident, zone)
        if hours is None or incident.ended_at is None or incident.review_date is None:
            missing += 1
            continue
        measured += 1
        if hours <= settings.review_hours:
            within += 1
        else:
            late.append(
                LateReview(
                    incident=incident.label,
                    ended_at=incident.ended_at,
                    review_date=incident.review_date,
                    hours=round(hours, 1),
                )
            )
    late.sort(key=lambda r: (-r.hours, r.incident))
    return Timeliness(
        window_hours=settings.review_hours,
        within=Ratio(numerator=within, denominator=measured),
        missing_dates=missing,
        late=late,
    )


def selected_incidents(data: ReportData, as_of: dt.datetime, settings: ReportSettings) -> list[IncidentFacts]:
    """The selected teams' incidents that had happened by ``as_of`` (undated ones included)."""
    return [
        incident
        for incident in data.incidents
        if in_teams(incident, settings.teams) and (incident.occurred_at is None or incident.occurred_at <= as_of)
    ]


def week_start(today: dt.date, settings: ReportSettings) -> dt.date:
    """The first day of the ``weekly_days`` days ending with ``today`` (both included)."""
    return today - dt.timedelta(days=max(1, settings.weekly_days) - 1)


def weekly_report(data: ReportData, as_of: dt.datetime, settings: ReportSettings) -> WeeklyReport:
    """The weekly completion report as of ``as_of`` (an aware datetime)."""
    from reports.trend import completion_trend  # it builds on this module's helpers

    zone = settings.zone
    today = local_date(as_of, zone)
    period_start = week_start(today, settings)
    states = item_states(data, as_of, settings)
    window_start = dt.datetime.combine(period_start, dt.time(0), tzinfo=zone)
    closed_now = [
        s
        for s in states
        if s.status.is_closed and (since := closed_since(s.item, as_of)) is not None and since >= window_start
    ]
    # Overdue from the day after the due date: that day falls in the week.
    first_late_due = period_start - dt.timedelta(days=1)
    became_overdue = sum(1 for s in states if s.overdue and s.item.due is not None and s.item.due >= first_late_due)
    return WeeklyReport(
        as_of=as_of,
        timezone=settings.timezone,
        period_start=period_start,
        teams=list(settings.teams),
        completion=completion(states),
        closed_in_period=len(closed_now),
        wont_do_in_period=sum(1 for s in closed_now if s.status is Status.WONT_DO),
        became_overdue_in_period=became_overdue,
        overdue=overdue_items(states, today),
        ageing=ageing(states, as_of, settings.ageing_buckets),
        time_to_close=time_to_close(states),
        breakdowns=breakdowns(states),
        timeliness=timeliness(selected_incidents(data, as_of, settings), settings),
        completion_trend=completion_trend(data, as_of, settings),
    )


def overdue_report(
    data: ReportData, as_of: dt.datetime, settings: ReportSettings, nudges: Sequence[Nudge] = ()
) -> OverdueReport:
    """Overdue items as of ``as_of``, most overdue first, with the nudges due now."""
    today = local_date(as_of, settings.zone)
    states = item_states(data, as_of, settings)
    late = [s for s in states if s.overdue]
    return OverdueReport(
        as_of=as_of,
        timezone=settings.timezone,
        teams=list(settings.teams),
        open_items=sum(1 for s in states if not s.status.is_closed),
        overdue=overdue_items(late, today),
        by_priority=breakdown(late, lambda s: s.item.priority),
        nudges=list(nudges),
    )
