"""The lint entry points: parse diagnostics included, sorting, strict mode, the rule catalogue."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import sync.core.lint as lint_package
from sync.core.lint import (
    PARSER_CODES,
    RULES,
    LintOptions,
    UnknownRuleError,
    lint,
    lint_result,
    resolve_rules,
    sort_diagnostics,
    strict,
    valid_rules,
)
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


def parser_said(line: int | None, slug: str, code: str = "PM030") -> Diagnostic:
    return Diagnostic(path=PATH, line=line, severity=WARNING, code=code, message=f"{slug}: from the parser")


@pytest.mark.parametrize(
    ("parser", "codes"),
    [
        (parser_said(41, "unmapped-status", "PM031"), ["LINT105"]),  # one finding, the rule's code
        (parser_said(42, "unmapped-status", "PM031"), ["LINT105", "PM031"]),  # another line: another problem
        (parser_said(41, "bad-date", "PM033"), ["LINT105", "PM033"]),  # another problem on the line
    ],
)
def test_a_rule_finding_replaces_the_parsers_report_of_the_same_problem(parser: Diagnostic, codes: list[str]) -> None:
    pm = complete(action_items=(item(1, priority=Priority.P0, status=None, status_raw="blocked"),))
    found = lint_result(ParseResult(path=PATH, postmortem=pm, diagnostics=(parser,)))
    assert sorted(d.code for d in found if d.code != "LINT107") == codes


def test_disabling_the_rule_silences_the_problem_the_parser_also_saw() -> None:
    pm = complete(action_items=(item(1, priority=None, priority_raw="P9", deadline=dt.date(2026, 3, 9)),))
    result = ParseResult(path=PATH, postmortem=pm, diagnostics=(parser_said(41, "unmapped-priority"),))
    assert [d.code for d in lint_result(result)] == ["LINT104"]
    assert lint_result(result, LintOptions(disabled=resolve_rules(["unmapped-priority"]))) == []
    assert lint_result(result, LintOptions(disabled=resolve_rules(["LINT104"]))) == []


def test_unmapped_severity_is_reported_once_under_the_rule() -> None:
    pm = complete(severity=None, severity_raw="SEV-7", sections=(section("summary", 3),))
    result = ParseResult(path=PATH, postmortem=pm, diagnostics=(parser_said(6, "unmapped-severity", "PM032"),))
    found = [(d.code, d.line) for d in lint_result(result) if d.code.startswith(("PM", "LINT11"))]
    assert found == [("LINT112", 6)]  # at the severity field, where the parser saw it


def test_parser_aliases_cover_dates_and_scores() -> None:
    pm = complete(
        action_items=(item(1, priority=Priority.P0, deadline_raw="soon"),),
        factors=(ContributingFactor(name="Technical debt", score_raw="high", line=31),),
    )
    parser = (parser_said(41, "bad-date", "PM033"), parser_said(31, "bad-score", "PM034"))
    found = lint_result(ParseResult(path=PATH, postmortem=pm, diagnostics=parser))
    assert sorted(d.code for d in found) == ["LINT106", "LINT131"]


def test_resolve_rules_takes_codes_in_any_case_and_names() -> None:
    assert resolve_rules(["lint201", "timeline-gap", "PM010", "bad-date"]) == {"LINT201", "LINT161", "PM010", "PM033"}


def test_resolve_rules_rejects_unknown_values_all_at_once() -> None:
    with pytest.raises(UnknownRuleError) as caught:
        resolve_rules(["LINT201", "LINT999", "blame"])
    assert caught.value.unknown == ["LINT999", "blame"]


def test_valid_rules_list_every_rule_and_parser_code() -> None:
    listed = valid_rules()
    assert [line.split()[0] for line in listed[: len(RULES)]] == [rule.code for rule in RULES]
    assert "PM033 bad-date" in listed


def test_readme_lint_table_matches_the_catalogue() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Lint\n", 1)[1].split("\n## ", 1)[0]
    documented: dict[str, tuple[str, str]] = {}
    for row in re.findall(r"^\| (LINT[^|]+)\| ([^|]+)\| ([^|]+)\|", section, re.MULTILINE):
        numbers = re.findall(r"\d{3}", row[0])
        names = [name.strip() for name in row[1].split(" / ")]
        assert len(numbers) == len(names), row
        for number, name in zip(numbers, names, strict=True):
            documented[f"LINT{number}"] = (name, row[2].strip())
    assert documented == {rule.code: (rule.name, rule.severity.value) for rule in RULES}
    assert "| PM0xx | (parser) |" in section
    for code, _, slug in PARSER_CODES:
        assert f"`{code}` {slug}" in " ".join(section.split()), code


def test_missing_severity_stays_at_the_summary_when_the_parser_said_nothing_about_it() -> None:
    pm = complete(severity=None, severity_raw=None, sections=(section("summary", 3),))
    result = ParseResult(path=PATH, postmortem=pm, diagnostics=(diag(7),))
    assert [(d.code, d.line) for d in lint_result(result)] == [("LINT112", 3), ("PARSE001", 7)]
