"""The Jira token never shows in a repr or an error message, even when the connection fails."""

from __future__ import annotations

import httpx
import pytest

from sync.errors import TrackerUnavailable
from sync.pacing import BudgetPacer
from sync.trackers.jira_http import JiraAuth, JiraHttp

TOKEN = "s3cret-jira-token-value"


@pytest.mark.parametrize("email", ["bot@example.com", None])
def test_the_auth_repr_hides_the_token(email: str | None) -> None:
    auth = JiraAuth(token=TOKEN, email=email)
    assert TOKEN not in repr(auth) and TOKEN not in str(auth)
    assert auth.header().endswith(TOKEN) if email is None else auth.header().startswith("Basic ")


def test_a_failed_connection_names_no_credentials() -> None:
    seen: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        raise httpx.ConnectError("connection refused", request=request)

    client = JiraHttp(
        httpx.Client(transport=httpx.MockTransport(refuse)),
        url="https://jira.example.com",
        deployment="datacenter",
        auth=JiraAuth(token=TOKEN),
        pacer=BudgetPacer(sleep=lambda _s: None),
    )
    with pytest.raises(TrackerUnavailable) as raised:
        client.request("GET", "/myself", op="doctor")
    assert seen and seen[0].headers["Authorization"] == f"Bearer {TOKEN}"
    texts = [str(raised.value), repr(raised.value), raised.value.message]
    cause = raised.value.__cause__
    while cause is not None:
        texts += [str(cause), repr(cause)]
        cause = cause.__cause__
    assert not any(TOKEN in text for text in texts)
