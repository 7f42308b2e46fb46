"""GitHub API cost of pmsync's sync and pull, measured against the fake GitHub server.

Run: ``PYTHONPATH=. python bench/api_cost_github.py [incidents] [changes]`` (default 40 incidents =
120 items, 10 changes). ``bench/api_cost.py`` may import :func:`github_rows` to print these rows
beside the Jira ones. Everything runs on the fake's simulated clock: the figures are request
counts and simulated rates, not wall time.

Rows:

- first sync: requests and writes for N items + their parent issues;
- idle re-sync: requests of a sync where nothing changed (one conditional request per repository,
  answered 304, which does not count against GitHub's rate limit);
- pull after K changes: requests of a sync after people closed K issues;
- naive baseline: one ``GET /repos/{o}/{r}/issues/{n}`` per managed issue, what a pull costs without
  the label-filtered, ETag-conditional list;
- writes per minute at peak: the most content-creating requests in any 60 s of the first sync
  (GitHub's secondary limit is 80).
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tests.contract.github_fixtures import REPO, start
from tests.fakes.github_server import FakeGitHub
from tests.integration.github_project import sync, write_project


@dataclass(frozen=True)
class Row:
    scenario: str
    requests: int
    counted: int  # requests that count against the primary rate limit (not 304)
    writes: int
    note: str = ""


def _snapshot(fake: FakeGitHub) -> tuple[Counter[str], Counter[int]]:
    return Counter(fake.counter), Counter(fake.statuses)


def _row(name: str, fake: FakeGitHub, before: tuple[Counter[str], Counter[int]], note: str = "") -> Row:
    counter = fake.counter - before[0]
    statuses = fake.statuses - before[1]
    total = sum(counter.values())
    writes = sum(n for key, n in counter.items() if not key.startswith("GET"))
    return Row(name, total, total - statuses[304], writes, note)


def _peak_per_minute(times: list[float]) -> int:
    peak = 0
    start = 0
    for end, moment in enumerate(times):
        while times[start] <= moment - 60:
            start += 1
        peak = max(peak, end - start + 1)
    return peak


def github_rows(incidents: int = 40, changes: int = 10) -> list[Row]:
    fake = start()
    rows: list[Row] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = write_project(Path(tmp), fake, incidents)
            write_times: list[float] = []
            original = fake._record_write  # noqa: SLF001 - the bench watches the fake, not pmsync

            def watch(where: str) -> str | None:
                write_times.append(fake.clock.now().timestamp())  # type: ignore[union-attr]
                return original(where)

            fake._record_write = watch  # type: ignore[method-assign]  # noqa: SLF001
            before = _snapshot(fake)
            sync(config, fake)
            items = 3 * incidents
            rows.append(_row(f"first sync ({items} items + {incidents} parents)", fake, before))
            sync(config, fake)  # the pull cursor settles on an ETag
            before = _snapshot(fake)
            sync(config, fake)
            rows.append(_row("idle re-sync", fake, before, "1 conditional request per repository, answered 304"))
            for issue in fake.repo_issues(REPO)[:changes]:
                fake.clock.advance(5)  # type: ignore[union-attr]
                fake.human_edit(REPO, issue.number, state="closed", state_reason="completed")
            before = _snapshot(fake)
            sync(config, fake)
            rows.append(_row(f"pull after {changes} changes", fake, before))
            managed = len(fake.repo_issues(REPO))
            rows.append(Row("naive baseline: one GET per managed issue", managed, managed, 0, "per pull"))
            rows.append(
                Row(
                    "writes per minute at peak",
                    _peak_per_minute(sorted(write_times)),
                    0,
                    0,
                    f"GitHub's limit: 80; secondary-limit violations: {len(fake.pacing_violations)}",
                )
            )
    finally:
        fake.close()
    return rows


def main(argv: list[str]) -> None:
    incidents = int(argv[1]) if len(argv) > 1 else 40
    changes = int(argv[2]) if len(argv) > 2 else 10
    print(f"{'GitHub scenario':<48} {'requests':>9} {'counted':>8} {'writes':>7}  note")
    for row in github_rows(incidents, changes):
        print(f"{row.scenario:<48} {row.requests:>9} {row.counted:>8} {row.writes:>7}  {row.note}")


if __name__ == "__main__":
    main(sys.argv)
