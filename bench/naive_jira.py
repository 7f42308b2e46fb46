"""The naive Jira client of ``bench/api_cost.py``, run as its own process like pmsync is.

What a straightforward script does: ``POST /issue`` per parent and per item (``create``), and one
``GET /issue/{key}`` per ticket on every sync or pull (``pull``: no cursor, no search). Keys go to
and come from ``--keys`` (one per line). Standard library only, so its start-up is a fair baseline.

Run: ``python bench/naive_jira.py create|pull --url URL --keys FILE [--incidents N --per-incident M]``
with ``PMSYNC_JIRA_TOKEN`` and ``--email`` for HTTP basic authentication.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import urllib.parse
from pathlib import Path


class Client:
    def __init__(self, url: str, email: str, token: str) -> None:
        parsed = urllib.parse.urlsplit(url)
        self.connection = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port or 80, timeout=60)
        basic = base64.b64encode(f"{email}:{token}".encode()).decode()
        self.headers = {"Authorization": f"Basic {basic}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: object | None = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        self.connection.request(method, f"/rest/api/3{path}", body=data, headers=self.headers)
        answer = self.connection.getresponse()
        payload = answer.read()
        if answer.status >= 400:
            raise SystemExit(f"{method} {path}: HTTP {answer.status}")
        return json.loads(payload) if payload else None

    def create(self, fields: dict[str, object]) -> str:
        answer = self.call("POST", "/issue", {"fields": {"project": {"key": "OPS"}, **fields}})
        assert isinstance(answer, dict)
        return str(answer["key"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("create", "pull"))
    parser.add_argument("--url", required=True)
    parser.add_argument("--email", default="bot@example.com")
    parser.add_argument("--keys", type=Path, required=True)
    parser.add_argument("--incidents", type=int, default=0)
    parser.add_argument("--per-incident", type=int, default=0)
    args = parser.parse_args()
    client = Client(args.url, args.email, os.environ["PMSYNC_JIRA_TOKEN"])
    if args.mode == "create":
        keys = []
        for i in range(args.incidents):
            parent = client.create({"summary": f"INC-{i}", "issuetype": {"name": "Epic"}})
            for n in range(args.per_incident):
                summary = f"Item {n} of INC-{i}"
                keys.append(
                    client.create({"summary": summary, "issuetype": {"name": "Task"}, "parent": {"key": parent}})
                )
        args.keys.write_text("\n".join(keys) + "\n", encoding="utf-8")
    else:
        for key in args.keys.read_text(encoding="utf-8").split():
            client.call("GET", f"/issue/{key}?fields=status,updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
