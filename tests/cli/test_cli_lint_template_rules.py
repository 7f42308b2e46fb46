"""The template's writing rules end to end: ``examples/lint/<rule>-fail.md`` reports exactly that
rule, ``<rule>-pass.md`` lints clean; the first-commit fallback against a real git repository;
``--disable`` validation."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from sync.cli.main import cli
from sync.core.lint import RULES
from sync.git_history import GitCheckout
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


# -- lint --changed ----------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checkout with post-mortems on main, and a branch that edits one, adds one, and leaves one
    untracked; a Markdown file outside ``[sources] paths`` changes too."""
    (tmp_path / "pmsync.toml").write_text('[sources]\npaths = ["postmortems/**/*.md"]\n', encoding="utf-8")
    pms = tmp_path / "postmortems"
    pms.mkdir()
    for name in ("old", "edited"):
        (pms / f"{name}.md").write_text((LINT_EXAMPLES / "missing-cost-pass.md").read_text(encoding="utf-8"))
    (tmp_path / "README.md").write_text("# notes\n", encoding="utf-8")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    (pms / "edited.md").write_text((LINT_EXAMPLES / "missing-cost-fail.md").read_text(encoding="utf-8"))
    (pms / "2026").mkdir()
    (pms / "2026" / "added.md").write_text((LINT_EXAMPLES / "went-well-count-fail.md").read_text(encoding="utf-8"))
    (tmp_path / "README.md").write_text("# notes\n\nmore\n", encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "feature")
    (pms / "untracked.md").write_text((LINT_EXAMPLES / "timeline-gap-fail.md").read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    return tmp_path


def linted(result: Result) -> list[str]:
    return sorted({line.split(":")[0] for line in findings(result)})


def test_changed_lints_only_changed_post_mortems_against_origin_main(repo: Path) -> None:
    git(repo, "update-ref", "refs/remotes/origin/main", "main")
    result = run("--changed")
    assert result.exit_code == 0, result.output
    assert linted(result) == [
        str(repo / "postmortems" / "2026" / "added.md"),
        str(repo / "postmortems" / "edited.md"),
        str(repo / "postmortems" / "untracked.md"),
    ]
    assert result.stdout.splitlines()[-1] == "0 errors, 3 warnings in 3 documents"
    assert result.stderr == ""


def test_changed_narrowed_to_the_given_paths(repo: Path) -> None:
    result = run("--changed", "--base", "main", "postmortems/2026")
    assert result.exit_code == 0, result.output
    assert linted(result) == [str(repo / "postmortems" / "2026" / "added.md")]


def test_changed_falls_back_to_main_and_says_so(repo: Path) -> None:
    result = run("--changed")
    assert "note: origin/main is unknown; comparing against main" in result.stderr
    assert result.stdout.splitlines()[-1].endswith("in 3 documents")


def test_changed_without_any_base_lints_uncommitted_changes(repo: Path) -> None:
    git(repo, "branch", "-q", "-m", "main", "trunk")
    result = run("--changed")
    assert "linting uncommitted and untracked changes only" in result.stderr
    assert linted(result) == [str(repo / "postmortems" / "untracked.md")]


def test_changed_with_nothing_changed(repo: Path) -> None:
    result = run("--changed", "--base", "HEAD", "postmortems/2026")
    assert (result.exit_code, result.stdout) == (0, "0 errors, 0 warnings in 0 documents\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--changed", "--base", "origin/nope"], "--base origin/nope: git does not know this ref"),
        (["--base", "main", "postmortems"], "--base only applies with --changed"),
        ([], "no documents to lint"),
    ],
)
def test_changed_usage_errors(repo: Path, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_changed_outside_git_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    result = run("--changed")
    assert result.exit_code == 2
    assert "--changed needs a git checkout" in result.stderr


def test_github_actions_example_lints_changed_post_mortems() -> None:
    workflow = yaml.safe_load((ROOT / "examples" / "github-actions" / "lint.yml").read_text(encoding="utf-8"))
    trigger = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "postmortems/**" in trigger["pull_request"]["paths"]
    steps = workflow["jobs"]["lint"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0  # the base branch must be there to diff against
    runs = " ".join(step.get("run", "") for step in steps)
    assert "pmsync lint --changed --base origin/${{ github.base_ref }}" in runs


def test_without_git_installed_there_is_no_checkout(tmp_path: Path) -> None:
    assert GitCheckout.find(tmp_path, git=str(tmp_path / "no-such-git")) is None
