"""Signed webhook deliveries from GitHub and Jira → the status history, within a second.

Flow: the HTTP handler verifies the signature over the **raw** body (HMAC-SHA256, constant-time
compare) and answers 401 without recording anything when it does not match; it parses the event,
answers 202 and ignores it when it is not one that carries an issue's status; otherwise it stores
the event durably in this replica's spool on local disk (:mod:`sync.service.spool`; 503 when the
spool is full — the sender retries, and the polling pull catches anything that never comes back)
and answers 202 — whether or not the state database is up. One worker thread per replica applies
spooled events, oldest first; while the database is down it waits and retries the same event, so
deliveries are applied in order once it returns:

1. the delivery id is recorded once (``X-GitHub-Delivery``; Jira's
   ``X-Atlassian-Webhook-Identifier``, else ``timestamp`` + issue id) — a redelivery changes nothing,
   while a delivery whose application the outage cut short (still ``received``) is resumed;
2. events caused by pmsync's own accounts (``[service] ignore_senders``) are echoes and ignored;
3. the ticket is looked up by tracker + id/key
   (:meth:`~sync.store.service_store.DeliveryLedger.find_ticket`); tickets pmsync does not manage
   are ignored;
4. per-ticket ordering by the tracker's ``updated`` time: an event older than the newest one
   applied (or than the newest change the history holds) is dropped;
5. the payload's status is mapped with :mod:`mappings.statuses` and appended to the history when
   it changed (the same writer the pull uses).

The spool file is removed only after its delivery is recorded: a crash in between replays it,
which step 1 makes harmless — each delivery is applied exactly once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from mappings.statuses import GitHubStatusMap, JiraStatusMap, MappedStatus
from sync.core.model import Status
from sync.service.outage import DatabaseStatus, is_outage
from sync.store.service_store import DeliveryLedger

if TYPE_CHECKING:
    from sync.service.spool import DeliverySpool

log = logging.getLogger(__name__)


def sign(secret: bytes, body: bytes) -> str:
    """``sha256=<hex>``: the signature GitHub (``X-Hub-Signature-256``) and Jira (``X-Hub-Signature``) send."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def signature_valid(secret: bytes, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is ``sha256=<hex>`` of ``body`` under ``secret`` (constant-time)."""
    if not secret or not header:
        return False
    return hmac.compare_digest(sign(secret, body).encode("ascii"), header.strip().encode("ascii", "replace"))


@dataclass(frozen=True)
class StatusEvent:
    """What a delivery says about one issue's status."""

    source: str  # github | jira (the endpoint)
    delivery_id: str
    tracker: str  # the tracker kind whose tickets it names
    keys: tuple[str, ...]  # candidate ticket keys, most specific first
    tracker_id: str | None
    mapped: MappedStatus
    updated_at: dt.datetime
    sender: str | None


class NotAStatusEvent(Exception):
    """The delivery is valid but carries nothing pmsync uses (answered 202, ignored)."""


class BadPayload(Exception):
    """The body is not the JSON the event promises (answered 400)."""


def parse_time(value: Any) -> dt.datetime:
    """GitHub's ``2026-11-30T10:00:00Z`` and Jira's ``2026-11-30T10:00:00.000+0000`` as aware UTC."""
    if not isinstance(value, str) or not value:
        raise BadPayload("missing updated time")
    text = value.strip()
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = f"{text[:-2]}:{text[-2:]}"  # +0000 → +00:00
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadPayload(f"unreadable time {value!r}") from None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _json(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadPayload("body is not JSON") from None
    if not isinstance(payload, dict):
        raise BadPayload("body is not a JSON object")
    return payload


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def github_event(
    headers: Mapping[str, str], body: bytes, status_map: GitHubStatusMap, *, tracker: str = "github"
) -> StatusEvent:
    """An ``issues`` delivery (any action: closed, reopened, labeled…) → the issue's status."""
    if headers.get("x-github-event") != "issues":
        raise NotAStatusEvent(f"event {headers.get('x-github-event')!r}")
    delivery = headers.get("x-github-delivery")
    if not delivery:
        raise BadPayload("missing X-GitHub-Delivery")
    payload = _json(body)
    issue = _dict(payload.get("issue"))
    number = issue.get("number")
    if not isinstance(number, int) or not isinstance(issue.get("state"), str):
        raise BadPayload("issue.number or issue.state missing")
    repo = _dict(payload.get("repository")).get("full_name")
    labels = [label.get("name", "") for label in issue.get("labels") or [] if isinstance(label, dict)]
    mapped = status_map.to_canonical(issue["state"], issue.get("state_reason"), labels)
    keys: tuple[str, ...] = (f"{repo}#{number}",) if isinstance(repo, str) else ()
    keys += (f"#{number}", str(number))
    return StatusEvent(
        source="github",
        delivery_id=delivery,
        tracker=tracker,
        keys=keys,
        tracker_id=str(issue["id"]) if issue.get("id") is not None else None,
        mapped=mapped,
        updated_at=parse_time(issue.get("updated_at")),
        sender=_dict(payload.get("sender")).get("login"),
    )


JIRA_STATUS_EVENTS = frozenset({"jira:issue_updated", "jira:issue_created"})


def jira_event(
    headers: Mapping[str, str], body: bytes, status_map: JiraStatusMap, *, tracker: str = "jira"
) -> StatusEvent:
    """A ``jira:issue_updated`` (or ``_created``) delivery → the issue's status."""
    payload = _json(body)
    kind = payload.get("webhookEvent")
    if kind not in JIRA_STATUS_EVENTS:
        raise NotAStatusEvent(f"event {kind!r}")
    issue = _dict(payload.get("issue"))
    fields = _dict(issue.get("fields"))
    status = _dict(fields.get("status"))
    key = issue.get("key")
    if not isinstance(key, str) or not isinstance(status.get("name"), str):
        raise BadPayload("issue.key or issue.fields.status missing")
    category = _dict(status.get("statusCategory")).get("key")
    resolution = _dict(fields.get("resolution")).get("name")
    mapped = status_map.to_canonical(category, status["name"], resolution if isinstance(resolution, str) else None)
    issue_id = str(issue["id"]) if issue.get("id") is not None else None
    delivery = headers.get("x-atlassian-webhook-identifier") or f"{payload.get('timestamp')}:{issue_id or key}"
    user = _dict(payload.get("user"))
    return StatusEvent(
        source="jira",
        delivery_id=delivery,
        tracker=tracker,
        keys=(key,),
        tracker_id=issue_id,
        mapped=mapped,
        updated_at=parse_time(fields.get("updated")),
        sender=user.get("accountId") or user.get("name"),
    )


class StatusHistory(Protocol):
    """What the webhook worker needs from the state store: the status-history writer the pull uses."""

    tracker: str

    def record_status(
        self, owner_key: str, ticket_key: str, status: Status, status_raw: str, changed_at: dt.datetime | None
    ) -> bool: ...


class DeliveryObserver(Protocol):
    def delivery(self, source: str, outcome: str) -> None: ...


class _NoObserver:
    def delivery(self, source: str, outcome: str) -> None:
        return None


class WebhookProcessor:
    """The worker that applies spooled deliveries to the status history."""

    def __init__(
        self,
        store: StatusHistory,
        ledger: DeliveryLedger,
        spool: DeliverySpool,
        *,
        ignore_senders: frozenset[str] = frozenset(),
        observer: DeliveryObserver | None = None,
        database: DatabaseStatus | None = None,
        retry_seconds: float = 2.0,
    ) -> None:
        self.store = store
        self.ledger = ledger
        self.spool = spool
        self.ignore_senders = ignore_senders
        self.observer = observer or _NoObserver()
        self.database = database or DatabaseStatus(lambda: dt.datetime.now(dt.UTC))
        self.retry_seconds = retry_seconds
        self._thread: threading.Thread | None = None
        self._draining = threading.Event()  # stop once the spool is empty
        self._stopping = threading.Event()  # stop now; what is left stays spooled

    def submit(self, event: StatusEvent) -> bool:
        """Spool an event durably; ``False`` when the spool is full (answer 503)."""
        stored = self.spool.put(event)
        if stored == "full":
            self.observer.delivery(event.source, "refused_spool_full")
            return False
        if stored == "duplicate":
            self.observer.delivery(event.source, "duplicate")
        return True

    @property
    def pending(self) -> int:
        return self.spool.depth

    def apply(self, event: StatusEvent) -> str:
        """Apply one event; returns its outcome (``applied``, ``unchanged``, ``duplicate``, ``echo``,
        ``unknown_ticket``, ``stale``)."""
        # The one lookup of a delivery's ticket: tracker + id when the state keeps ids, else key.
        found = self.ledger.find_ticket(event.tracker, event.keys, event.tracker_id)
        ticket_key = found[0] if found else None
        resumed = False
        if not self.ledger.record_delivery(event.source, event.delivery_id, ticket_key, "received"):
            if self.ledger.outcome(event.source, event.delivery_id) != "received":
                return self._done(event, "duplicate", ticket_key)
            resumed = True  # an earlier attempt was cut short (database outage, crash): finish it
        if event.tracker != self.store.tracker:
            return self._finish(event, "other_tracker", ticket_key)
        if event.sender is not None and event.sender in self.ignore_senders:
            return self._finish(event, "echo", ticket_key)
        if found is None:
            return self._finish(event, "unknown_ticket", ticket_key)
        key, owner_key, kind = found
        if kind != "item":
            return self._finish(event, "not_an_item", key)
        newest = self.ledger.newest_change(event.tracker, key)
        if not self.ledger.advance(event.tracker, key, event.updated_at, not_before=newest, resumed=resumed):
            return self._finish(event, "stale", key)
        changed = self.store.record_status(owner_key, key, event.mapped.status, event.mapped.raw, event.updated_at)
        if changed:
            log.info(
                "%s is now %s (%s, webhook)",
                key,
                event.mapped.status.value,
                owner_key,
                extra={"ticket": key, "item": owner_key, "incident": owner_key.split("#", 1)[0]},
            )
        return self._finish(event, "applied" if changed else "unchanged", key)

    def _finish(self, event: StatusEvent, outcome: str, ticket_key: str | None) -> str:
        self.ledger.set_outcome(event.source, event.delivery_id, outcome)
        return self._done(event, outcome, ticket_key)

    def _done(self, event: StatusEvent, outcome: str, ticket_key: str | None) -> str:
        self.observer.delivery(event.source, outcome)
        log.debug("%s delivery %s: %s", event.source, event.delivery_id, outcome, extra={"ticket": ticket_key})
        return outcome

    def start(self) -> None:
        self._thread = threading.Thread(target=self._work, name="pmsync-webhooks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float) -> None:
        """Apply the deliveries already spooled (up to ``timeout``), then stop the worker; what is
        left stays on disk for the next start."""
        if self._thread is None:
            return
        self._draining.set()
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.warning("%d webhook deliveries left in the spool at stop; applied at the next start", self.pending)
            self._stopping.set()
            self._thread.join(timeout)

    def _work(self) -> None:
        while not self._stopping.is_set():
            entry = self.spool.oldest(timeout=0.2)
            if entry is None:
                if self._draining.is_set():
                    return
                continue
            if not self.database.up:
                if self._draining.is_set():
                    return  # stopping during an outage: the spool keeps the rest for the next start
                # Returns early when the probe sees it back; otherwise the delivery is tried anyway.
                self.database.wait_up(self.retry_seconds)
            event = entry.event
            try:
                self.apply(event)
            except Exception as exc:
                if is_outage(exc):
                    # Keep it (and everything after it) spooled, in order, until the database answers.
                    self.database.mark(False, type(exc).__name__)
                    continue
                # One bad delivery must not stop the worker; the pull catches up.
                log.exception("applying %s delivery %s failed", event.source, event.delivery_id)
                self.observer.delivery(event.source, "failed")
            else:
                self.database.mark(True)
            self.spool.remove(entry)
