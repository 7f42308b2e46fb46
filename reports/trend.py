"""The weekly report's completion trend: completion at the end of each of the last weeks, from
the status history (what each item's status was then, not what it is now).

Week *k* ends ``7·k`` days before ``as_of``'s date (the last week ends at ``as_of`` itself); an
item counts in a week when it is in its document and its ticket existed at the week's end.
"""

from __future__ import annotations

import datetime as dt

from reports.facts import ReportData, ReportSettings
from reports.metrics import in_teams, local_date
from reports.results import Ratio, WeekCompletion
from sync.core.model import Status

TREND_WEEKS = 12


def week_ends(as_of: dt.datetime, settings: ReportSettings, weeks: int = TREND_WEEKS) -> list[dt.datetime]:
    """The end of each week, oldest first: the last moment of its day, ``as_of`` for the last."""
    today = local_date(as_of, settings.zone)
    ends = [
        dt.datetime.combine(today - dt.timedelta(days=7 * k), dt.time.max, tzinfo=settings.zone)
        for k in range(weeks - 1, 0, -1)
    ]
    return [*ends, as_of]


def completion_trend(
    data: ReportData, as_of: dt.datetime, settings: ReportSettings, weeks: int = TREND_WEEKS
) -> list[WeekCompletion]:
    moments = week_ends(as_of, settings, weeks)
    done = [0] * len(moments)
    wont = [0] * len(moments)
    total = [0] * len(moments)
    incidents = {incident.key: incident for incident in data.incidents}
    for item in data.items:
        if not item.present or not in_teams(incidents.get(item.incident_key), settings.teams):
            continue
        history = item.history
        position = 0
        status = Status.OPEN
        # One walk along the history for all the week ends (both ascend).
        for week, moment in enumerate(moments):
            while position < len(history) and history[position].at <= moment:
                status = history[position].status
                position += 1
            if item.opened_at is not None and item.opened_at > moment:
                continue
            total[week] += 1
            done[week] += status is Status.DONE
            wont[week] += status is Status.WONT_DO
    return [
        WeekCompletion(
            week_end=local_date(moment, settings.zone),
            items=total[week],
            completion=Ratio(numerator=done[week], denominator=total[week] - wont[week]),
        )
        for week, moment in enumerate(moments)
    ]
