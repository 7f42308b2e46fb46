"""``pmsync serve`` as a process: seconds-scale schedule on the local tracker, health, readiness and
metrics on loopback, JSON log lines, exit 0 soon after SIGTERM; ``--once`` for cron; and leader
takeover between two replicas on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from sync.cli.main import cli
from sync.store.engine import make_engine
from sync.store.migrations import migrate
from sync.store.service_store import DeliveryLedger, JobRun, SlotLedger
from tests.conftest import EXAMPLES
from tests.integration.service_harness import GITHUB_SECRET, request, signed, wait_for
from tests.unit.test_webhooks import github_issue

ROOT = Path(__file__).resolve().parents[2]
LISTENING = re.compile(r"listening on http://([0-9.]+:\d+)")


def write_config(tmp_path: Path, state_url: str, **schedule: str) -> Path:
    docs = tmp_path / "docs"
    if not docs.exists():
        shutil.copytree(EXAMPLES, docs)
    today = dt.datetime.now(dt.UTC).strftime("%a").lower()
    entries: dict[str, str | bool] = {
        "sync_every": "1s",
        "pull_every": "1s",
        "jitter": "0s",
        # Due at once, so the report jobs run too when this installation has the report command.
        "weekly_report_day": today,
        "weekly_report_time": "00:00",
        "overdue_nudges_time": "00:00",
        "quarterly_review": False,
        **schedule,
    }
    lines = "\n".join(
        f"{key} = {str(value).lower()}" if isinstance(value, bool) else f'{key} = "{value}"'
        for key, value in entries.items()
    )
    config = tmp_path / "pmsync.toml"
    config.write_text(
        f'[sources]\npaths = ["docs/*.md"]\n\n[state]\nurl = "{state_url}"\n\n[schedule]\n{lines}\n\n'
        '[service]\nlisten = "127.0.0.1:0"\nlease_seconds = 0.5\nstop_timeout_seconds = 20\n',
        encoding="utf-8",
    )
    return config


class Server:
    """A ``pmsync serve`` child process, its stderr collected by a thread."""

    def __init__(self, config: Path, *args: str, **extra_env: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PMSYNC_")} | extra_env
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sync", "--config", str(config), "serve", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    @property
    def base(self) -> str:
        assert wait_for(lambda: any(LISTENING.search(line) for line in self.lines), timeout=30), self.lines
        match = next(m for line in self.lines if (m := LISTENING.search(line)))
        return f"http://{match.group(1)}"

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 10.0) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self._reader.join(5)
        if self.process.stderr is not None:
            self.process.stderr.close()


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.close()


def runs(engine: Engine) -> list[JobRun]:
    return SlotLedger(engine, "test").runs()


@pytest.mark.slow
def test_serve_runs_the_schedule_answers_health_and_exits_on_sigterm(
    tmp_path: Path, servers: list[Server], sqlite_url: str
) -> None:
    engine = make_engine(sqlite_url)
    migrate(engine)
    server = Server(write_config(tmp_path, sqlite_url))
    servers.append(server)
    try:
        base = server.base
        done = lambda job: any(r.job == job and r.outcome == "ok" for r in runs(engine))  # noqa: E731
        assert wait_for(lambda: done("sync") and done("pull"), timeout=30), server.lines
        if "report" in cli.commands:  # the reports package is installed: its jobs run as well
            assert wait_for(lambda: done("weekly_report") and done("overdue_nudges"), timeout=60), runs(engine)
        assert request(base + "/healthz")[0] == 200
        # The report jobs run in child processes and take seconds on a loaded machine; the next
        # sync (every second) makes the service ready again.
        assert wait_for(lambda: request(base + "/readyz")[0] == 200, timeout=30), request(base + "/readyz")
        status, body = request(base + "/metrics")
        metrics = body.decode()
        assert status == 200
        assert re.search(r'pmsync_job_runs_total\{job="sync",outcome="ok"\} [1-9]', metrics)
        assert re.search(r'pmsync_items\{status="open"\} [1-9]', metrics)
        assert re.search(r"pmsync_last_sync_timestamp_seconds [1-9]", metrics)
        assert re.search(r'pmsync_tracker_requests_total\{operation="create(_many)?",tracker="local"\} [1-9]', metrics)
        assert "pmsync_leader 1.0" in metrics
        assert server.stop(signal.SIGTERM, timeout=10) == 0
    finally:
        engine.dispose()
    server.close()
    records = [json.loads(line) for line in server.lines if line.startswith("{")]
    assert any(r.get("run_id") and r.get("job") == "sync" for r in records)
    # Audit lines of the sync carry the run, the incident, the item and the ticket as fields.
    assert any(r.get("run_id") and r.get("incident") and r.get("item") and r.get("ticket") for r in records)
    assert any(r["message"] == "stopped" for r in records)
    # Every slot ran at most once, and nothing is left "running" after a clean stop.
    engine = make_engine(sqlite_url)
    try:
        assert all(r.outcome in ("ok", "stopped") for r in runs(engine)), runs(engine)
    finally:
        engine.dispose()


def test_serve_once_runs_each_due_job_once(tmp_path: Path, sqlite_url: str) -> None:
    config = write_config(tmp_path, sqlite_url, sync_every="1h", pull_every="1h")
    first = CliRunner().invoke(cli, ["--config", str(config), "serve", "--once"])
    assert first.exit_code == 0, first.output
    assert re.search(r"^sync i3600s:\d+: ok$", first.stdout, re.M)
    assert re.search(r"^pull i3600s:\d+: ok$", first.stdout, re.M)
    again = CliRunner().invoke(cli, ["--config", str(config), "serve", "--once"])
    assert again.exit_code == 0, again.output
    assert again.stdout.strip() == "nothing due"


def test_serve_once_exits_1_when_a_job_fails(tmp_path: Path, sqlite_url: str) -> None:
    config = write_config(tmp_path, sqlite_url)
    config.write_text(config.read_text().replace('"docs/*.md"', '"missing/*.md"'), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "serve", "--once"])
    assert result.exit_code == 1
    assert re.search(r"^sync \S+: failed$", result.stdout, re.M)
    assert re.search(r"^pull \S+: ok$", result.stdout, re.M)


@pytest.mark.slow
@pytest.mark.postgres
def test_leader_takeover_on_postgresql(tmp_path: Path, servers: list[Server], pg_url: str) -> None:
    config = write_config(tmp_path, pg_url)
    engine = make_engine(pg_url)
    migrate(engine)  # so the test can read the job ledger before the servers are up
    try:
        first = Server(config, "--spool-dir", str(tmp_path / "spool-1"))  # each replica its own
        servers.append(first)
        assert wait_for(lambda: len(runs(engine)) >= 2, timeout=30), first.lines
        second = Server(config, "--spool-dir", str(tmp_path / "spool-2"), PMSYNC_GITHUB_WEBHOOK_SECRET=GITHUB_SECRET)
        servers.append(second)
        second_base = second.base
        assert request(second_base + "/healthz")[0] == 200  # followers serve health too
        # ...and accept webhook deliveries (this one names a GitHub issue the local tracker does not have).
        body, headers = signed(GITHUB_SECRET, github_issue(updated_at="2026-11-30T10:00:00Z"), "X-Hub-Signature-256")
        headers |= {"X-GitHub-Event": "issues", "X-GitHub-Delivery": "to-the-follower"}
        assert request(second_base + "/hooks/github", body=body, headers=headers)[0] == 202
        assert wait_for(
            lambda: [d[1:] for d in DeliveryLedger(engine).deliveries()] == [("to-the-follower", None, "other_tracker")]
        )
        leader_pid = int(runs(engine)[0].holder.split(":")[1])
        assert leader_pid == first.process.pid
        assert all(int(r.holder.split(":")[1]) == first.process.pid for r in runs(engine))

        first.process.kill()  # no goodbye: the server must notice the dead session
        first.process.wait(10)
        assert wait_for(
            lambda: any(int(r.holder.split(":")[1]) == second.process.pid and r.outcome == "ok" for r in runs(engine)),
            timeout=30,
        ), second.lines
        status, body = request(second_base + "/metrics")
        assert "pmsync_leader 1.0" in body.decode()
        assert second.stop(signal.SIGTERM, timeout=10) == 0
        slots = [(r.job, r.slot) for r in runs(engine)]
        assert len(slots) == len(set(slots))
        # The follower never ran a slot before the leader died, and ran later slots after.
        by_holder = {int(r.holder.split(":")[1]) for r in runs(engine)}
        assert by_holder == {first.process.pid, second.process.pid}
    finally:
        engine.dispose()


def test_serve_without_the_service_extra_names_it() -> None:
    from sync.cli.serve import require_service_modules
    from sync.errors import ConfigError

    require_service_modules()  # installed here
    with pytest.raises(ConfigError) as caught:
        require_service_modules(lambda name: None if name == "prometheus_client" else object())
    assert caught.value.message == "pmsync serve needs pmsync[service]: not installed: prometheus_client"
    assert caught.value.hint == "pip install 'pmsync[service]' (or 'pmsync[all]')"
    assert caught.value.exit_code == 2
