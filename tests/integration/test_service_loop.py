"""The service loop in-process: the schedule runs only while leading, stops on request (and on
SIGTERM), releases leadership; readiness; the guarded tracker's counting and stop check; the stop
watchdog."""

from __future__ import annotations

import datetime as dt
import shutil
import signal
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from sync.cli.main import cli
from sync.errors import RateLimited, TrackerNotFound
from sync.service.app import GuardedTracker, Service
from sync.service.leader import SoleLeadership
from sync.service.metrics import ItemCounts, ServiceMetrics
from sync.service.schedule import ServiceStopping
from sync.store.engine import make_engine
from sync.store.migrations import migrate
from sync.store.service_store import SlotLedger
from sync.trackers.local_tracker import LocalTracker
from tests.conftest import EXAMPLES
from tests.integration.service_harness import runtime, settings, wait_for


class ScriptedLeadership:
    """Leads according to a script of answers (the last one repeats); records releases."""

    def __init__(self, answers: Sequence[bool]) -> None:
        self.answers = list(answers)
        self.checks = 0
        self.released = 0
        self.leading = False

    def check(self) -> bool:
        self.checks += 1
        self.leading = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        return self.leading

    def held(self) -> bool:
        return self.leading

    def release(self) -> None:
        self.released += 1
        self.leading = False


def fast_settings(docs: Path) -> object:
    return settings(
        sources={"paths": [str(docs / "*.md")]},
        schedule={"sync_every": "1s", "pull_every": "1s", "jitter": "0s"},
        service={"lease_seconds": 0.05, "listen": "127.0.0.1:0", "stop_timeout_seconds": 5},
    )


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    target = tmp_path / "docs"
    shutil.copytree(EXAMPLES, target)
    return target


def test_the_schedule_runs_while_leading_and_stops_on_request(engine: Engine, docs: Path, tmp_path: Path) -> None:
    leadership = ScriptedLeadership([False, False, True])
    service = Service(
        runtime(engine, LocalTracker(engine), fast_settings(docs)),  # type: ignore[arg-type]
        base_dir=tmp_path,
        environ={},
        leadership=leadership,
        factories={},
    )
    thread = threading.Thread(target=service.serve)
    thread.start()
    try:
        ledger = SlotLedger(engine, "test")
        assert wait_for(lambda: {r.job for r in ledger.runs() if r.outcome == "ok"} == {"sync", "pull"})
        assert leadership.checks >= 3  # followed twice, then led
        assert service.metrics.registry.get_sample_value("pmsync_leader") == 1.0
        assert service.health()["leader"] is True  # /healthz: as of the last round, no query
    finally:
        service.request_stop()
        thread.join(10)
    assert not thread.is_alive()
    assert leadership.released == 1
    assert service.listener is None
    assert service.metrics.registry.get_sample_value("pmsync_leader") == 0.0


def test_a_replica_that_loses_leadership_stops_scheduling(engine: Engine, docs: Path, tmp_path: Path) -> None:
    leadership = ScriptedLeadership([True, False])
    service = Service(
        runtime(engine, LocalTracker(engine), fast_settings(docs)),  # type: ignore[arg-type]
        base_dir=tmp_path,
        environ={},
        leadership=leadership,
        factories={},
    )
    thread = threading.Thread(target=service.serve)
    thread.start()
    try:
        assert wait_for(lambda: leadership.checks >= 4)
        ran = len(SlotLedger(engine, "test").runs())
        assert wait_for(lambda: leadership.checks >= 8)
        assert len(SlotLedger(engine, "test").runs()) == ran  # a follower runs nothing
        assert service.metrics.registry.get_sample_value("pmsync_leader") == 0.0
    finally:
        service.request_stop()
        thread.join(10)
    assert not thread.is_alive()


def test_readiness_means_deliveries_can_be_accepted(engine: Engine, tmp_path: Path) -> None:
    config = settings(service={"webhook_queue_size": 1, "listen": "127.0.0.1:0"})
    service = Service(
        runtime(engine, LocalTracker(engine), config),
        base_dir=tmp_path,
        environ={},
        leadership=SoleLeadership(),
        factories={},
    )
    assert service.ready() == (False, "not listening yet")
    service.start_listener()
    try:
        assert service.ready() == (True, "accepting deliveries")
        service.database.mark(False, "OperationalError")  # an outage: still accepting, into the spool
        assert service.ready() == (True, "accepting deliveries; state database down, 0 spooled")
        health = service.health()
        assert (health["database"], health["leader"], health["sync_overdue"]) == ("down", False, False)
        assert service.metrics.registry.get_sample_value("pmsync_database_up") == 0.0
    finally:
        service.shutdown()


def test_health_reports_the_last_sync_and_when_it_is_overdue(engine: Engine, tmp_path: Path) -> None:
    config = settings(schedule={"sync_every": "1m"})
    service = Service(
        runtime(engine, LocalTracker(engine), config),
        base_dir=tmp_path,
        environ={},
        leadership=SoleLeadership(),
        factories={},
    )
    service.monitor.check()
    assert service.health()["last_sync_age_seconds"] is None
    old = SlotLedger(engine, "x", clock=lambda: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    assert old.claim("sync", "s1")
    old.finish("sync", "s1", "ok")
    service.monitor.check()
    health = service.health()
    assert 299 <= int(str(health["last_sync_age_seconds"])) <= 330
    assert health["sync_overdue"] is True  # more than three intervals


def test_the_monitor_sees_a_database_outage(tmp_path: Path) -> None:
    broken = outage_engine(tmp_path)
    service = Service(
        runtime(broken, LocalTracker(broken)),
        base_dir=tmp_path,
        environ={},
        leadership=SoleLeadership(),
        factories={},
    )
    service.monitor.check()
    assert service.database.up is False
    assert service.health()["database"] == "down"
    broken.dispose()


def test_the_watchdog_ends_a_stop_that_hangs(engine: Engine, tmp_path: Path) -> None:
    exits: list[int] = []
    config = settings(service={"stop_timeout_seconds": 0.05})
    service = Service(
        runtime(engine, LocalTracker(engine), config),
        base_dir=tmp_path,
        environ={},
        leadership=SoleLeadership(),
        factories={},
        exit_process=exits.append,
    )
    service.start_watchdog()
    service.request_stop()  # and nothing ever finishes the stop
    assert wait_for(lambda: exits == [1])


def test_sigterm_sets_the_stop_flag(engine: Engine, tmp_path: Path) -> None:
    service = Service(
        runtime(engine, LocalTracker(engine)), base_dir=tmp_path, environ={}, leadership=SoleLeadership(), factories={}
    )
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        service.install_signal_handlers()
        signal.raise_signal(signal.SIGTERM)
        assert service.stop_event.is_set()
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])


def test_serve_command_until_sigterm(docs: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    config = tmp_path / "pmsync.toml"
    config.write_text(
        f'[sources]\npaths = ["{docs}/*.md"]\n[state]\nurl = "sqlite:///{state}"\n'
        '[schedule]\nsync_every = "1s"\npull_every = "1s"\njitter = "0s"\n[service]\nlisten = "127.0.0.1:0"\n',
        encoding="utf-8",
    )
    engine = make_engine(f"sqlite:///{state}")
    migrate(engine)
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)

    def stop_when_synced() -> None:
        wait_for(lambda: any(r.job == "sync" and r.outcome == "ok" for r in SlotLedger(engine, "t").runs()), 30)
        signal.raise_signal(signal.SIGTERM)

    helper = threading.Thread(target=stop_when_synced)
    helper.start()
    try:
        result = CliRunner().invoke(cli, ["--config", str(config), "serve"])
    finally:
        helper.join(30)
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])
        engine.dispose()
    assert result.exit_code == 0, result.output
    assert "listening on http://127.0.0.1:" in result.stderr


# --- the guarded tracker ----------------------------------------------------------------------


class FakeRemote:
    """A remote tracker's adapter as the service sees it: canned answers, a rate-limit reading."""

    name = "jira"
    capabilities = object()
    rate_limit_remaining = 42
    ref = object()
    page = object()

    def __init__(self) -> None:
        self.calls: list[str] = []

    def find_by_marker(self, *_args: object) -> None:
        self.calls.append("find_by_marker")

    def get(self, *_args: object) -> object:
        self.calls.append("get")
        raise TrackerNotFound("gone", tracker="jira", op="get")

    def fetch(self, *_args: object) -> list[object]:
        self.calls.append("fetch")
        return []

    def create(self, *_args: object) -> object:
        self.calls.append("create")
        raise RateLimited("slow down", tracker="jira", op="create", retry_after=1)

    def update(self, *_args: object) -> None:
        self.calls.append("update")

    def ensure_parent(self, *_args: object) -> object:
        self.calls.append("ensure_parent")
        return self.ref

    def link(self, *_args: object) -> None:
        self.calls.append("link")

    def changed_since(self, *_args: object) -> object:
        self.calls.append("changed_since")
        return self.page


def test_guarded_tracker_counts_calls_errors_and_rate_limit() -> None:
    inner = FakeRemote()
    metrics = ServiceMetrics(lambda: ItemCounts({}, 0), clock=lambda: dt.datetime.now(dt.UTC))
    stop = threading.Event()
    tracker = GuardedTracker(inner, metrics, stop)  # type: ignore[arg-type]
    assert tracker.name == "jira" and tracker.capabilities is inner.capabilities
    assert tracker.find_by_marker(None) is None  # type: ignore[arg-type]
    assert tracker.fetch([]) == []
    tracker.update(inner.ref, None)  # type: ignore[arg-type]
    assert tracker.ensure_parent(None) == inner.ref  # type: ignore[arg-type]
    tracker.link(inner.ref, inner.ref, None)  # type: ignore[arg-type]
    assert tracker.changed_since(None) is inner.page
    with pytest.raises(TrackerNotFound):
        tracker.get(inner.ref)
    with pytest.raises(RateLimited):
        tracker.create(None)  # type: ignore[arg-type]
    sample = metrics.registry.get_sample_value
    assert sample("pmsync_tracker_requests_total", {"tracker": "jira", "operation": "create"}) == 1
    assert sample("pmsync_tracker_errors_total", {"tracker": "jira", "error": "RateLimited"}) == 1
    assert sample("pmsync_tracker_errors_total", {"tracker": "jira", "error": "TrackerNotFound"}) == 1
    assert sample("pmsync_tracker_retries_total", {"tracker": "jira"}) == 1  # only the retryable one
    assert sample("pmsync_tracker_rate_limit_remaining", {"tracker": "jira"}) == 42
    assert len(inner.calls) == 8

    stop.set()
    with pytest.raises(ServiceStopping):
        tracker.changed_since(None)
    assert len(inner.calls) == 8  # refused before the call, not during it


def test_rate_limit_remaining_comes_from_the_tracker_http_responses() -> None:
    """The gauge follows what the adapter's HTTP edge saw on its last answer that said it."""
    import httpx

    from sync.pacing import BudgetPacer
    from sync.trackers.base import TicketRef
    from sync.trackers.github_http import GitHubHttp
    from sync.trackers.github_tracker import GitHubMapping, GitHubTracker

    metrics = ServiceMetrics(lambda: ItemCounts({}, 0), clock=lambda: dt.datetime.now(dt.UTC))
    answers = iter([{"X-RateLimit-Remaining": "4999"}, {}, {"x-ratelimit-remaining": "n/a"}])
    transport = httpx.MockTransport(lambda request: httpx.Response(201, json={}, headers=next(answers)))
    pacer = BudgetPacer()
    with httpx.Client(transport=transport) as client:
        edge = GitHubHttp(
            client, api_url="https://api.github.com", token="t", pacer=pacer, clock=lambda: dt.datetime.now(dt.UTC)
        )
        tracker = GuardedTracker.wrap(
            GitHubTracker(edge, GitHubMapping(repo="acme/ops"), pacer), metrics, threading.Event()
        )
        ref = TicketRef("github", "acme/ops#1")
        tracker.comment(ref, "one")
        assert metrics.registry.get_sample_value("pmsync_tracker_rate_limit_remaining", {"tracker": "github"}) == 4999
        tracker.comment(ref, "two")  # no header: the last value stays
        tracker.comment(ref, "three")  # unreadable: ignored
    assert metrics.registry.get_sample_value("pmsync_tracker_rate_limit_remaining", {"tracker": "github"}) == 4999


def outage_engine(tmp_path: Path) -> Engine:
    """An engine whose database went away after start-up (its folder removed): every connection
    fails as in an outage, while make_engine's start-up check still passed."""
    folder = tmp_path / "gone"
    folder.mkdir()
    engine = make_engine(f"sqlite:///{folder / 'state.db'}")
    folder.rmdir()
    return engine
