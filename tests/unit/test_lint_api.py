"""The lint entry points: parse diagnostics included, sorting, strict mode, the rule catalogue."""

from __future__ import annotations

import re

import pytest

import sync.core.lint as lint_package
from sync.core.lint import RULES, LintOptions, lint, lint_result, sort_diagnostics, strict
from sync.core.model import ContributingFactor, Diagnostic, DiagnosticSeverity, ParseResult, Priority
from tests.unit.lint_samples import PATH, complete, item, section

ERROR = DiagnosticSeverity.ERROR
WARNING = DiagnosticSeverity.WARNING


def diag(
    line: int | None, code: str = "PARSE001", severity: DiagnosticSeverity = WARNING, path: str = PATH
) -> Diagnostic:
    return Diagnostic(path=path, line=line, severity=severity, code=code, message="x")


def test_lint_result_adds_parse_diagnostics_to_rule_findings() -> None:
    pm = complete(review_date=None, sections=(section("summary", 3), section("other", 10, "@dana forgot it.\n")))
    result = ParseResult(path=PATH, postmortem=pm, diagnostics=(diag(7),))
    assert [(d.code, d.line) for d in lint_result(result)] == [("LINT115", 3), ("PARSE001", 7), ("LINT201", 11)]


def test_unusable_document_yields_only_its_parse_errors() -> None:
    result = ParseResult(path=PATH, postmortem=None, diagnostics=(diag(None, "PARSE000", ERROR),))
    assert lint_result(result) == [diag(None, "PARSE000", ERROR)]


def test_disabled_codes_apply_to_parse_diagnostics_too() -> None:

    result = ParseResult(path=PATH, postmortem=complete(), diagnostics=(diag(7),))
    assert lint_result(result, LintOptions(disabled=frozenset({"PARSE001"}))) == []


def test_sort_by_path_then_line_with_document_level_first() -> None:
    unsorted = [diag(9, path="z.md"), diag(12), diag(None), diag(3, "B"), diag(3, "A")]
    assert [(d.path, d.line, d.code) for d in sort_diagnostics(unsorted)] == [
        (PATH, None, "PARSE001"),
        (PATH, 3, "A"),
        (PATH, 3, "B"),
        (PATH, 12, "PARSE001"),
        ("z.md", 9, "PARSE001"),
    ]


def test_strict_turns_warnings_into_errors_only() -> None:
    info = diag(1, severity=DiagnosticSeverity.INFO)
    assert [d.severity for d in strict([diag(1), diag(2, severity=ERROR), info])] == [
        ERROR,
        ERROR,
        DiagnosticSeverity.INFO,
    ]


def test_lint_is_sorted_by_line() -> None:
    pm = complete(incident_id=None, sections=(section("other", 10, "@dana forgot.\n"), section("summary", 30)))
    assert [d.line for d in lint(pm)] == [11, 30]


def test_catalogue_codes_are_unique_and_documented() -> None:
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    assert len({rule.name for rule in RULES}) == len(RULES)
    doc = lint_package.__doc__ or ""
    for rule in RULES:
        assert re.search(rf"^{rule.code}\s+{rule.name}\s+{rule.severity.value}\s", doc, re.MULTILINE), rule


def parser_said(line: int | None, slug: str) -> Diagnostic:
    return Diagnostic(path=PATH, line=line, severity=WARNING, code="PM030", message=f"{slug}: from the parser")


@pytest.mark.parametrize(
    ("parser", "kept"),
    [
        (parser_said(41, "unmapped-status"), []),
        (parser_said(42, "unmapped-status"), ["LINT105"]),  # another line: not the same problem
        (parser_said(41, "bad-date"), ["LINT105"]),
    ],
)
def test_problems_the_parser_reported_are_not_repeated(parser: Diagnostic, kept: list[str]) -> None:
    pm = complete(action_items=(item(1, priority=Priority.P0, status=None, status_raw="blocked"),))
    found = lint_result(ParseResult(path=PATH, postmortem=pm, diagnostics=(parser,)))
    assert [d.code for d in found if d.code.startswith("LINT")] == kept
    assert parser in found


def test_parser_aliases_cover_dates_and_scores() -> None:
    pm = complete(
        action_items=(item(1, priority=Priority.P0, deadline_raw="soon"),),
        factors=(ContributingFactor(name="Technical debt", score_raw="high", line=31),),
    )
    parser = (parser_said(41, "bad-date"), parser_said(31, "bad-score"))
    found = lint_result(ParseResult(path=PATH, postmortem=pm, diagnostics=parser))
    assert sorted(d.message.split(":")[0] for d in found) == ["bad-date", "bad-score"]
