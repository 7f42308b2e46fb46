"""Overdue nudges, decided purely: who gets a reminder now, in which window.

An open item with a due date has a ``before-due:<due>`` window from ``days_before`` days before
the due date, and overdue windows once the date has passed: ``overdue:<due>`` for its first
``every_days`` days overdue, then ``overdue:<due>:1``, ``:2``, … for each further ``every_days``
(``[reports] nudge_every_days``; 0: one overdue window only), so an item long overdue is reminded
again instead of never. At most one nudge per item per window — the caller passes the windows
already used (the state store remembers them, so a restart never repeats one) — and none at all
during quiet hours, in the configured time zone.
A changed due date opens new windows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from reports.facts import ReportSettings
from reports.metrics import ItemState, local_date
from reports.results import Nudge


@dataclass(frozen=True)
class NudgePlan:
    quiet: bool  # quiet hours now: nothing is sent
    nudges: tuple[Nudge, ...]


def nudge_window(due: dt.date, today: dt.date, days_before: int, every_days: int = 0) -> str | None:
    if due < today:
        # The first window keeps the key it had before cadences existed: no second first nudge.
        spell = ((today - due).days - 1) // every_days if every_days > 0 else 0
        return f"overdue:{due.isoformat()}" + (f":{spell}" if spell else "")
    if days_before > 0 and today >= due - dt.timedelta(days=days_before):
        return f"before-due:{due.isoformat()}"
    return None


def in_quiet_hours(hour: int, quiet: tuple[int, int] | None) -> bool:
    """``[start, end)`` in hours; a range over midnight (20, 8) wraps; equal bounds mean none."""
    if quiet is None or quiet[0] == quiet[1]:
        return False
    start, end = quiet
    return start <= hour < end if start < end else hour >= start or hour < end


def _message(state: ItemState, window: str, today: dt.date) -> str:
    item = state.item
    assert item.due is not None
    ticket = f" ({item.ticket})" if item.ticket else ""
    if window.startswith("overdue"):
        days = (today - item.due).days
        return f"Overdue by {days} day(s) since {item.due.isoformat()}: {item.text}{ticket}"
    days = (item.due - today).days
    return f"Due in {days} day(s), on {item.due.isoformat()}: {item.text}{ticket}"


def plan_nudges(
    states: Iterable[ItemState],
    as_of: dt.datetime,
    settings: ReportSettings,
    already: Collection[tuple[str, str]],
) -> NudgePlan:
    """The nudges due at ``as_of``; ``already`` holds ``(item key, window)`` pairs used before."""
    zone = settings.zone
    today = local_date(as_of, zone)
    quiet = in_quiet_hours(as_of.astimezone(zone).hour, settings.quiet_hours)
    nudges: list[Nudge] = []
    for state in states:
        due = state.item.due
        if due is None or state.status.is_closed:
            continue
        window = nudge_window(due, today, settings.nudge_days_before, settings.nudge_every_days)
        if window is None or (state.item.key, window) in already:
            continue
        nudges.append(
            Nudge(
                item=state.item.key,
                ticket=state.item.ticket,
                owner=state.item.owner,
                due=due,
                window=window.split(":", 1)[0],
                spell=int(window.rsplit(":", 1)[1]) if window.count(":") == 2 else 0,
                message=_message(state, window, today),
            )
        )
    nudges.sort(key=lambda n: (n.due, n.item))
    return NudgePlan(quiet=quiet, nudges=tuple(nudges))


def window_key(nudge: Nudge) -> str:
    """The stored window of a nudge: ``overdue:2026-03-10`` (``overdue:2026-03-10:2`` for the third)."""
    return f"{nudge.window}:{nudge.due.isoformat()}" + (f":{nudge.spell}" if nudge.spell else "")
