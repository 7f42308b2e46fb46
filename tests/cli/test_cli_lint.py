"""``pmsync lint`` end to end: exit codes, --strict, --format json, directories, broken documents."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from sync.cli.main import cli
from tests.conftest import EXAMPLES, ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "lint"
BLAME = FIXTURES / "blame.md"
CLEAN = FIXTURES / "clean.md"
SUMMARY = re.compile(r"^(\d+) errors?, (\d+) warnings? in (\d+) documents?$")


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, ["lint", *map(str, args)])


def summary(result: Result) -> tuple[int, int, int]:
    match = SUMMARY.match(result.stdout.splitlines()[-1])
    assert match, result.stdout
    errors, warnings, documents = (int(g) for g in match.groups())
    return errors, warnings, documents


def test_clean_document_exits_zero_with_nothing_to_say() -> None:
    result = run(CLEAN)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["0 errors, 0 warnings in 1 document"]


def test_blame_sentences_are_reported_at_their_lines() -> None:
    result = run(BLAME)
    assert result.exit_code == 0, result.output  # warnings only
    lines = result.stdout.splitlines()
    blame = [line for line in lines if " LINT201 " in line]
    assert [line.split(": warning")[0] for line in blame] == [f"{BLAME}:13", f"{BLAME}:24"]
    assert '"09:12 - @lee forgot to pause' in blame[0]
    assert '"Priya should have checked' in blame[1]
    assert summary(result) == (0, 2, 1)


def test_strict_turns_warnings_into_errors_and_exit_one() -> None:
    result = run("--strict", BLAME)
    assert result.exit_code == 1
    assert f"{BLAME}:13: error LINT201 blame-language:" in result.stdout
    assert summary(result) == (2, 0, 1)


def test_json_format_is_an_array_of_diagnostics() -> None:
    result = run("--format", "json", BLAME, CLEAN)
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert [(d["path"], d["line"], d["severity"], d["code"]) for d in found] == [
        (str(BLAME), 13, "warning", "LINT201"),
        (str(BLAME), 24, "warning", "LINT201"),
    ]
    assert all(d["hint"] and "process gap" in d["hint"] for d in found)


def test_json_with_strict_reports_errors_and_exits_one() -> None:
    result = run("--format", "json", "--strict", BLAME)
    assert result.exit_code == 1
    assert {d["severity"] for d in json.loads(result.stdout)} == {"error"}


def test_json_of_a_clean_document_is_an_empty_array() -> None:
    result = run("--format", "json", CLEAN)
    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def write_incomplete(path: Path) -> None:
    text = CLEAN.read_text(encoding="utf-8")
    text = text.replace("- **Incident ID:** INC-2026-9002\n", "").replace("| @lee |", "| |")
    path.write_text(text, encoding="utf-8")


def test_errors_exit_one_with_located_messages(tmp_path: Path) -> None:
    doc = tmp_path / "incomplete.md"
    write_incomplete(doc)
    result = run(doc)
    assert result.exit_code == 1
    codes = [line.split()[2] for line in result.stdout.splitlines()[:-1]]
    assert codes == ["LINT111", "LINT101"]
    assert re.search(rf"^{re.escape(str(doc))}:\d+: error LINT101 missing-owner: action item #1", result.stdout, re.M)


def test_a_broken_document_is_reported_and_the_rest_still_linted(tmp_path: Path) -> None:
    shutil.copy(BLAME, tmp_path / "a-blame.md")
    (tmp_path / "b-broken.md").write_bytes(b"\xff\xfe# not \x00 utf-8\n")
    write_incomplete(tmp_path / "c-incomplete.md")
    shutil.copy(CLEAN, tmp_path / "d-clean.md")
    result = run(tmp_path)
    assert result.exit_code == 1
    paths = [line.split(":")[0] for line in result.stdout.splitlines()[:-1]]
    assert paths == sorted(paths)
    assert {Path(p).name for p in paths} == {"a-blame.md", "b-broken.md", "c-incomplete.md"}
    broken = [line for line in result.stdout.splitlines() if "b-broken.md" in line]
    assert broken and all(" error " in line for line in broken)
    assert summary(result)[2] == 4


def test_directories_are_searched_recursively_for_markdown(tmp_path: Path) -> None:
    nested = tmp_path / "2026" / "q2"
    nested.mkdir(parents=True)
    shutil.copy(BLAME, nested / "blame.md")
    shutil.copy(CLEAN, tmp_path / "clean.md")
    (tmp_path / "notes.txt").write_text("@lee forgot everything\n", encoding="utf-8")
    result = run(tmp_path)
    assert summary(result) == (0, 2, 2)
    assert all(line.startswith(str(nested / "blame.md")) for line in result.stdout.splitlines()[:-1])


def test_examples_are_lint_clean_under_strict() -> None:
    # Apart from the template's writing rules, which the examples predate (test_lint_examples.py).
    writing_rules = ["--disable", "timeline-gap", "--disable", "went-well-count", "--disable", "missing-cost"]
    writing_rules += ["--disable", "late-summary"]  # committed to this repository months later
    result = run("--strict", *writing_rules, EXAMPLES)
    assert result.exit_code == 0, result.output
    assert summary(result) == (0, 0, len(list(EXAMPLES.glob("*.md"))))


def test_rules_can_be_disabled() -> None:
    result = run("--strict", "--disable", "blame-language", BLAME)
    assert result.exit_code == 0, result.output


def test_default_priority_is_named_in_the_warning(tmp_path: Path) -> None:
    doc = tmp_path / "nopriority.md"
    doc.write_text(
        CLEAN.read_text(encoding="utf-8").replace("| 2026-05-13 | P1 | Open |", "| | | Open |"), encoding="utf-8"
    )
    result = run("--default-priority", "P1", doc)
    assert result.exit_code == 0, result.output
    assert (
        "LINT103 default-priority: action item #1 has neither priority nor deadline; it gets the configured "
        "default priority P1" in result.stdout
    )


@pytest.mark.parametrize("args", [[], ["does-not-exist.md"], ["--format", "xml", str(CLEAN)]])
def test_usage_errors_exit_two(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_pre_commit_hook_definition() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["language"]) == ("pmsync-lint", "pmsync lint", "python")
    assert re.search(hook["files"], "postmortems/inc-1.md") and not re.search(hook["files"], "notes.txt")


def test_a_folder_with_a_readme_lints_like_sync_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A README.md beside the post-mortems is not one: skipped with an info line (as sync does),
    # not five errors that fail the folder's lint; [sources] exclude is honoured too.
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "postmortems"
    folder.mkdir()
    shutil.copy(CLEAN, folder / "inc.md")
    (folder / "README.md").write_text("# About\n\nPost-mortems live here.\n", encoding="utf-8")
    write_incomplete(folder / "draft-wip.md")
    (tmp_path / "pmsync.toml").write_text('[sources]\nexclude = ["*-wip.md"]\n', encoding="utf-8")
    result = run(folder)
    assert result.exit_code == 0, result.output
    assert summary(result) == (0, 0, 1)
    assert f"info: {folder / 'README.md'}: not a post-mortem" in result.stderr
    assert "draft-wip" not in result.output
