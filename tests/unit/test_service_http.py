"""The listener: addresses, oversized bodies, a failing route answered 500 (the thread lives on),
IPv6."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator

import pytest

from sync.service.http import MAX_BODY, Listener, Routes, parse_listen
from sync.service.webhooks import StatusEvent


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
