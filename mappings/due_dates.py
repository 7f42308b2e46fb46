"""Priority → due date, counted from the post-mortem's reference date on a business calendar.

The house semantics: P0 is due before the next business day ends, P1 within one week, P2 within
one sprint (or one calendar month). "Within" is a promise, so a computed date that falls on a
weekend or holiday moves *earlier*, to the previous business day, never later; the one exception
is a date that would then land on or before the reference itself, which moves to the next
business day instead (a ticket due the day it was reviewed is useless).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mappings.calendar import BusinessCalendar
from sync.core.model import ActionItem, PostMortem, Priority

__all__ = [
    "DEFAULT_SPRINT_ANCHOR",
    "DueDatePolicy",
    "DueDecision",
    "DueSource",
    "P2Mode",
    "add_months",
    "due_date_for",
    "reference_date",
    "resolve_due",
    "sprint_containing",
    "time_zone",
]

P2Mode = Literal["sprint", "month"]
DueSource = Literal["document", "priority", "default-priority", "none"]

DEFAULT_SPRINT_ANCHOR = dt.date(2024, 1, 1)
"""A Monday: without a configured anchor, sprints start on every other Monday counted from here."""


@dataclass(frozen=True)
class DueDatePolicy:
    """How far each priority reaches. Defaults follow the house template (P2 = one month)."""

    p1_days: int = 7
    p2_mode: P2Mode = "month"
    sprint_length_days: int = 14
    sprint_anchor: dt.date | None = None
    p2_min_business_days: int = 3
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        if self.p1_days <= 0:
            raise ValueError("p1_days must be greater than 0")
        if self.sprint_length_days <= 0:
            raise ValueError("sprint_length_days must be greater than 0")
        if self.p2_min_business_days < 0:
            raise ValueError("p2_min_business_days must not be negative")
        if self.p2_mode not in ("sprint", "month"):
            raise ValueError(f"p2_mode must be 'sprint' or 'month', got {self.p2_mode!r}")
        _zone(self.timezone)  # fail at config load, not when the first date is computed

    @property
    def zone(self) -> ZoneInfo:
        """The policy's time zone; raises :class:`ValueError` for an unknown name."""
        return _zone(self.timezone)


@dataclass(frozen=True)
class DueDecision:
    """The due date chosen for an item, where it came from, and the priority it was planned with."""

    due: dt.date | None
    source: DueSource
    priority: Priority


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def time_zone(tz: str | dt.tzinfo) -> dt.tzinfo:
    """``tz`` itself, or the IANA zone it names; raises :class:`ValueError` for an unknown name."""
    return _zone(tz) if isinstance(tz, str) else tz


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months, clamping the day (Jan 31 + 1 → Feb 28 or 29)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = _stdlib_calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def sprint_containing(day: dt.date, policy: DueDatePolicy) -> tuple[dt.date, dt.date]:
    """First and last calendar day of the sprint that contains ``day``."""
    anchor = policy.sprint_anchor or DEFAULT_SPRINT_ANCHOR
    # Floor division keeps dates before the anchor in the right sprint too.
    index = (day - anchor).days // policy.sprint_length_days
    start = anchor + dt.timedelta(days=index * policy.sprint_length_days)
    return start, start + dt.timedelta(days=policy.sprint_length_days - 1)


def _last_business_day_on_or_before(day: dt.date, calendar: BusinessCalendar) -> dt.date:
    return day if calendar.is_business_day(day) else calendar.previous_business_day(day)


def _sprint_end(reference: dt.date, calendar: BusinessCalendar, policy: DueDatePolicy) -> dt.date:
    first_day = reference + dt.timedelta(days=1)
    _, last = sprint_containing(first_day, policy)
    if calendar.business_days_between(first_day, last) < policy.p2_min_business_days:
        # Too little of this sprint is left to plan the work in; commit to the next one.
        _, last = sprint_containing(last + dt.timedelta(days=1), policy)
    return last


def _within(computed: dt.date, reference: dt.date, calendar: BusinessCalendar) -> dt.date:
    due = _last_business_day_on_or_before(computed, calendar)
    if due <= reference:
        return calendar.next_business_day(reference)
    return due


def due_date_for(priority: Priority, reference: dt.date, calendar: BusinessCalendar, policy: DueDatePolicy) -> dt.date:
    """The due date for an item of ``priority`` reviewed on ``reference``.

    P0: the next business day after ``reference``. P1: ``reference + policy.p1_days``. P2: the last
    business day of the sprint containing the day after ``reference`` (the following sprint's when
    fewer than ``policy.p2_min_business_days`` business days remain), or one calendar month later
    in ``month`` mode. Non-business results move to the previous business day, but never on or
    before ``reference``.
    """
    if priority is Priority.P0:
        return calendar.next_business_day(reference)
    if priority is Priority.P1:
        computed = reference + dt.timedelta(days=policy.p1_days)
    elif policy.p2_mode == "sprint":
        computed = _sprint_end(reference, calendar, policy)
    else:
        computed = add_months(reference, 1)
    return _within(computed, reference, calendar)


def resolve_due(
    item: ActionItem,
    reference: dt.date | None,
    *,
    default_priority: Priority,
    calendar: BusinessCalendar,
    policy: DueDatePolicy,
) -> DueDecision:
    """Decide an item's due date: the document's deadline wins; else computed from its priority
    (or ``default_priority`` when it has none) and ``reference``; ``None`` without a reference."""
    priority = item.priority or default_priority
    if item.deadline is not None:
        return DueDecision(item.deadline, "document", priority)
    if reference is None:
        return DueDecision(None, "none", priority)
    source: DueSource = "priority" if item.priority is not None else "default-priority"
    return DueDecision(due_date_for(priority, reference, calendar, policy), source, priority)


def reference_date(pm: PostMortem, tz: str | dt.tzinfo) -> dt.date | None:
    """The date due dates count from: the review date, else the incident end, else its start.

    Aware datetimes are converted into ``tz`` before taking the date, so an incident that ended at
    23:30 UTC ended the next day in Berlin; naive ones are taken as already local.
    """
    if pm.review_date is not None:
        return pm.review_date
    moment = pm.ended_at or pm.started_at
    if moment is None:
        return None
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        moment = moment.astimezone(time_zone(tz))
    return moment.date()
