"""``pmsync demo``: run the whole loop on bundled examples with the embedded tracker."""

from __future__ import annotations

from pathlib import Path

import click

from sync.cli.syncing import summary_line
from sync.core.model import Status, is_overdue
from sync.core.tickets import TicketKind
from sync.demo import run_demo
from sync.runtime import open_runtime
from sync.trackers.local_tracker import LocalTracker


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
        tracker = rt.tracker
        assert isinstance(tracker, LocalTracker)  # the demo's configuration
        tickets = {kind: len(tracker.list_tickets(kind=kind.value)) for kind in TicketKind}
    finally:
        rt.close()
    click.echo("")
    # The action items of each incident by status (its parent ticket is not counted); the
    # headers are the statuses' names, as `pmsync status` prints them.
    click.echo(
        f"{'INCIDENT':<22} {'ITEMS':>5} {'DONE':>5} {'WONT_DO':>7} {'IN_PROGRESS':>11} {'OPEN':>5} {'OVERDUE':>7}"
    )
    incidents = sorted({row.incident_key for row in rows})
    for incident in incidents:
        mine = [row for row in rows if row.incident_key == incident]
        count = {status: sum(1 for row in mine if row.status is status) for status in Status}
        overdue = sum(is_overdue(row.due, row.status, today) for row in mine)
        click.echo(
            f"{incident:<22} {len(mine):>5} {count[Status.DONE]:>5} {count[Status.WONT_DO]:>7} "
            f"{count[Status.IN_PROGRESS]:>11} {count[Status.OPEN]:>5} {overdue:>7}"
        )
    # The reports' definition (issue 15): done / (all − won't do), won't-do shown apart, so that
    # the demo and `pmsync report weekly` print the same rate.
    done = sum(1 for row in rows if row.status is Status.DONE)
    wont = sum(1 for row in rows if row.status is Status.WONT_DO)
    counted = len(rows) - wont
    rate = f"{100.0 * done / counted:.0f}%" if counted else "–"
    click.echo(f"completion rate: {done}/{counted} items done ({rate}); won't do: {wont} (left out of the rate)")
    click.echo(
        f"tickets: {sum(tickets.values())} = {tickets[TicketKind.ITEM]} for action items "
        f"+ {tickets[TicketKind.INCIDENT]} incident parents (one per post-mortem)"
    )
    click.echo("")
    click.echo(f"documents (with Ticket and Status written back): {result.directory / 'postmortems'}")
    click.echo(f"state database: {result.database}")
    click.echo(f"try: pmsync --config {result.config} status")
    click.echo(f"     pmsync --config {result.config} tickets list")
    ctx.exit(result.first.exit_code)


commands = [demo]
