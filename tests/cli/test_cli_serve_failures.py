"""Issue 29's acceptance, with ``pmsync serve`` processes on PostgreSQL and the embedded local
tracker:

- SIGKILL the leader in the middle of a sync: the follower takes the interrupted slot over and
  runs it again within one lease (not at the next slot, an hour away), and every item ends with
  exactly one ticket;
- terminate only the leader-lock session (``pg_terminate_backend``): the old leader makes no
  tracker write after it lost the lock, and ``pmsync_leader`` is never 1 on both replicas;
- stop PostgreSQL (a private cluster, never the shared test server) for ~10 s while deliveries
  arrive at both replicas: every one is answered 202, and applied once when the server returns.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from sync.service.leader import PgLeadership
from sync.store import tables as t
from sync.store.engine import make_engine
from sync.store.migrations import migrate
from sync.store.service_store import DeliveryLedger, JobRun, SlotLedger
from tests.cli.test_cli_serve import Server
from tests.integration.service_harness import GITHUB_SECRET, request, signed, wait_for
from tests.private_postgres import PrivatePostgres, private_postgres  # noqa: F401 (the fixture)
from tests.unit.test_webhooks import github_issue

LEASE = 2.0
DOCS, ITEMS = 40, 8  # 320 items and 40 parents: a sync long enough to be killed in the middle
TOTAL = DOCS * (ITEMS + 1)

DOC_HEAD = """\
---
incident_id: INC-2026-{n:04d}
team: payments
---
# Post-mortem: incident {n}

## 1. Incident Summary
- **Incident ID:** INC-2026-{n:04d}
- **Date/Time:** 2026-03-04 14:02 UTC → 2026-03-04 16:47 UTC (Duration: 2h 45m)
- **Severity:** SEV-2
- **Review Date:** 2026-03-05

## 6. Action Items
| # | Action | Owner | Deadline | Priority | Status |
|---|---|---|---|---|---|
"""


def write_project(tmp_path: Path, state_url: str) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(1, DOCS + 1):
        rows = "".join(f"| {i} | Fix number {i} of incident {n} | @dana | | P2 | Open |\n" for i in range(1, ITEMS + 1))
        (docs / f"inc-{n:04d}.md").write_text(DOC_HEAD.format(n=n) + rows, encoding="utf-8")
    config = tmp_path / "pmsync.toml"
    config.write_text(
        f'[sources]\npaths = ["docs/*.md"]\n\n[state]\nurl = "{state_url}"\n\n[tracker]\nkind = "local"\n\n'
        "[safety]\nmax_creates = 100000\n\n"
        # An hour between syncs: a sync that runs again soon after a kill was taken over, not rescheduled.
        '[schedule]\nsync_every = "1h"\npull_every = "1h"\njitter = "0s"\n'
        "weekly_report = false\nquarterly_review = false\noverdue_nudges = false\n\n"
        f'[service]\nlisten = "127.0.0.1:0"\nlease_seconds = {LEASE}\nstop_timeout_seconds = 20\n',
        encoding="utf-8",
    )
    return config


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.close()


def start(servers: list[Server], config: Path, tmp_path: Path, n: int, **env: str) -> Server:
    server = Server(config, "--spool-dir", str(tmp_path / f"spool-{n}"), **env)
    servers.append(server)
    return server


def sync_runs(engine: Engine) -> list[JobRun]:
    return SlotLedger(engine, "test").runs("sync")


def local_tickets(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.local_tickets)).scalar_one())


def pid_of(run: JobRun) -> int:
    return int(run.holder.split(":")[1])


def leader_gauge(server: Server) -> float:
    status, body = request(server.base + "/metrics")
    assert status == 200
    match = re.search(r"^pmsync_leader (\S+)$", body.decode(), re.M)
    assert match is not None
    return float(match.group(1))


def tracker_calls(server: Server) -> float:
    """Tracker calls the replica started, by its own count."""
    _status, body = request(server.base + "/metrics")
    return sum(
        float(value) for value in re.findall(r"^pmsync_tracker_requests_total\{[^}]*\} (\S+)$", body.decode(), re.M)
    )


@pytest.mark.slow
@pytest.mark.postgres
def test_a_leader_killed_mid_sync_is_taken_over_within_one_lease_without_duplicates(
    tmp_path: Path, servers: list[Server], pg_url: str
) -> None:
    config = write_project(tmp_path, pg_url)
    engine = make_engine(pg_url)
    migrate(engine)
    try:
        a, b = start(servers, config, tmp_path, 1), start(servers, config, tmp_path, 2)
        by_pid = {a.process.pid: a, b.process.pid: b}
        assert wait_for(lambda: 0 < local_tickets(engine) < TOTAL // 2, timeout=60), (a.lines, b.lines)
        (interrupted,) = sync_runs(engine)
        leader = by_pid[pid_of(interrupted)]
        survivor = b if leader is a else a
        leader.process.kill()  # SIGKILL, part-way through creating the tickets
        killed = dt.datetime.now(dt.UTC)
        leader.process.wait(10)
        created_before = local_tickets(engine)
        assert created_before < TOTAL

        def taken_over() -> JobRun | None:
            (run,) = sync_runs(engine)  # the same slot: no new slot is due for an hour
            return run if pid_of(run) == survivor.process.pid else None

        assert wait_for(lambda: taken_over() is not None, timeout=30), survivor.lines
        resumed = taken_over()
        assert resumed is not None and resumed.slot == interrupted.slot
        delay = (resumed.started_at - killed).total_seconds()
        # The follower asks every lease; on a loaded machine allow scheduling slack on top.
        assert delay < LEASE + 3.0, delay
        assert wait_for(lambda: sync_runs(engine)[0].outcome == "ok", timeout=120), survivor.lines
        assert local_tickets(engine) == TOTAL  # every item and parent exactly once
        with engine.connect() as conn:
            owners = conn.execute(select(t.tickets.c.owner_key, func.count()).group_by(t.tickets.c.owner_key)).all()
        assert len(owners) == TOTAL and all(count == 1 for _key, count in owners)
        records = [json.loads(line) for line in survivor.lines if line.startswith("{")]
        assert any("was interrupted" in r["message"] for r in records)
        print(f"takeover: interrupted sync started again {delay:.2f}s after SIGKILL (lease {LEASE}s)")
    finally:
        engine.dispose()


def _lock_session(engine: Engine) -> int:
    probe = PgLeadership(engine)
    assert probe.check() is False  # a replica holds it; the probe only learns the key
    assert probe.key is not None
    unsigned = probe.key & 0xFFFFFFFFFFFFFFFF
    with engine.connect() as conn:
        (pid,) = conn.execute(
            text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND classid = CAST(:hi AS oid) AND objid = CAST(:lo AS oid)"
            ),
            {"hi": unsigned >> 32, "lo": unsigned & 0xFFFFFFFF},
        ).scalars()
    return int(pid)


@pytest.mark.slow
@pytest.mark.postgres
def test_a_leader_whose_lock_session_is_killed_writes_nothing_more(
    tmp_path: Path, servers: list[Server], pg_url: str
) -> None:
    config = write_project(tmp_path, pg_url)
    engine = make_engine(pg_url)
    migrate(engine)
    try:
        a, b = start(servers, config, tmp_path, 1), start(servers, config, tmp_path, 2)
        assert wait_for(lambda: 0 < local_tickets(engine) < TOTAL // 2, timeout=60), (a.lines, b.lines)
        (first,) = sync_runs(engine)
        old, new = (a, b) if pid_of(first) == a.process.pid else (b, a)
        probe = PgLeadership(engine)
        session = _lock_session(engine)
        # The test takes the freed lock itself, so that neither replica leads for a while: what the old
        # leader does after losing its lock is then plain to see. Both replicas are paused meanwhile:
        # on a loaded machine a replica asking for the lock could otherwise win the race for it.
        for replica in (old, new):
            replica.process.send_signal(signal.SIGSTOP)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": session})
                conn.commit()
            lost = dt.datetime.now(dt.UTC)
            assert wait_for(probe.check, timeout=10), "the killed session's lock was not freed"
        finally:
            for replica in (old, new):
                replica.process.send_signal(signal.SIGCONT)
        calls_at_loss = tracker_calls(old)

        # pmsync_leader: never 1 on both. A, B, A all 1 would mean both held it while B was read.
        triples = 0
        deadline = time.monotonic() + 2 * LEASE
        while time.monotonic() < deadline:
            first_a, then_b, again_a = leader_gauge(old), leader_gauge(new), leader_gauge(old)
            assert not (first_a == then_b == again_a == 1.0)
            triples += 1
        assert triples > 3
        assert (leader_gauge(old), leader_gauge(new)) == (0.0, 0.0)  # nobody but the test holds it

        records = [json.loads(line) for line in old.lines if line.startswith("{")]
        assert any("lost the leader lock during a job" in r["message"] for r in records), old.lines
        # The fence is checked before a call is counted: no call started once the lock was gone...
        assert tracker_calls(old) == calls_at_loss
        # ...and no ticket was written after it but by the one call in flight (one draft per call).
        with engine.connect() as conn:
            late = conn.execute(select(t.local_tickets.c.created_at).where(t.local_tickets.c.created_at > lost))
            in_flight = sorted(
                ((v if v.tzinfo else v.replace(tzinfo=dt.UTC)) - lost).total_seconds() for v in late.scalars()
            )
        assert len(in_flight) <= 1, in_flight
        created = local_tickets(engine)
        assert created < TOTAL

        probe.release()  # a replica takes over and runs the interrupted sync to its end
        assert wait_for(lambda: sync_runs(engine)[0].started_at > lost, timeout=30), "".join(new.lines[-20:])
        assert wait_for(lambda: sync_runs(engine)[0].outcome == "ok", timeout=120), new.lines
        assert local_tickets(engine) == TOTAL
        assert sorted([leader_gauge(new), leader_gauge(old)]) == [0.0, 1.0]
        print(f"lock session killed: {len(in_flight)} ticket(s) written after (the call in flight), none later")
    finally:
        engine.dispose()


@pytest.mark.slow
def test_deliveries_during_a_database_outage_are_all_applied_once(
    tmp_path: Path,
    servers: list[Server],
    private_postgres: PrivatePostgres,  # noqa: F811
) -> None:
    shutil.rmtree(tmp_path / "docs", ignore_errors=True)
    config = write_project(tmp_path, private_postgres.url)
    engine = make_engine(private_postgres.url)
    migrate(engine)
    secret = {"PMSYNC_GITHUB_WEBHOOK_SECRET": GITHUB_SECRET}
    a, b = start(servers, config, tmp_path, 1, **secret), start(servers, config, tmp_path, 2, **secret)
    bases = [a.base, b.base]
    sent: list[str] = []

    def deliver(n: int) -> int:
        updated = (dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC) + dt.timedelta(seconds=n)).isoformat()
        body, headers = signed(GITHUB_SECRET, github_issue(updated_at=updated), "X-Hub-Signature-256")
        headers |= {"X-GitHub-Event": "issues", "X-GitHub-Delivery": f"outage-{n}"}
        status, _ = request(bases[n % 2] + "/hooks/github", body=body, headers=headers)
        sent.append(f"outage-{n}")
        return status

    try:
        assert deliver(0) == 202
        private_postgres.stop()
        stopped = time.monotonic()
        n = 1
        while time.monotonic() - stopped < 10:
            assert deliver(n) == 202
            assert request(bases[n % 2] + "/readyz")[0] == 200
            n += 1
            time.sleep(0.2)
        health = [json.loads(request(base + "/healthz")[1]) for base in bases]
        assert [h["database"] for h in health] == ["down", "down"]
        assert sum(h["spool"]["depth"] for h in health) > 0
        assert all(request(base + "/readyz")[0] == 200 for base in bases)
        private_postgres.start()

        def recorded() -> list[str]:
            try:
                return [d[1] for d in DeliveryLedger(engine).deliveries()]
            except Exception:  # the pool's connections died with the server: the next try reconnects
                return []

        assert wait_for(lambda: sorted(recorded()) == sorted(sent), timeout=60), (sorted(recorded()), a.lines)
        assert len(recorded()) == len(set(recorded())) == len(sent)
        assert wait_for(lambda: all(json.loads(request(base + "/healthz")[1])["spool"]["depth"] == 0 for base in bases))
        assert a.stop(signal.SIGTERM) == 0 and b.stop(signal.SIGTERM) == 0
        print(f"outage: {len(sent)} deliveries, {len(sent) - 1} while the database was down, each applied once")
    finally:
        engine.dispose()
