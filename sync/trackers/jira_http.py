"""The HTTP edge of the Jira adapter: one place that sends requests, paces them and turns Jira's
answers into pmsync's errors.

Why not the ``jira`` library's client for these calls: it lacks ``/search/jql`` paging,
``/issue/bulkfetch`` and ``properties`` in bulk creates, sends transition ids as integers and
``"comment": null`` with links (both rejected by Atlassian's description), creates in one
unbatched request, and retries on its own (sleeping less than ``Retry-After`` past 30 s). pmsync
has one retry layer (:mod:`sync.retry`) and one pacer per run, so every call here goes through
an injected ``httpx.Client`` and :class:`sync.trackers.base.Pacer`, and nothing here retries.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx

from sync.clock import utc_now
from sync.errors import RateLimited, TrackerAuthError, TrackerError, TrackerNotFound, TrackerUnavailable
from sync.pacing import rate_limit_wait, requests_left
from sync.trackers.base import Clock, Pacer
from sync.trackers.sending import sending_create
from sync.trackers.transport import send

NAME = "jira"
Deployment = Literal["cloud", "datacenter"]

_WRITE_METHODS = frozenset({"POST", "PUT", "DELETE"})
# POSTs that only read: they must not be spaced like writes.
_READ_POSTS = ("/search/jql", "/search", "/issue/bulkfetch")


def describe_errors(body: Any) -> str:
    """Jira's ``{errorMessages, errors}`` as one line naming each field."""
    if not isinstance(body, dict):
        return ""
    parts = [str(m) for m in body.get("errorMessages") or []]
    errors = body.get("errors")
    if isinstance(errors, dict):
        parts += [f"field '{name}': {message}" for name, message in errors.items()]
    return "; ".join(parts)


@dataclass(frozen=True)
class JiraAuth:
    """Cloud: e-mail + API token as basic auth. Data Center: a personal access token as Bearer
    (``email`` None), or basic with a user name."""

    # Out of repr: a dataclass shows its fields in tracebacks with locals, debuggers and logs.
    token: str = field(repr=False)
    email: str | None = None

    def header(self) -> str:
        if self.email:
            return "Basic " + base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
        return f"Bearer {self.token}"


class JiraHttp:
    """Sends one request to ``{url}/rest/api/{3|2}{path}`` and returns the decoded JSON."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        url: str,
        deployment: Deployment,
        auth: JiraAuth,
        pacer: Pacer,
        clock: Clock = utc_now,
    ) -> None:
        self._http = http
        self.url = url.rstrip("/")
        self.deployment: Deployment = deployment
        self.api = "/rest/api/3" if deployment == "cloud" else "/rest/api/2"
        self._headers = {"Authorization": auth.header(), "Accept": "application/json"}
        self._pacer = pacer
        self._clock = clock
        self.rate_limit_remaining: float | None = None

    def request(
        self,
        method: str,
        path: str,
        *,
        op: str,
        params: Mapping[str, str] | None = None,
        body: Any = None,
        subject: str = "",
        answer_400: bool = False,
    ) -> Any:
        """``op`` names the operation in errors; ``subject`` (a key, a project) too. With
        ``answer_400`` a 400 whose body lists per-element ``errors`` is returned, not raised."""
        write = method in _WRITE_METHODS and not path.endswith(_READ_POSTS)
        self._pacer.before_request(write=write)
        if op == "create" and write:
            sending_create()  # after any pacer wait: the lag bound counts from here
        headers = dict(self._headers)
        content = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            content = json.dumps(body).encode()
        url = f"{self.url}{self.api}{path}"
        response = send(self._http, method, url, tracker=NAME, op=op, params=params, content=content, headers=headers)
        self._pacer.observe(response.headers)
        # Cloud sends it on some answers, Data Center never: the last value stays until then.
        left = requests_left(response.headers)
        self.rate_limit_remaining = self.rate_limit_remaining if left is None else left
        if answer_400 and response.status_code == 400:
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict) and isinstance(body.get("errors"), list):
                return body
        if response.status_code >= 400:
            raise self._error(response, op=op, subject=subject)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise TrackerUnavailable("answered with something that is not JSON", tracker=NAME, op=op) from exc

    def _error(self, response: httpx.Response, *, op: str, subject: str) -> TrackerError:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        detail = describe_errors(body) or f"HTTP {status}"
        where = f"{subject}: " if subject else ""
        retry_after = rate_limit_wait(response.headers, self._clock())
        if status == 429:
            reason = response.headers.get("ratelimit-reason", "rate limited")
            return RateLimited(f"{where}{reason}", tracker=NAME, op=op, retry_after=retry_after)
        if status == 503 and retry_after is not None:
            # Jira sends Retry-After with some 503s. The pacer has already taken the wait from the
            # header; unlike a 429, a 503 does not promise that a write was not processed, so it
            # stays "unavailable" and a create is confirmed by marker before it is sent again.
            return TrackerUnavailable(f"{where}unavailable, retry after {retry_after:g}s", tracker=NAME, op=op)
        if status >= 500:
            return TrackerUnavailable(f"{where}HTTP {status}", tracker=NAME, op=op)
        if status == 401:
            return TrackerAuthError(
                "credentials rejected (HTTP 401)",
                tracker=NAME,
                op=op,
                hint="check [tracker] email and the token (Cloud: an API token of that account; Data Center: a "
                "personal access token); run `pmsync doctor`",
            )
        if status == 403:
            return TrackerAuthError(
                f"{where}permission denied (HTTP 403): {detail}",
                tracker=NAME,
                op=op,
                hint="the account needs Browse projects, Create issues, Edit issues, Transition issues and Link "
                "issues in the project; run `pmsync doctor`",
            )
        if status == 404:
            return TrackerNotFound(f"{where}not found: {detail}", tracker=NAME, op=op)
        return TrackerError(
            f"{where}rejected (HTTP {status}): {detail}",
            tracker=NAME,
            op=op,
            hint="run `pmsync doctor` to check the project's fields, issue types and priorities",
        )
