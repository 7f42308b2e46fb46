"""Overdue, defined once (sync.core.model.is_overdue) for `pmsync status`, the demo, the service's
metric and the reports (issue 25: four definitions had drifted apart)."""

from __future__ import annotations

import datetime as dt

import pytest

from sync.core.model import Status, is_overdue

TODAY = dt.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("due", "status", "expected"),
    [
        (dt.date(2026, 3, 9), Status.OPEN, True),
        (dt.date(2026, 3, 9), Status.IN_PROGRESS, True),
        (dt.date(2026, 3, 9), None, True),  # no ticket yet: still open work
        (dt.date(2026, 3, 10), Status.OPEN, False),  # due today is not late yet
        (dt.date(2026, 3, 9), Status.DONE, False),
        (dt.date(2026, 3, 9), Status.WONT_DO, False),
        (None, Status.OPEN, False),
    ],
)
def test_overdue_is_past_due_and_not_closed(due: dt.date | None, status: Status | None, expected: bool) -> None:
    assert is_overdue(due, status, TODAY) is expected
