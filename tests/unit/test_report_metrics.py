"""Report metrics against hand-computed fixtures."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from reports.facts import ReportData, ReportSettings
from reports.metrics import (
    ageing,
    done_since,
    item_states,
    parse_quarter,
    previous_quarter,
    quarter_bounds,
    quarter_of,
    status_at,
    time_to_close,
    timeliness,
    weekly_report,
)
from reports.results import Ratio
from sync.core.model import Status
from tests.unit.report_fixtures import at, incident, item

UTC = ReportSettings()
AS_OF = at("2026-04-01 12:00")


def test_empty_data_has_zero_denominators_not_zero_percent() -> None:
    report = weekly_report(ReportData(), AS_OF, UTC)
    assert report.completion.items == 0
    assert report.completion.completion == Ratio(numerator=0, denominator=0)
    assert report.completion.completion.value is None
    assert report.completion.completion.percent() == "– (0/0)"
    assert report.overdue == []
    assert report.ageing.open_items == 0
    assert [b.count for b in report.ageing.buckets] == [0, 0, 0, 0]
    assert report.time_to_close == []
    assert report.timeliness.within.denominator == 0
    assert report.breakdowns.priority == []
    assert report.period_start == dt.date(2026, 3, 26)  # 7 days: 03-26 … 04-01


def test_all_wont_do_is_no_completion_rate_and_shown_apart() -> None:
    data = ReportData(
        incidents=(incident("INC-1"),),
        items=tuple(item(f"INC-1#{n}", due="2026-02-01", history=[("wont_do", "2026-01-05 10:00")]) for n in (1, 2, 3)),
    )
    c = weekly_report(data, AS_OF, UTC).completion
    assert (c.items, c.done, c.wont_do, c.overdue) == (3, 0, 3, 0)
    assert c.completion == Ratio(numerator=0, denominator=0)
    assert c.wont_do_share == Ratio(numerator=3, denominator=3)
    assert c.wont_do_share.percent() == "100 % (3/3)"


def test_hand_computed_completion_on_time_and_overdue() -> None:
    data = ReportData(
        incidents=(incident("INC-1", severity="SEV-1"), incident("INC-2", team="search")),
        items=(
            # done before due: on time
            item(
                "INC-1#1",
                due="2026-03-10",
                priority="P0",
                history=[("open", "2026-03-01 09:00"), ("done", "2026-03-09 17:00")],
            ),
            # done after due: late
            item("INC-1#2", due="2026-03-10", history=[("done", "2026-03-12 08:00")]),
            # open and past due: 22 days overdue on 2026-04-01
            item("INC-1#3", due="2026-03-10", owner="kofi", history=[("in_progress", "2026-03-02 09:00")]),
            # won't do: apart
            item("INC-2#1", incident="INC-2", due="2026-03-01", history=[("wont_do", "2026-03-02 09:00")]),
            # open, due later: not overdue
            item("INC-2#2", incident="INC-2", due="2026-04-20", priority="P2", owner=None),
            # done without a due date: not in the on-time denominator
            item("INC-2#3", incident="INC-2", due=None, priority="P2", history=[("done", "2026-03-20 09:00")]),
        ),
    )
    report = weekly_report(data, AS_OF, UTC)
    c = report.completion
    assert (c.items, c.done, c.wont_do, c.in_progress, c.open, c.overdue) == (6, 3, 1, 1, 1, 1)
    assert c.completion == Ratio(numerator=3, denominator=5)
    assert c.on_time == Ratio(numerator=1, denominator=2)
    assert [(o.item, o.days_overdue, o.status, o.owner) for o in report.overdue] == [
        ("INC-1#3", 22, "in_progress", "kofi")
    ]
    by_priority = {g.group: g for g in report.breakdowns.priority}
    assert by_priority["P0"].completion == Ratio(numerator=1, denominator=1)
    assert by_priority["P1"].completion == Ratio(numerator=1, denominator=2)  # 1 done, 1 open, 1 won't do
    assert by_priority["P2"].completion == Ratio(numerator=1, denominator=2)
    assert [g.group for g in report.breakdowns.owner] == ["dana", "kofi", "(none)"]
    assert [(g.group, g.items) for g in report.breakdowns.team] == [("payments", 3), ("search", 3)]
    assert [(g.group, g.items) for g in report.breakdowns.severity] == [("SEV-1", 3), ("SEV-2", 3)]
    assert [(g.group, g.items) for g in report.breakdowns.quarter] == [
        ("2026Q1", 4),
        ("2026Q2", 1),
        ("(no due date)", 1),
    ]
    # The week is 03-25 … 04-01: nothing was closed in it, nothing fell due in it.
    assert report.closed_in_period == 0
    assert report.became_overdue_in_period == 0


def test_items_without_due_date_are_never_overdue() -> None:
    data = ReportData(incidents=(incident("INC-1"),), items=(item("INC-1#1", due=None),))
    report = weekly_report(data, AS_OF, UTC)
    assert report.overdue == []
    assert report.completion.overdue == 0
    assert report.breakdowns.quarter[0].group == "(no due date)"


def test_removed_items_and_items_ticketed_after_as_of_are_not_counted() -> None:
    data = ReportData(
        incidents=(incident("INC-1"),),
        items=(
            item("INC-1#1", due="2026-03-01", present=False),
            item("INC-1#2", due="2026-03-01", opened="2026-05-01 09:00"),
            item("INC-1#3", due="2026-03-01", opened=None),  # no ticket yet: still an open commitment
        ),
    )
    report = weekly_report(data, AS_OF, UTC)
    assert report.completion.items == 1
    assert report.ageing.unknown_age == 1


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (dt.date(2026, 1, 1), "2026Q1"),
        (dt.date(2026, 3, 31), "2026Q1"),
        (dt.date(2026, 4, 1), "2026Q2"),
        (dt.date(2026, 9, 30), "2026Q3"),
        (dt.date(2026, 12, 31), "2026Q4"),
    ],
)
def test_quarter_boundaries(day: dt.date, quarter: str) -> None:
    assert quarter_of(day) == quarter


def test_quarter_parsing_and_bounds() -> None:
    assert parse_quarter("2026Q3") == (2026, 3)
    assert parse_quarter(" 2026-q4 ") == (2026, 4)
    for bad in ("2026Q5", "2026", "Q3", "twentyQ1"):
        with pytest.raises(ValueError, match="not a quarter"):
            parse_quarter(bad)
    assert previous_quarter(2026, 1) == (2025, 4)
    assert previous_quarter(2026, 3) == (2026, 2)
    zone = ZoneInfo("Europe/Berlin")
    start, end = quarter_bounds(2026, 4, zone)
    assert (start, end) == (dt.datetime(2026, 10, 1, tzinfo=zone), dt.datetime(2027, 1, 1, tzinfo=zone))
    assert quarter_bounds(2026, 1, zone)[1] == dt.datetime(2026, 4, 1, tzinfo=zone)


def test_time_zone_decides_on_time_and_overdue() -> None:
    # Done at 23:30 UTC on the due date: still that day in UTC, already the next day in Tokyo.
    done_late_evening = item("INC-1#1", due="2026-03-31", history=[("done", "2026-03-31 23:30")])
    data = ReportData(incidents=(incident("INC-1"),), items=(done_late_evening,))
    assert weekly_report(data, AS_OF, UTC).completion.on_time == Ratio(numerator=1, denominator=1)
    tokyo = ReportSettings(timezone="Asia/Tokyo")
    assert weekly_report(data, AS_OF, tokyo).completion.on_time == Ratio(numerator=0, denominator=1)
    # Open, due 03-31, at 01:00 UTC on 04-01: overdue in UTC, still 03-31 in Los Angeles.
    open_item = ReportData(incidents=(incident("INC-1"),), items=(item("INC-1#1", due="2026-03-31"),))
    early = at("2026-04-01 01:00")
    assert [o.days_overdue for o in weekly_report(open_item, early, UTC).overdue] == [1]
    assert weekly_report(open_item, early, ReportSettings(timezone="America/Los_Angeles")).overdue == []


def test_item_reopened_after_done() -> None:
    history = [
        ("open", "2026-03-01 09:00"),
        ("done", "2026-03-05 09:00"),
        ("in_progress", "2026-03-08 09:00"),  # reopened
        ("done", "2026-03-20 09:00"),  # done again, after the due date
    ]
    reopened = item("INC-1#1", due="2026-03-10", history=history)
    data = ReportData(incidents=(incident("INC-1"),), items=(reopened,))
    # Between the first done and the reopening: done, on time.
    first = weekly_report(data, at("2026-03-06 12:00"), UTC).completion
    assert (first.done, first.on_time) == (1, Ratio(numerator=1, denominator=1))
    # While reopened and past due: open again, and overdue.
    middle = weekly_report(data, at("2026-03-15 12:00"), UTC)
    assert (middle.completion.done, middle.completion.overdue) == (0, 1)
    assert middle.completion.completion == Ratio(numerator=0, denominator=1)
    # Done again after the due date: counts as done, but late; closed in that week.
    final = weekly_report(data, AS_OF.replace(day=24, month=3), UTC)
    assert final.completion.done == 1
    assert final.completion.on_time == Ratio(numerator=0, denominator=1)
    assert final.closed_in_period == 1
    assert status_at(reopened, at("2026-02-01 00:00")) is Status.OPEN
    assert done_since(reopened, AS_OF) == at("2026-03-20 09:00")


def test_ageing_buckets() -> None:
    as_of = at("2026-04-01 12:00")
    items = tuple(
        item(f"INC-1#{n}", opened=(as_of - dt.timedelta(days=days)).strftime("%Y-%m-%d %H:%M"))
        for n, days in enumerate((0, 7, 8, 30, 31, 90, 91, 400), start=1)
    ) + (item("INC-1#9", history=[("done", "2026-03-01 09:00")]),)
    states = item_states(ReportData(incidents=(incident("INC-1"),), items=items), as_of, UTC)
    result = ageing(states, as_of, (7, 30, 90))
    assert result.open_items == 8
    assert [(b.label, b.count) for b in result.buckets] == [("0–7 d", 2), ("8–30 d", 2), ("31–90 d", 2), ("> 90 d", 2)]
    assert ageing(states, as_of, ()).buckets[0].count == 8


def test_time_to_close_per_priority() -> None:
    def closed(key: str, priority: str | None, days: float) -> object:
        done = at("2026-03-01 00:00") + dt.timedelta(days=days)
        return item(
            key, priority=priority, opened="2026-03-01 00:00", history=[("done", done.strftime("%Y-%m-%d %H:%M"))]
        )

    items = (
        closed("A#1", "P1", 2),
        closed("A#2", "P1", 4),
        closed("A#3", "P2", 1),
        closed("A#4", "P2", 2),
        closed("A#5", "P2", 6),
        closed("A#6", None, 1),
        item("A#7", opened=None, history=[("done", "2026-03-02 00:00")]),  # no ticket time: not measured
    )
    states = item_states(ReportData(items=items), AS_OF, UTC)
    rows = [(r.priority, r.closed, r.mean_days, r.median_days) for r in time_to_close(states)]
    assert rows == [("P1", 2, 3.0, 3.0), ("P2", 3, 3.0, 2.0), ("(none)", 1, 1.0, 1.0)]


def test_postmortem_timeliness_against_24_hours() -> None:
    incidents = [
        incident("ON-TIME", end="2026-03-04 16:47", review="2026-03-05"),  # 7.2 h
        incident("LATE", end="2026-03-04 10:00", review="2026-03-06"),  # 38 h
        incident("SAME-DAY", end="2026-03-04 10:00", review="2026-03-04"),  # before the end: 0 h
        incident("NO-REVIEW", end="2026-03-04 10:00"),
        incident("NO-END", end=None, review="2026-03-04"),
    ]
    result = timeliness(incidents, UTC)
    assert result.within == Ratio(numerator=2, denominator=3)
    assert result.missing_dates == 2
    assert [(r.incident, r.hours) for r in result.late] == [("LATE", 38.0)]
    # In UTC+9 the review day starts 9 hours earlier: the late one is within 29 h → still late.
    tokyo = timeliness(incidents, ReportSettings(timezone="Asia/Tokyo"))
    assert [(r.incident, r.hours) for r in tokyo.late] == [("LATE", 29.0)]


def test_team_filter_selects_items_and_incidents() -> None:
    data = ReportData(
        incidents=(
            incident("INC-1", team="payments", end="2026-03-01 10:00", review="2026-03-01"),
            incident("INC-2", team="search"),
            incident("INC-3", team=None),
        ),
        items=(item("INC-1#1"), item("INC-2#1", incident="INC-2"), item("INC-3#1", incident="INC-3")),
    )
    report = weekly_report(data, AS_OF, ReportSettings(teams=("Payments",)))
    assert report.completion.items == 1
    assert report.timeliness.within.denominator == 1
    assert report.teams == ["Payments"]
    assert weekly_report(data, AS_OF, UTC).completion.items == 3


def test_this_week_is_the_seven_days_ending_at_as_of() -> None:
    """Issue 28 §3: --as-of 2026-09-29 is the week 09-23 … 09-29, not from 09-22 (8 days)."""
    as_of = at("2026-09-29 23:59")
    data = ReportData(
        incidents=(incident("INC-1"),),
        items=(
            item("INC-1#1", history=[("done", "2026-09-22 12:00")]),  # the day before the week
            item("INC-1#2", history=[("done", "2026-09-23 00:00")]),  # its first moment
            item("INC-1#3", history=[("wont_do", "2026-09-25 10:00")]),  # won't do counts as closed
            item("INC-1#4", history=[("done", "2026-09-01 10:00"), ("wont_do", "2026-09-26 10:00")]),  # closed before
            item("INC-1#5", due="2026-09-21"),  # overdue since 09-22: before the week
            item("INC-1#6", due="2026-09-22"),  # overdue since 09-23: in the week
            item("INC-1#7", due="2026-09-28"),  # overdue since 09-29
            item("INC-1#8", due="2026-09-29"),  # due today: not overdue yet
        ),
    )
    report = weekly_report(data, as_of, UTC)
    assert report.period_start == dt.date(2026, 9, 23)
    assert (report.closed_in_period, report.wont_do_in_period) == (2, 1)
    assert report.became_overdue_in_period == 2
