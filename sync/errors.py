"""pmsync's one exception tree. The CLI maps it to exit codes in one place.

::

    PmsyncError                      exit 1 unless stated
    ├── ConfigError                  exit 2: bad or missing configuration (names the key)
    ├── UsageError                   exit 2: bad command-line input
    ├── StateError                   the state database is unusable or inconsistent
    ├── SafetyAbort                  the plan looks dangerous; rerun with --force if intended
    ├── RunStopped                   the run stopped cleanly where it was (state persisted)
    │   ├── BudgetExhausted(resume_at) a rate-limit wait would exceed the run's time budget
    │   └── LockLost                 this process no longer holds the run lock (fencing)
    └── TrackerError(tracker, op)    a tracker call failed
        ├── TrackerAuthError         credentials rejected (never retried)
        ├── TrackerNotFound          the ticket or project does not exist
        ├── RateLimited(retry_after) the tracker asked us to slow down (retried)
        └── TrackerUnavailable       network error or 5xx (retried)

Documents never raise: a document that cannot be used is an error *diagnostic* (a value, with
its path and line), so one broken file never hides the rest. Every user-facing error carries a
``hint`` naming the next thing to try. Messages never contain
secrets: trackers build them from operation names and ticket keys, and whatever else they quote (a
tracker's error body, which may echo the request's ``Authorization`` header) is scrubbed of every
registered secret here, as the error is built, before anything can store or print it.
"""

from __future__ import annotations

import datetime as dt

from sync.logs import redact


class PmsyncError(Exception):
    """Base of every error pmsync raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        message = redact(message)
        super().__init__(message)
        self.message = message
        self.hint = redact(hint) if hint is not None else None

    def __str__(self) -> str:
        return self.message


class ConfigError(PmsyncError):
    exit_code = 2


class UsageError(PmsyncError):
    exit_code = 2


class StateError(PmsyncError):
    pass


class SafetyAbort(PmsyncError):
    pass


class RunStopped(PmsyncError):
    """The run stopped before finishing, cleanly: everything done so far is recorded, and the
    next run resumes from there."""


class BudgetExhausted(RunStopped):
    def __init__(self, message: str, *, resume_at: dt.datetime, hint: str | None = None) -> None:
        super().__init__(message, hint=hint or f"run pmsync again after {resume_at.isoformat(timespec='seconds')}")
        self.resume_at = resume_at


class LockLost(RunStopped):
    pass


class TrackerError(PmsyncError):
    def __init__(self, message: str, *, tracker: str, op: str, hint: str | None = None) -> None:
        super().__init__(f"{tracker} {op}: {message}", hint=hint)
        self.tracker = tracker
        self.op = op


class TrackerAuthError(TrackerError):
    pass


class TrackerNotFound(TrackerError):
    pass


class RateLimited(TrackerError):
    def __init__(
        self,
        message: str,
        *,
        tracker: str,
        op: str,
        retry_after: float | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, tracker=tracker, op=op, hint=hint)
        self.retry_after = retry_after


class TrackerUnavailable(TrackerError):
    pass


class WorkflowBlocked(TrackerError):
    """The tracker's workflow offers no path to the wanted status from where the ticket is: trying
    again changes nothing until the workflow (or what the document wants) does, so apply records
    it and does not retry it in every run."""
