"""API cost of keeping tickets in sync: requests pmsync sends, beside the lower bound and a naive
client, measured in the same run against a fake tracker on loopback with injected latency.

Run: ``python bench/api_cost.py [--backend jira|github] [--sizes 100,1000,10000] [--latency 0.05]
[--big-latency 0.005] [--github-incidents 40] [--out bench/RESULTS.md]``. Each backend writes its
own section of the results file; the sections of backends not run this time are kept. Sizes
above 1,000 use ``--big-latency`` (a naive client makes ~50,000 sequential requests at
N = 10,000; at 50 ms that is 40 minutes).

To iterate on one figure: ``--scenarios idle`` (of ``initial,idle,pull``; the initial sync still
runs to prepare the state, it is only left out of the rows), ``--no-naive`` (pmsync alone), and
``--hold`` (after the last scenario keep the fake and the state, write a script beside it that times
another idle sync, and wait for Ctrl-C). Rows of a partial run are printed, never written to ``--out``.

Per size N (N items, 50 per incident): the initial sync, an idle re-sync, and pulls after 1 %,
10 % and 100 % of the items were changed by people. Each is timed as the user runs it: the whole
``pmsync`` command as a process, start-up and loading included, beside the naive client
(``bench/naive_jira.py``, also a process: one create request per issue, one GET per ticket per
pull, no cursor) against the same fake with the same latency. Backends register in
:data:`BACKENDS`; the Jira rows run the fake Jira Cloud (``tests/fakes/jira_server.py``) on the
real clock with its search index 3 s behind writes.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.jira_server import FakeJira, RunningFake, serve  # noqa: E402
from tests.jira.corpus import write_config, write_corpus  # noqa: E402

ITEMS_PER_INCIDENT = 50
CHANGE_SHARES = (0.01, 0.10, 1.00)
SCENARIOS = ("initial", "idle", "pull")


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
    cpu: float | None = None  # pmsync's CPU seconds (user + system)


@dataclass(frozen=True)
class Choice:
    """What one run measures: which scenarios, whether beside the naive client, and whether to hold
    the prepared state for re-timing by hand."""

    scenarios: tuple[str, ...] = SCENARIOS
    naive: bool = True
    hold: bool = False


class Backend(Protocol):
    name: str

    def rows(self, n: int, latency: float, choice: Choice) -> list[Row]: ...


# --- Jira ---------------------------------------------------------------------------------------


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``command`` as a process, start-up and loading included (the CPU
    figure says what the wall time would be on a machine that is not shared)."""
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - started
    after = os.times()
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return seconds, cpu


class SteppedClock:
    """Real time plus an offset the bench moves forward between phases, shared by the fake and
    (through libfaketime's ``faketime``) the pmsync process, so each phase starts with every
    earlier change older than the pull's safety margin, as it is in a steady state."""

    def __init__(self) -> None:
        self.offset = 0

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=self.offset)

    def wrap(self, command: list[str]) -> list[str]:
        return ["faketime", "-f", f"+{self.offset}s", *command]


class JiraBackend:
    """pmsync (``python -m sync``) and the naive client (``bench/naive_jira.py``), each as the user
    runs it: a process against the fake Jira Cloud on loopback, real clock, same latency, the
    fake's search index lagging 3 s behind writes."""

    name = "jira"
    lag = 3.0

    @contextmanager
    def _fake(self, latency: float, clock: SteppedClock) -> Iterator[RunningFake]:
        # Request validation against the description is the tests' job; here it would only add
        # CPU time to every request and blur the latency figures.
        running = serve(FakeJira("cloud", clock=clock, index_lag=self.lag, latency=latency, validate=False))
        try:
            yield running
        finally:
            running.close()

    def rows(self, n: int, latency: float, choice: Choice) -> list[Row]:
        incidents = max(1, n // ITEMS_PER_INCIDENT)
        per_incident = n // incidents
        rows: list[Row] = []
        clock = SteppedClock()
        with tempfile.TemporaryDirectory() as tmp, self._fake(latency, clock) as running:
            root = Path(tmp)
            fake = running.fake
            env = {**os.environ, "PMSYNC_JIRA_TOKEN": fake.token, "PYTHONPATH": str(ROOT)}
            write_corpus(root / "docs", incidents=incidents, items=per_incident)
            config = write_config(root, running.url, lag=self.lag)
            # The safety valve stops a first sync of more creates than the test corpus needs; here
            # every one is wanted, as a backfill's user would confirm.
            text = config.read_text(encoding="utf-8").replace("max_creates = 5000", f"max_creates = {2 * n + 100}")
            config.write_text(text, encoding="utf-8")
            pmsync = [sys.executable, "-m", "sync", "--config", str(config)]

            def measure(command: list[str]) -> tuple[int, float, float]:
                fake.reset_counts()
                seconds, cpu = _timed(clock.wrap(command), env)
                return fake.total_requests(), seconds, cpu

            def step() -> None:
                time.sleep(self.lag + 0.5)  # the fake's index catches up in real time
                clock.offset += 300

            total, seconds, cpu = measure([*pmsync, "sync"])
            bulk = fake.requests["POST /rest/api/3/issue/bulk"]
            bound = math.ceil(incidents * per_incident / 50) + math.ceil(incidents / 50)
            if "initial" in choice.scenarios:
                for scenario, requests in (("create requests", bulk), ("all requests", total)):
                    row = Row(self.name, f"initial sync: {scenario}", n, requests, bound, None, seconds, None, latency)
                    rows.append(Row(**{**row.__dict__, "cpu": cpu}))
            step()
            measure([*pmsync, "sync"])  # settles the first pull
            if "idle" in choice.scenarios:
                step()
                total, seconds, cpu = measure([*pmsync, "sync"])
                rows.append(Row(self.name, "idle re-sync", n, total, 1, None, seconds, None, latency, cpu=cpu))
            items = sorted((i for i in fake.issues.values() if i.issuetype.name == "Task"), key=lambda i: int(i.id))
            for share in CHANGE_SHARES if "pull" in choice.scenarios else ():
                k = max(1, round(len(items) * share))
                step()
                fake.human_transitions(
                    {issue.key: "In Progress" if issue.status != "In Progress" else "Done" for issue in items[:k]}
                )
                time.sleep(self.lag + 0.5)
                total, seconds, cpu = measure([*pmsync, "pull"])
                scenario = f"pull after {share:.0%} changed"
                bound = math.ceil(k / 100)
                rows.append(Row(self.name, scenario, n, total, bound, None, seconds, None, latency, cpu=cpu))
            if choice.hold:
                _hold(clock, env, pmsync, root)
        if not choice.naive:
            return rows
        with tempfile.TemporaryDirectory() as tmp, self._fake(latency, SteppedClock()) as running:
            keys = Path(tmp) / "keys.txt"
            env = {**os.environ, "PMSYNC_JIRA_TOKEN": running.fake.token}
            naive = [sys.executable, str(ROOT / "bench" / "naive_jira.py")]
            common = ["--url", running.url, "--keys", str(keys)]
            running.fake.reset_counts()
            create_seconds, _cpu = _timed(
                [*naive, "create", *common, "--incidents", str(incidents), "--per-incident", str(per_incident)], env
            )
            create_total = running.fake.total_requests()
            running.fake.reset_counts()
            pull_seconds, _cpu = _timed([*naive, "pull", *common], env)
            pull_total = running.fake.total_requests()
        merged = []
        for row in rows:
            if row.scenario.startswith("initial sync"):
                merged.append(_with_naive(row, create_total, create_seconds))
            else:  # the naive client has no cursor: every sync or pull reads every ticket
                merged.append(_with_naive(row, pull_total, pull_seconds))
        return merged


def _hold(clock: SteppedClock, env: dict[str, str], pmsync: list[str], root: Path) -> None:
    """Keep the fake and the state until Ctrl-C. A script beside the state times another idle sync
    (each later run sees the clock where the last scenario left it: nothing older than the pull's
    margin is pending, so every run is idle); the fake's token stays in that file, out of the output."""
    clock.offset += 300
    script = root / "idle.sh"
    exports = "".join(f"export {name}={shlex.quote(env[name])}\n" for name in ("PMSYNC_JIRA_TOKEN", "PYTHONPATH"))
    script.write_text(f"{exports}exec {shlex.join(clock.wrap([*pmsync, 'sync']))}\n", encoding="utf-8")
    print(f"holding; time an idle sync with: time sh {script}  (Ctrl-C here ends it)", file=sys.stderr)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("released", file=sys.stderr)


def follow_ups(n: int, latency: float) -> None:
    """``--follow-ups``: a first sync of N items their documents mark Done, so each needs a
    transition after its create (Jira creates issues open): ``[tracker] concurrency = 1`` beside
    the default 4, each the whole ``pmsync sync`` as a process against the fake Jira Cloud with
    ``latency`` per request. Printed, not written to the results file."""
    incidents = max(1, n // ITEMS_PER_INCIDENT)
    print(f"follow-up writes, N = {n:,} Done items, {latency * 1000:.0f} ms per request")
    print("| concurrency | requests | transition posts | peak in flight | pmsync s | pmsync CPU s |")
    print("|---:|---:|---:|---:|---:|---:|")
    for concurrency in (1, 4):
        with tempfile.TemporaryDirectory() as tmp, JiraBackend()._fake(latency, SteppedClock()) as running:
            root, fake = Path(tmp), running.fake
            for path in write_corpus(root / "docs", incidents=incidents, items=n // incidents):
                path.write_text(path.read_text(encoding="utf-8").replace("| Open |", "| Done |"), encoding="utf-8")
            config = write_config(root, running.url, lag=JiraBackend.lag)
            text = config.read_text(encoding="utf-8").replace("max_creates = 5000", f"max_creates = {2 * n + 100}")
            config.write_text(text.replace("[safety]", f"concurrency = {concurrency}\n[safety]"), encoding="utf-8")
            env = {**os.environ, "PMSYNC_JIRA_TOKEN": fake.token, "PYTHONPATH": str(ROOT)}
            fake.reset_counts()
            seconds, cpu = _timed([sys.executable, "-m", "sync", "--config", str(config), "sync"], env)
            posts = fake.requests["POST /rest/api/3/issue/{issueIdOrKey}/transitions"]
            print(
                f"| {concurrency} | {fake.total_requests():,} | {posts:,} | {fake.in_flight.peak} "
                f"| {seconds:.1f} | {cpu:.1f} |",
                flush=True,
            )


def _with_naive(row: Row, requests: int, seconds: float) -> Row:
    return Row(**{**row.__dict__, "naive": requests, "naive_seconds": seconds})


BACKENDS: dict[str, Backend] = {"jira": JiraBackend()}


# --- report ---------------------------------------------------------------------------------------


def render(rows: list[Row], command: str) -> str:
    lines = [
        "## jira",
        "",
        f"Measured by `{command}` on {dt.date.today().isoformat()} (load average {os.getloadavg()[0]:.1f} on",
        f"{os.cpu_count()} cores at the end): requests counted by the fake's per-endpoint counter; wall",
        "seconds of the whole command as a process (start-up included) with the injected per-request",
        "latency shown; *pmsync CPU s* is that process's user + system time.",
        "",
        "| backend | scenario | N | pmsync requests | lower bound | naive requests | pmsync s | naive s "
        "| pmsync / naive | pmsync CPU s | latency | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        naive = "-" if r.naive is None else str(r.naive)
        naive_s = "-" if r.naive_seconds is None else f"{r.naive_seconds:.1f}"
        ratio = "-" if not r.naive_seconds else f"{r.seconds / r.naive_seconds:.2f}"
        cpu = "-" if r.cpu is None else f"{r.cpu:.1f}"
        lines.append(
            f"| {r.backend} | {r.scenario} | {r.n:,} | {r.requests:,} | {r.lower_bound:,} | {naive} | "
            f"{r.seconds:.1f} | {naive_s} | {ratio} | {cpu} | {r.latency * 1000:.0f} ms | {r.note} |"
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
    if shutil.which("faketime") is None:
        raise SystemExit("bench/api_cost.py needs libfaketime's faketime command: apt-get install faketime")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", action="append", choices=sorted([*BACKENDS, "github"]))
    parser.add_argument("--github-incidents", type=int, default=40)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--big-latency", type=float, default=0.005)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="of initial,idle,pull")
    parser.add_argument("--no-naive", action="store_true", help="time pmsync alone")
    parser.add_argument("--hold", action="store_true", help="keep the prepared state for re-timing idle syncs")
    parser.add_argument("--follow-ups", action="store_true", help="only print serial vs parallel follow-up writes")
    args = parser.parse_args(argv)
    if args.follow_ups:
        for n in (int(s) for s in args.sizes.split(",")):
            follow_ups(n, args.latency)
        return 0
    scenarios = tuple(s for s in args.scenarios.split(",") if s)
    if unknown := set(scenarios) - set(SCENARIOS):
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    choice = Choice(scenarios=scenarios, naive=not args.no_naive, hold=args.hold)
    # As installed: pip compiles the package, so no timed run pays for compiling it.
    for package in ("sync", "mappings", "reports"):
        compileall.compile_dir(ROOT / package, quiet=1)
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
            rows += BACKENDS[name].rows(n, latency, choice)
        fresh[name] = render(rows, command)
    if choice != Choice():
        print("\n\n".join(fresh.values()))  # a partial run: RESULTS.md keeps the full figures
        return 0
    existing = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    text = merge_sections(existing, fresh)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
