"""``pmsync parse`` / ``pmsync schema`` through click's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli.main import cli

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "shared"
S01 = CORPUS / "s01-template-checkout-502.md"
S04 = CORPUS / "s04-remediation-bullets.md"


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_json_lines_one_object_per_document(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["parse", "--format", "json", str(S01), str(S04)])
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["path"] for o in objects] == [str(S01), str(S04)]
    assert objects[0]["postmortem"]["incident_id"] == "INC-2026-0142"
    assert objects[0]["postmortem"]["cost"]["total"] == "89400.00"
    assert len(objects[1]["postmortem"]["action_items"]) == 4
    assert objects[1]["diagnostics"] == []


def test_array_output(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["parse", "--format", "json", "--array", str(S01), str(S04)])
    assert result.exit_code == 0
    documents = json.loads(result.stdout)
    assert isinstance(documents, list) and len(documents) == 2
    assert documents[1]["postmortem"]["incident_id"] == "INC-7730"


def test_table_is_the_default(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["parse", str(S01)])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert "id=INC-2026-0142" in lines[0] and "severity=SEV-1" in lines[0] and "items=5" in lines[0]
    assert lines[1].split()[:5] == ["#1", "@dana", "P0", "open", "-"]
    assert lines[2].split()[4] == "2026-03-20"


def test_broken_file_among_good_ones(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.md"
    broken.write_bytes(b"\xff\xfe# not utf-8 \x80")
    result = runner.invoke(cli, ["parse", "--format", "json", str(S01), str(broken), str(S04)])
    assert result.exit_code == 1
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["postmortem"] is None for o in objects] == [False, True, False]
    assert f"{broken}: error PM001 not-utf8" in result.stderr


def test_empty_file_is_an_error(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("")
    result = runner.invoke(cli, ["parse", str(empty)])
    assert result.exit_code == 1
    assert "error PM003 empty" in result.stderr
    assert "(not parsed)" in result.stdout


def test_missing_file_is_reported_and_others_continue(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["parse", "--format", "json", str(tmp_path / "nope.md"), str(S04)])
    assert result.exit_code == 2  # a path that does not exist is a usage error, as in lint, plan and sync
    assert "error PM005 unreadable" in result.stderr
    assert json.loads(result.stdout.splitlines()[1])["postmortem"]["incident_id"] == "INC-7730"


def test_directory_recursion(runner: CliRunner, tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    shutil.copy(S04, nested / "z.md")
    shutil.copy(S01, tmp_path / "a" / "y.md")
    (tmp_path / "a" / "notes.txt").write_text("not markdown")
    result = runner.invoke(cli, ["parse", "--format", "json", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    paths = [json.loads(line)["path"] for line in result.stdout.splitlines()]
    assert paths == [str(nested / "z.md"), str(tmp_path / "a" / "y.md")]


def test_document_with_no_action_section_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    doc = tmp_path / "x.md"
    doc.write_text("# Outage\n\nSomething broke.\n")
    result = runner.invoke(cli, ["parse", str(doc)])
    assert result.exit_code == 1
    assert "PM020 no-action-section" in result.stderr


def test_schema_describes_the_parse_output(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert set(schema["properties"]) == {"path", "postmortem", "diagnostics"}
    assert "ActionItem" in schema["$defs"]
