"""The template's writing rules (LINT107, 116, 161, 171, 181): a failing and a passing case each,
against a document that is otherwise clean."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from sync.core.lint import LintOptions, lint
from sync.core.model import CostInputs, DiagnosticSeverity, Priority, Severity, Status, TimelineEntry
from tests.unit.lint_samples import complete, item, section

INFO = DiagnosticSeverity.INFO
WARNING = DiagnosticSeverity.WARNING
UTC = dt.UTC


def at(hour: int, minute: int, line: int, day: int = 4) -> TimelineEntry:
    return TimelineEntry(
        time=f"{hour:02d}:{minute:02d}", at=dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC), text="x", line=line
    )


def codes(overrides: dict[str, Any], options: LintOptions | None = None) -> list[tuple[str, int | None]]:
    return [(d.code, d.line) for d in lint(complete(**overrides), options)]


# -- LINT116 late-summary ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metadata", "late"),
    [
        ({"summary completed": "2026-03-05 14:30 UTC"}, False),  # exactly 24 h after the end
        ({"summary completed": "2026-03-05 14:31 UTC"}, True),
        ({"summary completed": "2026-03-05"}, False),  # a bare date within the next day: benefit of the doubt
        ({"summary completed": "2026-03-06"}, True),  # even its first minute is past the 24 hours
        ({"summary_completed": "2026-03-09"}, True),  # front-matter spelling
        ({"written": "2026-03-04"}, False),
        ({"summary completed": "soon"}, False),  # unreadable: no evidence either way
        ({}, False),
    ],
)
def test_summary_completed_within_24_hours_by_the_document(metadata: dict[str, str], late: bool) -> None:
    assert codes({"metadata": metadata, "sections": (section("summary", 3),)}) == ([("LINT116", 3)] if late else [])


def test_late_summary_message_names_the_field_and_the_hours() -> None:
    (finding,) = lint(complete(metadata={"summary completed": "2026-03-09 14:30 UTC"}))
    assert finding.severity is WARNING
    assert finding.message == (
        'late-summary: summary completed 120 hours after the incident ended ("summary completed" 2026-03-09 14:30, '
        "ended 2026-03-04 14:30 UTC); the template asks for it within 24 hours"
    )


@pytest.mark.parametrize(
    ("committed", "late"),
    [
        (dt.datetime(2026, 3, 5, 9, 0, tzinfo=UTC), False),
        (dt.datetime(2026, 3, 6, 9, 0, tzinfo=UTC), True),
        (dt.datetime(2026, 3, 6, 9, 0), True),  # naive: taken as UTC
        (None, False),  # not committed yet
    ],
)
def test_summary_dated_by_first_commit_when_the_document_does_not_say(
    committed: dt.datetime | None, late: bool
) -> None:
    asked: list[str] = []

    def first_commit(path: str) -> dt.datetime | None:
        asked.append(path)
        return committed

    found = codes({}, LintOptions(first_commit=first_commit))
    assert found == ([("LINT116", 3)] if late else [])
    assert asked == ["pm/inc.md"]


def test_the_documents_own_date_wins_over_git_and_git_is_not_asked() -> None:
    def first_commit(path: str) -> dt.datetime:
        raise AssertionError("git asked although the document dates its summary")

    assert codes({"metadata": {"summary completed": "2026-03-04"}}, LintOptions(first_commit=first_commit)) == []


def test_no_end_no_late_summary() -> None:
    assert codes({"ended_at": None, "metadata": {"summary completed": "2027-01-01"}, "timeline": ()}) == [
        ("LINT114", 3)
    ]


# -- LINT161 timeline-gap ----------------------------------------------------------------------


def test_sev1_timeline_gap_above_5_minutes_while_open() -> None:
    timeline = (at(14, 2, 12), at(14, 7, 13), at(14, 13, 14), at(14, 18, 15), at(14, 23, 16), at(14, 28, 17))
    found = lint(complete(severity=Severity.SEV1, timeline=timeline))
    assert [(d.code, d.line) for d in found] == [("LINT161", 14)]
    assert found[0].message == (
        "timeline-gap: 6-minute gap in the SEV-1 timeline (14:07 to 14:13) while the incident was open; "
        "the template asks for an entry at least every 5 minutes"
    )


def test_sev2_allows_15_minute_blocks_and_flags_longer() -> None:
    assert codes({"timeline": (at(14, 2, 12), at(14, 17, 13), at(14, 30, 14))}) == []
    assert codes({"timeline": (at(14, 2, 12), at(14, 18, 13), at(14, 30, 14))}) == [("LINT161", 13)]


def test_sev3_uses_15_minutes_too() -> None:
    assert codes({"severity": Severity.SEV3, "timeline": (at(14, 2, 12), at(14, 17, 13), at(14, 30, 14))}) == []


def test_gaps_count_from_the_start_and_to_the_end() -> None:
    # First entry 16 minutes after the start; last entry 16 minutes before the end.
    assert codes({"timeline": (at(14, 18, 12),)}) == [("LINT161", 12)]
    assert codes({"timeline": (at(14, 2, 12), at(14, 14, 13))}) == [("LINT161", 13)]


def test_entries_outside_the_incident_do_not_fill_its_gaps() -> None:
    timeline = (at(13, 50, 11), at(14, 2, 12), at(14, 15, 13), at(14, 30, 14), at(15, 30, 15))
    assert codes({"timeline": timeline}) == []
    assert codes({"timeline": (at(13, 50, 11), at(15, 30, 15)), "sections": (section("timeline", 10),)}) == [
        ("LINT161", 10)
    ]


def test_untimed_entries_and_unknown_severity_are_not_judged() -> None:
    untimed = (TimelineEntry(time="later", text="x", line=12),)
    assert codes({"timeline": untimed, "started_at": None, "ended_at": None}) == [("LINT113", 3), ("LINT114", 3)]
    assert [c for c, _ in codes({"severity": None, "timeline": ()})] == ["LINT112"]


def test_a_document_without_timeline_or_times_is_not_judged() -> None:
    assert codes({"timeline": (), "ended_at": None}) == [("LINT114", 3)]


# -- LINT171 went-well-count -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "flagged"),
    [
        (("a", "b"), True),
        (("a", "b", "c"), False),
        (("a", "b", "c", "d", "e"), False),
        (("a", "b", "c", "d", "e", "f"), True),
        (("a", "b", "…", "TBD"), True),  # placeholders are not things that went well
    ],
)
def test_what_went_well_lists_3_to_5(entries: tuple[str, ...], flagged: bool) -> None:
    found = codes({"went_well": entries, "sections": (section("went_well", 45),)})
    assert found == ([("LINT171", 45)] if flagged else [])


# -- LINT107 missing-deadline ------------------------------------------------------------------


def test_open_item_without_deadline_is_an_info_naming_its_due_date() -> None:
    asked: list[int] = []

    def due(pm: Any, action: Any) -> dt.date:
        asked.append(action.number)
        return dt.date(2026, 3, 12)

    pm = complete(action_items=(item(1, priority=Priority.P0, deadline=dt.date(2026, 3, 6)), item(2)))
    (finding,) = lint(pm, LintOptions(due_date=due))
    assert (finding.code, finding.severity, finding.line) == ("LINT107", INFO, 42)
    assert finding.message == "missing-deadline: action item #2 has no deadline; it will be due 2026-03-12 (P1)"
    assert asked == [2]


def test_missing_deadline_without_a_policy_or_reference_names_the_priority() -> None:
    pm = complete(action_items=(item(1, priority=None, priority_raw=None),))
    found = [d for d in lint(pm, LintOptions(default_priority=Priority.P1)) if d.code == "LINT107"]
    assert [d.message for d in found] == [
        "missing-deadline: action item #1 has no deadline; it gets a due date from its priority (P1) once the "
        "document has a review date or end"
    ]


@pytest.mark.parametrize(
    "fields",
    [
        {"deadline": dt.date(2026, 3, 20)},
        {"deadline_raw": "end of Q2"},  # LINT106's finding, not this one
        {"status": Status.DONE},
        {"status": Status.WONT_DO},
    ],
)
def test_no_missing_deadline_info(fields: dict[str, Any]) -> None:
    pm = complete(action_items=(item(1, priority=Priority.P0, **fields),))
    assert "LINT107" not in [d.code for d in lint(pm)]


# -- LINT181 missing-cost ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "cost", "flagged"),
    [
        (Severity.SEV1, None, True),
        (Severity.SEV2, CostInputs(), True),  # a section with nothing filled in
        (Severity.SEV2, CostInputs(revenue_lost=Decimal(0)), False),  # an explicit $0 is filled
        (Severity.SEV3, None, False),
    ],
)
def test_sev1_and_sev2_fill_the_cost_section(severity: Severity, cost: CostInputs | None, flagged: bool) -> None:
    items = (item(1, priority=Priority.P0, deadline=dt.date(2026, 3, 6)),)
    timeline = tuple(at(14, minute, 12 + n) for n, minute in enumerate(range(2, 31, 4)))
    found = codes(
        {
            "severity": severity,
            "cost_inputs": cost,
            "action_items": items,
            "timeline": (*timeline, at(14, 30, 30)),
            "sections": (section("summary", 3), section("cost", 70)),
        }
    )
    assert found == ([("LINT181", 70)] if flagged else [])


def test_every_template_rule_can_be_disabled_by_code_or_name() -> None:
    pm = complete(
        severity=Severity.SEV1,
        timeline=(),
        went_well=(),
        cost_inputs=None,
        metadata={"summary completed": "2026-03-09"},
        action_items=(item(1, priority=Priority.P0),),
    )
    assert sorted({d.code for d in lint(pm)}) == ["LINT107", "LINT116", "LINT161", "LINT171", "LINT181"]
    names = frozenset({"missing-deadline", "late-summary", "timeline-gap", "LINT171", "LINT181"})
    assert lint(pm, LintOptions(disabled=names)) == []
