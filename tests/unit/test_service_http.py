"""The listener: addresses, oversized bodies, a failing route answered 500 (the thread lives on),
IPv6."""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator

import pytest

from sync.service.http import MAX_BODY, Listener, Routes, parse_listen
from sync.service.webhooks import StatusEvent
from tests.integration.service_harness import wait_for


class Sink:
    def submit(self, event: StatusEvent) -> bool:
        return True


class Counter:
    def delivery(self, source: str, outcome: str) -> None:
        return None


def broken_readiness() -> tuple[bool, str]:
    raise RuntimeError("boom")


def routes() -> Routes:
    return Routes(ready=broken_readiness, metrics=lambda: (b"m 1\n", "text/plain"), sink=Sink(), counter=Counter())


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener(routes(), "127.0.0.1:0")
    running.start()
    yield running
    running.stop()


@pytest.mark.parametrize(
    ("listen", "expected"),
    [
        ("127.0.0.1:9464", ("127.0.0.1", 9464)),
        (":9464", ("0.0.0.0", 9464)),
        ("[::1]:9464", ("::1", 9464)),
        ("pmsync.internal:80", ("pmsync.internal", 80)),
    ],
)
def test_parse_listen(listen: str, expected: tuple[str, int]) -> None:
    assert parse_listen(listen) == expected


def _get(host: str, port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_a_failing_route_answers_500_and_the_listener_goes_on(listener: Listener) -> None:
    host, port = listener.address
    assert _get(host, port, "/readyz")[0] == 500
    assert _get(host, port, "/metrics") == (200, b"m 1\n")
    assert _get(host, port, "/healthz?probe=1")[0] == 200  # query strings are ignored


def test_an_oversized_body_is_refused_unread(listener: Listener) -> None:
    host, port = listener.address
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.putrequest("POST", "/hooks/github")
        conn.putheader("Content-Length", str(MAX_BODY + 1))
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 413
    finally:
        conn.close()


def _ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback here")
def test_listens_on_ipv6() -> None:
    running = Listener(routes(), "[::1]:0")
    running.start()
    try:
        host, port = running.address
        assert host == "::1"
        assert _get("::1", port, "/healthz")[0] == 200
    finally:
        running.stop()


@pytest.mark.parametrize("length", ["abc", "-5"])
def test_a_bad_content_length_is_refused(listener: Listener, length: str) -> None:
    host, port = listener.address
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.putrequest("POST", "/hooks/github")
        conn.putheader("Content-Length", length)
        conn.endheaders()
        assert conn.getresponse().status == 400
    finally:
        conn.close()


# --- hostile clients (issue 24 item 7) ---------------------------------------------------------


def _raw(host: str, port: int, payload: bytes, *, timeout: float = 10.0) -> bytes:
    """Send raw bytes, read until the server closes the connection."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(payload)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _json_answers(raw: bytes) -> list[tuple[int, str, dict[str, object]]]:
    """Every response in ``raw``: (status, content type, JSON body)."""
    answers = []
    rest = raw
    while rest:
        head, _, rest = rest.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = dict(line.split(": ", 1) for line in lines[1:])
        length = int(fields["Content-Length"])
        body, rest = rest[:length], rest[length:]
        answers.append((status, fields["Content-Type"], json.loads(body)))
    return answers


def test_a_chunked_body_is_answered_411_and_never_parsed_as_a_request(listener: Listener) -> None:
    host, port = listener.address
    smuggled = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    chunk = b"%x\r\n%s\r\n0\r\n\r\n" % (len(smuggled), smuggled)
    raw = _raw(
        host,
        port,
        b"POST /hooks/github HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk,
    )
    answers = _json_answers(raw)
    assert [status for status, _, _ in answers] == [411]  # the smuggled GET got no answer of its own
    assert answers[0][1] == "application/json"


def test_a_chunked_body_with_a_content_length_is_refused_too(listener: Listener) -> None:
    host, port = listener.address
    raw = _raw(
        host,
        port,
        b"POST /hooks/github HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    )
    assert [status for status, _, _ in _json_answers(raw)] == [411]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [("PUT", "/hooks/github", "POST"), ("DELETE", "/hooks/jira", "POST"), ("POST", "/healthz", "GET")],
)
def test_a_wrong_method_is_a_json_405_naming_the_allowed_one(
    listener: Listener, method: str, path: str, allow: str
) -> None:
    host, port = listener.address
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path, body=b"{}")
        response = conn.getresponse()
        assert response.status == 405
        assert response.getheader("Allow") == allow
        assert response.getheader("Content-Type") == "application/json"
        assert "error" in json.loads(response.read())
    finally:
        conn.close()


@pytest.mark.parametrize(
    "request_line",
    [b"BREW /healthz HTTP/1.1", b"GET /healthz HTTP/9.9", b"nonsense", b"GET /" + b"a" * 70000 + b" HTTP/1.1"],
)
def test_http_servers_own_errors_are_json_not_html(listener: Listener, request_line: bytes) -> None:
    host, port = listener.address
    raw = _raw(host, port, request_line + b"\r\nHost: x\r\n\r\n")
    status = int(raw.split(b" ", 2)[1])
    assert status >= 400
    assert b"<html" not in raw.lower() and b"<!doctype" not in raw.lower()
    assert b"Content-Type: application/json" in raw


def test_the_deadline_covers_the_whole_request_not_each_read() -> None:
    running = Listener(routes(), "127.0.0.1:0", request_timeout=1.0)
    running.start()
    try:
        host, port = running.address
        with socket.create_connection((host, port), timeout=10) as sock:
            sock.sendall(b"POST /hooks/github HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
            started = time.monotonic()
            closed_after = None
            # A byte every 0.3 s: each read comes well within any per-read timeout; the request
            # as a whole never completes. The server must give up near its 1 s deadline.
            for _ in range(30):
                try:
                    sock.sendall(b"x")
                except OSError:
                    closed_after = time.monotonic() - started
                    break
                time.sleep(0.3)
                sock.setblocking(False)
                try:
                    data = sock.recv(65536)
                except BlockingIOError:
                    data = None
                finally:
                    sock.setblocking(True)
                if data is not None:
                    closed_after = time.monotonic() - started
                    assert data.startswith(b"HTTP/1.1 408")
                    break
            assert closed_after is not None, "the slow request was never cut off"
            assert closed_after < 5.0
    finally:
        running.stop()


def test_connections_beyond_the_cap_are_refused_with_503() -> None:
    running = Listener(routes(), "127.0.0.1:0", request_timeout=5.0, max_connections=3)
    running.start()
    held: list[socket.socket] = []
    try:
        host, port = running.address
        for _ in range(3):  # three slow clients take every slot
            sock = socket.create_connection((host, port), timeout=10)
            sock.sendall(b"GET /healthz HTTP/1.1\r\n")
            held.append(sock)
        time.sleep(0.2)  # the server has accepted them
        refused = _raw(host, port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        assert refused.startswith(b"HTTP/1.1 503")
        assert _json_answers(refused)[0][2] == {"error": "too many connections; retry later"}
        for sock in held:
            sock.close()
        held.clear()
        # The slots come back once those clients are gone.
        assert wait_for(lambda: _get(host, port, "/healthz")[0] == 200)
    finally:
        for sock in held:
            sock.close()
        running.stop()


def test_each_connection_serves_one_request() -> None:
    running = Listener(routes(), "127.0.0.1:0")
    running.start()
    try:
        host, port = running.address
        two = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
        raw = _raw(host, port, two)
        assert raw.count(b"HTTP/1.1 ") == 1
        assert b"Connection: close" in raw
    finally:
        running.stop()
