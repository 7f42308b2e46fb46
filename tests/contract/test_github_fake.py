"""The GitHub fake itself: it must catch what the adapter tests rely on it to catch."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.github_server import FakeGitHub, SimClock

AUTH = {"Authorization": "token ghp_fake", "Accept": "application/vnd.github+json"}


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub(SimClock(), issue_fields_orgs=("acme",), issue_types={"acme": ("Task",)}).serve()
    server.add_repo("acme/ops")
    try:
        yield server
    finally:
        server.close()


def call(fake: FakeGitHub, method: str, path: str, **kwargs: object) -> httpx.Response:
    headers = {**AUTH, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    return httpx.request(method, fake.url + path, headers=headers, timeout=10, **kwargs)  # type: ignore[arg-type]


def test_valid_traffic_has_no_violations(fake: FakeGitHub) -> None:
    fake.clock.advance(2)  # type: ignore[union-attr]
    created = call(fake, "POST", "/repos/acme/ops/issues", json={"title": "t", "labels": ["pmsync"], "type": "Task"})
    assert created.status_code == 201
    listed = call(fake, "GET", "/repos/acme/ops/issues", params={"labels": "pmsync", "state": "all"})
    assert [i["number"] for i in listed.json()] == [1]
    again = call(
        fake,
        "GET",
        "/repos/acme/ops/issues",
        params={"labels": "pmsync", "state": "all"},
        headers={"If-None-Match": listed.headers["ETag"]},
    )
    assert again.status_code == 304
    assert fake.checker.violations == []
    assert fake.checker.checked == 3
    assert again.headers["x-ratelimit-remaining"] == listed.headers["x-ratelimit-remaining"], "a 304 is free"


def test_a_request_outside_the_description_is_a_violation(fake: FakeGitHub) -> None:
    fake.clock.advance(2)  # type: ignore[union-attr]
    call(fake, "POST", "/repos/acme/ops/issues", json={"title": "t", "labels": "not-a-list", "colour": 1})
    call(fake, "POST", "/repos/acme/ops/issues/1/sub_issues", json={"sub_issue_id": "1"})
    assert len(fake.checker.violations) >= 2
    assert any("sub_issues" in v for v in fake.checker.violations)


def test_writes_closer_than_a_second_are_recorded_and_refused(fake: FakeGitHub) -> None:
    fake.clock.advance(2)  # type: ignore[union-attr]
    assert call(fake, "POST", "/repos/acme/ops/issues", json={"title": "a"}).status_code == 201
    refused = call(fake, "POST", "/repos/acme/ops/issues", json={"title": "b"})
    assert refused.status_code == 403
    assert refused.headers["retry-after"] == "60"
    assert len(fake.pacing_violations) == 1
    assert len(fake.repo_issues("acme/ops")) == 1


def test_more_writes_a_minute_than_allowed_is_a_violation(fake: FakeGitHub) -> None:
    fake.per_minute = 3  # GitHub's 80 needs < 0.75 s spacing, which the 1 s rule catches first
    for _ in range(4):
        fake.clock.advance(2)  # type: ignore[union-attr]
        call(fake, "POST", "/repos/acme/ops/issues", json={"title": "x"})
    assert fake.pacing_violations == ["POST /repos/acme/ops/issues: more than 3 content-creating requests in a minute"]
    fake.clock.advance(61)  # type: ignore[union-attr]
    assert call(fake, "POST", "/repos/acme/ops/issues", json={"title": "y"}).status_code == 201


def test_injected_faults_and_drops(fake: FakeGitHub) -> None:
    fake.fail_next(429, retry_after=3)
    answer = call(fake, "GET", "/repos/acme/ops/issues/1")
    assert answer.status_code == 429 and answer.headers["retry-after"] == "3"
    fake.clock.advance(2)  # type: ignore[union-attr]
    fake.fail_next(0, match="POST")
    with pytest.raises(httpx.TransportError):
        call(fake, "POST", "/repos/acme/ops/issues", json={"title": "committed, never answered"})
    assert [i.title for i in fake.repo_issues("acme/ops")] == ["committed, never answered"]
    assert fake.checker.violations == []


def test_search_lags_but_the_label_filtered_list_does_not(fake: FakeGitHub) -> None:
    fake.clock.advance(2)  # type: ignore[union-attr]
    call(fake, "POST", "/repos/acme/ops/issues", json={"title": "t", "labels": ["pmsync-abc"]})
    search = call(fake, "GET", "/search/issues", params={"q": "repo:acme/ops label:pmsync-abc"})
    assert search.json()["total_count"] == 0
    listed = call(fake, "GET", "/repos/acme/ops/issues", params={"labels": "pmsync-abc", "state": "all"})
    assert len(listed.json()) == 1
    fake.clock.advance(fake.search_lag_seconds + 1)  # type: ignore[union-attr]
    assert call(fake, "GET", "/search/issues", params={"q": "label:pmsync-abc"}).json()["total_count"] == 1


def test_bad_credentials(fake: FakeGitHub) -> None:
    answer = httpx.get(fake.url + "/rate_limit", headers={"Authorization": "token wrong"}, timeout=10)
    assert answer.status_code == 401
