"""GitHub's one HTTP edge (issue 25): every answer observed, one translation of errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import httpx
import pytest

from sync.errors import RateLimited, TrackerAuthError, TrackerNotFound, TrackerUnavailable
from sync.trackers.github_http import GitHubHttp, graphql_url

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


class Pacer:
    def __init__(self) -> None:
        self.observed: list[Mapping[str, str]] = []
        self.writes: list[bool] = []

    def before_request(self, *, write: bool) -> None:
        self.writes.append(write)

    def observe(self, headers: Mapping[str, str]) -> None:
        self.observed.append(headers)

    def wait(self, seconds: float) -> None:
        raise AssertionError("the edge never waits itself")


def edge(handler: Callable[[httpx.Request], httpx.Response], pacer: Pacer | None = None) -> GitHubHttp:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return GitHubHttp(
        client, api_url="https://ghe.example.com/api/v3", token="tok", pacer=pacer or Pacer(), clock=lambda: NOW
    )


def test_requests_go_to_the_api_with_the_token_and_every_answer_is_observed() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404, json={"message": "Not Found"}, headers={"X-RateLimit-Remaining": "12"})

    pacer = Pacer()
    github = edge(handler, pacer)
    with pytest.raises(TrackerNotFound, match="Not Found"):
        github.request("DELETE", "/repos/a/b/labels/x", op="labels")
    assert str(seen[0].url) == "https://ghe.example.com/api/v3/repos/a/b/labels/x"
    assert seen[0].headers["authorization"] == "Bearer tok"
    assert pacer.writes == [True] and pacer.observed[0]["x-ratelimit-remaining"] == "12"
    assert github.rate_limit_remaining == 12
    assert "tok" not in repr(github)


def test_an_answer_that_is_not_json_is_unavailable() -> None:
    github = edge(lambda request: httpx.Response(200, text="<html>proxy</html>"))
    with pytest.raises(TrackerUnavailable, match="not JSON"):
        github.request("GET", "/rate_limit", op="doctor")
    github = edge(lambda request: httpx.Response(502, text="<html>Bad gateway</html>"))
    with pytest.raises(TrackerUnavailable, match="HTTP 502"):
        github.request("GET", "/rate_limit", op="doctor")


def test_the_primary_limit_waits_until_its_reset() -> None:
    reset = str(int(NOW.timestamp()) + 120)
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    github = edge(lambda request: httpx.Response(403, json={"message": "API rate limit exceeded"}, headers=headers))
    with pytest.raises(RateLimited) as limited:
        github.request("GET", "/rate_limit", op="doctor")
    assert limited.value.retry_after == 120.0


def test_a_plain_403_names_the_permission_and_time_outs_are_unavailable() -> None:
    github = edge(lambda request: httpx.Response(403, json={"message": "Resource not accessible"}))
    with pytest.raises(TrackerAuthError) as denied:
        github.request("POST", "/repos/a/b/issues", op="create", body={"title": "t"})
    assert denied.value.hint == "the token needs Issues: read and write on this repository"

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(TrackerUnavailable, match="may still have happened"):
        edge(slow).request("POST", "/repos/a/b/issues", op="create", body={"title": "t"})


def test_graphql_url() -> None:
    assert graphql_url("https://api.github.com") == "https://api.github.com/graphql"
    assert graphql_url("https://ghe.example.com/api/v3/") == "https://ghe.example.com/api/graphql"
