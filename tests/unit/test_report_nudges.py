"""Nudge planning: windows, quiet hours, at most once per window."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.facts import ReportData, ReportSettings
from reports.metrics import item_states
from reports.nudges import in_quiet_hours, nudge_window, plan_nudges, window_key
from tests.unit.report_fixtures import at, incident, item

SETTINGS = ReportSettings(nudge_days_before=2, quiet_hours=(20, 8))
DATA = ReportData(
    incidents=(incident("INC-1"),),
    items=(
        item("INC-1#1", due="2026-04-10"),  # overdue on 04-12
        item("INC-1#2", due="2026-04-14"),  # due in 2 days: before-due window
        item("INC-1#3", due="2026-04-20"),  # not yet
        item("INC-1#4", due="2026-04-01", history=[("done", "2026-03-30 10:00")]),  # closed: never
        item("INC-1#5", due=None),  # no due date: never
    ),
)


@pytest.mark.parametrize(
    ("due", "today", "before", "window"),
    [
        ("2026-04-10", "2026-04-11", 2, "overdue:2026-04-10"),
        ("2026-04-10", "2026-04-10", 2, "before-due:2026-04-10"),  # the due day itself is not overdue yet
        ("2026-04-10", "2026-04-08", 2, "before-due:2026-04-10"),
        ("2026-04-10", "2026-04-07", 2, None),
        ("2026-04-10", "2026-04-09", 0, None),  # 0 disables the reminder before the due date
    ],
)
def test_windows(due: str, today: str, before: int, window: str | None) -> None:
    assert nudge_window(dt.date.fromisoformat(due), dt.date.fromisoformat(today), before) == window


@pytest.mark.parametrize(
    ("hour", "quiet", "expected"),
    [(21, (20, 8), True), (3, (20, 8), True), (8, (20, 8), False), (12, (20, 8), False), (13, (12, 14), True)]
    + [(14, (12, 14), False), (5, None, False), (5, (5, 5), False)],
)
def test_quiet_hours(hour: int, quiet: tuple[int, int] | None, expected: bool) -> None:
    assert in_quiet_hours(hour, quiet) is expected


def test_plan_picks_due_windows_and_skips_used_ones() -> None:
    now = at("2026-04-12 10:00")
    plan = plan_nudges(item_states(DATA, now, SETTINGS), now, SETTINGS, set())
    assert not plan.quiet
    assert [(n.item, n.window, window_key(n)) for n in plan.nudges] == [
        ("INC-1#1", "overdue", "overdue:2026-04-10"),
        ("INC-1#2", "before-due", "before-due:2026-04-14"),
    ]
    assert plan.nudges[0].message.startswith("Overdue by 2 day(s) since 2026-04-10: Do the thing (T-INC-1#1)")
    assert plan.nudges[1].message.startswith("Due in 2 day(s), on 2026-04-14")
    again = plan_nudges(item_states(DATA, now, SETTINGS), now, SETTINGS, {("INC-1#1", "overdue:2026-04-10")})
    assert [n.item for n in again.nudges] == ["INC-1#2"]


def test_quiet_hours_are_in_the_configured_zone() -> None:
    # 19:30 UTC is 21:30 in Berlin (summer time): quiet there, not in UTC.
    now = at("2026-04-12 19:30")
    assert not plan_nudges(item_states(DATA, now, SETTINGS), now, SETTINGS, set()).quiet
    berlin = ReportSettings(timezone="Europe/Berlin", quiet_hours=(20, 8))
    assert plan_nudges(item_states(DATA, now, berlin), now, berlin, set()).quiet


@pytest.mark.parametrize(
    ("today", "window"),
    [
        ("2026-04-11", "overdue:2026-04-10"),  # day 1 overdue: the first window, as it always was
        ("2026-04-17", "overdue:2026-04-10"),  # day 7
        ("2026-04-18", "overdue:2026-04-10:1"),  # day 8: reminded again
        ("2026-06-10", "overdue:2026-04-10:8"),  # long overdue: still reminded every 7 days
    ],
)
def test_a_long_overdue_item_is_reminded_every_n_days(today: str, window: str) -> None:
    """Issue 28 §6: a long-overdue item was never reminded again."""
    assert nudge_window(dt.date(2026, 4, 10), dt.date.fromisoformat(today), 2, every_days=7) == window


def test_the_cadence_opens_a_new_window_after_the_first_was_used() -> None:
    settings = ReportSettings(nudge_days_before=2, quiet_hours=None, nudge_every_days=7)
    now = at("2026-04-20 12:00")  # INC-1#1 is 10 days overdue: its second window
    (first,) = [
        n for n in plan_nudges(item_states(DATA, now, settings), now, settings, set()).nudges if n.item == "INC-1#1"
    ]
    assert window_key(first) == "overdue:2026-04-10:1"
    again = plan_nudges(item_states(DATA, now, settings), now, settings, {("INC-1#1", "overdue:2026-04-10:1")})
    assert "INC-1#1" not in [n.item for n in again.nudges]
