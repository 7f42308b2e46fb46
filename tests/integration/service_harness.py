"""Helpers for the service tests: runtimes on a given engine, a tracker that refuses every call,
signed deliveries, and a small HTTP client for the listener."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine

from sync.config.models import Settings
from sync.runtime import Runtime, parse_options_for, policy_for
from sync.service.webhooks import sign
from sync.store.repository import SqlStateStore
from sync.trackers.base import Tracker

GITHUB_SECRET = "gh-hook-secret-5f1e9a"
JIRA_SECRET = "jira-hook-secret-8c2d4b"
SECRETS = {"PMSYNC_GITHUB_WEBHOOK_SECRET": GITHUB_SECRET, "PMSYNC_JIRA_WEBHOOK_SECRET": JIRA_SECRET}


class NoCallsTracker:
    """A remote tracker stand-in that fails the test on any call: webhooks must not poll.

    Every attribute but ``name`` is a call that fails, whatever the tracker interface's version."""

    def __init__(self, name: str) -> None:
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    def __getattr__(self, attribute: str) -> Any:
        def refuse(*_args: object, **_kwargs: object) -> Any:
            raise AssertionError(f"unexpected {self._name} API call: {attribute}")

        return refuse


def settings(**sections: Mapping[str, object]) -> Settings:
    return Settings.model_validate(dict(sections))


def runtime(
    engine: Engine,
    tracker: Tracker,
    config: Settings | None = None,
    *,
    clock: Callable[[], dt.datetime] | None = None,
) -> Runtime:
    config = config or settings()
    store_clock = clock or (lambda: dt.datetime.now(dt.UTC))
    return Runtime(
        settings=config,
        engine=engine,
        store=SqlStateStore(engine, tracker.name, clock=store_clock),
        tracker=tracker,
        policy=policy_for(config, tracker.name),
        parse_options=parse_options_for(config),
        clock=store_clock,
    )


def signed(secret: str, payload: Mapping[str, Any], header: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    return body, {header: sign(secret.encode(), body), "Content-Type": "application/json"}


def request(url: str, *, body: bytes | None = None, headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, data=body, headers=dict(headers or {}), method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``condition`` until it holds (a generous deadline, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
