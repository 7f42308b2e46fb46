"""`--format json` on report, new and lint: a failing command still leaves exactly one JSON
document on stdout (`{"error": {"message", "hint", "exit_code"}}`), as the README promises for
every command, and the text on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli.main import cli


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "weekly", "--as-of", "nope"], "--as-of: not a date"),
        (["report", "quarterly", "--quarter", "2026Q9"], "--quarter: not a quarter"),
        (["report", "weekly", "--nudge"], "--nudge goes with"),
        (["new", " "], "the title is empty"),
        (["new", "Outage", "--start", "yesterday"], "--start 'yesterday': not a date and time"),
        (["lint", "--disable", "bogus", "."], "--disable: unknown lint rule bogus"),
        (["lint", "--base", "main", "."], "--base only applies with --changed"),
    ],
)
def test_a_failing_command_prints_one_json_error_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [*args, "--format", "json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert error["message"].startswith(message) and error["exit_code"] == 2
    assert f"error: {message}" in result.stderr


@pytest.mark.parametrize("command", [["report", "weekly"], ["new", "Outage"], ["lint", "."]])
def test_a_configuration_error_is_a_json_error_too(tmp_path: Path, command: list[str]) -> None:
    config = tmp_path / "pmsync.toml"
    config.write_text("[safety]\nmax_creates = 0\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), *command, "--format", "json"])
    assert result.exit_code == 2
    assert "max_creates" in json.loads(result.stdout)["error"]["message"]


def test_pmsync_new_without_the_postgres_extra_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if `pmsync[postgres]` were not installed
    config = tmp_path / "pmsync.toml"
    config.write_text('[state]\nurl = "postgresql+psycopg://pm@127.0.0.1:5432/pm"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "new", "Outage", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "needs pmsync[postgres]: the optional dependency 'psycopg' is not installed" in result.stderr
    assert "pip install 'pmsync[postgres]'" in result.stderr
