"""Takeover time after the leader dies: two ``pmsync serve`` processes on PostgreSQL, the leader
SIGKILLed part-way through its sync (local tracker, 360 tickets to create, the next sync an hour
away); measured: seconds from the kill until the survivor starts the interrupted sync again, beside
the baseline of one lease (``lease_seconds``), and the duplicate tickets at the end (must be 0).

Run: ``python bench/service_failover.py postgresql+psycopg://postgres@127.0.0.1:5432/test [rounds]``.
Each round uses a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy
from sqlalchemy import func, select

from sync.store import tables as t
from sync.store.engine import make_engine
from sync.store.migrations import migrate
from sync.store.service_store import SlotLedger

LEASE = 2.0
DOCS, ITEMS = 40, 8
TOTAL = DOCS * (ITEMS + 1)
ROOT = Path(__file__).resolve().parents[1]


def project(folder: Path, url: str) -> Path:
    docs = folder / "docs"
    docs.mkdir()
    for n in range(1, DOCS + 1):
        rows = "".join(f"| {i} | Fix number {i} of incident {n} | @dana | | P2 | Open |\n" for i in range(1, ITEMS + 1))
        (docs / f"inc-{n:04d}.md").write_text(
            f"---\nincident_id: INC-2026-{n:04d}\nteam: payments\n---\n# Post-mortem: incident {n}\n\n"
            f"## 1. Incident Summary\n- **Incident ID:** INC-2026-{n:04d}\n- **Severity:** SEV-2\n\n"
            "## 6. Action Items\n| # | Action | Owner | Deadline | Priority | Status |\n|---|---|---|---|---|---|\n"
            + rows,
            encoding="utf-8",
        )
    config = folder / "pmsync.toml"
    config.write_text(
        f'[sources]\npaths = ["docs/*.md"]\n\n[state]\nurl = "{url}"\n\n[tracker]\nkind = "local"\n\n'
        '[safety]\nmax_creates = 100000\n\n[schedule]\nsync_every = "1h"\npull_every = "1h"\njitter = "0s"\n'
        "weekly_report = false\nquarterly_review = false\noverdue_nudges = false\n\n"
        f'[service]\nlisten = "127.0.0.1:0"\nlease_seconds = {LEASE}\n',
        encoding="utf-8",
    )
    return config


def serve(config: Path, spool: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMSYNC_")}
    command = [sys.executable, "-m", "sync", "--config", str(config), "serve", "--spool-dir", str(spool)]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def tickets(engine: sqlalchemy.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(t.local_tickets)).scalar_one())


def wait(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def one_round(server_url: str) -> tuple[float, int]:
    admin = sqlalchemy.create_engine(server_url, isolation_level="AUTOCOMMIT")
    schema = f"pmsync_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sqlalchemy.text(f'CREATE SCHEMA "{schema}"'))
    url = sqlalchemy.engine.make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    state_url = url.render_as_string(hide_password=False)
    engine = make_engine(state_url)
    migrate(engine)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            config = project(Path(folder), state_url)
            processes = [serve(config, Path(folder) / f"spool-{n}") for n in (1, 2)]
            if not wait(lambda: 0 < tickets(engine) < TOTAL // 2, 120):
                raise SystemExit("the sync did not start")
            (run,) = SlotLedger(engine, "bench").runs("sync")
            leader = int(run.holder.split(":")[1])
            victim = next(p for p in processes if p.pid == leader)
            survivor = next(p for p in processes if p.pid != leader)
            victim.kill()
            killed = dt.datetime.now(dt.UTC)

            def resumed() -> bool:
                (row,) = SlotLedger(engine, "bench").runs("sync")
                return int(row.holder.split(":")[1]) == survivor.pid

            if not wait(resumed, 60):
                raise SystemExit("no takeover within 60 s")
            (row,) = SlotLedger(engine, "bench").runs("sync")
            delay = (row.started_at - killed).total_seconds()
            wait(lambda: SlotLedger(engine, "bench").runs("sync")[0].outcome == "ok", 300)
            with engine.connect() as conn:
                owners = conn.execute(select(func.count(func.distinct(t.tickets.c.owner_key)))).scalar_one()
            return delay, tickets(engine) - int(owners)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            process.wait(10)
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sqlalchemy.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def main() -> None:
    if len(sys.argv) < 2 or not re.match(r"postgresql", sys.argv[1]):
        raise SystemExit(__doc__)
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print("| round | takeover after SIGKILL (s) | baseline: one lease (s) | duplicate tickets |")
    print("|---:|---:|---:|---:|")
    for n in range(1, rounds + 1):
        delay, duplicates = one_round(sys.argv[1])
        print(f"| {n} | {delay:.2f} | {LEASE:.2f} | {duplicates} |")


if __name__ == "__main__":
    main()
