"""Signed webhooks through the service's listener, on SQLite and PostgreSQL: a valid delivery
changes the item's status with no tracker request; redeliveries, bad signatures, older events,
echoes and unknown events change nothing; a full spool answers 503. Deliveries during a database
outage: tests/integration/test_service_outage.py."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from sync.config.models import Settings
from sync.core.model import Status
from sync.core.tickets import TicketRef
from sync.service.app import Service
from sync.service.http import Routes
from sync.service.leader import SoleLeadership
from sync.service.spool import DeliverySpool
from sync.service.webhooks import WebhookProcessor
from sync.store.repository import SqlStateStore
from sync.store.service_store import DeliveryLedger
from tests.integration.service_harness import (
    GITHUB_SECRET,
    JIRA_SECRET,
    SECRETS,
    NoCallsTracker,
    request,
    runtime,
    settings,
    signed,
    wait_for,
)
from tests.unit.test_webhooks import github_issue, jira_payload

T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
ITEM = "INC-2026-0201#1"
GH_KEY = "example-org/incidents#12"


def seed(engine: Engine, tracker: str, key: str) -> SqlStateStore:
    store = SqlStateStore(engine, tracker, clock=lambda: T0)
    store.record_ticket(ITEM, "item", TicketRef(tracker, key), fields=None, status=Status.OPEN)
    return store


class Running:
    def __init__(self, service: Service, base: str) -> None:
        self.service = service
        self.base = base

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        status, payload = request(self.base + path, body=body, headers=headers)
        return status, json.loads(payload) if payload else {}

    def count(self, source: str, outcome: str) -> float:
        value = self.service.metrics.registry.get_sample_value(
            "pmsync_webhook_deliveries_total", {"source": source, "outcome": outcome}
        )
        return value or 0.0

    def settled(self, source: str, outcome: str, n: float = 1) -> bool:
        return wait_for(lambda: self.count(source, outcome) >= n)


def start(engine: Engine, tmp_path: Path, tracker: str, config: Settings | None = None) -> Running:
    service = Service(
        runtime(engine, NoCallsTracker(tracker), config),
        base_dir=tmp_path,
        environ=SECRETS,
        listen="127.0.0.1:0",
        leadership=SoleLeadership(),
        factories={},
    )
    host, port = service.start_listener()
    return Running(service, f"http://{host}:{port}")


@pytest.fixture
def github(engine: Engine, tmp_path: Path) -> Iterator[Running]:
    seed(engine, "github", GH_KEY)
    running = start(engine, tmp_path, "github", settings(service={"ignore_senders": ["pmsync-bot"]}))
    yield running
    running.service.shutdown()


def gh_delivery(delivery: str, state: str = "closed", reason: str | None = "completed", **issue: Any) -> Any:
    body, headers = signed(GITHUB_SECRET, github_issue(state, reason, **issue), "X-Hub-Signature-256")
    return body, {**headers, "X-GitHub-Event": "issues", "X-GitHub-Delivery": delivery}


def history(engine: Engine, tracker: str) -> list[tuple[Status, dt.datetime | None]]:
    return [(row.status, row.changed_at) for row in SqlStateStore(engine, tracker).history(ITEM)]


def test_signed_github_closed_delivery_changes_the_status_without_polling(github: Running, engine: Engine) -> None:
    status, answer = github.post("/hooks/github", *gh_delivery("d-1", updated_at="2026-11-30T10:00:00Z"))
    assert (status, answer["status"]) == (202, "queued")
    assert wait_for(lambda: len(history(engine, "github")) == 2)
    assert history(engine, "github")[-1] == (Status.DONE, dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC))
    assert github.settled("github", "applied")  # the outcome is counted just after the history write
    # NoCallsTracker fails on any call; the metrics agree that none was made.
    assert github.service.metrics.registry.get_sample_value(
        "pmsync_tracker_requests_total", {"tracker": "github", "operation": "changed_since"}
    ) in (None, 0.0)


def test_the_same_delivery_twice_records_once(github: Running, engine: Engine) -> None:
    body, headers = gh_delivery("d-twice", updated_at="2026-11-30T10:00:00Z")
    assert github.post("/hooks/github", body, headers)[0] == 202
    assert github.post("/hooks/github", body, headers)[0] == 202
    assert github.settled("github", "duplicate")  # the copy still waiting in the spool is not kept twice
    assert github.settled("github", "applied")
    assert [s for s, _ in history(engine, "github")] == [Status.OPEN, Status.DONE]
    assert [d[1] for d in DeliveryLedger(engine).deliveries()] == ["d-twice"]


def test_a_wrong_signature_is_refused_and_nothing_is_recorded(github: Running, engine: Engine) -> None:
    body, headers = gh_delivery("d-forged", updated_at="2026-11-30T10:00:00Z")
    forged = {**headers, "X-Hub-Signature-256": "sha256=" + "0" * 64}
    assert github.post("/hooks/github", body, forged)[0] == 401
    unsigned = {k: v for k, v in headers.items() if k != "X-Hub-Signature-256"}
    assert github.post("/hooks/github", body, unsigned)[0] == 401
    assert github.post("/hooks/github", body + b" ", headers)[0] == 401  # body altered after signing
    assert github.count("github", "refused_signature") == 3
    assert DeliveryLedger(engine).deliveries() == []
    assert [s for s, _ in history(engine, "github")] == [Status.OPEN]


def test_an_older_delivery_after_a_newer_one_changes_nothing(github: Running, engine: Engine) -> None:
    github.post("/hooks/github", *gh_delivery("d-new", updated_at="2026-11-30T11:00:00Z"))
    github.post("/hooks/github", *gh_delivery("d-old", "open", "reopened", updated_at="2026-11-30T10:00:00Z"))
    assert github.settled("github", "stale")
    assert [s for s, _ in history(engine, "github")] == [Status.OPEN, Status.DONE]
    # A genuinely newer reopen still applies.
    github.post("/hooks/github", *gh_delivery("d-newer", "open", "reopened", updated_at="2026-11-30T12:00:00Z"))
    assert wait_for(lambda: len(history(engine, "github")) == 3)
    assert history(engine, "github")[-1][0] is Status.OPEN


def test_echoes_unknown_tickets_and_other_events_change_nothing(github: Running, engine: Engine) -> None:
    github.post("/hooks/github", *gh_delivery("d-echo", updated_at="2026-11-30T10:00:00Z", id=1, number=12))
    body, headers = signed(
        GITHUB_SECRET,
        {**github_issue(updated_at="2026-11-30T10:00:00Z"), "sender": {"login": "pmsync-bot"}},
        "X-Hub-Signature-256",
    )
    github.post("/hooks/github", body, {**headers, "X-GitHub-Event": "issues", "X-GitHub-Delivery": "d-bot"})
    assert github.settled("github", "echo")
    body, headers = signed(
        GITHUB_SECRET, github_issue(number=99, updated_at="2026-11-30T10:00:00Z"), "X-Hub-Signature-256"
    )
    github.post("/hooks/github", body, {**headers, "X-GitHub-Event": "issues", "X-GitHub-Delivery": "d-99"})
    assert github.settled("github", "unknown_ticket")
    body, headers = signed(GITHUB_SECRET, {"zen": "Keep it logically awesome."}, "X-Hub-Signature-256")
    status, answer = github.post("/hooks/github", body, {**headers, "X-GitHub-Event": "ping", "X-GitHub-Delivery": "p"})
    assert (status, answer["status"]) == (202, "ignored")
    status, _ = github.post("/hooks/github", b"{}", {"X-Hub-Signature-256": "sha256=" + "0" * 64})
    assert status == 401
    assert github.count("github", "ignored_event") == 1


def test_jira_issue_updated_changes_the_status(engine: Engine, tmp_path: Path) -> None:
    seed(engine, "jira", "OPS-7")
    running = start(engine, tmp_path, "jira")
    try:
        body, headers = signed(JIRA_SECRET, jira_payload("done", "Closed", "Won't Do"), "X-Hub-Signature")
        headers["X-Atlassian-Webhook-Identifier"] = "wh-77"
        assert running.post("/hooks/jira", body, headers)[0] == 202
        assert wait_for(lambda: len(history(engine, "jira")) == 2)
        assert history(engine, "jira")[-1] == (Status.WONT_DO, dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC))
        assert running.post("/hooks/jira", body, headers)[0] == 202
        assert running.settled("jira", "duplicate")
        bad = {**headers, "X-Hub-Signature": "sha256=" + "f" * 64}
        assert running.post("/hooks/jira", body, bad)[0] == 401
        assert len(history(engine, "jira")) == 2
    finally:
        running.service.shutdown()


def test_health_readiness_metrics_and_unknown_routes(github: Running) -> None:
    status, body = request(github.base + "/healthz")
    health = json.loads(body)
    assert status == 200
    assert (health["status"], health["database"], health["spool"]["depth"]) == ("alive", "up", 0)
    status, body = request(github.base + "/readyz")
    assert status == 200 and json.loads(body) == {"status": "ready", "reason": "accepting deliveries"}
    status, body = request(github.base + "/metrics")
    assert status == 200
    assert b"# TYPE pmsync_items gauge" in body
    assert b"pmsync_items_overdue 0.0" in body
    assert b"pmsync_leader 0.0" in body  # the schedule loop is not running in this test
    assert request(github.base + "/nope")[0] == 404
    assert request(github.base + "/hooks/github")[0] == 405


def test_a_full_spool_answers_503(engine: Engine, tmp_path: Path) -> None:
    seed(engine, "github", GH_KEY)
    store = SqlStateStore(engine, "github")
    counted: list[tuple[str, str]] = []

    class Counter:
        def delivery(self, source: str, outcome: str) -> None:
            counted.append((source, outcome))

    spool = DeliverySpool(tmp_path / "spool", max_count=1, max_bytes=1 << 20)
    spool.open()
    processor = WebhookProcessor(store, DeliveryLedger(engine), spool, observer=Counter())  # worker not started
    routes = Routes(
        ready=lambda: (True, ""),
        metrics=lambda: (b"", "text/plain"),
        sink=processor,
        counter=Counter(),
        github_secret=GITHUB_SECRET.encode(),
    )
    body, headers = gh_delivery("q-1", updated_at="2026-11-30T10:00:00Z")
    lower = {k.lower(): v for k, v in headers.items()}
    assert routes.handle("POST", "/hooks/github", lower, body).status == 202
    assert routes.handle("POST", "/hooks/github", lower, body).status == 202  # the same one again: kept once
    other, other_headers = gh_delivery("q-2", updated_at="2026-11-30T10:01:00Z")
    full = routes.handle("POST", "/hooks/github", {k.lower(): v for k, v in other_headers.items()}, other)
    assert full.status == 503
    assert json.loads(full.body) == {"error": "delivery spool full; not accepted, retry later"}
    assert ("Retry-After", "60") in full.headers
    assert ("github", "refused_spool_full") in counted
    assert spool.depth == 1
    # Jira is not configured on these routes: its endpoint says so rather than accepting anything.
    assert routes.handle("POST", "/hooks/jira", {}, b"{}").status == 404
    assert routes.handle("POST", "/hooks/github", {**lower, "x-github-event": "issues"}, b"{").status == 401
    spool.close()


def test_a_delivery_for_another_tracker_is_ignored(engine: Engine) -> None:
    seed(engine, "github", GH_KEY)
    ledger = DeliveryLedger(engine)
    processor = WebhookProcessor(
        SqlStateStore(engine, "github"), ledger, DeliverySpool(Path("unused"), max_count=1, max_bytes=1)
    )
    from mappings.statuses import JiraStatusMap
    from sync.service.webhooks import jira_event

    event = jira_event({}, json.dumps(jira_payload()).encode(), JiraStatusMap())
    assert processor.apply(event) == "other_tracker"
    assert [s for s, _ in history(engine, "github")] == [Status.OPEN]
