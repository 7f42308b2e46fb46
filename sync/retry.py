"""The one retry policy: a tenacity policy built here and injected (zero wait in tests). Every retried remote
call goes through it: apply's tracker calls, pull, write-back's status push and pull request, repeat-incident
links, GitHub's follow-up writes of a create, report publishing. The HTTP edges themselves never retry.

Only :class:`RateLimited` and :class:`TrackerUnavailable` are retried, and ``Retry-After`` is
honoured in full: no cap here, because the waits go through the run's pacer
(``sleep=pacer.wait``), which stops the run cleanly with :class:`sync.errors.BudgetExhausted`
when a wait would pass the run's budget. Creates are never retried blindly: :mod:`sync.apply`
searches by marker before any new attempt, because a create that timed out may well have happened.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from sync.errors import RateLimited, TrackerUnavailable

RETRYABLE = (RateLimited, TrackerUnavailable)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    initial_wait: float = 1.0
    max_wait: float = 60.0
    sleep: Callable[[float], None] | None = None

    def pause(self, attempt: int, error: BaseException) -> None:
        """Wait before retry number ``attempt`` (1-based) after ``error``, as :meth:`retrying`
        would: ``Retry-After`` when given, else exponential backoff."""
        if isinstance(error, RateLimited) and error.retry_after is not None:
            seconds = float(error.retry_after)
        elif self.initial_wait:
            seconds = min(self.initial_wait * 2 ** (attempt - 1), self.max_wait)
        else:
            seconds = 0.0
        (self.sleep or time.sleep)(seconds)

    def retrying(self, only: tuple[type[BaseException], ...] = RETRYABLE) -> Retrying:
        backoff = wait_exponential(multiplier=self.initial_wait, max=self.max_wait)

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            if isinstance(error, RateLimited) and error.retry_after is not None:
                return float(error.retry_after)
            return float(backoff(state)) if self.initial_wait else 0.0

        return Retrying(
            retry=retry_if_exception_type(only),
            stop=stop_after_attempt(self.attempts),
            wait=wait,
            reraise=True,
            sleep=self.sleep or time.sleep,
        )


NO_WAIT = RetryPolicy(attempts=3, initial_wait=0.0, sleep=lambda _seconds: None)
"""For tests: three attempts, no waiting."""
