"""Issue 29 item 3 in-process: webhook deliveries keep being accepted while the state database is
down (spooled on local disk), ``/readyz`` stays 200, ``/healthz`` and ``/metrics`` report the
outage, and every delivery is applied once, in order, when the database returns — on a private
PostgreSQL cluster that the test really stops. Exactly once across crashes: a delivery recorded
but not yet removed from the spool, and one whose application the outage cut short."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from sync.core.model import Status
from sync.core.tickets import TicketRef
from sync.service.app import Service
from sync.service.leader import SoleLeadership
from sync.service.spool import DeliverySpool
from sync.service.webhooks import WebhookProcessor, github_event
from sync.store.engine import make_engine
from sync.store.migrations import migrate
from sync.store.repository import SqlStateStore
from sync.store.service_store import DeliveryLedger
from tests.integration.service_harness import (
    GITHUB_SECRET,
    SECRETS,
    NoCallsTracker,
    request,
    runtime,
    settings,
    signed,
    wait_for,
)
from tests.private_postgres import PrivatePostgres, private_postgres  # noqa: F401 (the fixture)
from tests.unit.test_webhooks import github_issue

ITEM = "INC-2026-0201#1"
GH_KEY = "example-org/incidents#12"
T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def seed(engine: Engine) -> None:
    store = SqlStateStore(engine, "github", clock=lambda: T0)
    store.record_ticket(ITEM, "item", TicketRef("github", GH_KEY), fields=None, status=Status.OPEN)


def delivery(n: int, state: str) -> tuple[bytes, dict[str, str]]:
    reason = "completed" if state == "closed" else None
    updated = (T0 + dt.timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body, headers = signed(GITHUB_SECRET, github_issue(state, reason, updated_at=updated), "X-Hub-Signature-256")
    return body, {**headers, "X-GitHub-Event": "issues", "X-GitHub-Delivery": f"outage-{n}"}


def history(engine: Engine) -> list[tuple[Status, dt.datetime | None]]:
    return [(row.status, row.changed_at) for row in SqlStateStore(engine, "github").history(ITEM)]


def get_json(url: str) -> tuple[int, Any]:
    status, body = request(url)
    return status, json.loads(body)


def metric(base: str, name: str) -> float | None:
    _status, body = request(base + "/metrics")
    for line in body.decode().splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return None


def test_deliveries_during_an_outage_are_applied_once_in_order_when_it_ends(
    private_postgres: PrivatePostgres,  # noqa: F811
    tmp_path: Path,
) -> None:
    engine = make_engine(private_postgres.url)
    migrate(engine)
    seed(engine)
    config = settings(service={"lease_seconds": 0.3, "listen": "127.0.0.1:0"})
    service = Service(
        runtime(engine, NoCallsTracker("github"), config),  # type: ignore[arg-type]
        base_dir=tmp_path,
        environ=SECRETS,
        leadership=SoleLeadership(),
        factories={},
    )
    host, port = service.start_listener()
    base = f"http://{host}:{port}"
    try:
        private_postgres.stop()
        # Closed, reopened, closed again: the order matters for what the history ends with.
        states = ["closed", "open", "closed", "open", "closed"]
        for n, state in enumerate(states, start=1):
            body, headers = delivery(n, state)
            assert request(base + "/hooks/github", body=body, headers=headers)[0] == 202
        body, headers = delivery(2, "open")
        assert request(base + "/hooks/github", body=body, headers=headers)[0] == 202  # a redelivery
        assert get_json(base + "/readyz")[0] == 200  # still taking deliveries: the Service keeps its endpoint
        assert wait_for(lambda: get_json(base + "/healthz")[1]["database"] == "down")
        _status, health = get_json(base + "/healthz")
        assert health["spool"]["depth"] == len(states)
        assert metric(base, "pmsync_database_up") == 0.0
        assert metric(base, "pmsync_webhook_spool_depth") == len(states)
        assert "state database down" in get_json(base + "/readyz")[1]["reason"]

        private_postgres.start()
        assert wait_for(lambda: service.spool.depth == 0, timeout=30)
        assert wait_for(lambda: get_json(base + "/healthz")[1]["database"] == "up", timeout=15)
        assert metric(base, "pmsync_database_up") == 1.0
        ids = [d[1] for d in DeliveryLedger(engine).deliveries()]
        assert sorted(ids) == [f"outage-{n}" for n in range(1, len(states) + 1)]  # each once
        expected = [Status.OPEN] + [Status.DONE if s == "closed" else Status.OPEN for s in states]
        assert [status for status, _ in history(engine)] == expected  # applied in arrival order
    finally:
        service.shutdown()
        engine.dispose()


def test_a_delivery_recorded_but_still_spooled_after_a_crash_is_not_applied_twice(
    engine: Engine, tmp_path: Path
) -> None:
    seed(engine)
    body, headers = delivery(1, "closed")
    event = github_event({k.lower(): v for k, v in headers.items()}, body, settings().github_status_map())
    spool = DeliverySpool(tmp_path / "spool", max_count=10, max_bytes=1 << 20)
    spool.open()
    assert spool.put(event) == "spooled"
    processor = WebhookProcessor(SqlStateStore(engine, "github"), DeliveryLedger(engine), spool)
    assert processor.apply(event) == "applied"  # ...and the process died before removing the file
    spool.close()
    again = DeliverySpool(tmp_path / "spool", max_count=10, max_bytes=1 << 20)
    again.open()
    assert again.depth == 1
    worker = WebhookProcessor(SqlStateStore(engine, "github"), DeliveryLedger(engine), again)
    worker.start()
    worker.stop(timeout=10)
    assert again.depth == 0
    assert [s for s, _ in history(engine)] == [Status.OPEN, Status.DONE]
    assert DeliveryLedger(engine).deliveries()[0][3] == "applied"
    again.close()


def test_a_delivery_cut_short_by_the_outage_is_finished_not_dropped(engine: Engine, tmp_path: Path) -> None:
    seed(engine)
    body, headers = delivery(1, "closed")
    event = github_event({k.lower(): v for k, v in headers.items()}, body, settings().github_status_map())
    ledger = DeliveryLedger(engine)
    # The first attempt recorded the delivery and moved the ticket's mark, then the database went away.
    assert ledger.record_delivery("github", event.delivery_id, GH_KEY, "received")
    assert ledger.advance("github", GH_KEY, event.updated_at, not_before=None)
    processor = WebhookProcessor(
        SqlStateStore(engine, "github"), ledger, DeliverySpool(tmp_path, max_count=1, max_bytes=1)
    )
    assert processor.apply(event) == "applied"
    assert [s for s, _ in history(engine)] == [Status.OPEN, Status.DONE]
    assert processor.apply(event) == "duplicate"  # finished now: a redelivery changes nothing
