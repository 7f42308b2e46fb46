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

from mappings.calendar import BusinessCalendar
from sync.core.model import Diagnostic, DiagnosticSeverity, is_overdue
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
from sync.errors import PmsyncError, UsageError
from sync.pipeline import SyncReport
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
def json_errors(as_json: bool) -> Iterator[None]:
    """With ``--format json``, a command that fails still leaves one JSON document on stdout
    (``{"error": {"message", "hint", "exit_code"}}``); the text goes to stderr as for any command."""
    try:
        yield
    except PmsyncError as exc:
        if as_json:
            error = {"message": exc.message, "hint": exc.hint, "exit_code": exc.exit_code}
            click.echo(json.dumps({"error": error}))
        raise


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


def missing_paths(paths: Sequence[Path]) -> list[Path]:
    """The paths given on the command line that do not exist. Every command that reads documents
    (parse, lint, plan, sync, backfill) treats one alike: reading it gives the located
    ``path: error PM005 … No such file or directory`` line, the rest of the batch still runs, and the
    command exits 2 (a usage error) at the end."""
    return [path for path in paths if not path.exists()]


def exit_code_with_missing(code: int, paths: Sequence[Path]) -> int:
    """``code``, raised to a usage error's when a path given does not exist (see :func:`missing_paths`)."""
    return max(code, UsageError.exit_code) if missing_paths(paths) else code


def echo_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    for diagnostic in sorted(diagnostics, key=lambda d: (d.path, d.line or 0)):
        if diagnostic.severity is not DiagnosticSeverity.INFO:
            click.echo(diagnostic.format(), err=True)


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 request``, ``2 requests``."""
    return f"{count} {noun if count == 1 else (plural_form or noun + 's')}"


_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def calendar_line(calendar: BusinessCalendar) -> str:
    """One line naming the business calendar due dates were computed with."""
    if calendar.country:
        where = f"{calendar.country}-{calendar.subdivision}" if calendar.subdivision else calendar.country
        holidays = f"{where} public holidays"
    else:
        holidays = "no public holidays ([calendar] country is empty)"
    extra = f" + {plural(len(calendar.extra_holidays), 'company day')} off" if calendar.extra_holidays else ""
    weekend = ", ".join(_DAY_NAMES[day] for day in sorted(calendar.weekend))
    return f"calendar: {holidays}{extra}; weekend {weekend}"


def calendar_json(calendar: BusinessCalendar) -> dict[str, Any]:
    return {
        "country": calendar.country,
        "subdivision": calendar.subdivision,
        "extra_holidays": sorted(day.isoformat() for day in calendar.extra_holidays),
        "weekend": [_DAY_NAMES[day].lower() for day in sorted(calendar.weekend)],
    }


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


def echo_plan(plan: Plan, *, found_documents: bool, paths: Sequence[str]) -> None:
    """The plan as a table (the JSON form is part of :func:`report_json`)."""
    shown = [row for row in (describe(action) for action in plan.actions) if row["action"] != "record"]
    if not shown:
        if found_documents:
            click.echo("Nothing to do: every action item already has its ticket.")
        else:
            click.echo(f"No post-mortem documents found at {', '.join(paths) or 'the [sources] paths'}.")
        _echo_pending(plan)
        return
    # Columns as wide as their longest value (compliance item keys are long), so rows stay aligned.
    key_width = max(len("KEY"), *(len(row["key"]) for row in shown))
    ticket_width = max(len("TICKET"), *(len(row.get("ticket") or "-") for row in shown))
    click.echo(
        f"{'ACTION':<16} {'KEY':<{key_width}} {'TICKET':<{ticket_width}} {'PRI':<3} {'DUE':<10} {'ASSIGNEE':<18} WHAT"
    )
    for row in shown:
        what = row.get("title") or row.get("detail") or ", ".join(row.get("fields", []))
        click.echo(
            f"{row['action']:<16} {row['key']:<{key_width}} {row.get('ticket') or '-':<{ticket_width}} "
            f"{row.get('priority') or '-':<3} "
            f"{row.get('due') or '-':<10} {_clip(row.get('assignee') or '-', 18):<18} {what}"
        )
    _echo_pending(plan)


def _echo_pending(plan: Plan) -> None:
    for key in plan.pending:
        click.echo(f"pending: {key}: a create may have happened; not planned again until confirmed")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def summary_counts(report: SyncReport) -> dict[str, int]:
    """The summary's figures, every one of them (the text line shows the non-zero optional ones)."""
    applied = report.applied
    return {
        "created": len(applied.created) if applied else 0,
        "updated": len(applied.updated) if applied else 0,
        "unchanged": len(report.plan.unchanged) if report.plan else 0,
        "failed": report.failed,
        # "created" counts action items; an incident's parent ticket is created once, beside them.
        "parents_created": len(applied.parents) if applied else 0,
        "adopted": len(applied.adopted) if applied else 0,
        "recovered": len(applied.recovered) if applied else 0,
        "removed_from_docs": len(applied.removed) if applied else 0,
        "pending": len(applied.pending) if applied else 0,
        "duplicates_found": len(applied.duplicates) if applied else 0,
        "conflicts": len(applied.conflicts) if applied else 0,
        "input_problems": len(report.input_problems),
        "status_changes_pulled": report.pulled.changed if report.pulled else 0,
        "documents_written_back": sum(1 for o in report.written.values() if o.status == "written"),
        "ticket_cells_kept": len(report.kept_cells),
        "status_conflicts": len(report.status_conflicts),
        "not_postmortems": len(report.skipped_documents),
    }


def summary_line(report: SyncReport) -> str:
    counts = summary_counts(report)
    parts = [f"created {counts['created']}", f"updated {counts['updated']}", f"unchanged {counts['unchanged']}"]
    parts.append(f"failed {counts['failed']}")
    optional = (
        ("parents_created", "parent tickets created", False),
        ("adopted", "adopted", False),
        ("recovered", "recovered", False),
        ("removed_from_docs", "removed from docs", False),
        ("pending", "pending", False),
        ("duplicates_found", "duplicates found", False),
        ("conflicts", "conflicts", False),
        ("input_problems", "input problems", False),
        # A pull that ran is always reported, even when it found nothing new.
        ("status_changes_pulled", "status changes pulled", report.pulled is not None),
        ("ticket_cells_kept", "ticket cells kept", False),
        ("status_conflicts", "status conflicts", False),
        ("not_postmortems", "not post-mortems skipped", False),
    )
    parts.extend(f"{label} {counts[name]}" for name, label, always in optional if always or counts[name])
    if report.written:
        parts.append(f"documents written back {counts['documents_written_back']}")
    return ", ".join(parts)


def report_json(report: SyncReport, *, command: str, dry_run: bool, calendar: BusinessCalendar) -> dict[str, Any]:
    """The whole run as one JSON document: ``--format json`` prints this and nothing else on stdout."""
    plan = report.plan
    return {
        "command": command,
        "dry_run": dry_run,
        "calendar": calendar_json(calendar),
        "documents": sum(1 for r in report.documents if r.postmortem is not None),
        "skipped_documents": [{"path": p, "reason": "not a post-mortem"} for p in report.skipped_documents],
        "actions": [describe(action) for action in plan.actions] if plan else [],
        "unchanged": list(plan.unchanged) if plan else [],
        "summary": summary_counts(report),
        "failures": [{"key": k, "message": m} for k, m in sorted(report.applied.failures.items())]
        if report.applied
        else [],
        "removed_from_docs": list(report.applied.removed) if report.applied else [],
        "pending": dict(sorted(report.applied.pending.items())) if report.applied else {},
        "duplicates": list(report.applied.duplicates) if report.applied else [],
        "conflicts": list(report.applied.conflicts) if report.applied else [],
        "problems": list(report.problems),
        "write_back": [
            {"path": path, "status": o.status, "detail": o.detail, "changed_lines": list(o.changed_lines)}
            for path, o in sorted(report.written.items())
        ],
        "write_back_pull_request": (
            {
                "url": report.pull_request.pull_url,
                "opened": report.pull_request.opened,
                "commits": report.pull_request.commits,
                "rebuilt": report.pull_request.rebuilt,
                "files": list(report.pull_request.files),
            }
            if report.pull_request
            else None
        ),
        "ticket_cells_kept": [{"path": p, "number": n, "reason": r} for p, n, r in report.kept_cells],
        "status_conflicts": [
            {
                "path": c.path,
                "item": c.item_key,
                "ticket": c.ticket,
                "cell": c.cell,
                "written": c.written.value if c.written else None,
                "ticket_status": c.ticket_status.value if c.ticket_status else None,
                "pushed": c.pushed.value if c.pushed else None,
                "error": c.error,
            }
            for c in report.status_conflicts
        ],
        "diagnostics": [
            d.model_dump(mode="json") for d in sorted(report.diagnostics, key=lambda d: (d.path, d.line or 0))
        ],
        "exit_code": report.exit_code,
    }


def _echo_report(report: SyncReport, *, summary_to_stderr: bool = False) -> None:
    """Messages to stderr, then the summary line on stdout (stderr when stdout holds JSON)."""
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
    if report.pull_request is not None and report.pull_request.pull_url is not None:
        pr = report.pull_request
        what = "opened" if pr.opened else (f"updated ({plural(pr.commits, 'commit')})" if pr.commits else "unchanged")
        click.echo(f"write-back pull request {what}: {pr.pull_url}", err=True)
    for path, number, reason in report.kept_cells:
        click.echo(f"write-back kept: {path}: item {number}: {reason} (the document's reference wins)", err=True)
    for conflict in report.status_conflicts:
        click.echo(f"status conflict: {conflict.describe()}", err=True)
    click.echo(summary_line(report), err=summary_to_stderr)


def _echo_skipped(report: SyncReport) -> None:
    for path in report.skipped_documents:
        click.echo(f"info: {path}: not a post-mortem (no summary field, no action-item section); skipped", err=True)
    if report.before_since and not report.plan:
        click.echo(f"info: {plural(report.before_since, 'post-mortem')} before --since; nothing to backfill", err=True)


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
    write_back_mode: str | None = None,
) -> None:
    as_json = fmt == "json"
    with json_errors(as_json), runtime(ctx) as rt:
        if since is not None and since > rt.today:
            raise UsageError(
                f"--since {since.isoformat()} is in the future (today is {rt.today.isoformat()})",
                hint="give the date of the oldest incident to backfill, e.g. --since 2025-01-01",
            )
        documents = _paths(ctx, rt, paths)
        calendar = rt.policy.calendar
        # stdout carries exactly one JSON document with --format json: everything else goes to stderr.
        click.echo(calendar_line(calendar), err=as_json)
        options = rt.sync_options(
            dry_run=dry_run,
            write_back=write_back,
            force=force,
            since=since,
            lock_timeout=lock_timeout,
            command=command,
            # --write-back-pr beats [writeback] mode for this run; otherwise the configuration decides.
            **({"write_back_mode": write_back_mode} if write_back_mode else {}),
        )
        verbose = bool(ctx.find_root().params.get("verbose"))
        # With -v the INFO lines are the progress; a bar would be torn by them.
        show_progress = command == "backfill" and sys.stderr.isatty() and not verbose
        with (
            click.progressbar(length=len(documents), label="Reading", file=sys.stderr)
            if show_progress
            else (_NoProgress()) as bar
        ):
            report = rt.sync(documents, options, progress=bar.update)
        _echo_skipped(report)
        exit_code = exit_code_with_missing(report.exit_code, paths)
        if as_json:
            # The human-readable messages still go to stderr, for the person watching the job.
            _echo_messages_only(report, dry_run=dry_run)
            document = report_json(report, command=command, dry_run=dry_run, calendar=calendar)
            click.echo(json.dumps({**document, "exit_code": exit_code}, indent=2))
        elif dry_run:
            found = any(r.postmortem is not None for r in report.documents) or bool(report.skipped_documents)
            if report.plan is not None:
                echo_plan(report.plan, found_documents=found, paths=[str(p) for p in paths])
            echo_diagnostics(report.diagnostics)
            click.echo("dry run: nothing was changed")
        else:
            _echo_report(report)
        ctx.exit(exit_code)


def _echo_messages_only(report: SyncReport, *, dry_run: bool) -> None:
    if dry_run:
        echo_diagnostics(report.diagnostics)
    else:
        _echo_report(report, summary_to_stderr=True)


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
@click.option(
    "--write-back-pr",
    is_flag=True,
    help="Fill them in a pull request on the docs repository (GitHub) instead of on disk; see [writeback].",
)
@click.option("--force", is_flag=True, help="Apply even when the safety valve objects.")
@FORMAT
@LOCK_TIMEOUT
@click.pass_context
def sync_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    dry_run: bool,
    write_back: bool,
    write_back_pr: bool,
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
        write_back=write_back or write_back_pr,
        force=force,
        since=None,
        lock_timeout=lock_timeout,
        fmt=fmt,
        write_back_mode="pr" if write_back_pr else None,
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
@FORMAT
@LOCK_TIMEOUT
@click.pass_context
def backfill_cmd(
    ctx: click.Context,
    paths: tuple[Path, ...],
    since: dt.datetime,
    dry_run: bool,
    write_back: bool,
    force: bool,
    fmt: str,
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
        fmt=fmt,
    )


@click.command("pull")
@FORMAT
@LOCK_TIMEOUT
@click.pass_context
def pull_cmd(ctx: click.Context, fmt: str, lock_timeout: float) -> None:
    """Fetch ticket statuses changed since the last pull into the status history."""
    with json_errors(fmt == "json"), runtime(ctx) as rt, run_lock(rt.engine, timeout=lock_timeout):
        result = pull_statuses(rt.tracker, rt.store, retry=rt.retry)
        rt.check_state()
    if fmt == "json":
        click.echo(json.dumps({"tickets_seen": result.seen, "requests": result.pages, "changed": result.changed}))
        return
    click.echo(
        f"pulled {plural(result.seen, 'changed ticket')} in {plural(result.pages, 'request')}, "
        f"status changes {result.changed}"
    )


@click.command("status")
@click.argument("incident", required=False)
@click.option("--overdue", is_flag=True, help="Only overdue items.")
@FORMAT
@click.pass_context
def status_cmd(ctx: click.Context, incident: str | None, overdue: bool, fmt: str) -> None:
    """Action items with their ticket, due date, status and an overdue flag."""
    with json_errors(fmt == "json"):
        with runtime(ctx) as rt:
            rows = rt.store.status_rows(incident)
            today = rt.today
        if incident and not rows:
            raise UsageError(f"no action items are known for incident {incident!r}", hint="run `pmsync sync` first")
    records: list[dict[str, Any]] = []
    for row in rows:
        late = row.present and is_overdue(row.due, row.status, today)
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
        return
    item_width = max(len("ITEM"), *(len(r["item"]) for r in records))
    ticket_width = max(len("TICKET"), *(len(r["ticket"] or "-") for r in records))
    click.echo(
        f"{'ITEM':<{item_width}} {'TICKET':<{ticket_width}} {'PRI':<3} {'DUE':<10} {'STATUS':<12} {'FLAG':<8} "
        f"{'OWNER':<18} TEXT"
    )
    for r in records:
        flag = "OVERDUE" if r["overdue"] else ("removed" if not r["in_document"] else "")
        flag = "pending" if r["pending"] else flag
        text = r["text"] if len(r["text"]) <= 60 else r["text"][:59] + "…"
        click.echo(
            f"{r['item']:<{item_width}} {r['ticket'] or '-':<{ticket_width}} {r['priority'] or '-':<3} "
            f"{r['due'] or '-':<10} "
            f"{r['status'] or '-':<12} {flag:<8} {r['owner'] or '-':<18} {text}"
        )
    total = len(records)
    done = sum(1 for r in records if r["status"] in ("done", "wont_do"))
    late_count = sum(1 for r in records if r["overdue"])
    click.echo(f"{plural(total, 'item')}, {done} closed, {late_count} overdue")


commands = [plan_cmd, sync_cmd, backfill_cmd, pull_cmd, status_cmd]
