"""What a new user tripped over (issue 22, §4): the demo's counts, ``pmsync new``'s stray database and paths, one
behaviour for a missing path, help texts without reStructuredText markup."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from sync.cli.main import cli
from tests.cli.test_cli_sync import write_doc


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


# --- the demo says what it counts ---------------------------------------------------------------------------


def test_the_demo_counts_every_ticket_it_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    demo = _run("demo", "here")  # a relative directory: every path printed is absolute all the same
    assert demo.exit_code == 0, demo.output
    created = int(re.search(r"created (\d+),", demo.output).group(1))  # type: ignore[union-attr]
    parents = int(re.search(r"parent tickets created (\d+)", demo.output).group(1))  # type: ignore[union-attr]
    config = tmp_path / "here" / "pmsync.toml"
    listed = _run("--config", str(config), "tickets", "list")
    assert listed.exit_code == 0, listed.output
    shown = [line for line in listed.output.splitlines() if line.startswith("DEMO-")]
    assert len(shown) == created + parents
    assert f"tickets: {created + parents} = {created} for action items + {parents} incident parents" in demo.output
    assert re.search(r"^INCIDENT +ITEMS +DONE +WONT_DO +IN_PROGRESS +OPEN +OVERDUE$", demo.output, re.M)
    assert f"state database: {tmp_path / 'here' / 'pmsync.db'}" in demo.output
    assert f"try: pmsync --config {config} status" in demo.output


def test_the_json_summary_counts_parent_tickets(tmp_path: Path) -> None:
    write_doc(tmp_path / "docs" / "inc.md")
    config = tmp_path / "pmsync.toml"
    config.write_text('[sources]\npaths = ["docs/*.md"]\n', encoding="utf-8")
    result = _run("--config", str(config), "sync", "--format", "json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)["summary"]
    assert (summary["created"], summary["parents_created"]) == (3, 1)


# --- pmsync new -------------------------------------------------------------------------------------------------


def test_new_without_a_config_file_leaves_only_the_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PMSYNC_CONFIG", raising=False)
    text = _run("new", "Checkout returned 502s")
    assert text.exit_code == 0, text.output
    assert not (tmp_path / "pmsync.db").exists()
    path = Path(text.stdout.strip())
    assert path.is_absolute() and path.is_file() and path.parent.parent == tmp_path
    assert f"pmsync lint {path}" in text.stderr
    # The next id still follows the documents, and JSON names the same kind of path.
    second = _run("new", "Search index backlog", "--format", "json")
    created = json.loads(second.stdout)
    assert Path(created["path"]).is_absolute() and Path(created["path"]).parent == path.parent
    assert created["incident_id"] != re.search(r"inc-[\d-]+", path.name, re.I).group(0).upper()  # type: ignore[union-attr]
    assert not (tmp_path / "pmsync.db").exists()


def test_new_with_a_config_file_claims_in_its_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    project.mkdir()
    config = project / "pmsync.toml"
    config.write_text('[authoring]\ndir = "postmortems"\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = _run("--config", str(config), "new", "Checkout returned 502s", "--dir", "drafts")
    assert result.exit_code == 0, result.output
    assert (project / "pmsync.db").is_file() and not (elsewhere / "pmsync.db").exists()
    assert Path(result.stdout.strip()).parent == elsewhere / "drafts"  # --dir is the user's, from where they are


# --- a missing path: one behaviour everywhere ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "proof_the_rest_ran"),
    [
        (["lint"], "in 2 documents"),
        (["parse"], "id=INC-100"),
        (["plan"], "create"),
        (["sync", "--dry-run"], "create"),
        (["sync"], "created 3"),
        (["backfill", "--since", "2026-01-01"], "created 3"),
    ],
)
def test_a_missing_path_is_located_the_rest_runs_and_the_exit_is_two(
    tmp_path: Path, command: list[str], proof_the_rest_ran: str
) -> None:
    good = write_doc(tmp_path / "docs" / "inc-100.md")
    missing = tmp_path / "docs" / "nope.md"
    config = tmp_path / "pmsync.toml"
    config.write_text("", encoding="utf-8")
    result = _run("--config", str(config), *command, str(missing), str(good))
    assert result.exit_code == 2, result.output
    assert f"{missing}: error PM005 unreadable: cannot read file: No such file or directory" in result.output
    assert proof_the_rest_ran in result.output
    assert "Usage:" not in result.output


def test_the_json_exit_code_matches_the_process(tmp_path: Path) -> None:
    config = tmp_path / "pmsync.toml"
    config.write_text("", encoding="utf-8")
    result = _run("--config", str(config), "plan", "--format", "json", str(tmp_path / "nope.md"))
    assert result.exit_code == 2
    assert json.loads(result.stdout)["exit_code"] == 2


# --- help texts ----------------------------------------------------------------------------------------------


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            found.extend(_commands(command, (*prefix, name)))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("path", _commands(cli), ids=lambda p: " ".join(p) or "pmsync")
def test_help_texts_show_no_rst_markup(path: tuple[str, ...]) -> None:
    result = _run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "``" not in result.output
    assert not re.search(r":(?:func|class|mod|data|meth):`", result.output)
