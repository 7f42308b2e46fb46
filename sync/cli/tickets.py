"""``pmsync tickets``: play the team working the embedded tracker's tickets."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

import click

from sync.cli.syncing import json_errors, runtime
from sync.core.model import Status
from sync.core.tickets import Ticket
from sync.errors import TrackerNotFound, UsageError
from sync.trackers.local_tracker import LocalTracker

STATUS_CHOICE = click.Choice([s.value for s in Status])


def _local(tracker: object) -> LocalTracker:
    if not isinstance(tracker, LocalTracker):
        raise UsageError(
            "`pmsync tickets` manages the embedded local tracker only",
            hint="work remote tickets in Jira or GitHub, then run `pmsync pull`",
        )
    return tracker


@contextmanager
def _known(key: str) -> Iterator[None]:
    """A missing ticket is a usage mistake, said in the user's words (not the tracker call's)."""
    try:
        yield
    except TrackerNotFound:
        raise UsageError(f"no ticket {key}", hint="`pmsync tickets list` shows the tickets there are") from None


def _row(ticket: Ticket) -> dict[str, object]:
    return {
        "key": ticket.ref.key,
        "title": ticket.title,
        "status": ticket.status.value,
        "assignee": ticket.assignee,
        "due": ticket.due.isoformat() if ticket.due else None,
        "parent": ticket.parent.key if ticket.parent else None,
        "marker": ticket.marker.key if ticket.marker else None,
        "labels": list(ticket.labels),
    }


@click.group("tickets")
def tickets() -> None:
    """List, show and move tickets of the embedded local tracker."""


@tickets.command("list")
@click.option("--status", type=STATUS_CHOICE, help="Only tickets in this status.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_context
def list_cmd(ctx: click.Context, status: str | None, fmt: str) -> None:
    """All item and incident tickets."""
    with json_errors(fmt == "json"), runtime(ctx) as rt:
        found = _local(rt.tracker).list_tickets(status=Status(status) if status else None)
    if fmt == "json":
        click.echo(json.dumps([_row(t) for t in found], indent=2))
        return
    for ticket in found:
        due = ticket.due.isoformat() if ticket.due else "-"
        parent = ticket.parent.key if ticket.parent else "-"
        click.echo(f"{ticket.ref.key:<9} {ticket.status.value:<12} {due:<10} {parent:<9} {ticket.title}")
    click.echo(f"{len(found)} ticket{'' if len(found) == 1 else 's'}")


@tickets.command("show")
@click.argument("key")
@click.pass_context
def show_cmd(ctx: click.Context, key: str) -> None:
    """One ticket with its status history and links."""
    with runtime(ctx) as rt, _known(key):
        local = _local(rt.tracker)
        ticket = local.get(local.ref(key))
        history = local.status_log(key)
        links = local.links_of(key)
    for name, value in _row(ticket).items():
        click.echo(f"{name:>9}: {value if value not in (None, []) else '-'}")
    click.echo("  history:")
    for status, when in history:
        click.echo(f"           {when.isoformat(timespec='seconds')}  {status.value}")
    click.echo(f"    links: {', '.join(ref.key for ref in links) or '-'}")


@tickets.command("set-status")
@click.argument("key")
@click.argument("status", type=STATUS_CHOICE)
@click.pass_context
def set_status_cmd(ctx: click.Context, key: str, status: str) -> None:
    """Move a ticket (as the team would); `pmsync pull` brings the change into the history."""
    with runtime(ctx) as rt, _known(key):
        ticket = _local(rt.tracker).set_status(key, Status(status))
    click.echo(f"{ticket.ref.key} is now {ticket.status.value}")


commands = [tickets]
