"""SIGKILL a real ``pmsync sync`` process talking to the fake GitHub at random requests, then
let a finishing sync run: no marker may end up on two issues, no item without one."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.contract.github_fixtures import REPO, assert_clean
from tests.fakes.github_server import FakeGitHub, RealClock
from tests.integration.github_project import TOKEN_ENV, write_project

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    # Real clock: the subprocess paces on the wall clock, so the fake does not enforce pacing here
    # (the in-process tests enforce it on the simulated clock).
    server = FakeGitHub(RealClock(), enforce_pacing=False).serve()
    server.add_repo(REPO)
    try:
        yield server
    finally:
        server.close()


def run_sync(config: Path, fake: FakeGitHub, kill_at: int | None) -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT), TOKEN_ENV: fake.token}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sync", "--config", str(config), "sync"],
        cwd=config.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seen = 0

    def maybe_kill(_where: str) -> None:
        nonlocal seen
        seen += 1
        if kill_at is not None and seen == kill_at:
            # The request took effect; the client dies before it hears the answer.
            proc.send_signal(signal.SIGKILL)

    fake.after_commit = maybe_kill
    try:
        return proc.wait(timeout=300)
    finally:
        fake.after_commit = None


@pytest.mark.slow
def test_sigkill_at_random_requests_then_a_finishing_sync(fake: FakeGitHub, tmp_path: Path) -> None:
    config = write_project(tmp_path, fake, incidents=3, extra="write_interval_seconds = 0.0")
    rng = random.Random(14)
    kills = 0
    for _ in range(4):
        code = run_sync(config, fake, kill_at=rng.randint(1, 25))
        kills += code == -signal.SIGKILL
    assert kills >= 2
    assert run_sync(config, fake, kill_at=None) in (0, 1)
    issues = fake.repo_issues(REPO)
    labels = [label for issue in issues for label in issue.labels if label.startswith("pmsync-")]
    markers = [label for label in labels if label != "pmsync-incident"]
    assert len(markers) == len(set(markers)) == 12, "9 items and 3 parents, each marker on one issue"
    assert_clean(fake)
    print(f"kills: {kills}, issues: {len(issues)}, duplicates: 0")


@pytest.mark.slow
def test_two_sync_processes_at_once_make_each_issue_once(fake: FakeGitHub, tmp_path: Path) -> None:
    config = write_project(tmp_path, fake, incidents=4, extra="write_interval_seconds = 0.0")
    env = {**os.environ, "PYTHONPATH": str(ROOT), TOKEN_ENV: fake.token}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "sync", "--config", str(config), "sync"],
            cwd=config.parent,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    assert all(p.returncode in (0, 1) for p in procs), outputs
    issues = fake.repo_issues(REPO)
    markers = [label for issue in issues for label in issue.labels if label.startswith("pmsync-")]
    markers = [label for label in markers if label != "pmsync-incident"]
    assert len(markers) == len(set(markers)) == 16, "12 items and 4 parents, none twice"
    assert all(issue.parent_id is not None for issue in issues if "pmsync-incident" not in issue.labels)
    assert_clean(fake)
