"""``pmsync demo``: run the whole loop on bundled examples with the embedded tracker."""

from __future__ import annotations

from pathlib import Path

import click

from sync.cli.syncing import summary_line
from sync.core.model import Status, is_overdue
from sync.demo import run_demo
from sync.runtime import open_runtime


@click.command("demo")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def demo(ctx: click.Context, directory: Path | None) -> None:
    """Copy the example post-mortems into DIRECTORY (default: a new temporary directory), sync them
    to the embedded tracker, move some tickets along, pull and print the completion summary."""
    result = run_demo(directory)
    click.echo(f"1. synced {len(result.documents)} post-mortems: {summary_line(result.first)}")
    moves = ", ".join(f"{key} → {status.value}" for key, status in result.moved)
    click.echo(f"2. the team worked {len(result.moved)} tickets: {moves or 'none left open'}")
    click.echo(f"3. pulled {result.pulled.changed} status changes back into the history")
    rt = open_runtime(result.config)
    try:
        rows = [row for row in rt.store.status_rows() if row.present]
        today = rt.today
    finally:
        rt.close()
    click.echo("")
    click.echo(f"{'incident':<22} {'items':>5} {'done':>5} {'wont':>5} {'doing':>5} {'open':>5} {'overdue':>7}")
    incidents = sorted({row.incident_key for row in rows})
    for incident in incidents:
        mine = [row for row in rows if row.incident_key == incident]
        count = {status: sum(1 for row in mine if row.status is status) for status in Status}
        overdue = sum(is_overdue(row.due, row.status, today) for row in mine)
        click.echo(
            f"{incident:<22} {len(mine):>5} {count[Status.DONE]:>5} {count[Status.WONT_DO]:>5} "
            f"{count[Status.IN_PROGRESS]:>5} {count[Status.OPEN]:>5} {overdue:>7}"
        )
    # The reports' definition (issue 15): done / (all − won't do), won't-do shown apart, so that
    # the demo and `pmsync report weekly` print the same rate.
    done = sum(1 for row in rows if row.status is Status.DONE)
    wont = sum(1 for row in rows if row.status is Status.WONT_DO)
    counted = len(rows) - wont
    rate = f"{100.0 * done / counted:.0f}%" if counted else "–"
    click.echo(f"completion rate: {done}/{counted} items done ({rate}); won't do: {wont} (left out of the rate)")
    click.echo("")
    click.echo(f"documents (with Ticket and Status written back): {result.directory / 'postmortems'}")
    click.echo(f"state database: {result.database}")
    click.echo(f"try: pmsync --config {result.config} status")
    click.echo(f"     pmsync --config {result.config} tickets list")
    ctx.exit(result.first.exit_code)


commands = [demo]
