"""The service's own state: which job slot ran (``service_job_runs``) and which webhook deliveries
were seen (``webhook_deliveries``, ``webhook_marks``).

Both rely on primary keys rather than on locks, so they hold across replicas and restarts: a slot
is claimed by inserting its row (a second insert fails), a delivery is recorded once, and the
newest tracker ``updated`` time per ticket only ever moves forward (a conditional ``UPDATE``).

A slot is run under its holder's lease (:func:`sync.store.lock.holder_lease`, the same lease a
sync run's intents use): when the holder dies part-way, its lease goes with it and the slot, left
``running``, is *interrupted*; so is one marked ``stopped`` (SIGTERM, or leadership lost). The
next leader takes an interrupted slot over (a conditional ``UPDATE`` on the holder and outcome it
saw, so one replica wins) and runs it at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from sync.store import tables as t
from sync.store.lock import holder_alive, holder_lease

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; everything pmsync stores is UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class JobRun:
    job: str
    slot: str
    holder: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    outcome: str
    error: str | None


class SlotLedger:
    """Job slots claimed and finished, shared by every replica on one database."""

    def __init__(self, engine: Engine, holder: str, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.holder = holder
        self.clock = clock

    def claim(self, job: str, slot: str) -> bool:
        """Claim ``slot`` of ``job``; ``False`` when it already ran (or runs) somewhere."""
        where = and_(t.service_job_runs.c.job == job, t.service_job_runs.c.slot == slot)
        with self.engine.connect() as conn:
            # Look first: calendar jobs ask every minute, and a failed insert is an error line in
            # the PostgreSQL server log each time. The insert below stays the arbiter.
            if conn.execute(select(t.service_job_runs.c.holder).where(where)).first() is not None:
                return False
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(t.service_job_runs).values(
                        job=job, slot=slot, holder=self.holder, started_at=self.clock(), outcome="running"
                    )
                )
        except IntegrityError:
            return False
        return True

    @contextlib.contextmanager
    def lease(self) -> Iterator[None]:
        """Hold this holder's liveness lease while its slots run: a slot whose holder has no
        lease is interrupted (see :meth:`interrupted`)."""
        with holder_lease(self.engine, self.holder):
            yield

    def interrupted(self, job: str) -> JobRun | None:
        """The newest slot of ``job`` when it was interrupted: ``stopped``, or ``running`` while
        its holder's lease is gone (the process died part-way). ``None`` otherwise — in
        particular when a later slot ran since, which did the interrupted one's work."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.service_job_runs)
                .where(t.service_job_runs.c.job == job)
                .order_by(t.service_job_runs.c.started_at.desc())
                .limit(1)
            ).first()
        if row is None or row.outcome not in ("running", "stopped"):
            return None
        if row.outcome == "running" and (row.holder == self.holder or holder_alive(self.engine, row.holder)):
            return None
        return _job_run(row)

    def take_over(self, run: JobRun) -> bool:
        """Claim an interrupted slot for this holder; ``False`` when another replica was first."""
        with self.engine.begin() as conn:
            moved = conn.execute(
                update(t.service_job_runs)
                .where(
                    and_(
                        t.service_job_runs.c.job == run.job,
                        t.service_job_runs.c.slot == run.slot,
                        t.service_job_runs.c.holder == run.holder,
                        t.service_job_runs.c.outcome == run.outcome,
                    )
                )
                .values(holder=self.holder, started_at=self.clock(), finished_at=None, outcome="running", error=None)
            ).rowcount
        return bool(moved)

    def abandon_orphans(self) -> list[JobRun]:
        """Mark ``abandoned`` every slot left ``running`` by a dead holder that a later slot of its
        job has superseded (an older version left such rows for ever); returns them."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.service_job_runs).where(t.service_job_runs.c.outcome == "running")).all()
            newest = dict(
                conn.execute(
                    select(t.service_job_runs.c.job, func.max(t.service_job_runs.c.started_at)).group_by(
                        t.service_job_runs.c.job
                    )
                ).all()
            )
        abandoned = []
        for row in rows:
            if row.started_at == newest.get(row.job) or row.holder == self.holder:
                continue
            if holder_alive(self.engine, row.holder):
                continue
            with self.engine.begin() as conn:
                conn.execute(
                    update(t.service_job_runs)
                    .where(
                        and_(
                            t.service_job_runs.c.job == row.job,
                            t.service_job_runs.c.slot == row.slot,
                            t.service_job_runs.c.outcome == "running",
                            t.service_job_runs.c.holder == row.holder,
                        )
                    )
                    .values(outcome="abandoned", finished_at=self.clock(), error="its holder died; a later slot ran")
                )
            abandoned.append(_job_run(row))
        return abandoned

    def finish(self, job: str, slot: str, outcome: str, error: str | None = None) -> None:
        """Record the end of a slot this holder runs (not one another replica has taken over since)."""
        with self.engine.begin() as conn:
            conn.execute(
                update(t.service_job_runs)
                .where(
                    and_(
                        t.service_job_runs.c.job == job,
                        t.service_job_runs.c.slot == slot,
                        t.service_job_runs.c.holder == self.holder,
                    )
                )
                .values(finished_at=self.clock(), outcome=outcome, error=error)
            )

    def last_success(self, job: str) -> dt.datetime | None:
        """When ``job`` last finished successfully, on any replica."""
        with self.engine.connect() as conn:
            value = conn.execute(
                select(func.max(t.service_job_runs.c.finished_at)).where(
                    and_(t.service_job_runs.c.job == job, t.service_job_runs.c.outcome == "ok")
                )
            ).scalar_one_or_none()
        return _aware(value)

    def runs(self, job: str | None = None) -> list[JobRun]:
        query = select(t.service_job_runs)
        if job is not None:
            query = query.where(t.service_job_runs.c.job == job)
        with self.engine.connect() as conn:
            rows = conn.execute(query.order_by(t.service_job_runs.c.started_at)).all()
        return [_job_run(row) for row in rows]


def _job_run(row: Any) -> JobRun:
    return JobRun(
        job=row.job,
        slot=row.slot,
        holder=row.holder,
        started_at=_aware(row.started_at),  # type: ignore[arg-type]
        finished_at=_aware(row.finished_at),
        outcome=row.outcome,
        error=row.error,
    )


def database_problem(engine: Engine) -> str | None:
    """``None`` when a trivial query succeeds, else a one-line reason (the service's probe; the
    service logs changes of state, not every failed probe)."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver or network error means "down"
        log.debug("state database probe failed", exc_info=True)
        return type(exc).__name__
    return None


class DeliveryLedger:
    """Webhook deliveries seen, and the newest tracker ``updated`` time applied per ticket."""

    def __init__(self, engine: Engine, *, clock: Clock = utc_now) -> None:
        self.engine = engine
        self.clock = clock

    def record_delivery(self, source: str, delivery_id: str, ticket_key: str | None, outcome: str) -> bool:
        """Record a delivery; ``False`` when the same delivery was recorded before (a redelivery)."""
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(t.webhook_deliveries).values(
                        source=source,
                        delivery_id=delivery_id[:200],
                        ticket_key=ticket_key,
                        received_at=self.clock(),
                        outcome=outcome,
                    )
                )
        except IntegrityError:
            return False
        return True

    def outcome(self, source: str, delivery_id: str) -> str | None:
        """The recorded outcome of a delivery (``received`` while it is being applied), or ``None``."""
        with self.engine.connect() as conn:
            value = conn.execute(
                select(t.webhook_deliveries.c.outcome).where(
                    and_(
                        t.webhook_deliveries.c.source == source,
                        t.webhook_deliveries.c.delivery_id == delivery_id[:200],
                    )
                )
            ).scalar_one_or_none()
        return value

    def set_outcome(self, source: str, delivery_id: str, outcome: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(t.webhook_deliveries)
                .where(
                    and_(
                        t.webhook_deliveries.c.source == source,
                        t.webhook_deliveries.c.delivery_id == delivery_id[:200],
                    )
                )
                .values(outcome=outcome)
            )

    def deliveries(self) -> list[tuple[str, str, str | None, str]]:
        """``(source, delivery_id, ticket_key, outcome)`` of every recorded delivery."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.webhook_deliveries).order_by(t.webhook_deliveries.c.received_at)).all()
        return [(row.source, row.delivery_id, row.ticket_key, row.outcome) for row in rows]

    def advance(
        self,
        tracker: str,
        ticket_key: str,
        updated_at: dt.datetime,
        *,
        not_before: dt.datetime | None,
        resumed: bool = False,
    ) -> bool:
        """Move the ticket's mark to ``updated_at`` if that is newer than the mark and than
        ``not_before`` (the newest change the status history already knows); ``False`` when the
        event is older than what is known, so it must not be applied. ``resumed``: the same
        delivery was being applied when the database went away, so its own time (already the
        mark, perhaps already in the history) is not "older"."""
        if not_before is not None and (updated_at < not_before if resumed else updated_at <= not_before):
            return False
        where = and_(t.webhook_marks.c.tracker == tracker, t.webhook_marks.c.ticket_key == ticket_key)
        newer = t.webhook_marks.c.updated_at <= updated_at if resumed else t.webhook_marks.c.updated_at < updated_at
        for _attempt in range(2):
            with self.engine.begin() as conn:
                # Atomic compare-and-set: two replicas racing on one ticket cannot both move it.
                moved = conn.execute(
                    update(t.webhook_marks).where(and_(where, newer)).values(updated_at=updated_at)
                ).rowcount
                if moved:
                    return True
                if conn.execute(select(t.webhook_marks.c.updated_at).where(where)).first() is not None:
                    return False
            try:
                with self.engine.begin() as conn:
                    conn.execute(
                        insert(t.webhook_marks).values(tracker=tracker, ticket_key=ticket_key, updated_at=updated_at)
                    )
                return True
            except IntegrityError:
                continue  # another replica inserted the mark first: compare against it
        return False

    def find_ticket(self, tracker: str, keys: tuple[str, ...], tracker_id: str | None) -> tuple[str, str, str] | None:
        """``(ticket_key, owner_key, kind)`` of the ticket a delivery names: by the tracker's
        immutable id when the state keeps ids (a Jira issue moved to another project changes its
        key, not its id), else by the first candidate key that matches."""
        columns = t.tickets.c
        ids = columns.get("ticket_id")  # present once the state stores tracker ids
        with self.engine.connect() as conn:
            if ids is not None and tracker_id is not None:
                row = conn.execute(
                    select(columns.ticket_key, columns.owner_key, columns.kind).where(
                        and_(columns.tracker == tracker, ids == tracker_id)
                    )
                ).first()
                if row is not None:
                    return row.ticket_key, row.owner_key, row.kind
            for key in keys:
                row = conn.execute(
                    select(columns.ticket_key, columns.owner_key, columns.kind).where(
                        and_(columns.tracker == tracker, columns.ticket_key == key)
                    )
                ).first()
                if row is not None:
                    return row.ticket_key, row.owner_key, row.kind
        return None

    def newest_change(self, tracker: str, ticket_key: str) -> dt.datetime | None:
        """The newest tracker-side change time the status history holds for a ticket."""
        with self.engine.connect() as conn:
            value = conn.execute(
                select(func.max(t.status_history.c.changed_at)).where(
                    and_(t.status_history.c.tracker == tracker, t.status_history.c.ticket_key == ticket_key)
                )
            ).scalar_one_or_none()
        return _aware(value)
