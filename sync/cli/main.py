"""The ``pmsync`` command line: a thin click group.

Commands live in the modules of this package (one per area) and only parse options, call services and
render results. Errors are mapped to exit codes here, once: 0 ok, 1 some items or documents
failed, 2 configuration or usage error. Tracebacks are shown only with ``-v``.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator, Sequence
from importlib import import_module
from pathlib import Path
from typing import Any

import click

from sync.errors import PmsyncError
from sync.logs import RedactingStream, configure_logging

log = logging.getLogger(__name__)

# Command modules, each defining a ``commands`` list of click commands.
_COMMAND_MODULES: tuple[str, ...] = (
    "sync.cli.parse",
    "sync.cli.syncing",
    "sync.cli.tickets",
    "sync.cli.demo",
    "sync.cli.lint",
    "sync.cli.new",
    "sync.cli.report",
    "sync.cli.serve",
    "sync.cli.doctor",
)


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


for _name in _COMMAND_MODULES:
    for _command in import_module(_name).commands:
        cli.add_command(_command)


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
