"""A tracker at its worst for secrets: every request is answered with an error whose body repeats
the request's headers, ``Authorization`` included (as some proxies and misconfigured servers do)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar


class _Echo(BaseHTTPRequestHandler):
    status: ClassVar[int] = 500

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        echoed = "; ".join(f"{name}: {value}" for name, value in self.headers.items())
        body = json.dumps(
            {
                "message": f"upstream failed for request with {echoed}",
                "errorMessages": [f"request headers were {echoed}"],
                "errors": {"headers": echoed},
            }
        ).encode()
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


class EchoServer:
    """``url`` answers every request with ``status`` and the request's headers in the body."""

    def __init__(self, status: int = 500) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
        self._server.status = status  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
