"""Dates, times, durations and deadline phrases as post-mortems write them."""

from __future__ import annotations

import datetime as dt

import pytest

from sync.core.parse.dates import (
    deadline_phrase,
    parse_date,
    parse_datetime,
    parse_duration_minutes,
    period_end,
    timezone_for,
    zone_note,
)

UTC = dt.UTC


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("2h 45m", 165),
        ("2.75 hours", 165),
        ("5 hours 26 minutes", 326),
        ("3h 45m", 225),
        ("2d 1h 29m", 2969),
        ("371 minutes", 371),
        ("~24h40m", 1480),
        ("1 hour and 48 minutes", 108),
        ("6 hours, 14 minutes", 374),
        ("5 hours 26 minutes (10:45 - 16:11 UTC)", 326),
        ("90 seconds", 2),
    ],
)
def test_durations(text: str, minutes: int) -> None:
    assert parse_duration_minutes(text) == minutes


@pytest.mark.parametrize("text", ["", "soon", "approximately nine", "10:45"])
def test_not_durations(text: str) -> None:
    assert parse_duration_minutes(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-04 14:02 UTC", dt.datetime(2026, 3, 4, 14, 2, tzinfo=UTC)),
        ("2026-04-18T03:10:00Z", dt.datetime(2026, 4, 18, 3, 10, tzinfo=UTC)),
        ("Mar 12, 2025, 18:00 UTC", dt.datetime(2025, 3, 12, 18, 0, tzinfo=UTC)),
        ("2024-07-25 12:10", dt.datetime(2024, 7, 25, 12, 10, tzinfo=UTC)),
        ("2021-05-26 04:49 PM UTC", dt.datetime(2021, 5, 26, 16, 49, tzinfo=UTC)),
        ("2018-10-30 12:15 CDT", dt.datetime(2018, 10, 30, 17, 15, tzinfo=UTC)),
        ("2019-11-29 12:00 CET", dt.datetime(2019, 11, 29, 11, 0, tzinfo=UTC)),
    ],
)
def test_datetimes(text: str, expected: dt.datetime) -> None:
    assert parse_datetime(text) == expected


def test_datetime_needs_a_time_and_a_date() -> None:
    assert parse_datetime("2026-03-04") is None
    assert parse_datetime("14:02 UTC") is None


def test_default_timezone_applies_to_naive_times() -> None:
    moment = parse_datetime("2026-03-04 14:02", default_timezone="Europe/Copenhagen")
    assert moment == dt.datetime(2026, 3, 4, 13, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("Wednesday, 2018-08-22", None, dt.date(2018, 8, 22)),
        ("March 26th, 2019", None, dt.date(2019, 3, 26)),
        ("July 1, 2020", None, dt.date(2020, 7, 1)),
        ("21 March 2019", None, dt.date(2019, 3, 21)),
        ("May 30", 2016, dt.date(2016, 5, 30)),
        ("May 30", None, None),
        ("2026-02-30", None, None),
    ],
)
def test_dates(text: str, year: int | None, expected: dt.date | None) -> None:
    assert parse_date(text, year) == expected


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("Q4 2025 - Q1 2026", None, dt.date(2026, 3, 31)),
        ("Target: Q4 2025", None, dt.date(2025, 12, 31)),
        ("in H1", 2022, dt.date(2022, 6, 30)),
        ("during the H2 sprints", 2022, dt.date(2022, 12, 31)),
        ("in H1", None, None),
        ("2026-05-15", None, dt.date(2026, 5, 15)),
    ],
)
def test_period_end(text: str, year: int | None, expected: dt.date | None) -> None:
    assert period_end(text, year) == expected


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("start a Taskcluster production runbook in H1", "in H1"),
        ("add heartbeat monitoring during the H1 sprints", "during the H1 sprints"),
        ("rotate keys by 2026-05-01.", "by 2026-05-01"),
        ("work in the H1 cluster first", None),
        ("Q1 planning", None),
    ],
)
def test_deadline_phrase(text: str, phrase: str | None) -> None:
    match = deadline_phrase(text)
    assert (match.group(0).strip().rstrip(".") if match else None) == phrase


@pytest.mark.parametrize(
    ("text", "zone"), [("All times in PST", "PST"), ("2015-10-21 (all times UTC)", "UTC"), ("no zone here", None)]
)
def test_zone_notes(text: str, zone: str | None) -> None:
    assert zone_note(text) == zone


def test_timezone_for_offsets_and_fallback() -> None:
    assert timezone_for("+05:30").utcoffset(None) == dt.timedelta(hours=5, minutes=30)
    assert timezone_for("Not/AZone", "UTC") is not None
    assert timezone_for("PDT").utcoffset(None) == dt.timedelta(hours=-7)
