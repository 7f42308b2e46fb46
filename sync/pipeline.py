"""One sync run end to end: read documents → plan → (safety valve) → apply → pull → write back.

This is what ``pmsync sync``, ``pmsync backfill`` and the scheduled service call. It takes every
collaborator as an argument (tracker, store, policy, clock), so tests drive it directly.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sync.apply import ApplyResult, apply_plan, resolve_pending_intents
from sync.core.model import Diagnostic, DiagnosticSeverity, ParseResult, PostMortem, Status
from sync.core.parse import ParseOptions
from sync.core.plan import Plan, PlanInput, PlanPolicy, UpsertIncident, incident_key_for, plan, safety_problems
from sync.core.tickets import Capabilities
from sync.core.writeback import ItemWriteback, status_label
from sync.documents import load_documents
from sync.errors import PmsyncError, SafetyAbort
from sync.pull import PullResult, pull
from sync.retry import RetryPolicy
from sync.store.lock import holder_alive, holder_lease, run_lock
from sync.store.repository import SqlStateStore
from sync.trackers.base import Tracker
from sync.writeback import WritebackOutcome, write_back

log = logging.getLogger(__name__)

# Unknown owner, a ticket reference taken by another item, unmapped priority or status, and an
# unreadable deadline: the item is synced, but not as the document intended.
INPUT_PROBLEM_CODES = frozenset({"PLAN003", "PLAN004", "PM030", "PM031", "PM033"})


@dataclass(frozen=True)
class SyncOptions:
    dry_run: bool = False
    write_back: bool = False
    force: bool = False
    max_creates: int = 50
    adopt: bool = True
    since: dt.date | None = None
    pull: bool = True
    lock_timeout: float = 600.0
    command: str = "sync"


@dataclass
class SyncReport:
    documents: list[ParseResult] = field(default_factory=list)
    plan: Plan | None = None
    applied: ApplyResult | None = None
    pulled: PullResult | None = None
    written: dict[str, WritebackOutcome] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity is DiagnosticSeverity.ERROR]

    @property
    def failed(self) -> int:
        failures = len(self.applied.failures) if self.applied else 0
        bad_writes = sum(1 for outcome in self.written.values() if outcome.status == "failed")
        return failures + bad_writes + len(self.errors) + len(self.problems)

    @property
    def input_problems(self) -> list[Diagnostic]:
        """Warnings about items synced with less than the document said (unknown owner or
        priority, unreadable deadline…): the run succeeded, but a human has to look."""
        return [d for d in self.diagnostics if d.code in INPUT_PROBLEM_CODES]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.input_problems else 0


def _dated_since(pm: PostMortem, since: dt.date) -> bool:
    moment = pm.reference_date
    return moment is None or moment >= since


def read_documents(
    paths: Sequence[Path],
    options: ParseOptions,
    *,
    since: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[ParseResult], list[PlanInput], list[Diagnostic]]:
    """Parse every document; only documents without error diagnostics are planned, so a broken
    document never marks its already-synced items as removed."""
    results: list[ParseResult] = []
    inputs: list[PlanInput] = []
    diagnostics: list[Diagnostic] = []
    for result in load_documents(paths, options):
        results.append(result)
        diagnostics.extend(result.diagnostics)
        if progress is not None:
            progress(1)
        if not result.ok or result.postmortem is None:
            continue
        if since is not None and not _dated_since(result.postmortem, since):
            continue
        inputs.append(PlanInput(result.postmortem))
    return results, inputs, diagnostics


def run_sync(
    paths: Sequence[Path],
    *,
    tracker: Tracker,
    store: SqlStateStore,
    policy: PlanPolicy,
    parse_options: ParseOptions,
    today: dt.date,
    options: SyncOptions,
    retry: RetryPolicy,
    progress: Callable[[int], None] | None = None,
) -> SyncReport:
    report = SyncReport()
    results, inputs, diagnostics = read_documents(paths, parse_options, since=options.since, progress=progress)
    report.documents = results
    report.diagnostics.extend(diagnostics)

    caps = tracker.capabilities
    if options.dry_run:
        report.plan = _plan(inputs, store, policy, today, options, report, caps)
        return report

    holder = uuid.uuid4().hex
    alive = functools.partial(holder_alive, store.engine)
    with run_lock(store.engine, timeout=options.lock_timeout) as lock, holder_lease(store.engine, holder):
        settled = resolve_pending_intents(tracker, store, retry=retry, holder=holder, is_alive=alive)
        # Plan inside the lock: a concurrent run's creates must be visible to this plan.
        current = _plan(inputs, store, policy, today, options, report, caps)
        report.plan = current
        run_id = store.start_run(options.command)
        errors: list[str] = []
        try:
            report.applied = apply_plan(
                current, tracker, store, retry=retry, run_id=run_id, holder=holder, fence=lock.check, is_alive=alive
            )
            report.applied.recovered[:0] = settled.recovered
            report.applied.duplicates[:0] = settled.duplicates
            report.applied.pending.update(settled.pending)  # the settling run knows why
            errors.extend(f"{key}: {message}" for key, message in report.applied.failures.items())
            if report.applied.stopped:
                report.problems.append(f"run stopped: {report.applied.stopped}")
                errors.append(f"stopped: {report.applied.stopped}")
            elif options.pull:
                try:
                    report.pulled = pull(tracker, store, retry=retry)
                except PmsyncError as exc:
                    # The creates above are recorded; a failed pull must not hide their summary.
                    report.problems.append(f"pull failed: {exc.message}")
                    errors.append(f"pull: {exc.message}")
            if options.write_back:
                # Only documents this run planned: a skipped duplicate must not get another's tickets.
                planned = {action.postmortem.path for action in current.of_type(UpsertIncident)}
                report.written = write_back_documents(
                    store, (i.postmortem for i in inputs if i.postmortem.path in planned)
                )
                errors.extend(
                    f"{path}: {outcome.detail}"
                    for path, outcome in report.written.items()
                    if outcome.status == "failed"
                )
        finally:
            applied = report.applied
            store.finish_run(
                run_id,
                created=len(applied.created) if applied else 0,
                updated=len(applied.updated) if applied else 0,
                unchanged=len(current.unchanged),
                errors=errors,
            )
    return report


def _plan(
    inputs: list[PlanInput],
    store: SqlStateStore,
    policy: PlanPolicy,
    today: dt.date,
    options: SyncOptions,
    report: SyncReport,
    capabilities: Capabilities,
) -> Plan:
    snapshot = store.snapshot()
    result = plan(inputs, snapshot, policy, today, adopt=options.adopt, capabilities=capabilities)
    report.diagnostics.extend(result.diagnostics)
    problems = safety_problems(result, snapshot, documents=len(inputs), max_creates=options.max_creates)
    if problems and not options.force and not options.dry_run:
        raise SafetyAbort(
            "refusing to sync: " + "; ".join(problems),
            hint="check the paths with `pmsync plan`, then rerun with --force if this is intended",
        )
    return result


def write_back_documents(store: SqlStateStore, postmortems: Iterable[PostMortem]) -> dict[str, WritebackOutcome]:
    """Fill Ticket and Status cells of each document from the state (and pulled statuses)."""
    outcomes: dict[str, WritebackOutcome] = {}
    for pm in postmortems:
        rows = {row.number: row for row in store.status_rows(incident_key_for(pm)) if row.present}
        updates: list[ItemWriteback] = []
        for item in pm.action_items:
            row = rows.get(item.number)
            if row is None or row.ticket is None:
                continue
            web = row.ticket.url if row.ticket.url and row.ticket.url.startswith(("http://", "https://")) else None
            ticket = f"[{row.ticket.key}]({web})" if web else row.ticket.key
            status = row.status or item.status or Status.OPEN
            updates.append(
                ItemWriteback(
                    number=item.number, line=item.line, ticket_markdown=ticket, status_label=status_label(status)
                )
            )
        if not updates:
            continue
        outcome = write_back(Path(pm.path), pm.content_sha256, updates)
        outcomes[pm.path] = outcome
        if outcome.status == "skipped-modified":
            log.warning("%s changed since it was read; not written back", pm.path)
    return outcomes
