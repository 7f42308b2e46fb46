"""Priority → due date: each priority, weekends, holidays, year end, sprints, months, time zones."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mappings.calendar import BusinessCalendar
from mappings.due_dates import (
    DEFAULT_SPRINT_ANCHOR,
    DueDatePolicy,
    add_months,
    due_date_for,
    reference_date,
    resolve_due,
    sprint_containing,
    time_zone,
)
from sync.core.model import ActionItem, PostMortem, Priority

D = dt.date
UTC = dt.UTC
P0, P1, P2 = Priority.P0, Priority.P1, Priority.P2

NONE = BusinessCalendar(None)
US = BusinessCalendar("US")
DE = BusinessCalendar("DE")
GB = BusinessCalendar("GB", "ENG")

MONTH = DueDatePolicy()
# Two-week sprints starting Monday 2026-01-05: … Mar 2–15, Mar 16–29, … Jun 22–Jul 5, … Dec 21–Jan 3.
SPRINT = DueDatePolicy(p2_mode="sprint", sprint_anchor=D(2026, 1, 5))
SPRINT_NO_MIN = DueDatePolicy(p2_mode="sprint", sprint_anchor=D(2026, 1, 5), p2_min_business_days=0)
P1_ONE_DAY = DueDatePolicy(p1_days=1)


# 2026-03-05 is a Thursday.
DUE_TABLE = [
    # P0: the next business day
    ("P0 weekday", P0, D(2026, 3, 5), NONE, MONTH, D(2026, 3, 6)),
    ("P0 Friday → Monday", P0, D(2026, 3, 6), NONE, MONTH, D(2026, 3, 9)),
    ("P0 reviewed on a Saturday", P0, D(2026, 3, 7), NONE, MONTH, D(2026, 3, 9)),
    ("P0 US July 4 observed", P0, D(2026, 7, 2), US, MONTH, D(2026, 7, 6)),
    ("P0 US year end", P0, D(2026, 12, 31), US, MONTH, D(2027, 1, 4)),
    ("P0 year end, no holidays", P0, D(2026, 12, 31), NONE, MONTH, D(2027, 1, 1)),
    ("P0 DE unity day", P0, D(2025, 10, 2), DE, MONTH, D(2025, 10, 6)),
    ("P0 UK bank holiday", P0, D(2026, 8, 28), GB, MONTH, D(2026, 9, 1)),
    # P1: reference + 7 days, moved earlier off weekends/holidays
    ("P1 weekday", P1, D(2026, 3, 5), NONE, MONTH, D(2026, 3, 12)),
    ("P1 lands on Saturday", P1, D(2026, 3, 7), NONE, MONTH, D(2026, 3, 13)),
    ("P1 lands on observed July 4", P1, D(2026, 6, 26), US, MONTH, D(2026, 7, 2)),
    ("P1 lands on July 4 (Sat) then observed Fri", P1, D(2026, 6, 27), US, MONTH, D(2026, 7, 2)),
    ("P1 same dates without holidays", P1, D(2026, 6, 26), NONE, MONTH, D(2026, 7, 3)),
    ("P1 DE unity day", P1, D(2025, 9, 26), DE, MONTH, D(2025, 10, 2)),
    ("P1 year end: Jan 1 holiday → Dec 31", P1, D(2026, 12, 25), US, MONTH, D(2026, 12, 31)),
    ("P1 into the new year", P1, D(2026, 12, 29), US, MONTH, D(2027, 1, 5)),
    ("P1 never on the reference: next business day", P1, D(2026, 3, 6), NONE, P1_ONE_DAY, D(2026, 3, 9)),
    ("P1 one day, weekday", P1, D(2026, 3, 4), NONE, P1_ONE_DAY, D(2026, 3, 5)),
    # P2, month mode: one calendar month, day clamped
    ("P2 month → Sunday → Friday", P2, D(2026, 3, 5), NONE, MONTH, D(2026, 4, 3)),
    ("P2 month → UK Good Friday → Thursday", P2, D(2026, 3, 5), GB, MONTH, D(2026, 4, 2)),
    ("P2 month Jan 31 → Feb 28 (Sat) → Feb 27", P2, D(2026, 1, 31), NONE, MONTH, D(2026, 2, 27)),
    ("P2 month Jan 31 → Feb 29 in a leap year", P2, D(2028, 1, 31), NONE, MONTH, D(2028, 2, 29)),
    ("P2 month across year end", P2, D(2026, 12, 4), US, MONTH, D(2027, 1, 4)),
    ("P2 month Jan 1 holiday → Dec 31", P2, D(2026, 12, 1), US, MONTH, D(2026, 12, 31)),
    ("P2 month Jan 1 without holidays", P2, D(2026, 12, 1), NONE, MONTH, D(2027, 1, 1)),
    # P2, sprint mode
    ("P2 sprint: end of the current sprint", P2, D(2026, 3, 5), NONE, SPRINT, D(2026, 3, 13)),
    ("P2 sprint: exactly 3 business days left", P2, D(2026, 3, 10), NONE, SPRINT, D(2026, 3, 13)),
    ("P2 sprint: 2 business days left → next sprint", P2, D(2026, 3, 11), NONE, SPRINT, D(2026, 3, 27)),
    ("P2 sprint: reviewed on its last day → next sprint", P2, D(2026, 3, 15), NONE, SPRINT, D(2026, 3, 27)),
    ("P2 sprint: first day of a sprint", P2, D(2026, 3, 15), NONE, SPRINT_NO_MIN, D(2026, 3, 27)),
    ("P2 sprint: no minimum, 1 day left", P2, D(2026, 3, 12), NONE, SPRINT_NO_MIN, D(2026, 3, 13)),
    ("P2 sprint: no minimum, end = reference → next day", P2, D(2026, 3, 13), NONE, SPRINT_NO_MIN, D(2026, 3, 16)),
    ("P2 sprint ends on observed July 4", P2, D(2026, 6, 22), US, SPRINT, D(2026, 7, 2)),
    ("P2 sprint ends July 5 without holidays", P2, D(2026, 6, 22), NONE, SPRINT, D(2026, 7, 3)),
    ("P2 sprint spanning the year end", P2, D(2026, 12, 22), US, SPRINT, D(2026, 12, 31)),
    ("P2 sprint spanning the year end, no holidays", P2, D(2026, 12, 22), NONE, SPRINT, D(2027, 1, 1)),
]


@pytest.mark.parametrize(
    ("priority", "reference", "calendar", "policy", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in DUE_TABLE],
)
def test_due_date_for(
    priority: Priority, reference: dt.date, calendar: BusinessCalendar, policy: DueDatePolicy, expected: dt.date
) -> None:
    due = due_date_for(priority, reference, calendar, policy)
    assert due == expected
    assert calendar.is_business_day(due)
    assert due > reference


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 12, 15), 1, D(2027, 1, 15)),
        (D(2026, 1, 15), 12, D(2027, 1, 15)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2026, 1, 10), -1, D(2025, 12, 10)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("day", "policy", "expected"),
    [
        (D(2026, 3, 5), SPRINT, (D(2026, 3, 2), D(2026, 3, 15))),
        (D(2026, 3, 2), SPRINT, (D(2026, 3, 2), D(2026, 3, 15))),
        (D(2026, 3, 15), SPRINT, (D(2026, 3, 2), D(2026, 3, 15))),
        (D(2026, 1, 4), SPRINT, (D(2025, 12, 22), D(2026, 1, 4))),  # before the anchor
        (D(2023, 12, 31), DueDatePolicy(p2_mode="sprint"), (D(2023, 12, 18), D(2023, 12, 31))),
        (D(2024, 1, 1), DueDatePolicy(p2_mode="sprint", sprint_length_days=7), (D(2024, 1, 1), D(2024, 1, 7))),
    ],
)
def test_sprint_containing(day: dt.date, policy: DueDatePolicy, expected: tuple[dt.date, dt.date]) -> None:
    assert sprint_containing(day, policy) == expected


def test_default_anchor_is_a_monday() -> None:
    assert DEFAULT_SPRINT_ANCHOR.weekday() == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"p1_days": 0}, "p1_days"),
        ({"sprint_length_days": 0}, "sprint_length_days"),
        ({"p2_min_business_days": -1}, "p2_min_business_days"),
        ({"p2_mode": "quarter"}, "p2_mode"),
        ({"timezone": "Mars/Olympus_Mons"}, "unknown time zone"),
        ({"timezone": ""}, "unknown time zone"),
    ],
)
def test_invalid_policies(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        DueDatePolicy(**kwargs)


def _pm(**fields: Any) -> PostMortem:
    return PostMortem(path="pm.md", content_sha256="0" * 64, **fields)


def _item(**fields: Any) -> ActionItem:
    return ActionItem(number=1, text="Add a canary stage", line=10, **fields)


@pytest.mark.parametrize(
    ("fields", "tz", "expected"),
    [
        ({"review_date": D(2026, 3, 9), "ended_at": dt.datetime(2026, 3, 6, 23, 30, tzinfo=UTC)}, "UTC", D(2026, 3, 9)),
        ({"ended_at": dt.datetime(2026, 3, 6, 23, 30, tzinfo=UTC)}, "UTC", D(2026, 3, 6)),
        ({"ended_at": dt.datetime(2026, 3, 6, 23, 30, tzinfo=UTC)}, "Europe/Berlin", D(2026, 3, 7)),
        ({"ended_at": dt.datetime(2026, 3, 7, 3, 0, tzinfo=UTC)}, "America/Los_Angeles", D(2026, 3, 6)),
        ({"ended_at": dt.datetime(2026, 3, 6, 23, 30, tzinfo=UTC)}, dt.timezone(dt.timedelta(hours=1)), D(2026, 3, 7)),
        ({"ended_at": dt.datetime(2026, 3, 6, 23, 30)}, "Europe/Berlin", D(2026, 3, 6)),  # naive: already local
        ({"started_at": dt.datetime(2026, 3, 6, 23, 30, tzinfo=UTC)}, "Asia/Tokyo", D(2026, 3, 7)),
        (
            {
                "started_at": dt.datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
                "ended_at": dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
            },
            "UTC",
            D(2026, 3, 2),
        ),
        ({}, "UTC", None),
    ],
)
def test_reference_date(fields: dict[str, Any], tz: str | dt.tzinfo, expected: dt.date | None) -> None:
    assert reference_date(_pm(**fields), tz) == expected


def test_reference_date_rejects_unknown_zone() -> None:
    pm = _pm(ended_at=dt.datetime(2026, 3, 6, 23, 30, tzinfo=UTC))
    with pytest.raises(ValueError, match="unknown time zone"):
        reference_date(pm, "Nowhere/Land")


@pytest.mark.parametrize(("tz", "expected"), [("UTC", D(2026, 3, 6)), ("Europe/Berlin", D(2026, 3, 9))])
def test_time_zone_changes_the_due_date(tz: str, expected: dt.date) -> None:
    # 23:30 UTC on Thursday is already Friday in Berlin; P0 then falls on Monday.
    pm = _pm(ended_at=dt.datetime(2026, 3, 5, 23, 30, tzinfo=UTC))
    policy = DueDatePolicy(timezone=tz)
    reference = reference_date(pm, policy.zone)
    assert reference is not None
    assert due_date_for(P0, reference, NONE, policy) == expected


@pytest.mark.parametrize(
    ("item", "reference", "expected"),
    [
        # The document's deadline wins, even on a weekend and even before the reference.
        (_item(deadline=D(2026, 3, 21), priority=P0), D(2026, 3, 5), (D(2026, 3, 21), "document", P0)),
        (_item(deadline=D(2026, 3, 1)), D(2026, 3, 5), (D(2026, 3, 1), "document", P2)),
        (_item(deadline=D(2026, 3, 20)), None, (D(2026, 3, 20), "document", P2)),
        (_item(priority=P0), D(2026, 3, 5), (D(2026, 3, 6), "priority", P0)),
        (_item(priority=P1), D(2026, 3, 5), (D(2026, 3, 12), "priority", P1)),
        (_item(priority=P2), D(2026, 3, 5), (D(2026, 4, 3), "priority", P2)),
        (_item(), D(2026, 3, 5), (D(2026, 4, 3), "default-priority", P2)),
        (_item(priority=P1), None, (None, "none", P1)),
        (_item(), None, (None, "none", P2)),
    ],
)
def test_resolve_due(item: ActionItem, reference: dt.date | None, expected: tuple[Any, ...]) -> None:
    decision = resolve_due(item, reference, default_priority=P2, calendar=NONE, policy=MONTH)
    assert (decision.due, decision.source, decision.priority) == expected


def test_resolve_due_uses_the_configured_default_priority() -> None:
    decision = resolve_due(_item(), D(2026, 3, 5), default_priority=P0, calendar=US, policy=MONTH)
    assert (decision.due, decision.source, decision.priority) == (D(2026, 3, 6), "default-priority", P0)


def test_time_zone_helper() -> None:
    fixed = dt.timezone(dt.timedelta(hours=5))
    assert time_zone(fixed) is fixed
    assert str(time_zone("Europe/Berlin")) == "Europe/Berlin"


@settings(max_examples=150, deadline=None)
@given(
    reference=st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31)),
    priority=st.sampled_from(list(Priority)),
    sprint=st.booleans(),
    p1_days=st.integers(1, 20),
    length=st.integers(1, 28),
    minimum=st.integers(0, 5),
)
def test_due_is_always_a_later_business_day(
    reference: dt.date, priority: Priority, sprint: bool, p1_days: int, length: int, minimum: int
) -> None:
    policy = DueDatePolicy(
        p1_days=p1_days,
        p2_mode="sprint" if sprint else "month",
        sprint_length_days=length,
        p2_min_business_days=minimum,
    )
    due = due_date_for(priority, reference, US, policy)
    assert due > reference
    assert US.is_business_day(due)
    # P0 is the tightest promise: nothing is due before the next business day.
    assert due >= US.next_business_day(reference)
