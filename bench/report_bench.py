"""Report benchmark: ``pmsync report weekly|quarterly`` over 10,000 incidents and 100,000 action
items, as whole processes, beside a plain-SQL baseline in the same run (issue 28 §7).

Run by hand (never as a timed test): ``PYTHONPATH=. python bench/report_bench.py [--pg URL]``.

A child process writes the generated data into a SQLite state database (and, with ``--pg``, into
a fresh PostgreSQL schema). For each database and report, alternately and best of three:

- **pmsync**: ``python -m sync --config … report KIND --as-of … --format md --out …``;
- **baseline**: this script with ``--baseline``: the same numbers (status at as-of, completion
  overall and per priority, severity, team, owner and due quarter, on time, overdue rows, ageing,
  time to close, the 12-week trend, review timeliness; quarterly: the items due per quarter and
  the incidents' MTTD, MTTR, cost and root-cause sums) by hand-written SQL through the bare
  DB-API driver, printed as plain text — no pmsync, no SQLAlchemy, no pydantic.

Wall time and the child's peak RSS (``wait4``) are printed, with the ratio to the baseline, and
the HTML rendering of the weekly report is timed too. Targets: ≤ 1.5× the baseline, ≤ 150 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from reports.facts import IncidentFacts, ItemFacts, ReportData, StatusChange
from sync.core.model import FactorCategory, Status

INCIDENTS = 10_000
ITEMS_PER_INCIDENT = 10
START = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)
AS_OF = dt.datetime(2026, 10, 15, tzinfo=dt.UTC)
# Root-cause texts: 30 words from a 3,000-word vocabulary with Zipf-like frequencies (a few words
# everywhere, most rare, as in real prose); 2 % of incidents are planted repeats of an earlier one.
VOCABULARY = [f"term{n}" for n in range(3000)]
ZIPF = [1.0 / (rank + 1) for rank in range(len(VOCABULARY))]
REPEAT_SHARE = 0.02


def generate(seed: int = 7) -> ReportData:
    rng = random.Random(seed)
    categories = [c.value for c in FactorCategory]
    span = (AS_OF - START).total_seconds()
    incidents: list[IncidentFacts] = []
    items: list[ItemFacts] = []
    starts = sorted(START + dt.timedelta(seconds=rng.random() * span) for _ in range(INCIDENTS))
    for n, started in enumerate(starts):
        duration = rng.randint(5, 600)
        key = f"INC-{n:05d}"
        factors = tuple((c, rng.choice((0, 0, 1, 2, 3))) for c in categories)
        text = " ".join(rng.choices(VOCABULARY, weights=ZIPF, k=30))
        if incidents and rng.random() < REPEAT_SHARE:
            earlier = incidents[max(0, len(incidents) - rng.randint(1, 300))]
            factors, text = earlier.factors, earlier.root_cause_text + " again"
        incidents.append(
            IncidentFacts(
                key=key,
                incident_id=key,
                title=f"Incident {n}",
                severity=rng.choice(("SEV-1", "SEV-2", "SEV-3")),
                team=rng.choice(("payments", "search", "identity", "storage", "web")),
                started_at=started,
                ended_at=started + dt.timedelta(minutes=duration),
                duration_minutes=duration,
                review_date=(started + dt.timedelta(days=rng.randint(0, 4))).date(),
                detection_delay_minutes=rng.randint(1, 90),
                factors=factors,
                root_cause_text=text,
                cost_total=Decimal(rng.randint(0, 100_000)),
            )
        )
        for number in range(1, ITEMS_PER_INCIDENT + 1):
            opened = started + dt.timedelta(days=1)
            due = (opened + dt.timedelta(days=rng.choice((1, 7, 30)))).date()
            history = [StatusChange(Status.OPEN, opened)]
            roll = rng.random()
            if roll < 0.6:
                history.append(StatusChange(Status.DONE, opened + dt.timedelta(days=rng.randint(0, 60))))
            elif roll < 0.7:
                history.append(StatusChange(Status.WONT_DO, opened + dt.timedelta(days=rng.randint(0, 60))))
            elif roll < 0.85:
                history.append(StatusChange(Status.IN_PROGRESS, opened + dt.timedelta(days=rng.randint(0, 10))))
            items.append(
                ItemFacts(
                    key=f"{key}#{number}",
                    incident_key=key,
                    number=number,
                    text=f"Action {number} of {key}",
                    owner=f"owner{rng.randint(1, 200)}",
                    priority=rng.choice(("P0", "P1", "P2")),
                    due=due,
                    ticket=f"OPS-{n * ITEMS_PER_INCIDENT + number}",
                    history=tuple(h for h in history if h.at <= AS_OF),
                    opened_at=opened,
                )
            )
    return ReportData(incidents=tuple(incidents), items=tuple(items))


ROOT = Path(__file__).resolve().parents[1]
QUARTER = "2026Q3"
STATUSES = "('open','in_progress','done','wont_do')"


def write_db(url: str) -> None:
    """The generated data as pmsync's state database (run in a child process)."""
    from sync.store.engine import make_engine
    from sync.store.migrations import migrate
    from tests.report_store import write_report_data

    data = generate()
    engine = make_engine(url)
    migrate(engine)
    write_report_data(engine, data.incidents, data.items)
    engine.dispose()


# --- the plain-SQL baseline ------------------------------------------------------------------


def _sql(dialect: str) -> dict[str, str]:
    days = (
        (lambda a, b: f"(julianday({a}) - julianday({b}))")
        if dialect == "sqlite"
        else (lambda a, b: f"(extract(epoch from ({a} - {b})) / 86400.0)")
    )

    def field(*path: str) -> str:
        if dialect == "sqlite":
            return f"json_extract(p.data, '$.{'.'.join(path)}')"
        return f"(p.data #>> '{{{','.join(path)}}}')"

    team = field("team")
    ph = "?" if dialect == "sqlite" else "%s"
    moment = "coalesce(changed_at, observed_at)"
    items = f"""
    WITH h AS (
      SELECT item_key, status, {moment} AS moment,
             row_number() OVER (PARTITION BY item_key ORDER BY {moment}, id) AS seq
      FROM status_history WHERE tracker = 'local' AND status IN {STATUSES} AND {moment} <= {ph}),
    s AS (SELECT h.*, max(seq) OVER (PARTITION BY item_key) AS last,
                 max(CASE WHEN status <> 'done' THEN seq END) OVER (PARTITION BY item_key) AS not_done,
                 max(CASE WHEN status NOT IN ('done','wont_do') THEN seq END) OVER (PARTITION BY item_key)
                   AS not_closed
          FROM h),
    f AS (SELECT item_key, max(CASE WHEN seq = last THEN status END) AS status,
                 min(CASE WHEN status = 'done' AND seq > coalesce(not_done, 0) THEN moment END) AS done_since,
                 min(CASE WHEN status IN ('done','wont_do') AND seq > coalesce(not_closed, 0)
                     THEN moment END) AS closed_since
          FROM s GROUP BY item_key)
    SELECT a.item_key, coalesce(p.incident_id, a.incident_key) AS incident, a.priority, a.owner, a.due,
           t.ticket_key AS ticket, t.url, a.text, {team} AS team, p.severity,
           coalesce(f.status, 'open') AS status, t.created_at AS opened_at, f.done_since, f.closed_since
    FROM action_items a
    LEFT JOIN tickets t ON t.owner_key = a.item_key AND t.tracker = 'local' AND t.kind = 'item'
    LEFT JOIN f ON f.item_key = a.item_key
    LEFT JOIN postmortems p ON p.incident_key = a.incident_key
    WHERE a.present AND (t.created_at IS NULL OR t.created_at <= {ph})"""
    return {
        "items": f"CREATE TEMPORARY TABLE bi AS {items}",
        "cutoffs": "CREATE TEMPORARY TABLE bc (due DATE PRIMARY KEY, cutoff TIMESTAMP"
        + (" WITH TIME ZONE)" if dialect != "sqlite" else ")"),
        "cutoff": f"INSERT INTO bc VALUES ({ph}, {ph})",
        "tally": "SELECT {col}, status, CASE WHEN bi.due < {ph} AND status NOT IN ('done','wont_do') THEN 1 ELSE 0 END,"
        " CASE WHEN status = 'done' AND bi.due IS NOT NULL THEN CASE WHEN done_since < bc.cutoff THEN 1 ELSE 0 END END,"
        " count(*) FROM bi LEFT JOIN bc ON bc.due = bi.due GROUP BY 1, 2, 3, 4".replace("{ph}", ph),
        "overdue": "SELECT item_key, incident, ticket, url, owner, priority, team, due, status, text FROM bi"
        f" WHERE due < {ph} AND status NOT IN ('done','wont_do') ORDER BY due, priority, item_key LIMIT 50",
        "texts": "SELECT incident_key, incident_id, started_at, ended_at, data FROM postmortems",
        "ages": f"SELECT {days(ph, 'opened_at')} FROM bi WHERE status NOT IN ('done','wont_do')",
        "close": f"SELECT priority, {days('done_since', 'opened_at')} FROM bi WHERE status = 'done'"
        " AND opened_at IS NOT NULL",
        "week": f"SELECT count(*), count(CASE WHEN closed_since >= {ph} THEN 1 END) FROM bi",
        "weeks": "CREATE TEMPORARY TABLE bw (week INTEGER PRIMARY KEY, week_end TIMESTAMP"
        + (" WITH TIME ZONE)" if dialect != "sqlite" else ")"),
        "week_end": f"INSERT INTO bw VALUES ({ph}, {ph})",
        "totals": "SELECT bw.week, count(*) FROM bw JOIN bi ON bi.opened_at IS NULL OR bi.opened_at <= bw.week_end"
        " GROUP BY bw.week",
        "trend": f"""
        WITH spans AS (SELECT item_key, status, {moment} AS since,
                 lead({moment}) OVER (PARTITION BY item_key ORDER BY {moment}, id) AS until
               FROM status_history WHERE tracker = 'local' AND status IN {STATUSES} AND {moment} <= {ph})
        SELECT bw.week, spans.status, count(*) FROM spans JOIN bi ON bi.item_key = spans.item_key
        JOIN bw ON spans.since <= bw.week_end AND (spans.until IS NULL OR spans.until > bw.week_end)
          AND (bi.opened_at IS NULL OR bi.opened_at <= bw.week_end)
        WHERE spans.status IN ('done','wont_do') GROUP BY bw.week, spans.status""",
        "incidents": f"SELECT incident_key, started_at, ended_at, review_date, {team},"
        f" {field('detection', 'delay_minutes')}, {field('duration_minutes')}, {field('cost', 'total')}"
        " FROM postmortems p",
        "due": "SELECT due, status, count(*) FROM bi WHERE due IS NOT NULL AND status <> 'wont_do'"
        " GROUP BY due, status",
    }


def baseline_repeats(cur: Any, sql: dict[str, str], stamp: Any) -> int:
    """Repeat incidents of the trend's quarters. No SQL computes TF-IDF similarity: the baseline
    runs pmsync's own pure repeat detection (``reports.repeats``, no database code) on the
    incidents it read by plain SQL — the 5 whys, factors and whole text, as pmsync reads them."""
    from reports.facts import IncidentFacts, ReportSettings, TextSource
    from reports.repeats import find_pairs

    cur.execute(sql["texts"])
    incidents = []
    for key, incident_id, started, ended, data in cur.fetchall():
        doc = json.loads(data) if isinstance(data, str) else data
        whys = "\n".join(str(w.get("text") or "") for w in doc.get("whys") or ())
        moment = started if isinstance(started, dt.datetime) else dt.datetime.fromisoformat(started or ended)
        incidents.append(
            IncidentFacts(
                key=key,
                incident_id=incident_id,
                started_at=moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC),
                factors=tuple((f["category"], f["score"]) for f in doc.get("factors") or ()),
                root_cause_text=whys,
                texts=(TextSource("document", json.dumps(doc)),),
            )
        )
    first = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)
    return len(find_pairs(incidents, ReportSettings(), later_from=first, first_only=True))


def baseline(kind: str, url: str) -> None:
    """The plain-SQL computation of the report's numbers (a child process)."""
    if url.startswith("sqlite"):
        import sqlite3

        conn: object = sqlite3.connect(url.removeprefix("sqlite:///"))
        dialect = "sqlite"

        def stamp(moment: dt.datetime) -> object:
            return moment.astimezone(dt.UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    else:
        import psycopg

        conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
        dialect = "postgresql"

        def stamp(moment: dt.datetime) -> object:
            return moment

    sql = _sql(dialect)
    cur = conn.cursor()  # type: ignore[attr-defined]
    at = stamp(AS_OF)
    cur.execute(sql["items"], (at, at))
    out: list[str] = []
    today = AS_OF.date()
    if kind == "weekly":
        day = today.isoformat() if dialect == "sqlite" else today
        cur.execute(sql["cutoffs"])
        cur.execute("SELECT DISTINCT due FROM bi WHERE due IS NOT NULL")
        dues = [row[0] for row in cur.fetchall()]
        cur.executemany(
            sql["cutoff"],
            [
                (due, stamp(dt.datetime.fromisoformat(str(due)).replace(tzinfo=dt.UTC) + dt.timedelta(days=1)))
                for due in dues
            ],
        )
        for col in ("'all'", "priority", "severity", "team", "owner", "bi.due"):
            cur.execute(sql["tally"].replace("{col}", col), (day,))
            out.append(f"{col}: {len(cur.fetchall())} groups")
        cur.execute(sql["overdue"], (day,))
        overdue = cur.fetchall()
        out.append(f"overdue: {len(overdue)}")
        cur.execute(sql["ages"], (at,))
        out.append(f"open: {len(cur.fetchall())}")
        cur.execute(sql["close"])
        closes: dict[str, list[float]] = {}
        for priority, days in cur.fetchall():
            closes.setdefault(priority, []).append(days)
        out.append("close: " + ", ".join(f"{p} {sorted(v)[len(v) // 2]:.2f}" for p, v in sorted(closes.items())))
        cur.execute(sql["week"], (stamp(AS_OF - dt.timedelta(days=6)),))
        out.append(f"week: {cur.fetchone()}")
        cur.execute(sql["weeks"])
        cur.executemany(sql["week_end"], [(k, stamp(AS_OF - dt.timedelta(days=7 * k))) for k in range(12)])
        cur.execute(sql["totals"])
        out.append(f"trend totals: {sorted(cur.fetchall())}")
        cur.execute(sql["trend"], (at,))
        out.append(f"trend: {sorted(cur.fetchall())}")
        cur.execute(sql["incidents"])
        out.append(f"incidents: {len(cur.fetchall())}")
    else:
        cur.execute(sql["due"])
        out.append(f"due groups: {len(cur.fetchall())}")
        cur.execute(sql["incidents"])
        rows = cur.fetchall()
        delays = [float(r[5]) for r in rows if r[5] is not None]
        out.append(f"incidents: {len(rows)}, mean delay {sum(delays) / len(delays):.1f}")
        out.append(f"repeats: {baseline_repeats(cur, sql, stamp)}")
    print("\n".join(out))


# --- the runs ------------------------------------------------------------------------------


# A tiny launcher between this process and each measured one: a child's peak RSS counts the
# memory it had before exec, so one forked straight from this (large) process would be charged
# with it. The launcher is a bare interpreter (-S: no site), forks, execs the command and
# writes the command's CPU seconds, peak RSS and exit code to the file named first.
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_pid, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_utime + usage.ru_stime} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one command."""
    with tempfile.NamedTemporaryFile("r", suffix=".usage") as usage:
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-S", "-c", LAUNCHER, usage.name, *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
            check=False,
        )
        wall = time.perf_counter() - began
        cpu, rss, code = usage.read().split()
    if done.returncode != 0 or int(code) != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-2000:]}")
    return wall, float(cpu), int(rss) / 1024


def bench(url: str, label: str, folder: Path, rows: list[str]) -> None:
    config = folder / f"{label}.toml"
    config.write_text(f'[state]\nurl = "{url}"\n\n[tracker]\nkind = "local"\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    as_of = AS_OF.date().isoformat()
    for kind, fmt in (("weekly", "md"), ("quarterly", "md"), ("weekly", "html")):
        extra = ["--quarter", QUARTER] if kind == "quarterly" else []
        out = folder / f"{label}-{kind}.{fmt}"
        pmsync = [sys.executable, "-m", "sync", "--config", str(config), "report", kind, "--as-of", as_of]
        pmsync += [*extra, "--format", fmt, "--out", str(out)]
        plain = [sys.executable, __file__, "--baseline", kind, "--url", url]
        best: dict[str, tuple[float, float, float]] = {}
        for _ in range(3):  # alternately, best of three: the machine is shared
            for name, argv in (("pmsync", pmsync), ("baseline", plain)):
                wall, cpu, rss = run(argv, env)
                old = best.get(name, (float("inf"), float("inf"), 0.0))
                best[name] = (min(wall, old[0]), min(cpu, old[1]), max(rss, old[2]))
        (p_wall, p_cpu, p_rss), (b_wall, b_cpu, b_rss) = best["pmsync"], best["baseline"]
        rows.append(
            f"| {label} | {kind} --format {fmt} | {p_wall:.2f} | {p_cpu:.2f} | {p_rss:.0f} | {b_wall:.2f} "
            f"| {b_cpu:.2f} | {b_rss:.0f} | {p_wall / b_wall:.2f}× | {p_cpu / b_cpu:.2f}× "
            f"| {out.stat().st_size / 1024:,.0f} KiB |"
        )
        print(rows[-1], flush=True)


def render_html_timing(url: str) -> str:
    """The HTML rendering alone, in this process, of the weekly report at 100,000 items."""
    from reports.facts import ReportSettings
    from reports.render_html import render_html
    from sync.store.engine import make_engine
    from sync.store.report_queries import weekly_report_sql

    engine = make_engine(url)
    report = weekly_report_sql(engine, "local", AS_OF, ReportSettings())
    engine.dispose()
    times = []
    for _ in range(3):
        began = time.perf_counter()
        page = render_html(report)
        times.append(time.perf_counter() - began)
    return f"HTML rendering of the weekly report: {min(times) * 1000:.0f} ms, {len(page) / 1024:,.0f} KiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pg", metavar="URL", help="also bench on a fresh schema of this PostgreSQL database")
    parser.add_argument("--baseline", choices=["weekly", "quarterly"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--write-db", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_db:
        write_db(args.write_db)
        return
    if args.baseline:
        baseline(args.baseline, args.url)
        return
    rows = [
        "| database | report | pmsync wall s | CPU s | MB | baseline wall s | CPU s | MB | wall ratio | CPU ratio "
        "| output |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    print("\n".join(rows), flush=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        sqlite_url = f"sqlite:///{folder / 'bench.db'}"
        subprocess.run([sys.executable, __file__, "--write-db", sqlite_url], check=True, env=env, cwd=ROOT)
        bench(sqlite_url, "SQLite", folder, rows)
        timing = render_html_timing(sqlite_url)
        if args.pg:
            from tests.databases import PgSchemas

            schemas = PgSchemas(args.pg)
            try:
                pg_url = schemas.create()
                subprocess.run([sys.executable, __file__, "--write-db", pg_url], check=True, env=env, cwd=ROOT)
                bench(pg_url, "PostgreSQL", folder, rows)
            finally:
                schemas.close()
    print(timing)
    print(f"{INCIDENTS:,} incidents, {INCIDENTS * ITEMS_PER_INCIDENT:,} items; as of {AS_OF.date()}")


if __name__ == "__main__":
    main()
