"""Issue 28 §7: the weekly and quarterly reports aggregated in the database equal the reports
computed from the whole state loaded into Python — on SQLite and on PostgreSQL, on hand-made
edge cases and on seeded random data, in several time zones and team filters."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import Engine

from reports.facts import IncidentFacts, ItemFacts, ReportSettings, StatusChange
from reports.metrics import weekly_report
from reports.quarterly import quarterly_report
from sync.core.model import Status
from sync.store.report_queries import quarterly_report_sql, weekly_report_sql
from sync.store.snapshot import load_report_data
from tests.report_store import write_report_data
from tests.unit.report_fixtures import at, incident, item, sample_data

TEAMS = ("payments", "search", "identity", None)


def random_data(seed: int, incidents: int = 40) -> tuple[list[IncidentFacts], list[ItemFacts]]:
    rng = random.Random(seed)
    start = at("2025-10-01 00:00")
    made: list[IncidentFacts] = []
    items: list[ItemFacts] = []
    for n in range(incidents):
        began = start + dt.timedelta(minutes=rng.randint(0, 300 * 1440))
        key = f"INC-{n:03d}"
        made.append(
            incident(
                key,
                start=began.strftime("%Y-%m-%d %H:%M"),
                end=(began + dt.timedelta(minutes=rng.randint(5, 300))).strftime("%Y-%m-%d %H:%M"),
                team=rng.choice(TEAMS),
                severity=rng.choice(("SEV-1", "SEV-2", None)),
                review=(began + dt.timedelta(days=rng.randint(0, 3))).date().isoformat(),
                factors=[("monitoring", rng.randint(0, 3)), ("testing", rng.randint(0, 3))],
            )
        )
        for number in range(1, rng.randint(1, 6) + 1):
            opened = began + dt.timedelta(hours=rng.randint(1, 72)) if rng.random() > 0.1 else None
            history: list[tuple[str, dt.datetime]] = []
            moment = opened or began
            for _ in range(rng.randint(0, 4)):
                # Same-moment changes happen (a bulk edit): the later row wins.
                moment += dt.timedelta(minutes=rng.choice((0, 1, 90, 1440 * rng.randint(1, 40))))
                history.append((rng.choice(list(Status)).value, moment))
            due = began.date() + dt.timedelta(days=rng.choice((1, 7, 30, 90))) if rng.random() > 0.15 else None
            items.append(
                ItemFacts(
                    key=f"{key}#{number}",
                    incident_key=key,
                    number=number,
                    text=f"Action {number}",
                    owner=rng.choice(("dana", "lee", None, "Sam Ortiz")),
                    priority=rng.choice(("P0", "P1", "P2", None)),
                    due=due,
                    present=rng.random() > 0.05,
                    ticket=f"OPS-{n}-{number}" if opened else None,
                    url=f"https://jira.example/browse/OPS-{n}-{number}" if opened else None,
                    history=tuple(StatusChange(Status(s), when) for s, when in history),
                    opened_at=opened,
                )
            )
    return made, items


SETTINGS = [
    ReportSettings(),
    ReportSettings(timezone="Europe/Berlin"),
    ReportSettings(timezone="America/Los_Angeles", teams=("Payments", "search")),
]
AS_OFS = [at("2026-03-29 01:30"), at("2026-07-31 23:59"), at("2026-10-15 12:00")]


@pytest.mark.parametrize("seed", [1, 2])
def test_sql_reports_equal_the_in_memory_ones(engine: Engine, seed: int) -> None:
    incidents, items = random_data(seed)
    write_report_data(engine, incidents, items)
    data = load_report_data(engine, "local")
    for settings in SETTINGS:
        for as_of in AS_OFS:
            expected = weekly_report(data, as_of, settings)
            assert weekly_report_sql(engine, "local", as_of, settings) == expected, (settings, as_of)
            quarter = f"{as_of.year}Q{(as_of.month - 1) // 3 + 1}"
            assert quarterly_report_sql(engine, "local", as_of, quarter, settings) == quarterly_report(
                data, as_of, quarter, settings
            ), (settings, as_of)


def test_sql_weekly_on_the_hand_computed_sample(engine: Engine) -> None:
    sample = sample_data()
    write_report_data(engine, sample.incidents, sample.items)
    settings = ReportSettings(timezone="Europe/Berlin")
    report = weekly_report_sql(engine, "local", at("2026-04-20 12:00"), settings)
    # The hand-computed figures of tests/unit/test_report_render.py's golden weekly report.
    assert report.completion.completion.percent() == "40 % (2/5)"
    assert report.completion.on_time.percent() == "50 % (1/2)"
    assert [o.item for o in report.overdue] == ["INC-2026-0101#2", "INC-2026-0415#1"]
    assert report == weekly_report(load_report_data(engine, "local"), at("2026-04-20 12:00"), settings)


def test_an_empty_state_gives_empty_reports(engine: Engine) -> None:
    as_of = at("2026-04-20 12:00")
    report = weekly_report_sql(engine, "local", as_of, ReportSettings())
    assert report.completion.items == 0 and report.overdue == [] and len(report.completion_trend) == 12
    assert quarterly_report_sql(engine, "local", as_of, "2026Q2", ReportSettings()).quarters[-1].has_data is False


def test_reports_leave_no_table_behind_and_run_twice(engine: Engine) -> None:
    sample = sample_data()
    write_report_data(engine, sample.incidents, sample.items)
    as_of = at("2026-04-20 12:00")
    first = weekly_report_sql(engine, "local", as_of, ReportSettings())
    assert weekly_report_sql(engine, "local", as_of, ReportSettings()) == first
    from sqlalchemy import inspect

    assert not [name for name in inspect(engine).get_table_names() if name.startswith("pmsync_report")]


def test_another_trackers_history_is_not_read(engine: Engine) -> None:
    done = item("INC-1#1", due="2026-03-01", history=[("done", "2026-02-01 10:00")])
    write_report_data(engine, [incident("INC-1")], [done], tracker="jira")
    report = weekly_report_sql(engine, "local", at("2026-04-20 12:00"), ReportSettings())
    # Under the local tracker the item has no ticket and no history: open, and overdue.
    assert (report.completion.open, report.completion.overdue) == (1, 1)


def test_a_limited_overdue_list_is_the_most_overdue_and_the_count_stays(engine: Engine) -> None:
    incidents, items = random_data(3)
    write_report_data(engine, incidents, items)
    as_of = at("2026-10-15 12:00")
    full = weekly_report_sql(engine, "local", as_of, ReportSettings())
    short = weekly_report_sql(engine, "local", as_of, ReportSettings(), overdue_limit=5)
    assert len(full.overdue) > 5
    assert short.overdue == full.overdue[:5]
    assert short.completion.overdue == full.completion.overdue == len(full.overdue)
