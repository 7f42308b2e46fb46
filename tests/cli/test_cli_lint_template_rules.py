"""The template's writing rules end to end: ``examples/lint/<rule>-fail.md`` reports exactly that
rule, ``<rule>-pass.md`` lints clean; the first-commit fallback against a real git repository;
``--disable`` validation."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sync.cli import cli
from sync.core.lint import RULES
from tests.conftest import ROOT

LINT_EXAMPLES = ROOT / "examples" / "lint"
TEMPLATE_RULES = {"LINT107", "LINT116", "LINT161", "LINT171", "LINT181"}
CODES = {rule.name: rule.code for rule in RULES}


def run(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["lint", *map(str, args)], env=env)


def findings(result: Result) -> list[str]:
    return result.stdout.splitlines()[:-1]


def test_every_template_rule_has_a_failing_and_a_passing_example() -> None:
    names = {p.name.rsplit("-", 1)[0] for p in LINT_EXAMPLES.glob("*.md")}
    assert {CODES[name] for name in names} == TEMPLATE_RULES
    for name in names:
        assert (LINT_EXAMPLES / f"{name}-fail.md").is_file() and (LINT_EXAMPLES / f"{name}-pass.md").is_file()


@pytest.mark.parametrize("name", sorted(name for name, code in CODES.items() if code in TEMPLATE_RULES))
def test_failing_example_reports_exactly_its_rule(name: str) -> None:
    result = run(LINT_EXAMPLES / f"{name}-fail.md")
    assert result.exit_code == 0, result.output  # warnings and infos do not fail a lint run
    (line,) = findings(result)
    assert f" {CODES[name]} {name}: " in line


@pytest.mark.parametrize("name", sorted(name for name, code in CODES.items() if code in TEMPLATE_RULES))
def test_passing_example_is_clean_even_under_strict(name: str) -> None:
    result = run("--strict", LINT_EXAMPLES / f"{name}-pass.md")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["0 errors, 0 warnings in 1 document"]


@pytest.mark.parametrize("name", ["timeline-gap", "went-well-count", "missing-cost", "late-summary"])
def test_strict_fails_the_failing_example_unless_the_rule_is_disabled(name: str) -> None:
    path = LINT_EXAMPLES / f"{name}-fail.md"
    assert run("--strict", path).exit_code == 1
    assert run("--strict", "--disable", name, path).exit_code == 0
    assert run("--strict", "--disable", CODES[name].lower(), path).exit_code == 0


def test_missing_deadline_names_the_due_date_from_the_configured_policy(tmp_path: Path) -> None:
    config = tmp_path / "pmsync.toml"
    config.write_text("[due_dates]\np1_days = 14\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "lint", str(LINT_EXAMPLES / "missing-deadline-fail.md")])
    # Review date 2026-05-06 + 14 days = Wednesday 2026-05-20 (the default 7 days gives 2026-05-13).
    assert "it will be due 2026-05-20 (P1)" in result.stdout, result.output


def test_unknown_disable_value_exits_two_with_the_valid_codes() -> None:
    result = run("--disable", "LINT999", "--disable", "blame-language", LINT_EXAMPLES / "missing-cost-pass.md")
    assert result.exit_code == 2
    assert "unknown lint rule LINT999" in result.stderr
    for rule in RULES:
        assert f"{rule.code} {rule.name}" in result.stderr
    assert "PM033 bad-date" in result.stderr


def test_parser_codes_can_be_disabled_too(tmp_path: Path) -> None:
    doc = tmp_path / "bad-front-matter.md"
    text = (LINT_EXAMPLES / "missing-cost-pass.md").read_text(encoding="utf-8")
    doc.write_text("---\n: [\n---\n" + text, encoding="utf-8")
    assert " PM010 " in run(doc).stdout
    assert " PM010 " not in run("--disable", "front-matter-invalid", doc).stdout


def git(repo: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )


def without_summary_date(name: str) -> str:
    text = (LINT_EXAMPLES / name).read_text(encoding="utf-8")
    return "".join(line for line in text.splitlines(keepends=True) if "Summary Completed" not in line)


@pytest.mark.parametrize(("committed", "late"), [("2026-05-05T08:00:00+00:00", False), ("2026-05-08T08:00:00Z", True)])
def test_summary_is_dated_by_its_first_commit_when_it_does_not_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, committed: str, late: bool
) -> None:
    git(tmp_path, "init", "-q")
    doc = tmp_path / "pm.md"
    doc.write_text(without_summary_date("late-summary-pass.md"), encoding="utf-8")
    git(tmp_path, "add", "pm.md")
    git(tmp_path, "commit", "-q", "-m", "post-mortem", date=committed)
    # A later edit does not move the date: the first commit counts.
    doc.write_text(doc.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
    git(tmp_path, "commit", "-q", "-am", "edit", date="2026-06-01T00:00:00Z")
    monkeypatch.chdir(tmp_path)
    result = run("pm.md")
    assert (" LINT116 " in result.stdout) is late, result.output
    if late:
        assert "first commit 2026-05-08 08:00 UTC" in result.stdout


def test_outside_git_an_undated_summary_is_not_judged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "pm.md"
    doc.write_text(without_summary_date("late-summary-pass.md"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = run("pm.md")
    assert result.stdout.splitlines() == ["0 errors, 0 warnings in 1 document"], result.output
