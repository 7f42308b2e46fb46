"""The quarterly review: the template's six questions with trends, by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reports.facts import ReportData, ReportSettings
from reports.quarterly import QUESTIONS, quarterly_report, top_categories
from reports.results import Ratio
from tests.unit.report_fixtures import at, incident, item

SETTINGS = ReportSettings(trend_quarters=3)
AS_OF = at("2026-07-15 00:00")


def data() -> ReportData:
    return ReportData(
        incidents=(
            # 2026Q1
            incident(
                "A",
                start="2026-02-01 10:00",
                factors=[("testing", 3), ("monitoring", 2), ("process", 1)],
                delay=10,
                duration=100,
                cost="1000",
                root_cause="disk full on the database primary because log archiving stalled",
            ),
            # 2026Q2 (04-01 00:30 UTC: Q2 in UTC, still Q1 in New York)
            incident(
                "B",
                start="2026-04-01 00:30",
                factors=[("monitoring", 3), ("testing", 2)],
                delay=30,
                duration=60,
                cost="3000",
                root_cause="disk full on the database primary because log archiving stalled again",
            ),
            incident(
                "C",
                start="2026-05-01 10:00",
                end="2026-05-01 12:00",
                factors=[("monitoring", 2), ("testing", 3), ("capacity", 1)],
                delay=None,
                cost=None,
                root_cause="disk full on the database primary because log archiving stalled",
            ),
        ),
        items=(
            item("A#1", incident="A", due="2026-03-01", history=[("done", "2026-02-20 00:00")]),
            item("A#2", incident="A", due="2026-03-15"),
            item("B#1", incident="B", due="2026-05-01", history=[("done", "2026-04-20 00:00")]),
            item("B#2", incident="B", due="2026-05-01", history=[("wont_do", "2026-04-20 00:00")]),
            item("C#1", incident="C", due="2026-06-30", history=[("done", "2026-06-01 00:00")]),
        ),
    )


def test_top_categories_sum_scores_and_break_ties_by_primary_count() -> None:
    incidents = [
        incident("1", factors=[("testing", 3), ("monitoring", 2), ("process", 0)]),
        incident("2", factors=[("monitoring", 2), ("testing", 1), ("capacity", 3)]),
    ]
    # testing 4 (one 3), monitoring 4 (no 3): testing first; capacity 3; process 0 is never listed
    assert [(c.category, c.score, c.primary) for c in top_categories(incidents)] == [
        ("testing", 4, 1),
        ("monitoring", 4, 0),
        ("capacity", 3, 1),
    ]


def test_six_questions_per_quarter_with_trends() -> None:
    report = quarterly_report(data(), AS_OF, "2026Q2", SETTINGS)
    assert [q.quarter for q in report.quarters] == ["2025Q4", "2026Q1", "2026Q2"]
    empty, q1, q2 = report.quarters
    assert (empty.has_data, empty.note, empty.incidents) == (False, "no incidents in 2025Q4", 0)
    assert empty.completion == Ratio(numerator=0, denominator=0)
    assert q1.incidents == 1 and q2.incidents == 2
    assert [(c.category, c.score) for c in q2.top_categories] == [
        ("monitoring", 5),
        ("testing", 5),
        ("capacity", 1),
    ]  # tie: by name
    assert (q2.mttd_minutes, q2.mttd_incidents) == (30.0, 1)
    assert (q2.mttr_minutes, q2.mttr_incidents) == (90.0, 2)  # 60 and end − start = 120
    assert q1.completion == Ratio(numerator=1, denominator=2)
    assert q2.completion == Ratio(numerator=2, denominator=2)  # the won't-do is apart
    # C repeats A (both score testing 3, same text); B has the same text but no common primary factor.
    assert q2.repeats == Ratio(numerator=1, denominator=2)
    assert q1.repeats == Ratio(numerator=0, denominator=1)
    assert (q2.cost_total, q2.cost_incidents, q2.downtime_minutes, q2.cost_per_minute) == (
        Decimal("3000"),
        1,
        60,
        Decimal("50.00"),
    )
    assert [t.question for t in report.trends] == [QUESTIONS[0]] * 3 + list(QUESTIONS[1:])
    assert q2.ties == ["tie at score 5: monitoring, testing"]
    by_question = {t.question: t for t in report.trends}
    mttr = by_question["MTTR (incident duration)"]
    assert (mttr.values, mttr.change, mttr.direction, mttr.better) == ([None, 100.0, 90.0], -10.0, "down", "down")
    assert by_question["Action-item completion rate"].direction == "up"
    assert by_question["Incident cost"].values == [None, 1000.0, 3000.0]
    assert [t.metric for t in report.trends[:3]] == ["score: monitoring", "score: testing", "score: capacity"]


def test_quarters_follow_the_time_zone() -> None:
    report = quarterly_report(data(), AS_OF, "2026Q2", ReportSettings(trend_quarters=2, timezone="America/New_York"))
    q1, q2 = report.quarters
    assert (q1.incidents, q2.incidents) == (2, 1)  # B started on 03-31 in New York


def test_a_quarter_without_any_data_says_so_and_trends_are_not_applicable() -> None:
    report = quarterly_report(ReportData(), AS_OF, "2026Q3", ReportSettings(trend_quarters=1))
    (only,) = report.quarters
    assert only.note == "no incidents in 2026Q3"
    assert only.cost_total is None and only.cost_per_minute is None
    assert all(t.direction == "n/a" for t in report.trends)
    assert report.trends[0].metric == "score: no scored contributing factors"


def test_bad_quarter_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not a quarter"):
        quarterly_report(data(), AS_OF, "2026Q9", SETTINGS)


def test_team_filter_and_removed_items_and_unusable_durations() -> None:
    base = data()
    extra = ReportData(
        incidents=(
            *base.incidents,
            incident("D", start="2026-05-02 10:00", end="2026-05-02 09:00", team="search"),  # end before start
        ),
        items=(
            *base.items,
            item("D#1", incident="D", due="2026-05-01"),
            item("C#2", incident="C", due="2026-05-01", present=False),
        ),
    )
    payments = quarterly_report(extra, AS_OF, "2026Q2", ReportSettings(trend_quarters=1, teams=("payments",)))
    assert payments.quarters[0].incidents == 2
    assert payments.quarters[0].completion == Ratio(numerator=2, denominator=2)
    search = quarterly_report(extra, AS_OF, "2026Q2", ReportSettings(trend_quarters=1, teams=("search",)))
    assert (search.quarters[0].incidents, search.quarters[0].mttr_incidents) == (1, 0)
    assert search.quarters[0].completion == Ratio(numerator=0, denominator=1)


def quarter_of_incidents(*quarters: list[list[tuple[str, int]]]) -> ReportData:
    """One incident per factor list, in 2026Q1, Q2 and Q3 (one list of incidents per quarter)."""
    months = ("02", "05", "08")
    return ReportData(
        incidents=tuple(
            incident(f"{q}-{n}", start=f"2026-{months[q]}-1{n} 10:00", factors=factors)
            for q, incidents in enumerate(quarters)
            for n, factors in enumerate(incidents)
        )
    )


def test_a_third_category_is_kept_and_others_are_not_drawn_as_zero() -> None:
    """Issue 28 §2: each quarter keeps its own third category; a category outside a quarter's
    top 3 still shows its real score there."""
    data = quarter_of_incidents(
        [[("monitoring", 3), ("testing", 2), ("capacity", 1), ("process", 1)]],  # tie for 3rd
        [[("tech_debt", 3), ("monitoring", 2), ("process", 2), ("capacity", 1)]],
    )
    report = quarterly_report(data, at("2026-07-01 00:00"), "2026Q2", ReportSettings(trend_quarters=2))
    q1, q2 = report.quarters
    assert [(c.category, c.score) for c in q1.top_categories] == [
        ("monitoring", 3),
        ("testing", 2),
        ("capacity", 1),
        ("process", 1),
    ]
    assert q1.ties == ["tie at score 1: capacity, process"]
    assert [(c.category, c.score) for c in q2.top_categories] == [("tech_debt", 3), ("monitoring", 2), ("process", 2)]
    assert {c.category: c.score for c in q2.category_scores}["capacity"] == 1  # outside the top 3, not 0


def test_trend_compares_each_category_with_itself() -> None:
    """Issue 28 §2: "monitoring 7 → tech debt 6" is not an improvement: tech debt went 0 → 6."""
    data = quarter_of_incidents(
        [[("monitoring", 3)], [("monitoring", 2)], [("monitoring", 2)]],
        [[("tech_debt", 3)], [("tech_debt", 3)], [("monitoring", 1)]],
    )
    report = quarterly_report(data, at("2026-07-01 00:00"), "2026Q2", ReportSettings(trend_quarters=2))
    first = report.trends[:2]
    assert [(t.metric, t.values, t.direction) for t in first] == [
        ("score: tech_debt", [0.0, 6.0], "up"),
        ("score: monitoring", [7.0, 1.0], "down"),
    ]
    assert all(t.better == "down" for t in first)
