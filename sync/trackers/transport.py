"""The one place a tracker request meets the network: time-outs and lost connections become
:class:`sync.errors.TrackerUnavailable` ("it may still have happened": a write is confirmed by
marker, never sent again blindly). Used by both HTTP edges (:mod:`sync.trackers.jira_http`,
:mod:`sync.trackers.github_http`); what an answer means stays with each edge."""

from __future__ import annotations

from typing import Any

import httpx

from sync.errors import TrackerUnavailable

DEFAULT_TIMEOUT_SECONDS = 30.0  # [tracker] request_timeout_seconds' default


def request_timeout(seconds: float = DEFAULT_TIMEOUT_SECONDS) -> httpx.Timeout:
    """How long one request may take (each of writing it and reading the answer); connecting
    takes at most 10 s of it."""
    return httpx.Timeout(seconds, connect=min(10.0, seconds))


def send(http: httpx.Client, method: str, url: str, *, tracker: str, op: str, **request: Any) -> httpx.Response:
    """``http.request(method, url, **request)``; the exception names only its type (a URL may hold
    a secret, and the request's body is the caller's)."""
    try:
        return http.request(method, url, **request)
    except httpx.TimeoutException as exc:
        raise TrackerUnavailable(
            f"no answer in time ({type(exc).__name__}); it may still have happened", tracker=tracker, op=op
        ) from None
    except httpx.TransportError as exc:
        raise TrackerUnavailable(
            f"connection failed ({type(exc).__name__}); it may still have happened", tracker=tracker, op=op
        ) from None
