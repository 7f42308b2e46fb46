"""A loopback HTTP receiver standing in for Slack, Microsoft Teams and Google Chat incoming
webhooks: it records every JSON body by path, and answers with a chosen status."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    def __init__(self) -> None:
        self.posts: list[tuple[str, Any]] = []
        self.status: dict[str, int] = {}  # path → status to answer (default 200)
        self.url = ""

    def bodies(self, path: str) -> list[Any]:
        return [body for where, body in self.posts if where == path]


@contextmanager
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            assert self.headers.get("Content-Type", "").startswith("application/json")
            state.posts.append((self.path, json.loads(raw)))
            code = state.status.get(self.path, 200)
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- the services' payload shapes (their documented formats) ----------------------------------------


def check_slack(body: Any) -> str:
    """Block Kit: a fallback ``text`` and at most 50 blocks of known types; mrkdwn section texts
    of at most 3,000 characters. Returns all the message's text."""
    assert set(body) == {"text", "blocks"} and isinstance(body["text"], str) and body["text"]
    blocks = body["blocks"]
    assert isinstance(blocks, list) and 1 <= len(blocks) <= 50
    texts: list[str] = []
    for block in blocks:
        assert block["type"] in {"section", "context", "header"}
        if block["type"] == "section":
            assert block["text"]["type"] == "mrkdwn" and 0 < len(block["text"]["text"]) <= 3000
            texts.append(block["text"]["text"])
        elif block["type"] == "context":
            assert all(e["type"] == "mrkdwn" for e in block["elements"])
            texts.extend(e["text"] for e in block["elements"])
        else:
            assert block["text"]["type"] == "plain_text" and len(block["text"]["text"]) <= 150
            texts.append(block["text"]["text"])
    text = "\n".join(texts)
    assert "|---|" not in text and "| ---" not in text  # never a Markdown table
    return text


def check_teams(body: Any) -> str:
    """A ``message`` with one Adaptive Card attachment; every ``<at>`` tag declared as a mention
    entity with an id and a name; under 28 KB."""
    assert body["type"] == "message" and len(json.dumps(body)) < 28_000
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] and card["$schema"].startswith("http")
    assert all(block["type"] == "TextBlock" and isinstance(block["text"], str) for block in card["body"])
    text = "\n".join(block["text"] for block in card["body"])
    for entity in card["msteams"]["entities"]:
        assert entity["type"] == "mention" and entity["text"] in text
        assert entity["mentioned"]["id"] and entity["mentioned"]["name"]
    for action in card.get("actions", []):
        assert action["type"] == "Action.OpenUrl" and action["url"].startswith("https://")
    return text


def check_google_chat(body: Any) -> str:
    """A text message: only ``text``, within 4,096 characters."""
    assert set(body) == {"text"} and isinstance(body["text"], str) and 0 < len(body["text"]) <= 4096
    return str(body["text"])
