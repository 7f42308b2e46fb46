"""The README's commands table names every option each command takes (issue 18: the commands
table matches the behaviour), so a new option cannot ship undocumented."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from sync.cli.main import cli

README = Path(__file__).resolve().parents[2] / "README.md"


def _commands(command: click.Command, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, (*path, name))
    else:
        yield path, command


def _rows() -> dict[str, str]:
    rows: dict[str, str] = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("| `pmsync "):
            rows[line.split()[2].rstrip("`")] = line
    return rows


COMMANDS = list(_commands(cli, ()))


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_the_commands_table_lists_every_option(path: tuple[str, ...], command: click.Command) -> None:
    row = _rows().get(path[0])
    assert row is not None, f"README's commands table has no row for `pmsync {path[0]}`"
    options = [
        name
        for param in command.params
        if isinstance(param, click.Option)
        for name in param.opts
        if name.startswith("--") and name != "--help"
    ]
    assert [name for name in options if name not in row] == []


def test_the_table_rows_are_found() -> None:
    # Guards the test above against a README layout change that would make it check nothing.
    assert {"parse", "lint", "new", "plan", "sync", "report", "status", "tickets"} <= _rows().keys()
