"""Bodies in ADF (Cloud) and wiki markup (Data Center) read back to exactly the text written, so
an unchanged body never looks like a person's edit; and the HTTP edge's error mapping."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.errors import RateLimited, TrackerError, TrackerUnavailable
from sync.trackers.jira_adf import from_adf, from_wiki, to_adf, to_wiki
from sync.trackers.jira_http import JiraAuth, JiraHttp, describe_errors

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r") | st.just("\n"), max_size=200
)
URLS = st.sampled_from(["https://wiki.example.com/pm/INC-7", "http://a.example/b?c=d&e=[f]", "see https://x.io."])


@given(st.lists(TEXT | URLS, max_size=6).map(" ".join))
def test_adf_round_trips(text: str) -> None:
    assert from_adf(to_adf(text)) == text


@given(st.lists(TEXT | URLS, max_size=6).map(" ".join))
def test_wiki_round_trips(text: str) -> None:
    assert from_wiki(to_wiki(text)) == text


def test_links_become_link_marks_and_wiki_links() -> None:
    doc = to_adf("Doc: https://wiki.example.com/pm/1\n\nend")
    first = doc["content"][0]["content"]
    assert first[1]["marks"] == [{"type": "link", "attrs": {"href": "https://wiki.example.com/pm/1"}}]
    assert doc["content"][1] == {"type": "paragraph"}
    assert to_wiki("a *b* https://x.example/y") == "a \\*b\\* [https://x.example/y]"


def test_a_body_a_person_reshaped_reads_as_its_text() -> None:
    doc = {
        "type": "doc",
        "content": [
            {"type": "bulletList", "content": [{"type": "listItem", "content": [{"type": "text", "text": "one"}]}]},
            {"type": "paragraph", "content": [{"type": "text", "text": "a"}, {"type": "hardBreak"}, "junk"]},
        ],
    }
    assert from_adf(doc) == "one\na\n"
    assert from_adf(None) is None and from_wiki(None) is None


def test_describe_errors_names_every_field() -> None:
    body = {"errorMessages": ["Bad"], "errors": {"priority": "not valid", "customfield_1": "required"}}
    assert describe_errors(body) == "Bad; field 'priority': not valid; field 'customfield_1': required"
    assert describe_errors("nope") == ""


class _Pacer:
    def before_request(self, *, write: bool) -> None:
        self.write = write

    def observe(self, headers: Mapping[str, str]) -> None:
        self.headers = headers

    def wait(self, seconds: float) -> None:  # pragma: no cover - never called here
        raise AssertionError


def _client(handler: httpx.MockTransport) -> tuple[JiraHttp, _Pacer]:
    pacer = _Pacer()
    http = httpx.Client(transport=handler)
    return JiraHttp(http, url="https://x.example/", deployment="datacenter", auth=JiraAuth("pat"), pacer=pacer), pacer


@pytest.mark.parametrize(
    ("status", "headers", "content", "error", "text"),
    [
        (503, {}, b"", TrackerUnavailable, "HTTP 503"),
        (429, {"Retry-After": "soon"}, b"{}", RateLimited, "rate limited"),
        (400, {}, b"<html>", TrackerError, "HTTP 400"),
        (200, {}, b"<html>", TrackerUnavailable, "not JSON"),
    ],
)
def test_odd_answers(status: int, headers: dict[str, str], content: bytes, error: type[Exception], text: str) -> None:
    client, _pacer = _client(
        httpx.MockTransport(lambda request: httpx.Response(status, headers=headers, content=content))
    )
    with pytest.raises(error, match=text) as raised:
        client.request("GET", "/myself", op="doctor")
    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after is None


def test_bearer_token_and_read_posts_are_not_paced_as_writes() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"issues": [], "total": 0})

    client, pacer = _client(httpx.MockTransport(answer))
    client.request("POST", "/search", op="pull", body={"jql": "x"})
    assert pacer.write is False
    assert seen[0].headers["authorization"] == "Bearer pat"
    assert str(seen[0].url) == "https://x.example/rest/api/2/search"
    client.request("PUT", "/issue/1", op="update", body={})
    assert pacer.write is True
