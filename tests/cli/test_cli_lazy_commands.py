"""The CLI imports a command's module only when that command runs (issue 26: ``pmsync sync`` paid for
loading the reports, the service and the linter on every run); every command is still listed and found."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import sync.cli
from sync.cli.main import COMMAND_MODULES, LazyCommands, cli

ROOT = Path(__file__).resolve().parents[2]


def _loaded_after(code: str) -> set[str]:
    """The ``sync.cli`` and ``reports`` modules a fresh interpreter holds after running ``code``."""
    probe = f"import sys\n{code}\nprint('\\n'.join(m for m in sys.modules if m.startswith(('sync.cli.', 'reports'))))"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    return set(done.stdout.split())


def test_importing_the_cli_loads_no_command_module() -> None:
    assert _loaded_after("import sync.cli.main") == {"sync.cli.main"}


def test_a_command_loads_its_own_module_only() -> None:
    loaded = _loaded_after("from sync.cli.main import cli\ncli.commands['sync']")
    assert "sync.cli.syncing" in loaded
    assert not {"sync.cli.report", "sync.cli.serve", "sync.cli.lint"} & loaded
    assert not {m for m in loaded if m.startswith("reports.render")}  # sync finds repeats, renders no report


def test_the_table_names_every_command_of_every_command_module() -> None:
    modules = {
        f"sync.cli.{info.name}"
        for info in pkgutil.iter_modules(sync.cli.__path__)
        if hasattr(import_module(f"sync.cli.{info.name}"), "commands")
    }
    assert set(COMMAND_MODULES.values()) == modules
    for module in modules:
        names = {command.name for command in import_module(module).commands}
        assert names == {name for name, owner in COMMAND_MODULES.items() if owner == module}


def test_help_lists_every_command_and_each_is_found() -> None:
    shown = CliRunner().invoke(cli, ["--help"])
    assert shown.exit_code == 0
    listed = shown.output.split("Commands:", 1)[1]
    for name in COMMAND_MODULES:
        assert f"  {name} " in listed
        assert name in cli.commands and cli.commands[name].name == name
    assert "nothing" not in cli.commands


def test_commands_are_added_and_removed_like_a_dict() -> None:
    commands = LazyCommands({"parse": "sync.cli.parse", "schema": "sync.cli.parse"})
    assert list(commands) == ["parse", "schema"] and len(commands) == 2
    extra = click.Command("extra")
    commands["extra"] = extra
    assert commands["extra"] is extra and len(commands) == 3
    del commands["schema"]  # never loaded
    del commands["extra"]
    assert list(commands) == ["parse"]
    with pytest.raises(KeyError):
        del commands["schema"]
    with pytest.raises(KeyError):
        commands["schema"]
