"""Business days: weekends, a country's public holidays (via the ``holidays`` library), and extras.

Holiday sets are built lazily, one calendar year at a time, and cached on the instance: a due-date
computation touches a handful of dates, and the ``holidays`` library is far too slow to consult per
call. The cache is a plain dict; two threads racing on a miss compute the same set, which is harmless.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import holidays

__all__ = ["BusinessCalendar", "DEFAULT_WEEKEND"]

DEFAULT_WEEKEND: frozenset[int] = frozenset({5, 6})
"""Saturday and Sunday, as :meth:`datetime.date.weekday` numbers them (Monday is 0)."""

_ONE_DAY = dt.timedelta(days=1)


class BusinessCalendar:
    """Which dates are working days for the team a ticket is assigned to.

    ``country`` is an ISO 3166 code the ``holidays`` library knows (``US``, ``DE``, ``GB``…);
    ``None`` means weekends only. ``subdivision`` narrows it (``BY`` for Bavaria, ``ENG`` for
    England). ``extra_holidays`` adds company days off; ``weekend`` lists weekday numbers.
    Raises :class:`ValueError` for an unknown country or subdivision, or a week without work days.
    """

    def __init__(
        self,
        country: str | None,
        subdivision: str | None = None,
        extra_holidays: Iterable[dt.date] = frozenset(),
        weekend: Iterable[int] = DEFAULT_WEEKEND,
    ) -> None:
        self.country = country.upper() if country else None
        self.subdivision = subdivision.upper() if subdivision else None
        self.extra_holidays = frozenset(extra_holidays)
        self.weekend = frozenset(weekend)
        if not self.weekend <= set(range(7)):
            raise ValueError(f"weekend days must be 0 (Monday) to 6 (Sunday), got {sorted(self.weekend)}")
        if len(self.weekend) == 7:
            # Every search for a business day would loop forever.
            raise ValueError("weekend cannot cover all seven days")
        if self.subdivision and not self.country:
            raise ValueError("a subdivision needs a country")
        self._years: dict[int, frozenset[dt.date]] = {}
        if self.country:
            # Fail at construction (i.e. at config load), not in the middle of a plan.
            self._load_year(2000)

    def __repr__(self) -> str:
        return (
            f"BusinessCalendar(country={self.country!r}, subdivision={self.subdivision!r}, "
            f"extra_holidays={len(self.extra_holidays)}, weekend={sorted(self.weekend)})"
        )

    def _load_year(self, year: int) -> frozenset[dt.date]:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        days: set[dt.date] = set()
        if self.country:
            try:
                table = holidays.country_holidays(self.country, subdiv=self.subdivision, years=year)
            except NotImplementedError as exc:
                raise ValueError(str(exc)) from exc
            # Observed days are filed under the year they fall in; filter anyway so a library
            # change cannot leak another year's dates into this one.
            days.update(day for day in table if day.year == year)
        days.update(day for day in self.extra_holidays if day.year == year)
        result = frozenset(days)
        self._years[year] = result
        return result

    def holidays_in(self, year: int) -> frozenset[dt.date]:
        """Every non-weekend day off in ``year``: public holidays (incl. observed days) and extras."""
        return self._load_year(year)

    def is_holiday(self, day: dt.date) -> bool:
        """Whether ``day`` is a public holiday or an extra day off (regardless of weekday)."""
        return day in self._load_year(day.year)

    def is_business_day(self, day: dt.date) -> bool:
        """Neither a weekend day nor a holiday."""
        return day.weekday() not in self.weekend and not self.is_holiday(day)

    def next_business_day(self, day: dt.date) -> dt.date:
        """The first business day strictly after ``day``."""
        day += _ONE_DAY
        while not self.is_business_day(day):
            day += _ONE_DAY
        return day

    def previous_business_day(self, day: dt.date) -> dt.date:
        """The last business day strictly before ``day``."""
        day -= _ONE_DAY
        while not self.is_business_day(day):
            day -= _ONE_DAY
        return day

    def add_business_days(self, day: dt.date, n: int) -> dt.date:
        """Move ``n`` business days from ``day`` (backwards when negative; ``day`` itself when 0).

        The start day need not be a business day: one business day after a Saturday is Monday.
        """
        step = self.next_business_day if n > 0 else self.previous_business_day
        for _ in range(abs(n)):
            day = step(day)
        return day

    def business_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many business days lie in the closed range ``[start, end]`` (0 when empty)."""
        count = 0
        day = start
        while day <= end:
            if self.is_business_day(day):
                count += 1
            day += _ONE_DAY
        return count
