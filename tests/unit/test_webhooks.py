"""Webhook signatures and payload parsing (GitHub ``issues``, Jira ``jira:issue_updated``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from mappings.statuses import GitHubStatusMap, JiraStatusMap
from sync.core.model import Status
from sync.service.webhooks import (
    BadPayload,
    NotAStatusEvent,
    github_event,
    jira_event,
    parse_time,
    sign,
    signature_valid,
)

# GitHub's documented test vector (docs: "Validating webhook deliveries").
GITHUB_SECRET = b"It's a Secret to Everybody"
GITHUB_BODY = b"Hello, World!"
GITHUB_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def test_github_documented_test_vector_verifies() -> None:
    assert sign(GITHUB_SECRET, GITHUB_BODY) == GITHUB_SIGNATURE
    assert signature_valid(GITHUB_SECRET, GITHUB_BODY, GITHUB_SIGNATURE)


@pytest.mark.parametrize(
    ("secret", "body", "header"),
    [
        (GITHUB_SECRET, GITHUB_BODY + b" ", GITHUB_SIGNATURE),  # body changed
        (b"another secret", GITHUB_BODY, GITHUB_SIGNATURE),  # wrong secret
        (GITHUB_SECRET, GITHUB_BODY, None),  # missing header
        (GITHUB_SECRET, GITHUB_BODY, ""),
        (GITHUB_SECRET, GITHUB_BODY, GITHUB_SIGNATURE.removeprefix("sha256=")),  # no algorithm prefix
        (GITHUB_SECRET, GITHUB_BODY, "sha1=" + GITHUB_SIGNATURE[7:]),
        (GITHUB_SECRET, GITHUB_BODY, "sha256=ünïcode"),
        (b"", GITHUB_BODY, sign(b"", GITHUB_BODY)),  # an empty secret verifies nothing
    ],
)
def test_bad_signatures_are_refused(secret: bytes, body: bytes, header: str | None) -> None:
    assert not signature_valid(secret, body, header)


def github_issue(
    state: str = "closed", reason: str | None = "completed", labels: tuple[str, ...] = (), **extra: Any
) -> dict[str, Any]:
    return {
        "action": "closed" if state == "closed" else "reopened",
        "issue": {
            "id": 1001,
            "number": 12,
            "state": state,
            "state_reason": reason,
            "labels": [{"name": name} for name in labels],
            "updated_at": "2026-11-30T10:00:00Z",
            **extra,
        },
        "repository": {"full_name": "example-org/incidents"},
        "sender": {"login": "dana-smith"},
    }


GH_HEADERS = {"x-github-event": "issues", "x-github-delivery": "d-1"}


@pytest.mark.parametrize(
    ("state", "reason", "labels", "expected"),
    [
        ("closed", "completed", (), Status.DONE),
        ("closed", "not_planned", (), Status.WONT_DO),
        ("closed", None, (), Status.DONE),
        ("open", "reopened", (), Status.OPEN),
        ("open", None, ("In-Progress",), Status.IN_PROGRESS),
    ],
)
def test_github_issue_events_map_to_canonical_status(
    state: str, reason: str | None, labels: tuple[str, ...], expected: Status
) -> None:
    body = json.dumps(github_issue(state, reason, labels)).encode()
    event = github_event(GH_HEADERS, body, GitHubStatusMap())
    assert event.mapped.status is expected
    assert event.keys == ("example-org/incidents#12", "#12", "12")
    assert event.tracker_id == "1001"
    assert event.delivery_id == "d-1"
    assert event.sender == "dana-smith"
    assert event.updated_at == dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)


def test_github_other_events_are_not_status_events() -> None:
    with pytest.raises(NotAStatusEvent):
        github_event({"x-github-event": "ping", "x-github-delivery": "d"}, b"{}", GitHubStatusMap())


@pytest.mark.parametrize(
    ("headers", "body", "message"),
    [
        ({"x-github-event": "issues"}, json.dumps(github_issue()).encode(), "X-GitHub-Delivery"),
        (GH_HEADERS, b"not json", "not JSON"),
        (GH_HEADERS, b"[1, 2]", "not a JSON object"),
        (GH_HEADERS, json.dumps({"issue": {"state": "closed"}}).encode(), "issue.number"),
        (GH_HEADERS, json.dumps(github_issue(updated_at="yesterday")).encode(), "unreadable time"),
        (GH_HEADERS, json.dumps(github_issue(updated_at=None)).encode(), "missing updated"),
    ],
)
def test_github_malformed_deliveries_are_bad_payloads(headers: dict[str, str], body: bytes, message: str) -> None:
    with pytest.raises(BadPayload, match=message):
        github_event(headers, body, GitHubStatusMap())


def jira_payload(
    category: str = "done", name: str = "Done", resolution: str | None = "Done", event: str = "jira:issue_updated"
) -> dict[str, Any]:
    return {
        "timestamp": 1796036400000,
        "webhookEvent": event,
        "user": {"accountId": "5b10ac8d82e05b22cc7d4ef5"},
        "issue": {
            "id": "10042",
            "key": "OPS-7",
            "fields": {
                "status": {"name": name, "statusCategory": {"key": category}},
                "resolution": {"name": resolution} if resolution else None,
                "updated": "2026-11-30T11:00:00.000+0100",
            },
        },
    }


@pytest.mark.parametrize(
    ("category", "name", "resolution", "expected"),
    [
        ("done", "Done", "Done", Status.DONE),
        ("done", "Closed", "Won't Do", Status.WONT_DO),
        ("indeterminate", "In Progress", None, Status.IN_PROGRESS),
        ("new", "To Do", None, Status.OPEN),
    ],
)
def test_jira_issue_updated_maps_category_and_resolution(
    category: str, name: str, resolution: str | None, expected: Status
) -> None:
    body = json.dumps(jira_payload(category, name, resolution)).encode()
    event = jira_event({"x-atlassian-webhook-identifier": "wh-1"}, body, JiraStatusMap())
    assert event.mapped.status is expected
    assert event.keys == ("OPS-7",)
    assert event.tracker_id == "10042"
    assert event.delivery_id == "wh-1"
    assert event.sender == "5b10ac8d82e05b22cc7d4ef5"
    assert event.updated_at == dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)


def test_jira_delivery_id_falls_back_to_timestamp_and_issue() -> None:
    event = jira_event({}, json.dumps(jira_payload()).encode(), JiraStatusMap())
    assert event.delivery_id == "1796036400000:10042"


def test_jira_other_events_are_not_status_events() -> None:
    with pytest.raises(NotAStatusEvent):
        jira_event({}, json.dumps(jira_payload(event="comment_created")).encode(), JiraStatusMap())


def test_jira_payload_without_status_is_bad() -> None:
    payload = jira_payload()
    del payload["issue"]["fields"]["status"]
    with pytest.raises(BadPayload, match="status"):
        jira_event({}, json.dumps(payload).encode(), JiraStatusMap())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30T10:00:00Z", dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)),
        ("2026-11-30T10:00:00.000+0000", dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)),
        ("2026-11-30T12:00:00.000+0200", dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)),
        ("2026-11-30T05:00:00-05:00", dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)),
        ("2026-11-30T10:00:00", dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)),
    ],
)
def test_parse_time_reads_both_trackers_formats(text: str, expected: dt.datetime) -> None:
    assert parse_time(text) == expected
