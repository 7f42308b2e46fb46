"""API cost of keeping tickets in sync: requests pmsync sends, beside the lower bound and a naive
client, measured in the same run against a fake tracker on loopback with injected latency.

Run: ``python bench/api_cost.py [--backend jira|github] [--sizes 100,1000,10000] [--latency 0.05]
[--big-latency 0.005] [--github-incidents 40] [--out bench/RESULTS.md]``. Each backend writes its
own section of the results file; the sections of backends not run this time are kept. Sizes
above 1,000 use ``--big-latency`` (a naive client makes ~50,000 sequential requests at
N = 10,000; at 50 ms that is 40 minutes).

Per size N (N items, 50 per incident): the initial sync, an idle re-sync, and pulls after 1 %,
10 % and 100 % of the items were changed by people. The naive client creates one issue per
request and pulls by one GET per ticket with no cursor. Backends register in :data:`BACKENDS`
(one class per backend: how to serve its fake, build pmsync's tracker, count creates, and run
the naive client); the Jira rows run the fake Jira Cloud (``tests/fakes/jira_server.py``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sync.pipeline import SyncOptions  # noqa: E402
from sync.pull import pull  # noqa: E402
from sync.retry import RetryPolicy  # noqa: E402
from sync.runtime import Runtime, open_runtime  # noqa: E402
from sync.trackers.jira_tracker import JiraTracker  # noqa: E402
from tests.fakes.jira_server import FakeJira, RunningFake, serve  # noqa: E402
from tests.jira.corpus import write_config, write_corpus  # noqa: E402
from tests.jira.support import RecordingPacer, TestClock  # noqa: E402

ITEMS_PER_INCIDENT = 50
CHANGE_SHARES = (0.01, 0.10, 1.00)


@dataclass(frozen=True)
class Row:
    backend: str
    scenario: str
    n: int
    requests: int
    lower_bound: int
    naive: int | None
    seconds: float
    naive_seconds: float | None
    latency: float
    note: str = ""


class Backend(Protocol):
    name: str

    def rows(self, n: int, latency: float) -> list[Row]: ...


# --- Jira ---------------------------------------------------------------------------------------


class NaiveJira:
    """What a straightforward client does: POST /issue per item, GET /issue per ticket per pull."""

    def __init__(self, running: RunningFake, http: httpx.Client) -> None:
        self.url = f"{running.url}/rest/api/3"
        self.http = http
        self.auth = (running.fake.email, running.fake.token)
        self.keys: list[str] = []

    def create(self, incidents: int, per_incident: int) -> None:
        for i in range(incidents):
            parent = self._create({"summary": f"INC-{i}", "issuetype": {"name": "Epic"}})
            for n in range(per_incident):
                fields = {"summary": f"Item {n} of INC-{i}", "issuetype": {"name": "Task"}, "parent": {"key": parent}}
                self.keys.append(self._create(fields))

    def _create(self, fields: dict[str, object]) -> str:
        body = {"fields": {"project": {"key": "OPS"}, **fields}}
        answer = self.http.post(f"{self.url}/issue", json=body, auth=self.auth)
        answer.raise_for_status()
        return str(answer.json()["key"])

    def pull(self) -> None:
        for key in self.keys:
            self.http.get(f"{self.url}/issue/{key}", params={"fields": "status,updated"}, auth=self.auth)


class JiraBackend:
    name = "jira"

    @contextmanager
    def _fake(self, latency: float, clock: TestClock) -> Iterator[RunningFake]:
        # Request validation against the description is the tests' job; here it would only add
        # CPU time to every request and blur the latency figures.
        running = serve(FakeJira("cloud", clock=clock, index_lag=3.0, latency=latency, validate=False))
        try:
            yield running
        finally:
            running.close()

    def _runtime(self, root: Path, running: RunningFake, clock: TestClock) -> Runtime:
        runtime = open_runtime(write_config(root, running.url), environ={"PMSYNC_JIRA_TOKEN": running.fake.token})
        pacer = RecordingPacer(clock)
        http = runtime.http or httpx.Client(timeout=30.0)
        runtime.http = http
        runtime.tracker = JiraTracker.from_settings(runtime.settings.tracker, http=http, pacer=pacer, clock=clock)
        runtime.retry = RetryPolicy(attempts=8, sleep=pacer.wait)
        return runtime

    def rows(self, n: int, latency: float) -> list[Row]:
        incidents = max(1, n // ITEMS_PER_INCIDENT)
        per_incident = n // incidents
        rows: list[Row] = []
        clock = TestClock(dt.datetime.now(dt.UTC).replace(microsecond=0))
        with tempfile.TemporaryDirectory() as tmp, self._fake(latency, clock) as running:
            root = Path(tmp)
            fake = running.fake
            paths = write_corpus(root / "docs", incidents=incidents, items=per_incident)
            runtime = self._runtime(root, running, clock)

            def measure(run: Callable[[], object]) -> tuple[int, float, int]:
                fake.reset_counts()
                started = time.perf_counter()
                run()
                bulk = fake.requests["POST /rest/api/3/issue/bulk"]
                return fake.total_requests(), time.perf_counter() - started, bulk

            try:
                options = SyncOptions(max_creates=n * 2 + 10, pull=False)
                total, seconds, bulk = measure(lambda: runtime.sync(paths, options))
                bound = math.ceil(incidents * per_incident / 50) + math.ceil(incidents / 50)
                rows.append(
                    Row(self.name, "initial sync: create requests", n, bulk, bound, None, seconds, None, latency)
                )
                links = fake.requests["POST /rest/api/3/issueLink"]
                rows.append(
                    Row(
                        self.name,
                        "initial sync: all requests",
                        n,
                        total,
                        bound,
                        None,
                        seconds,
                        None,
                        latency,
                        f"{links} issue links (Jira has no bulk link call)",
                    )
                )
                clock.advance(300)
                measure(lambda: runtime.sync(paths, SyncOptions(max_creates=0)))  # settles the first pull
                clock.advance(300)
                total, seconds, _ = measure(lambda: runtime.sync(paths, SyncOptions(max_creates=0)))
                rows.append(Row(self.name, "idle re-sync", n, total, 1, None, seconds, None, latency))
                items = sorted((i for i in fake.issues.values() if i.issuetype.name == "Task"), key=lambda i: int(i.id))
                for share in CHANGE_SHARES:
                    k = max(1, round(len(items) * share))
                    clock.advance(300)
                    for issue in items[:k]:
                        fake.human_transition(issue.key, "In Progress" if issue.status != "In Progress" else "Done")
                    clock.advance(60)
                    total, seconds, _ = measure(lambda: pull(runtime.tracker, runtime.store, retry=runtime.retry))
                    rows.append(
                        Row(
                            self.name,
                            f"pull after {share:.0%} changed",
                            n,
                            total,
                            math.ceil(k / 100),
                            None,
                            seconds,
                            None,
                            latency,
                        )
                    )
            finally:
                runtime.close()
        naive_latency = latency
        with self._fake(naive_latency, clock) as running, httpx.Client(timeout=30.0) as http:
            naive = NaiveJira(running, http)
            running.fake.reset_counts()
            started = time.perf_counter()
            naive.create(incidents, per_incident)
            create_seconds, create_total = time.perf_counter() - started, running.fake.total_requests()
            running.fake.reset_counts()
            started = time.perf_counter()
            naive.pull()
            pull_seconds, pull_total = time.perf_counter() - started, running.fake.total_requests()
        merged = []
        for row in rows:
            if row.scenario.startswith("initial sync"):
                merged.append(_with_naive(row, create_total, create_seconds))
            else:  # the naive client has no cursor: every sync or pull reads every ticket
                merged.append(_with_naive(row, pull_total, pull_seconds))
        return merged


def _with_naive(row: Row, requests: int, seconds: float) -> Row:
    return Row(**{**row.__dict__, "naive": requests, "naive_seconds": seconds})


BACKENDS: dict[str, Backend] = {"jira": JiraBackend()}


# --- report ---------------------------------------------------------------------------------------


def render(rows: list[Row], command: str) -> str:
    lines = [
        "## jira",
        "",
        f"Measured by `{command}` on {dt.date.today().isoformat()}: requests counted by the fake's",
        "per-endpoint counter, wall time with the injected per-request latency shown.",
        "",
        "| backend | scenario | N | pmsync requests | lower bound | naive requests | pmsync s | naive s "
        "| latency | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        naive = "-" if r.naive is None else str(r.naive)
        naive_s = "-" if r.naive_seconds is None else f"{r.naive_seconds:.1f}"
        lines.append(
            f"| {r.backend} | {r.scenario} | {r.n:,} | {r.requests:,} | {r.lower_bound:,} | {naive} | "
            f"{r.seconds:.1f} | {naive_s} | {r.latency * 1000:.0f} ms | {r.note} |"
        )
    lines += [
        "",
        "Lower bounds: ⌈N/50⌉ bulk creates plus ⌈incidents/50⌉ for the parents; an idle sync needs one",
        "search; a pull after K changes needs ⌈K/100⌉ pages. The naive client creates one issue per",
        "request and reads every ticket on every sync or pull.",
        "",
    ]
    return "\n".join(lines)


def render_github(incidents: int, command: str) -> str:
    """The GitHub section: request counts on the fake's simulated clock (``bench/api_cost_github.py``)."""
    from bench.api_cost_github import github_rows

    lines = [
        "## github",
        "",
        f"Measured by `{command}` on {dt.date.today().isoformat()} against the fake GitHub on its simulated",
        "clock (request counts, not wall time). *Counted* leaves out 304 answers, which GitHub does not",
        "charge to the rate limit.",
        "",
        "| scenario | requests | counted | writes | note |",
        "|---|---:|---:|---:|---|",
    ]
    for row in github_rows(incidents):
        lines.append(f"| {row.scenario} | {row.requests:,} | {row.counted:,} | {row.writes:,} | {row.note} |")
    return "\n".join([*lines, ""])


def merge_sections(existing: str, fresh: dict[str, str]) -> str:
    """``existing`` with the ``## <backend>`` sections in ``fresh`` replaced (or appended)."""
    head, *parts = existing.split("\n## ") if existing else ("# API cost\n",)
    sections = {part.split("\n", 1)[0].strip(): "## " + part for part in parts}
    sections.update(fresh)
    return "\n".join([head.rstrip("\n") + "\n", *(sections[name].rstrip("\n") + "\n" for name in sorted(sections))])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", action="append", choices=sorted([*BACKENDS, "github"]))
    parser.add_argument("--github-incidents", type=int, default=40)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--big-latency", type=float, default=0.005)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    command = ("python bench/api_cost.py " + " ".join(argv if argv is not None else sys.argv[1:])).strip()
    fresh: dict[str, str] = {}
    for name in args.backend or sorted([*BACKENDS, "github"]):
        if name == "github":
            print(f"github: {args.github_incidents} incidents on the simulated clock ...", file=sys.stderr)
            fresh[name] = render_github(args.github_incidents, command)
            continue
        rows: list[Row] = []
        for n in (int(s) for s in args.sizes.split(",")):
            latency = args.latency if n <= 1000 else args.big_latency
            print(f"{name}: N = {n:,} at {latency * 1000:.0f} ms ...", file=sys.stderr)
            rows += BACKENDS[name].rows(n, latency)
        fresh[name] = render(rows, command)
    existing = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    text = merge_sections(existing, fresh)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
