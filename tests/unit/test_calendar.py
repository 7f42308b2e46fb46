"""BusinessCalendar: weekends, national and regional holidays, extras, stepping and caching."""

from __future__ import annotations

import datetime as dt
from typing import Any

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mappings.calendar import BusinessCalendar

D = dt.date

WEEKENDS_ONLY = BusinessCalendar(None)
US = BusinessCalendar("US")
DE = BusinessCalendar("DE")
DE_BY = BusinessCalendar("DE", "BY")
GB_ENG = BusinessCalendar("GB", "ENG")


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (WEEKENDS_ONLY, D(2026, 3, 6), True),  # Friday
        (WEEKENDS_ONLY, D(2026, 3, 7), False),  # Saturday
        (WEEKENDS_ONLY, D(2026, 3, 8), False),  # Sunday
        (WEEKENDS_ONLY, D(2026, 12, 25), True),  # no country: Christmas is a working Friday
        (US, D(2026, 12, 25), False),
        (US, D(2026, 7, 3), False),  # Independence Day observed (July 4 is a Saturday)
        (US, D(2026, 7, 2), True),
        (US, D(2027, 1, 1), False),
        (DE, D(2025, 10, 3), False),  # Tag der Deutschen Einheit, a Friday
        (DE, D(2026, 1, 6), True),  # Epiphany is not a national holiday…
        (DE_BY, D(2026, 1, 6), False),  # …but it is one in Bavaria
        (GB_ENG, D(2026, 8, 31), False),  # Late Summer Bank Holiday
        (GB_ENG, D(2026, 12, 28), False),  # Boxing Day observed
        (US, D(2026, 8, 31), True),
    ],
)
def test_is_business_day(calendar: BusinessCalendar, day: dt.date, expected: bool) -> None:
    assert calendar.is_business_day(day) is expected


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (WEEKENDS_ONLY, D(2026, 3, 5), D(2026, 3, 6)),
        (WEEKENDS_ONLY, D(2026, 3, 6), D(2026, 3, 9)),  # Friday → Monday
        (WEEKENDS_ONLY, D(2026, 3, 7), D(2026, 3, 9)),  # from a Saturday
        (US, D(2026, 7, 2), D(2026, 7, 6)),  # over the observed July 4
        (US, D(2026, 12, 31), D(2027, 1, 4)),  # year end: Jan 1 holiday, then the weekend
        (DE, D(2025, 10, 2), D(2025, 10, 6)),
        (GB_ENG, D(2026, 8, 28), D(2026, 9, 1)),
        (GB_ENG, D(2026, 12, 24), D(2026, 12, 29)),  # Christmas, Boxing Day, weekend, observed
    ],
)
def test_next_business_day(calendar: BusinessCalendar, day: dt.date, expected: dt.date) -> None:
    assert calendar.next_business_day(day) == expected


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (WEEKENDS_ONLY, D(2026, 3, 9), D(2026, 3, 6)),  # Monday → Friday
        (WEEKENDS_ONLY, D(2026, 3, 10), D(2026, 3, 9)),
        (US, D(2026, 7, 6), D(2026, 7, 2)),
        (US, D(2027, 1, 4), D(2026, 12, 31)),  # back over the year boundary
        (DE_BY, D(2026, 1, 7), D(2026, 1, 5)),
    ],
)
def test_previous_business_day(calendar: BusinessCalendar, day: dt.date, expected: dt.date) -> None:
    assert calendar.previous_business_day(day) == expected


@pytest.mark.parametrize(
    ("calendar", "day", "n", "expected"),
    [
        (WEEKENDS_ONLY, D(2026, 3, 5), 0, D(2026, 3, 5)),
        (WEEKENDS_ONLY, D(2026, 3, 7), 0, D(2026, 3, 7)),  # zero steps: the day itself, even a Saturday
        (WEEKENDS_ONLY, D(2026, 3, 5), 1, D(2026, 3, 6)),
        (WEEKENDS_ONLY, D(2026, 3, 5), 2, D(2026, 3, 9)),
        (WEEKENDS_ONLY, D(2026, 3, 7), 1, D(2026, 3, 9)),  # one business day after a Saturday is Monday
        (WEEKENDS_ONLY, D(2026, 3, 5), 10, D(2026, 3, 19)),
        (WEEKENDS_ONLY, D(2026, 3, 9), -1, D(2026, 3, 6)),
        (US, D(2026, 12, 30), 2, D(2027, 1, 4)),
        (US, D(2027, 1, 4), -2, D(2026, 12, 30)),
    ],
)
def test_add_business_days(calendar: BusinessCalendar, day: dt.date, n: int, expected: dt.date) -> None:
    assert calendar.add_business_days(day, n) == expected


def test_custom_weekend_and_extra_holidays() -> None:
    # A Friday/Saturday weekend with a company shutdown day.
    calendar = BusinessCalendar(None, extra_holidays=frozenset({D(2026, 3, 8)}), weekend=frozenset({4, 5}))
    assert not calendar.is_business_day(D(2026, 3, 6))  # Friday
    assert not calendar.is_business_day(D(2026, 3, 8))  # Sunday, but a day off
    assert calendar.next_business_day(D(2026, 3, 5)) == D(2026, 3, 9)
    assert calendar.is_holiday(D(2026, 3, 8)) and not calendar.is_holiday(D(2026, 3, 6))


def test_extra_holidays_combine_with_country() -> None:
    calendar = BusinessCalendar("US", extra_holidays=[D(2026, 12, 24)])
    assert calendar.holidays_in(2026) >= {D(2026, 12, 24), D(2026, 12, 25), D(2026, 7, 3)}
    assert all(day.year == 2026 for day in calendar.holidays_in(2026))
    assert calendar.next_business_day(D(2026, 12, 23)) == D(2026, 12, 28)


def test_business_days_between_counts_closed_range() -> None:
    assert WEEKENDS_ONLY.business_days_between(D(2026, 3, 2), D(2026, 3, 15)) == 10
    assert US.business_days_between(D(2026, 6, 29), D(2026, 7, 5)) == 4
    assert WEEKENDS_ONLY.business_days_between(D(2026, 3, 7), D(2026, 3, 8)) == 0
    assert WEEKENDS_ONLY.business_days_between(D(2026, 3, 9), D(2026, 3, 6)) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"country": "XX"}, "XX"),
        ({"country": "US", "subdivision": "ZZ"}, "ZZ"),
        ({"country": None, "subdivision": "BY"}, "needs a country"),
        ({"country": None, "weekend": frozenset(range(7))}, "all seven days"),
        ({"country": None, "weekend": frozenset({7})}, r"0 \(Monday\) to 6"),
    ],
)
def test_invalid_calendars_are_rejected(args: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar(**args)


def test_country_codes_are_case_insensitive() -> None:
    calendar = BusinessCalendar("de", "by")
    assert (calendar.country, calendar.subdivision) == ("DE", "BY")
    assert not calendar.is_business_day(D(2026, 1, 6))
    assert "DE" in repr(calendar)


def test_holidays_are_built_once_per_year(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = holidays.country_holidays

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs["years"])
        return real(*args, **kwargs)

    monkeypatch.setattr(holidays, "country_holidays", counting)
    calendar = BusinessCalendar("US")
    calls.clear()  # construction validates the country once
    for offset in range(60):
        calendar.is_business_day(D(2026, 12, 1) + dt.timedelta(days=offset))
    assert calls == [2026, 2027]


@settings(max_examples=150, deadline=None)
@given(day=st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31)), n=st.integers(0, 30))
def test_stepping_properties(day: dt.date, n: int) -> None:
    nxt = US.next_business_day(day)
    assert nxt > day and US.is_business_day(nxt)
    assert US.business_days_between(day + dt.timedelta(days=1), nxt - dt.timedelta(days=1)) == 0
    prev = US.previous_business_day(day)
    assert prev < day and US.is_business_day(prev)
    forward = US.add_business_days(day, n)
    assert US.business_days_between(day + dt.timedelta(days=1), forward) == n
    if US.is_business_day(day):
        assert US.add_business_days(forward, -n) == day
