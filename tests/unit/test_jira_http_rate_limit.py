"""The Jira edge keeps what the service's rate-limit gauge reads, and reads Retry-After through the
one reader in sync.pacing (issue 25)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import httpx
import pytest

from sync.errors import RateLimited
from sync.trackers.jira_http import JiraAuth, JiraHttp


class Pacer:
    def before_request(self, *, write: bool) -> None:
        pass

    def observe(self, headers: Mapping[str, str]) -> None:
        pass

    def wait(self, seconds: float) -> None:
        pass


def test_remaining_requests_and_retry_after() -> None:
    answers = iter(
        [
            httpx.Response(200, json={}, headers={"X-RateLimit-Remaining": "99"}),
            httpx.Response(200, json={}),  # Data Center sends none: the last value stays
            httpx.Response(429, json={"errorMessages": ["slow down"]}, headers={"Retry-After": "7"}),
        ]
    )
    client = httpx.Client(transport=httpx.MockTransport(lambda request: next(answers)))
    jira = JiraHttp(
        client,
        url="https://x.atlassian.net",
        deployment="cloud",
        auth=JiraAuth(token="t", email="a@b.c"),
        pacer=Pacer(),
        clock=lambda: dt.datetime(2026, 3, 10, tzinfo=dt.UTC),
    )
    assert jira.rate_limit_remaining is None
    jira.request("GET", "/myself", op="doctor")
    jira.request("GET", "/myself", op="doctor")
    assert jira.rate_limit_remaining == 99
    with pytest.raises(RateLimited) as limited:
        jira.request("GET", "/myself", op="doctor")
    assert limited.value.retry_after == 7.0
