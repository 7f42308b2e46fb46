"""Report benchmark: weekly and quarterly reports over 10,000 incidents and 100,000 action items.

Run by hand (never as a timed test): ``PYTHONPATH=. python bench/report_bench.py [--db]``.
Prints the time of each report (computed and rendered as Markdown) and the peak RSS. With
``--db`` a child process writes the data to a SQLite state database and this one reads it back
through the snapshot loader, as ``pmsync report`` does (the read is timed too).
Target: each report under 2 s, peak RSS under 300 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from reports.facts import IncidentFacts, ItemFacts, ReportData, ReportSettings, StatusChange
from reports.metrics import weekly_report
from reports.quarterly import quarterly_report
from reports.render_markdown import render_markdown
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


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_db(data: ReportData, path: Path) -> str:
    """The generated data as pmsync's state database (the tables the snapshot loader reads)."""
    from sqlalchemy import insert

    from sync.store import tables as t
    from sync.store.engine import make_engine
    from sync.store.migrations import migrate

    url = f"sqlite:///{path}"
    engine = make_engine(url)
    migrate(engine)
    now = AS_OF
    with engine.begin() as conn:
        conn.execute(
            insert(t.postmortems),
            [
                {
                    "incident_key": i.key,
                    "path": f"{i.key}.md",
                    "content_sha256": "0" * 64,
                    "incident_id": i.incident_id,
                    "title": i.title,
                    "severity": i.severity,
                    "started_at": i.started_at,
                    "ended_at": i.ended_at,
                    "review_date": i.review_date,
                    "data": {
                        "team": i.team,
                        "duration_minutes": i.duration_minutes,
                        "detection": {"delay_minutes": i.detection_delay_minutes},
                        "whys": [{"number": 1, "text": i.root_cause_text, "line": 1}],
                        "factors": [{"category": c, "score": s} for c, s in i.factors],
                        "cost": {"total": str(i.cost_total)},
                    },
                    "first_seen_at": now,
                    "first_seen_on": now.date(),
                    "updated_at": now,
                }
                for i in data.incidents
            ],
        )
        conn.execute(
            insert(t.action_items),
            [
                {
                    "item_key": i.key,
                    "incident_key": i.incident_key,
                    "number": i.number,
                    "text": i.text,
                    "text_sha256": "0" * 64,
                    "owner": i.owner,
                    "priority": i.priority,
                    "due": i.due,
                    "present": True,
                    "updated_at": now,
                }
                for i in data.items
            ],
        )
        conn.execute(
            insert(t.tickets),
            [
                {
                    "owner_key": i.key,
                    "kind": "item",
                    "tracker": "local",
                    "ticket_key": i.ticket,
                    "created_at": i.opened_at,
                    "updated_at": now,
                }
                for i in data.items
            ],
        )
        conn.execute(
            insert(t.status_history),
            [
                {
                    "item_key": i.key,
                    "tracker": "local",
                    "ticket_key": i.ticket,
                    "status": h.status.value,
                    "observed_at": h.at,
                    "changed_at": h.at,
                }
                for i in data.items
                for h in i.history
            ],
        )
    engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", action="store_true", help="read the data from a SQLite state database, as the CLI does")
    parser.add_argument("--write-db", type=Path, help=argparse.SUPPRESS)  # the child process of --db
    args = parser.parse_args()
    if args.write_db:
        write_db(generate(), args.write_db)
        return
    if args.db:
        from sync.store.engine import make_engine
        from sync.store.snapshot import load_report_data

        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            # Written by a child process, so this one's peak RSS is what `pmsync report` would use.
            subprocess.run([sys.executable, __file__, "--write-db", str(path)], check=True)
            engine = make_engine(f"sqlite:///{path}")
            began, cpu = time.perf_counter(), time.process_time()
            data = load_report_data(engine, "local")
            print(f"snapshot from SQLite: {time.perf_counter() - began:.2f} s (CPU {time.process_time() - cpu:.2f} s)")
            engine.dispose()
    else:
        data = generate()
    print(f"{len(data.incidents):,} incidents, {len(data.items):,} items; peak RSS so far {peak_rss_mb():.0f} MB")
    settings = ReportSettings()
    for name, build in (
        ("weekly", lambda: weekly_report(data, AS_OF, settings)),
        ("quarterly", lambda: quarterly_report(data, AS_OF, "2026Q3", settings)),
    ):
        walls, cpus = [], []
        for _ in range(3):  # best of three: the development machine is shared
            began, cpu = time.perf_counter(), time.process_time()
            text = render_markdown(build())
            walls.append(time.perf_counter() - began)
            cpus.append(time.process_time() - cpu)
        # CPU time too: on a busy machine the wall clock also counts other jobs' turns.
        print(f"{name}: {min(walls):.2f} s (CPU {min(cpus):.2f} s; {len(text):,} characters of Markdown), best of 3")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
