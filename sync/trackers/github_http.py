"""The HTTP edge of everything pmsync sends to GitHub: the tracker
(:mod:`sync.trackers.github_tracker`), its doctor checks (:mod:`sync.trackers.github_doctor`)
and the write-back pull request (:mod:`sync.writeback.pull_request`).

One place that sends a request, reports every answer's headers to the run's pacer (error
answers too, so a ``Retry-After`` on a 403 or 429 is waited out before the next request),
remembers the rate limit left, and turns GitHub's answers into pmsync's errors. Nothing here
retries: callers retry through :mod:`sync.retry`.

Why httpx and not PyGithub's ``Requester``: pmsync used the Requester only as an HTTP client
(``requestJson``). None of PyGithub's objects fit what pmsync sends (conditional requests,
``type`` and ``issue_field_values`` on create, sub-issues, issue fields, the label-filtered
list paged by ``Link``), and its retry and write throttle had to be switched off. What was left
was a second HTTP stack (requests and urllib3) beside the httpx the Jira adapter and the
publishers use, with its own exceptions to translate and its own connection pool, which the
runtime's shared ``httpx.Client`` never saw. On httpx, both trackers share one client, one
time-out policy and one set of transport errors; a token header and GitHub Enterprise Server's
GraphQL address are all the Requester added.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urljoin

import httpx

from sync.errors import RateLimited, TrackerAuthError, TrackerError, TrackerNotFound, TrackerUnavailable
from sync.pacing import rate_limit_wait, requests_left
from sync.trackers.base import Clock, Pacer
from sync.trackers.transport import request_timeout, send

__all__ = ["API_VERSION", "SECONDARY_WAIT", "GitHubAnswer", "GitHubHttp", "graphql_url"]

NAME: Final = "github"
API_VERSION: Final = "2022-11-28"
SECONDARY_WAIT: Final = 60.0  # GitHub: without retry-after, wait at least a minute
TIMEOUT: Final = request_timeout()


@dataclass(frozen=True)
class GitHubAnswer:
    """A successful (or 304) answer: its status, headers (lower-case names) and decoded JSON."""

    status: int
    headers: Mapping[str, str]
    data: Any


def graphql_url(api_url: str) -> str:
    """GraphQL's address for a REST base URL: ``https://api.github.com/graphql``, and on GitHub
    Enterprise Server ``https://HOST/api/graphql`` beside the REST ``https://HOST/api/v3``."""
    base = api_url.rstrip("/")
    if base.endswith("/api/v3"):
        return base.removesuffix("/v3") + "/graphql"
    return base + "/graphql"


class GitHubHttp:
    """Sends one request to ``{api_url}{path}`` (or an absolute URL, such as a ``Link`` header's)
    and returns the answer; any status from 400 up is raised as a :class:`sync.errors.TrackerError`.

    ``rejected_hint`` and ``forbidden_hint`` are the fixes a 401 and a plain 403 (a missing
    permission) suggest: the tracker and the write-back pull request take different tokens and
    need different permissions."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        api_url: str,
        token: str,
        pacer: Pacer,
        clock: Clock,
        rejected_hint: str = "check the token named by [tracker] token_env",
        forbidden_hint: str = "the token needs Issues: read and write on this repository",
    ) -> None:
        self._http = http
        self.api_url = api_url.rstrip("/")
        self.graphql_url = graphql_url(self.api_url)
        self._pacer = pacer
        self._clock = clock
        self._rejected_hint = rejected_hint
        self._forbidden_hint = forbidden_hint
        # Out of every repr: the token lives only in this header.
        self._headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
        }
        self.rate_limit_remaining: float | None = None

    def __repr__(self) -> str:
        return f"GitHubHttp({self.api_url!r})"

    def request(
        self,
        method: str,
        url: str,
        *,
        op: str,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        etag: str | None = None,
        write: bool | None = None,
    ) -> GitHubAnswer:
        """``op`` names the operation in errors; ``etag`` makes a GET conditional (a 304 is
        returned, not raised); ``write`` overrides "every method but GET writes" (a GraphQL
        query is a POST that only reads)."""
        self._pacer.before_request(write=method != "GET" if write is None else write)
        headers = dict(self._headers)
        if etag:
            headers["If-None-Match"] = etag
        target = url if url.startswith(("http://", "https://")) else urljoin(self.api_url + "/", url.lstrip("/"))
        response = send(self._http, method, target, tracker=NAME, op=op, params=params, json=body, headers=headers)
        lowered = {name.lower(): value for name, value in response.headers.items()}
        self._pacer.observe(lowered)
        left = requests_left(lowered)
        self.rate_limit_remaining = self.rate_limit_remaining if left is None else left
        try:
            data = response.json() if response.content else None
        except ValueError:
            if response.status_code < 400:
                raise TrackerUnavailable(
                    f"HTTP {response.status_code}: an answer that is not JSON", tracker=NAME, op=op
                ) from None
            data = None
        if response.status_code >= 400:
            raise self._error(response.status_code, lowered, data, op)
        return GitHubAnswer(response.status_code, lowered, data)

    def _error(self, status: int, headers: Mapping[str, str], data: Any, op: str) -> TrackerError:
        body = data if isinstance(data, dict) else {}
        message = str(body.get("message") or f"HTTP {status}")
        if status == 401:
            return TrackerAuthError("the token was rejected", tracker=NAME, op=op, hint=self._rejected_hint)
        limited = "rate limit" in message.lower() or headers.get("x-ratelimit-remaining") == "0"
        if status == 429 or (status == 403 and (limited or "retry-after" in headers)):
            wait = rate_limit_wait(headers, self._clock())
            return RateLimited(message, tracker=NAME, op=op, retry_after=SECONDARY_WAIT if wait is None else wait)
        if status in (404, 410):
            return TrackerNotFound(message, tracker=NAME, op=op)
        if status == 403:
            return TrackerAuthError(message, tracker=NAME, op=op, hint=self._forbidden_hint)
        if status >= 500:
            return TrackerUnavailable(f"HTTP {status}: {message}", tracker=NAME, op=op)
        return TrackerError(f"HTTP {status}: {message}", tracker=NAME, op=op)
