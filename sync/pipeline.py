"""One sync run end to end: read documents → plan → (safety valve) → apply → pull → write back.

This is what ``pmsync sync``, ``pmsync backfill`` and the scheduled service call. It takes every
collaborator as an argument (tracker, store, policy, clock), so tests drive it directly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sync.apply import ApplyResult, apply_plan, resolve_pending_intents
from sync.core.model import Diagnostic, DiagnosticSeverity, ParseResult, PostMortem, Status
from sync.core.parse import ParseOptions
from sync.core.plan import Plan, PlanInput, PlanPolicy, UpsertIncident, incident_key_for, plan, safety_problems
from sync.core.tickets import Capabilities, TicketRef
from sync.core.writeback import ItemWriteback, status_label
from sync.documents import ResultCache, excluder, is_postmortem, load_documents
from sync.errors import PmsyncError, SafetyAbort
from sync.pull import PullResult, pull
from sync.retry import RetryPolicy
from sync.store.lock import holder_alive, holder_lease, run_lock
from sync.store.parse_cache import ParseCache
from sync.store.repository import SqlStateStore, StatusRow
from sync.store.written_statuses import WrittenStatusStore
from sync.trackers.base import Tracker
from sync.writeback.files import WritebackOutcome, write_back
from sync.writeback.pull_request import PublishResult, PullRequestWriter

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
    exclude: tuple[str, ...] = ()
    doc_status: Literal["report", "push"] = "report"
    write_back_mode: Literal["files", "pr"] = "files"
    source_roots: tuple[Path, ...] | None = None  # write-back writes only inside these (sync.documents.source_roots)


@dataclass(frozen=True)
class StatusConflict:
    """A document's Status cell a person changed since pmsync wrote it (issue 18.4).

    ``cell`` is what the document says now, ``written`` what pmsync last wrote, ``ticket_status`` what
    the tracker says; ``pushed`` when ``[sync] doc_status = "push"`` moved the ticket to ``cell``'s
    status, ``error`` when that failed or the cell names no status."""

    path: str
    item_key: str
    ticket: str
    cell: str
    written: Status | None  # None: pmsync never wrote it (the author's own Done, issue 23.2)
    ticket_status: Status | None
    pushed: Status | None = None
    error: str | None = None

    def describe(self) -> str:
        said = f"'{self.cell}'" if self.cell else "an empty cell"
        wrote = f"pmsync wrote '{status_label(self.written)}'" if self.written else "the ticket cannot follow yet"
        base = f"{self.path}: {self.item_key} ({self.ticket}): the Status cell says {said} but {wrote}"
        if self.pushed is not None:
            return f"{base}; {self.ticket} moved to {self.pushed.value} ([sync] doc_status = push)"
        if self.error is not None:
            return f"{base}; not pushed: {self.error}"
        now = self.ticket_status.value if self.ticket_status else "unknown"
        return f"{base}; left as the person wrote it (the ticket is {now})"


@dataclass
class WritebackRun:
    """Every document's write-back outcome and the status conflicts found on the way."""

    outcomes: dict[str, WritebackOutcome] = field(default_factory=dict)
    conflicts: list[StatusConflict] = field(default_factory=list)
    pull_request: PublishResult | None = None


@dataclass
class SyncReport:
    documents: list[ParseResult] = field(default_factory=list)
    plan: Plan | None = None
    applied: ApplyResult | None = None
    pulled: PullResult | None = None
    written: dict[str, WritebackOutcome] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped_documents: list[str] = field(default_factory=list)
    status_conflicts: list[StatusConflict] = field(default_factory=list)
    before_since: int = 0
    pull_request: PublishResult | None = None

    @property
    def kept_cells(self) -> list[tuple[str, int, str]]:
        """Ticket cells write-back left alone because they name another ticket: (path, item number, why)."""
        return [
            (path, number, reason)
            for path, outcome in sorted(self.written.items())
            for number, reason in outcome.skipped
        ]

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


@dataclass
class ReadDocuments:
    """What reading the documents gave: every parse result, the plan inputs, their diagnostics, the
    files skipped as not post-mortems, and how many post-mortems ``since`` left out."""

    results: list[ParseResult] = field(default_factory=list)
    inputs: list[PlanInput] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    before_since: int = 0


def read_documents(
    paths: Sequence[Path],
    options: ParseOptions,
    *,
    since: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    exclude: Sequence[str] = (),
    cache: ResultCache | None = None,
) -> ReadDocuments:
    """Parse every document; only documents without error diagnostics are planned, so a broken
    document never marks its already-synced items as removed. A file without the shape of a
    post-mortem is skipped whole (its parser complaints would only be noise)."""
    read = ReadDocuments()
    for result in load_documents(paths, options, exclude=excluder(exclude) if exclude else None, cache=cache):
        if progress is not None:
            progress(1)
        if result.postmortem is not None and not is_postmortem(result.postmortem):
            read.skipped.append(result.path)
            log.info("%s: not a post-mortem (no summary field, no action-item section); skipped", result.path)
            continue
        read.results.append(result)
        read.diagnostics.extend(result.diagnostics)
        if not result.ok or result.postmortem is None:
            continue
        if since is not None and not _dated_since(result.postmortem, since):
            read.before_since += 1
            continue
        read.inputs.append(PlanInput(planned_items(result.postmortem, options)))
    return read


def planned_items(pm: PostMortem, options: ParseOptions) -> PostMortem:
    """The post-mortem as planned: low-confidence items (reported by the parser as PM051) stay out
    unless ``[parse] uncertain = "ticket"``. They are numbered after every other item, so leaving them
    out renumbers nothing."""
    if options.uncertain == "ticket" or all(item.confidence == "high" for item in pm.action_items):
        return pm
    return pm.model_copy(update={"action_items": tuple(i for i in pm.action_items if i.confidence == "high")})


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
    pull_request: PullRequestWriter | None = None,
) -> SyncReport:
    """``pull_request``: with ``options.write_back``, propose the cells in a pull request instead of
    editing the files (``[writeback] mode = "pr"``)."""
    report = SyncReport()
    read = read_documents(
        paths,
        parse_options,
        since=options.since,
        progress=progress,
        exclude=options.exclude,
        cache=ParseCache(store.engine),
    )
    inputs = read.inputs
    report.documents = read.results
    report.diagnostics.extend(read.diagnostics)
    report.skipped_documents = read.skipped
    report.before_since = read.before_since
    if options.since is not None and read.before_since and not inputs:
        # Every post-mortem is older than --since: nothing to backfill, which is not a wrong path.
        return report

    caps = tracker.capabilities
    if options.dry_run:
        report.plan = _plan(inputs, store, policy, today, options, report, caps)
        return report

    holder = uuid.uuid4().hex
    alive = functools.partial(holder_alive, store.engine)
    with run_lock(store.engine, timeout=options.lock_timeout) as lock, holder_lease(store.engine, holder):
        # One clock for the run: the store stamps intents with it and apply measures the lag bound on it.
        settled = resolve_pending_intents(tracker, store, retry=retry, holder=holder, is_alive=alive, clock=store.clock)
        # Plan inside the lock: a concurrent run's creates must be visible to this plan.
        current = _plan(inputs, store, policy, today, options, report, caps)
        report.plan = current
        run_id = store.start_run(options.command)
        errors: list[str] = []
        try:
            report.applied = apply_plan(
                current,
                tracker,
                store,
                retry=retry,
                run_id=run_id,
                holder=holder,
                fence=lock.check,
                is_alive=alive,
                clock=store.clock,
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
            if options.write_back and not report.applied.stopped:
                # A stopped run (lock lost, budget spent) writes nothing more; the next run writes back.
                # Only documents this run planned: a skipped duplicate must not get another's tickets.
                planned = {action.postmortem.path for action in current.of_type(UpsertIncident)}
                written = write_back_documents(
                    store,
                    (i.postmortem for i in inputs if i.postmortem.path in planned),
                    tracker=tracker,
                    retry=retry,
                    doc_status=options.doc_status,
                    pull_request=pull_request,
                    fence=lock.check,
                    roots=options.source_roots,
                )
                report.written = written.outcomes
                report.pull_request = written.pull_request
                report.status_conflicts = written.conflicts
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


def write_back_documents(
    store: SqlStateStore,
    postmortems: Iterable[PostMortem],
    *,
    tracker: Tracker | None = None,
    retry: RetryPolicy | None = None,
    doc_status: Literal["report", "push"] = "report",
    pull_request: PullRequestWriter | None = None,
    fence: Callable[[], None] = lambda: None,
    roots: Sequence[Path] | None = None,
) -> WritebackRun:
    """Fill Ticket and Status cells of each document from the state (and pulled statuses).

    A Status cell that no longer says what pmsync last wrote there was edited by a person: it is
    left alone and reported, or with ``doc_status="push"`` (and a ``tracker``) the ticket is moved
    to the status the cell names, so the tracker records the change.

    With ``pull_request`` the documents on disk are left alone: the new contents are committed to a
    branch of the docs repository with one pull request (:mod:`sync.writeback.pull_request`). What the cells
    show is then not recorded as written, since nobody has merged it yet; a failed publish marks every
    proposed document failed."""
    run = WritebackRun()
    written = WrittenStatusStore(store.engine, store.tracker)
    for pm in postmortems:
        rows = {row.number: row for row in store.status_rows(incident_key_for(pm)) if row.present}
        last = written.last_written(row.ticket.key for row in rows.values() if row.ticket is not None)
        updates = cell_updates(pm, rows, last)
        if not updates:
            continue
        if pull_request is not None:
            outcome = pull_request.propose(Path(pm.path), pm.content_sha256, updates)
        else:
            outcome = write_back(Path(pm.path), pm.content_sha256, updates, roots=roots)
        run.outcomes[pm.path] = outcome
        if outcome.status == "skipped-modified":
            log.warning("%s changed since it was read; not written back", pm.path)
        if outcome.status not in ("written", "unchanged"):
            continue
        shown = shown_statuses(rows, outcome)
        edited = edited_cells(pm, rows, last, outcome)
        if doc_status == "push" and tracker is not None:
            edited = [_push_status(cell, tracker, retry or RetryPolicy(), fence, shown) for cell in edited]
        for cell in edited:
            run.conflicts.append(cell.conflict)
            log.warning("%s", cell.conflict.describe())
        if pull_request is None:
            written.record(shown)
    if pull_request is not None:
        _publish(pull_request, run, fence)
    return run


def cell_updates(pm: PostMortem, rows: Mapping[int, StatusRow], last: Mapping[str, Status]) -> list[ItemWriteback]:
    """The Ticket and Status cells each item with a ticket should show (pure): the ticket as a
    link when it has a web address, and its status (else the document's, else open)."""
    updates: list[ItemWriteback] = []
    for item in pm.action_items:
        row = rows.get(item.number)
        if row is None or row.ticket is None:
            continue
        web = row.ticket.url if row.ticket.url and row.ticket.url.startswith(("http://", "https://")) else None
        previous = last.get(row.ticket.key)
        updates.append(
            ItemWriteback(
                number=item.number,
                line=item.line,
                ticket_markdown=f"[{row.ticket.key}]({web})" if web else row.ticket.key,
                status_label=status_label(row.status or item.status or Status.OPEN),
                last_status_label=status_label(previous) if previous is not None else None,
            )
        )
    return updates


def shown_statuses(rows: Mapping[int, StatusRow], outcome: WritebackOutcome) -> dict[str, Status]:
    """Ticket key → the status its Status cell now shows (what the next run compares against)."""
    shown: dict[str, Status] = {}
    for number in outcome.status_shown:
        row = rows[number]
        assert row.ticket is not None  # only items with a ticket get an update
        shown[row.ticket.key] = row.status or Status.OPEN
    return shown


@dataclass(frozen=True)
class EditedCell:
    """A Status cell a person changed: the conflict to report, the status the cell names (``None``
    when pmsync knows no such status) and the ticket it concerns."""

    conflict: StatusConflict
    wanted: Status | None
    ref: TicketRef


def edited_cells(
    pm: PostMortem, rows: Mapping[int, StatusRow], last: Mapping[str, Status], outcome: WritebackOutcome
) -> list[EditedCell]:
    """The Status cells that no longer say what pmsync last wrote there (pure)."""
    items = {item.number: item for item in pm.action_items}
    cells: list[EditedCell] = []
    for number, cell in outcome.status_edited:
        row = rows[number]
        assert row.ticket is not None  # only items with a ticket get an update
        conflict = StatusConflict(
            path=pm.path,
            item_key=row.item_key,
            ticket=row.ticket.key,
            cell=cell,
            written=last.get(row.ticket.key),
            ticket_status=row.status,
        )
        cells.append(EditedCell(conflict, items[number].status, row.ticket))
    return cells


def _publish(pull_request: PullRequestWriter, run: WritebackRun, fence: Callable[[], None]) -> None:
    try:
        fence()  # GitHub writes, like apply's: only while this run still holds the lock
        run.pull_request = pull_request.publish()
    except PmsyncError as exc:
        for path, outcome in run.outcomes.items():
            if outcome.status == "written":
                run.outcomes[path] = dataclasses.replace(
                    outcome, status="failed", detail=f"pull request not updated: {exc.message}"
                )
        log.error("Write-back pull request failed: %s", exc.message)
        return
    if run.pull_request.pull_url is not None:
        log.info("Write-back pull request: %s", run.pull_request.pull_url)


def _push_status(
    cell: EditedCell, tracker: Tracker, retry: RetryPolicy, fence: Callable[[], None], shown: dict[str, Status]
) -> EditedCell:
    """Move the ticket to the status a person wrote into the document (``[sync] doc_status = "push"``);
    once it is there, the cell and the ticket agree again (``shown``)."""
    wanted = cell.wanted
    if wanted is None:
        error = f"'{cell.conflict.cell}' names no status pmsync knows"
        return dataclasses.replace(cell, conflict=dataclasses.replace(cell.conflict, error=error))

    def fenced() -> None:
        # A remote write like apply's: fenced by the run lock (another run may hold it now).
        fence()
        tracker.transition(cell.ref, wanted)

    try:
        retry.retrying()(fenced)
    except PmsyncError as exc:
        return dataclasses.replace(cell, conflict=dataclasses.replace(cell.conflict, error=exc.message))
    log.info("Moved %s to %s as %s says", cell.ref.key, wanted.value, cell.conflict.path)
    shown[cell.ref.key] = wanted
    return dataclasses.replace(cell, conflict=dataclasses.replace(cell.conflict, pushed=wanted))
