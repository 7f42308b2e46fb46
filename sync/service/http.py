"""The service's listener (standard library ``http.server`` on a thread): health, readiness,
metrics and the two webhook endpoints.

Routing is a plain function of (method, path, headers, body) → :class:`Response`, so tests call it
without a socket; :class:`Listener` only adapts it to ``ThreadingHTTPServer``.

| route | answer |
|---|---|
| ``GET /healthz`` | 200 while the process is alive, with detail (database up/down, spool depth, leader) |
| ``GET /readyz`` | 200 while deliveries can be accepted (the spool has room); else 503 |
| ``GET /metrics`` | Prometheus text format |
| ``POST /hooks/github`` | 401 bad/missing ``X-Hub-Signature-256``; 202 spooled or ignored; 503 spool full |
| ``POST /hooks/jira`` | 401 bad/missing ``X-Hub-Signature``; 202 spooled or ignored; 503 spool full |

Hostile clients are bounded (every answer, errors included, is JSON):

- one request per connection (``Connection: close``), and the whole request — request line,
  headers and body — must arrive within ``request_timeout`` seconds (a deadline, not a per-read
  timeout that a client sending a byte at a time could stretch for ever); late → 408;
- at most ``max_connections`` connections are served at once; the next one is answered 503 at once
  and closed, so slow clients cannot pile up threads;
- a body must come with ``Content-Length``: a chunked body is answered 411 and its bytes are never
  read as a request of their own.
"""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol

from mappings.statuses import GitHubStatusMap, JiraStatusMap
from sync.logs import redact
from sync.service.webhooks import BadPayload, NotAStatusEvent, StatusEvent, github_event, jira_event, signature_valid

log = logging.getLogger(__name__)

MAX_BODY = 5 * 1024 * 1024  # GitHub caps payloads at 25 MB; issue events are a few KB
REQUEST_TIMEOUT = 10.0
MAX_CONNECTIONS = 64
WRITE_TIMEOUT = 10.0  # seconds to hand an answer to a client that stopped reading

# Which methods each route answers; any other method on these paths is a 405 naming them.
ALLOWED = {"/healthz": "GET", "/readyz": "GET", "/metrics": "GET", "/hooks/github": "POST", "/hooks/jira": "POST"}


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def json(cls, code: int, /, *, headers: tuple[tuple[str, str], ...] = (), **fields: object) -> Response:
        return cls(code, redact(json.dumps(fields)).encode(), headers=headers)  # answers never carry a secret


class Readiness(Protocol):
    def __call__(self) -> tuple[bool, str]: ...


class Health(Protocol):
    def __call__(self) -> Mapping[str, object]: ...


def _alive() -> Mapping[str, object]:
    return {}


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
    health: Health = _alive
    github_secret: bytes | None = field(default=None, repr=False)
    jira_secret: bytes | None = field(default=None, repr=False)
    github_map: GitHubStatusMap = field(default_factory=GitHubStatusMap)
    jira_map: JiraStatusMap = field(default_factory=JiraStatusMap)
    pages: Callable[[str, str], Response | None] | None = None  # (method, path) → answer; /reports/

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> Response:
        """Answer one request. ``headers`` keys are lower-case."""
        route = path.split("?", 1)[0]
        allowed = ALLOWED.get(route)
        if allowed is not None and method != allowed:
            return Response.json(405, headers=(("Allow", allowed),), error=f"{method} not allowed; use {allowed}")
        if method == "GET" and route == "/healthz":
            return Response(200, json.dumps({"status": "alive", **self.health()}).encode())
        if method == "GET" and route == "/readyz":
            ok, reason = self.ready()
            return Response.json(200 if ok else 503, status="ready" if ok else "not ready", reason=reason)
        if method == "GET" and route == "/metrics":
            payload, content_type = self.metrics()
            return Response(200, payload, content_type)
        if route in ("/hooks/github", "/hooks/jira"):
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
            return Response.json(
                503, headers=(("Retry-After", "60"),), error="delivery spool full; not accepted, retry later"
            )
        self.counter.delivery(source, "accepted")
        return Response.json(202, status="queued", delivery=event.delivery_id)


class _DeadlineReader(io.RawIOBase):
    """The socket as a raw stream whose every read may only use the time left before a deadline:
    the request as a whole is timed, however the client spreads its bytes."""

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("request deadline passed")
        self.sock.settimeout(left)
        return self.sock.recv_into(buffer)


class _Handler(BaseHTTPRequestHandler):
    routes: Routes  # set on the subclass made by Listener
    request_timeout: float = REQUEST_TIMEOUT  # likewise
    server_version = "pmsync"
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.1"  # answers to malformed request lines get a status line too

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # the plain socket file: replaced by one that honours the deadline
        self.rfile = io.BufferedReader(_DeadlineReader(self.connection, time.monotonic() + self.request_timeout))

    def handle_one_request(self) -> None:
        super().handle_one_request()
        self.close_connection = True  # one request per connection: the deadline covers all of it

    def _answer(self, method: str) -> None:
        if self.headers.get("Transfer-Encoding") is not None:
            # Only Content-Length framing is read; a chunked body's bytes must not be taken for
            # the next request.
            self._send(Response.json(411, error="Content-Length required (chunked bodies are not accepted)"))
            return
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self._send(Response.json(400, error="bad Content-Length"))
            return
        if length > MAX_BODY:
            self._send(Response.json(413, error="body too large"))
            return
        try:
            body = self.rfile.read(length) if length else b""
        except TimeoutError:
            self._send(Response.json(408, error=f"request not received within {self.request_timeout:g}s"))
            return
        if len(body) < length:
            return  # the client went away before sending its body: nobody to answer
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            response = self.routes.handle(method, self.path, headers, body)
        except Exception:  # a bug must not kill the listener thread
            log.exception("%s %s failed", method, self.path)
            response = Response.json(500, error="internal error")
        self._send(response)

    def _send(self, response: Response) -> None:
        self.connection.settimeout(WRITE_TIMEOUT)
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(response.body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, oversized headers, unknown method, late
        request) as JSON like every other answer, never an HTML page."""
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "error"
        self.log_error("code %d, message %s", code, message)
        self.close_connection = True
        self._send(Response.json(code, error=message or phrase))

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._answer("POST")

    # Other methods reach the routes too, which answer 405 (with Allow) or 404.
    def do_PUT(self) -> None:  # noqa: N802
        self._answer("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._answer("DELETE")

    def do_PATCH(self) -> None:  # noqa: N802
        self._answer("PATCH")

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer("HEAD")

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._answer("OPTIONS")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log.debug("http: %s", format % args)


def parse_listen(listen: str) -> tuple[str, int]:
    """``"127.0.0.1:9464"`` / ``"[::1]:9464"`` / ``":9464"`` → (host, port)."""
    host, _, port = listen.rpartition(":")
    return host.strip("[]") or "0.0.0.0", int(port)


class _BoundedServer(ThreadingHTTPServer):
    """One thread per connection, at most ``max_connections`` of them; the next connection is
    answered 503 at once and closed (the accept loop never waits for a free thread)."""

    daemon_threads = True
    max_connections = MAX_CONNECTIONS
    _slots: threading.BoundedSemaphore

    def server_activate(self) -> None:
        self._slots = threading.BoundedSemaphore(self.max_connections)
        super().server_activate()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            self._refuse(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:  # the thread did not start: give its slot back
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def _refuse(self, request: socket.socket) -> None:
        body = json.dumps({"error": "too many connections; retry later"}).encode()
        head = (
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
        )
        try:
            request.settimeout(0.5)
            request.sendall(head.encode("ascii") + body)
        except OSError:
            pass  # the client is gone or not reading: closing is all that is left
        self.shutdown_request(request)


class _BoundedServerV6(_BoundedServer):
    address_family = socket.AF_INET6


class Listener:
    """The HTTP server on a daemon thread."""

    def __init__(
        self,
        routes: Routes,
        listen: str,
        *,
        request_timeout: float = REQUEST_TIMEOUT,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        handler = type("Handler", (_Handler,), {"routes": routes, "request_timeout": request_timeout})
        host, port = parse_listen(listen)
        base = _BoundedServerV6 if ":" in host else _BoundedServer
        server_class = type("Server", (base,), {"max_connections": max_connections})
        self.server = server_class((host, port), handler)
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
