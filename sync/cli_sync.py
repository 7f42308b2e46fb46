"""``pmsync plan | sync | pull | backfill | status``: the sync loop from the command line."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from sync.core.model import Diagnostic, DiagnosticSeverity
from sync.core.plan import (
    AdoptTicket,
    AttachToParent,
    CreateTicket,
    EnsureParent,
    LinkTickets,
    Plan,
    RekeyItem,
    ReportRemoved,
    TransitionTicket,
    UpdateTicket,
    UpsertIncident,
)
from sync.errors import UsageError
from sync.pipeline import SyncOptions, SyncReport
from sync.pull import pull as pull_statuses
from sync.runtime import Runtime, open_runtime, source_paths
from sync.store.lock import run_lock

PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True, help="Output format."
)


def config_path(ctx: click.Context) -> Path | None:
    value = ctx.find_root().params.get("config")
    return Path(value) if value else None


@contextmanager
def runtime(ctx: click.Context) -> Iterator[Runtime]:
    rt = open_runtime(config_path(ctx))
    try:
        yield rt
    finally:
        rt.close()


def _base_dir(ctx: click.Context) -> Path:
    path = config_path(ctx)
    return path.resolve().parent if path else Path.cwd()


def _paths(ctx: click.Context, rt: Runtime, given: Sequence[Path]) -> list[Path]:
    paths = source_paths(rt.settings, given, _base_dir(ctx))
    if not paths:
        raise UsageError(
            "no post-mortem documents to read",
            hint="pass paths on the command line or set [sources] paths in pmsync.toml",
        )
    return paths


def echo_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in sorted(diagnostics, key=lambda d: (d.path, d.line or 0)):
        if diagnostic.severity is not DiagnosticSeverity.INFO:
            click.echo(diagnostic.format(), err=True)


# --- plan rendering -------------------------------------------------------------------------


def describe(action: Any) -> dict[str, Any]:
    """One plan action as a flat, JSON-ready row."""
    if isinstance(action, UpsertIncident):
        return {"action": "record", "key": action.incident_key, "detail": f"{len(action.items)} items"}
    if isinstance(action, EnsureParent):
        return {"action": "ensure-parent", "key": action.incident_key, "detail": action.draft.title}
    if isinstance(action, CreateTicket):
        draft = action.draft
        return {
            "action": "create",
            "key": action.item_key,
            "title": draft.title,
            "priority": draft.priority.value if draft.priority else None,
            "due": draft.due.isoformat() if draft.due else None,
            "assignee": draft.assignee,
            "project": draft.scope,
            "status": draft.status.value,
        }
    if isinstance(action, UpdateTicket):
        changed = action.changes.changed_fields()
        return {
            "action": "update",
            "key": action.item_key,
            "ticket": action.ref.key,
            "fields": sorted(changed),
        }
    if isinstance(action, AdoptTicket):
        return {"action": "adopt", "key": action.item_key, "ticket": action.ref.key}
    if isinstance(action, RekeyItem):
        return {"action": "renumber", "key": action.new_key, "detail": f"was {action.old_key}"}
    if isinstance(action, LinkTickets):
        return {"action": "link", "key": action.a_key, "detail": f"relates to {action.b_key}"}
    if isinstance(action, ReportRemoved):
        return {
            "action": "removed-from-doc",
            "key": action.item_key,
            "ticket": action.ticket.key if action.ticket else None,
            "detail": "reported, not closed",
        }
    if isinstance(action, AttachToParent):
        return {"action": "attach", "key": action.item_key, "detail": f"under the parent of {action.incident_key}"}
    if isinstance(action, TransitionTicket):
        return {"action": "set-status", "key": action.item_key, "detail": f"to {action.status.value} after creating"}
    raise TypeError(action)  # pragma: no cover


def echo_plan(plan: Plan, fmt: str) -> None:
    rows = [describe(action) for action in plan.actions]
    if fmt == "json":
        click.echo(json.dumps({"actions": rows, "unchanged": list(plan.unchanged)}, indent=2))
        return
    shown = [row for row in rows if row["action"] != "record"]
    if not shown:
        click.echo("Nothing to do: every action item already has its ticket.")
    for key in plan.pending:
        click.echo(f"pending          {key:<28} a create may have happened; not planned again until confirmed")
    for row in shown:
        extra = row.get("title") or row.get("detail") or ", ".join(row.get("fields", []))
        ticket = row.get("ticket") or ""
        due = f" due {row['due']}" if row.get("due") else ""
        prio = f" {row['priority']}" if row.get("priority") else ""
        click.echo(f"{row['action']:<16} {row['key']:<28} {ticket:<12}{prio}{due}  {extra}")


def summary_line(report: SyncReport) -> str:
    applied = report.applied
    created = len(applied.created) if applied else 0
    updated = len(applied.updated) if applied else 0
    unchanged = len(report.plan.unchanged) if report.plan else 0
    parts = [f"created {created}", f"updated {updated}", f"unchanged {unchanged}", f"failed {report.failed}"]
    if applied and applied.adopted:
        parts.append(f"adopted {len(applied.adopted)}")
    if applied and applied.recovered:
        parts.append(f"recovered {len(applied.recovered)}")
    if applied and applied.removed:
        parts.append(f"removed from docs {len(applied.removed)}")
    if applied and applied.pending:
        parts.append(f"pending {len(applied.pending)}")
    if applied and applied.duplicates:
        parts.append(f"duplicates found {len(applied.duplicates)}")
    if applied and applied.conflicts:
        parts.append(f"conflicts {len(applied.conflicts)}")
    if report.input_problems:
        parts.append(f"input problems {len(report.input_problems)}")
    if report.pulled:
        parts.append(f"status changes pulled {report.pulled.changed}")
    written = sum(1 for o in report.written.values() if o.status == "written")
    if report.written:
        parts.append(f"documents written back {written}")
    return ", ".join(parts)


def _echo_report(report: SyncReport) -> None:
    echo_diagnostics(report.diagnostics)
    if report.applied:
        for key, message in sorted(report.applied.failures.items()):
            click.echo(f"failed: {key}: {message}", err=True)
        for key in report.applied.removed:
            click.echo(f"warning: {key} is no longer in its document; its ticket was left open", err=True)
        for key, why in sorted(report.applied.pending.items()):
            click.echo(f"pending: {key}: {why}", err=True)
        for message in report.applied.duplicates:
            click.echo(f"warning: duplicate tickets: {message}", err=True)
        for message in report.applied.conflicts:
            click.echo(f"conflict: {message}", err=True)
    for problem in report.problems:
        click.echo(f"error: {problem}", err=True)
    for path, outcome in sorted(report.written.items()):
        if outcome.status in ("skipped-modified", "failed"):
            click.echo(f"write-back {outcome.status}: {path}: {outcome.detail}", err=True)
    click.echo(summary_line(report))


def _sync(
    ctx: click.Context,
    paths: Sequence[Path],
    *,
    command: str,
    dry_run: bool,
    write_back: bool,
    force: bool,
    since: dt.date | None,
    lock_timeout: float,
    fmt: str = "table",
) -> None:
    with runtime(ctx) as rt:
        documents = _paths(ctx, rt, paths)
        options = SyncOptions(
            dry_run=dry_run,
            write_back=write_back,
            force=force,
            max_creates=rt.settings.safety.max_creates,
            since=since,
            lock_timeout=lock_timeout,
            command=command,
        )
        show_progress = command == "backfill" and sys.stderr.isatty()
        with (
            click.progressbar(length=len(documents), label="Reading", file=sys.stderr)
            if show_progress
            else (_NoProgress()) as bar
        ):
            report = rt.sync(documents, options, progress=bar.update)
        if dry_run and report.plan is not None:
            echo_plan(report.plan, fmt)
            echo_diagnostics(report.diagnostics)
            click.echo("dry run: nothing was changed")
        else:
            _echo_report(report)
        ctx.exit(report.exit_code)


class _NoProgress:
    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *_exc: object) -> None:
        return None

    def update(self, _n: int) -> None:
        return None


LOCK_TIMEOUT = click.option(
    "--lock-timeout",
    type=float,
    default=600.0,
    show_default=True,
    help="Seconds to wait for another running sync to finish.",
)


@click.command("plan")
@PATHS
@FORMAT
@click.pass_context
def plan_cmd(ctx: click.Context, paths: tuple[Path, ...], fmt: str) -> None:
    """Show what sync would do (a dry run): the action list as a table or JSON."""
    _sync(ctx, paths, command="plan", dry_run=True, write_back=False, force=False, since=None, lock_timeout=0, fmt=fmt)


@click.command("sync")
@PATHS
@click.option("--dry-run", is_flag=True, help="Print the plan and stop.")
@click.option("--write-back", is_flag=True, help="Fill the Ticket and Status cells of each document.")
@click.option("--force", is_flag=True, help="Apply even when the safety valve objects.")
@FORMAT
@LOCK_TIMEOUT
@click.pass_context
def sync_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    dry_run: bool,
    write_back: bool,
    force: bool,
    fmt: str,
    lock_timeout: float,
) -> None:
    """Read documents, create/update tickets exactly once, pull statuses back."""
    _sync(
        ctx,
        paths,
        command="sync",
        dry_run=dry_run,
        write_back=write_back,
        force=force,
        since=None,
        lock_timeout=lock_timeout,
        fmt=fmt,
    )


@click.command("backfill")
@PATHS
@click.option(
    "--since",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only documents of incidents on or after this date (YYYY-MM-DD).",
)
@click.option("--dry-run", is_flag=True, help="Print the plan and stop.")
@click.option("--write-back", is_flag=True, help="Fill the Ticket and Status cells of each document.")
@click.option("--force", is_flag=True, help="Apply even when the safety valve objects.")
@LOCK_TIMEOUT
@click.pass_context
def backfill_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    since: dt.datetime,
    dry_run: bool,
    write_back: bool,
    force: bool,
    lock_timeout: float,
) -> None:
    """Sync historic documents; tickets the documents already name are adopted, not duplicated."""
    _sync(
        ctx,
        paths,
        command="backfill",
        dry_run=dry_run,
        write_back=write_back,
        force=force,
        since=since.date(),
        lock_timeout=lock_timeout,
    )


@click.command("pull")
@LOCK_TIMEOUT
@click.pass_context
def pull_cmd(ctx: click.Context, lock_timeout: float) -> None:
    """Fetch ticket statuses changed since the last pull into the status history."""
    with runtime(ctx) as rt, run_lock(rt.engine, timeout=lock_timeout):
        result = pull_statuses(rt.tracker, rt.store, retry=rt.retry)
    click.echo(f"pulled {result.seen} changed tickets in {result.pages} requests, status changes {result.changed}")


@click.command("status")
@click.argument("incident", required=False)
@click.option("--overdue", is_flag=True, help="Only overdue items.")
@FORMAT
@click.pass_context
def status_cmd(ctx: click.Context, incident: str | None, overdue: bool, fmt: str) -> None:
    """Action items with their ticket, due date, status and an overdue flag."""
    with runtime(ctx) as rt:
        rows = rt.store.status_rows(incident)
        today = rt.today
    if incident and not rows:
        raise UsageError(f"no action items are known for incident {incident!r}", hint="run `pmsync sync` first")
    records: list[dict[str, Any]] = []
    for row in rows:
        closed = row.status is not None and row.status.is_closed
        late = bool(row.due and row.due < today and not closed and row.present)
        if overdue and not late:
            continue
        records.append(
            {
                "item": row.item_key,
                "ticket": row.ticket.key if row.ticket else None,
                "url": row.ticket.url if row.ticket else None,
                "owner": row.owner,
                "priority": row.priority,
                "due": row.due.isoformat() if row.due else None,
                "status": row.status.value if row.status else None,
                "overdue": late,
                "pending": row.pending,
                "in_document": row.present,
                "text": row.text,
            }
        )
    if fmt == "json":
        click.echo(json.dumps(records, indent=2))
        return
    if not records:
        click.echo("No action items." if not overdue else "Nothing overdue.")
    for r in records:
        flag = "OVERDUE" if r["overdue"] else ("removed" if not r["in_document"] else "")
        flag = "pending" if r["pending"] else flag
        text = r["text"] if len(r["text"]) <= 60 else r["text"][:59] + "…"
        click.echo(
            f"{r['item']:<26} {r['ticket'] or '-':<10} {r['priority'] or '-':<3} {r['due'] or '-':<10} "
            f"{r['status'] or '-':<12} {flag:<8} {r['owner'] or '-':<18} {text}"
        )
    total = len(records)
    done = sum(1 for r in records if r["status"] in ("done", "wont_do"))
    late_count = sum(1 for r in records if r["overdue"])
    click.echo(f"{total} items, {done} closed, {late_count} overdue")


commands = [plan_cmd, sync_cmd, backfill_cmd, pull_cmd, status_cmd]
