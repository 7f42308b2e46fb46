"""The service's listener (standard library ``http.server`` on a thread): health, readiness,
metrics and the two webhook endpoints.

Routing is a plain function of (method, path, headers, body) → :class:`Response`, so tests call it
without a socket; :class:`Listener` only adapts it to ``ThreadingHTTPServer``.

| route | answer |
|---|---|
| ``GET /healthz`` | 200 while the process is alive |
| ``GET /readyz`` | 200 when the database answers and the last sync is recent (3 intervals); else 503 |
| ``GET /metrics`` | Prometheus text format |
| ``POST /hooks/github`` | 401 bad/missing ``X-Hub-Signature-256``; 202 queued or ignored; 429 queue full |
| ``POST /hooks/jira`` | 401 bad/missing ``X-Hub-Signature``; 202 queued or ignored; 429 queue full |
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol

from mappings.statuses import GitHubStatusMap, JiraStatusMap
from sync.logs import redact
from sync.service.webhooks import BadPayload, NotAStatusEvent, StatusEvent, github_event, jira_event, signature_valid

log = logging.getLogger(__name__)

MAX_BODY = 5 * 1024 * 1024  # GitHub caps payloads at 25 MB; issue events are a few KB


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"

    @classmethod
    def json(cls, code: int, /, **fields: object) -> Response:
        return cls(code, redact(json.dumps(fields)).encode())  # answers never carry a secret


class Readiness(Protocol):
    def __call__(self) -> tuple[bool, str]: ...


class EventSink(Protocol):
    def submit(self, event: StatusEvent) -> bool: ...


class DeliveryCounter(Protocol):
    def delivery(self, source: str, outcome: str) -> None: ...


@dataclass
class Routes:
    """Everything the listener answers, as plain callables."""

    ready: Readiness
    metrics: Callable[[], tuple[bytes, str]]
    sink: EventSink
    counter: DeliveryCounter
    github_secret: bytes | None = field(default=None, repr=False)
    jira_secret: bytes | None = field(default=None, repr=False)
    github_map: GitHubStatusMap = field(default_factory=GitHubStatusMap)
    jira_map: JiraStatusMap = field(default_factory=JiraStatusMap)
    pages: Callable[[str, str], Response | None] | None = None  # (method, path) → answer; /reports/

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Response:
        """Answer one request. ``headers`` keys are lower-case."""
        route = path.split("?", 1)[0]
        if method == "GET" and route == "/healthz":
            return Response.json(200, status="alive")
        if method == "GET" and route == "/readyz":
            ok, reason = self.ready()
            return Response.json(200 if ok else 503, status="ready" if ok else "not ready", reason=reason)
        if method == "GET" and route == "/metrics":
            payload, content_type = self.metrics()
            return Response(200, payload, content_type)
        if route in ("/hooks/github", "/hooks/jira"):
            if method != "POST":
                return Response.json(405, error="POST only")
            return self._hook(route.rsplit("/", 1)[1], headers, body)
        if self.pages is not None and (page := self.pages(method, route)) is not None:
            return page
        return Response.json(404, error="not found")

    def _hook(self, source: str, headers: Mapping[str, str], body: bytes) -> Response:
        if source == "github":
            secret, signature = self.github_secret, headers.get("x-hub-signature-256")
        else:
            secret, signature = self.jira_secret, headers.get("x-hub-signature")
        if secret is None:
            self.counter.delivery(source, "refused_not_configured")
            return Response.json(404, error=f"{source} webhooks are not configured (no secret)")
        if not signature_valid(secret, body, signature):
            self.counter.delivery(source, "refused_signature")
            log.warning("%s webhook with a bad or missing signature refused", source)
            return Response.json(401, error="bad or missing signature")
        try:
            if source == "github":
                event = github_event(headers, body, self.github_map, tracker="github")
            else:
                event = jira_event(headers, body, self.jira_map, tracker="jira")
        except NotAStatusEvent as exc:
            self.counter.delivery(source, "ignored_event")
            return Response.json(202, status="ignored", reason=str(exc))
        except BadPayload as exc:
            self.counter.delivery(source, "refused_payload")
            return Response.json(400, error=str(exc))
        if not self.sink.submit(event):
            return Response.json(429, error="too many deliveries queued; retry later")
        self.counter.delivery(source, "accepted")
        return Response.json(202, status="queued", delivery=event.delivery_id)


class _Handler(BaseHTTPRequestHandler):
    routes: Routes  # set on the subclass made by Listener
    server_version = "pmsync"
    protocol_version = "HTTP/1.1"
    timeout = 30  # seconds a client may take to send its request (a stalled one frees its thread)

    def _answer(self, method: str) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self._send(Response.json(400, error="bad Content-Length"))
            self.close_connection = True
            return
        if length > MAX_BODY:
            self._send(Response.json(413, error="body too large"))
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            response = self.routes.handle(method, self.path, headers, body)
        except Exception:  # a bug must not kill the listener thread
            log.exception("%s %s failed", method, self.path)
            response = Response.json(500, error="internal error")
        self._send(response)

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._answer("POST")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("http: %s", format % args)


def parse_listen(listen: str) -> tuple[str, int]:
    """``"127.0.0.1:9464"`` / ``"[::1]:9464"`` / ``":9464"`` → (host, port)."""
    host, _, port = listen.rpartition(":")
    return host.strip("[]") or "0.0.0.0", int(port)


class _ThreadingHTTPServerV6(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class Listener:
    """The HTTP server on a daemon thread."""

    def __init__(self, routes: Routes, listen: str) -> None:
        handler = type("Handler", (_Handler,), {"routes": routes})
        host, port = parse_listen(listen)
        server_class = _ThreadingHTTPServerV6 if ":" in host else ThreadingHTTPServer
        self.server = server_class((host, port), handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, name="pmsync-http", daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.server.server_address[:2]
        return str(host), int(port)

    def start(self) -> None:
        self._thread.start()
        log.info("listening on %s:%d", *self.address)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
