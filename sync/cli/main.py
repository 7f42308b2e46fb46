"""The ``pmsync`` command line: a thin click group.

Commands live in the modules of this package (one per area) and only parse options, call services and
render results. Errors are mapped to exit codes here, once: 0 ok, 1 some items or documents
failed, 2 configuration or usage error. Tracebacks are shown only with ``-v``.

A command's module is imported only when that command runs (or its help is shown): ``pmsync sync``
never loads the reports, the service or the linter (issue 26: start-up is paid on every run).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

import click

from sync.errors import PmsyncError
from sync.logs import RedactingStream, configure_logging

log = logging.getLogger(__name__)

# Command name → the module defining it (in its ``commands`` list of click commands).
COMMAND_MODULES: Mapping[str, str] = {
    "parse": "sync.cli.parse",
    "schema": "sync.cli.parse",
    "plan": "sync.cli.syncing",
    "sync": "sync.cli.syncing",
    "backfill": "sync.cli.syncing",
    "pull": "sync.cli.syncing",
    "status": "sync.cli.syncing",
    "tickets": "sync.cli.tickets",
    "demo": "sync.cli.demo",
    "lint": "sync.cli.lint",
    "new": "sync.cli.new",
    "report": "sync.cli.report",
    "serve": "sync.cli.serve",
    "doctor": "sync.cli.doctor",
}


class LazyCommands(MutableMapping[str, click.Command]):
    """The group's commands by name, each module imported on first use of one of its commands."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        self._modules = dict(modules)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded and name in self._modules:
            for command in import_module(self._modules[name]).commands:
                self._loaded.setdefault(command.name, command)
            # What a command imports lives as long as the process: the collector need not walk
            # it again while a run builds its 10,000 items. Everything alive now is frozen with it
            # (a few start-up objects too): a cost paid once, never growing.
            gc.freeze()
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._loaded.pop(name, None)
        self._modules.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._modules or name in self._loaded

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._modules.keys() | self._loaded.keys()))

    def __len__(self) -> int:
        return len(self._modules.keys() | self._loaded.keys())


class PmsyncGroup(click.Group):
    """Maps pmsync errors to exit codes and friendly messages in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PmsyncError as exc:
            verbose = bool(ctx.find_root().params.get("verbose"))
            if verbose:
                log.exception("%s", exc.message)
            click.echo(f"error: {exc.message}", err=True)
            if exc.hint:
                click.echo(f"hint: {exc.hint}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - a bug still ends in one line (and the exit code 1)
            # Printed here, through the scrubbed stderr, rather than by the interpreter after it.
            if ctx.find_root().params.get("verbose"):
                log.exception("unexpected error")
            click.echo(f"error: unexpected {type(exc).__name__}: {exc}", err=True)
            click.echo("hint: rerun with -v for the traceback, and please report it", err=True)
            ctx.exit(1)


@click.group(cls=PmsyncGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More logging; -v also shows tracebacks.")
@click.option("--json-logs", is_flag=True, help="Log JSON lines (service mode).")
@click.option(
    "--config",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (default: $PMSYNC_CONFIG, else ./pmsync.toml if present).",
)
@click.version_option(package_name="pmsync")
@click.pass_context
def cli(ctx: click.Context, verbose: int, json_logs: bool, config: Path | None) -> None:
    """pmsync: every post-mortem action item gets exactly one ticket, and gets done."""
    # Every line a command prints (summaries, errors, JSON, doctor's checks) is scrubbed of the
    # registered secrets on its way out; logging is installed on the scrubbed stderr too.
    ctx.with_resource(_scrubbed_output())
    configure_logging(verbose=verbose, json_lines=json_logs)
    ctx.ensure_object(dict)


cli.commands = LazyCommands(COMMAND_MODULES)


@contextlib.contextmanager
def _scrubbed_output() -> Iterator[None]:
    """Standard output and error replaced by :class:`RedactingStream` for the command's lifetime."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = RedactingStream(stdout), RedactingStream(stderr)
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = stdout, stderr


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="pmsync")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1:])
