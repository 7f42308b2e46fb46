"""``BudgetPacer``: the one piece that decides when the next tracker request may go.

It spaces writes (``min_write_interval``), waits out rate-limit windows it learnt from response
headers (``Retry-After``; ``X-RateLimit-Remaining: 0`` until ``X-RateLimit-Reset``) and never
waits past the run's budget: instead it raises :class:`sync.errors.BudgetExhausted` naming when
to resume, and the run stops cleanly with everything so far recorded. Clock and sleep are
injected, so tests run in zero time.

Thread-safe: apply's follow-up writes may be in flight from a few threads at once
(:mod:`sync.fanout`). Their state is shared, so a window one thread learns (a 429's
``Retry-After``) holds every thread's next request until it has passed, and spaced writes take
their turns one after another. Nobody sleeps while holding the lock.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import threading
import time
from collections.abc import Callable, Mapping

from sync.clock import Clock, utc_now
from sync.errors import BudgetExhausted


def _parse_moment(value: str, now: dt.datetime) -> dt.datetime | None:
    """A reset/Retry-After value: delta seconds, epoch seconds, ISO 8601 or an HTTP date."""
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None:
        # Epoch seconds are large; anything below a year's worth of seconds is a delay.
        if number > 10**9:
            return dt.datetime.fromtimestamp(number, dt.UTC)
        return now + dt.timedelta(seconds=max(number, 0.0))
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def window_end(headers: Mapping[str, str], now: dt.datetime) -> dt.datetime | None:
    """When the rate-limit window a response announces ends: ``Retry-After``, or
    ``X-RateLimit-Reset`` when ``X-RateLimit-Remaining`` is 0, whichever is later; ``None`` when
    it announces none. The one place pmsync reads these headers (names in any case)."""
    lowered = {name.lower(): value for name, value in headers.items()}
    until: dt.datetime | None = None
    if "retry-after" in lowered:
        until = _parse_moment(lowered["retry-after"], now)
    remaining = lowered.get("x-ratelimit-remaining")
    reset = lowered.get("x-ratelimit-reset")
    if remaining is not None and reset is not None and remaining.strip() in {"0", "0.0"}:
        reset_at = _parse_moment(reset, now)
        if reset_at is not None and (until is None or reset_at > until):
            until = reset_at
    return until


def rate_limit_wait(headers: Mapping[str, str], now: dt.datetime) -> float | None:
    """Seconds until :func:`window_end` (0 when it has passed); ``None`` without a window. What
    a :class:`sync.errors.RateLimited` carries as ``retry_after``."""
    until = window_end(headers, now)
    return None if until is None else max((until - now).total_seconds(), 0.0)


def requests_left(headers: Mapping[str, str]) -> float | None:
    """``X-RateLimit-Remaining`` as a number; ``None`` when absent or unreadable."""
    lowered = {name.lower(): value for name, value in headers.items()}
    try:
        return float(lowered["x-ratelimit-remaining"])
    except (KeyError, ValueError):
        return None


class BudgetPacer:
    """Spaces requests and enforces one run's time budget (see the module docstring)."""

    def __init__(
        self,
        *,
        clock: Clock = utc_now,
        sleep: Callable[[float], None] = time.sleep,
        min_write_interval: float = 0.0,
        budget_seconds: float = 900.0,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._min_write_interval = min_write_interval
        self._deadline = clock() + dt.timedelta(seconds=budget_seconds)
        self._last_write: dt.datetime | None = None
        self._blocked_until: dt.datetime | None = None
        self._lock = threading.Lock()
        self.waited = 0.0

    @property
    def deadline(self) -> dt.datetime:
        """When the run's budget runs out."""
        return self._deadline

    def before_request(self, *, write: bool) -> None:
        """Wait for a learnt rate-limit window and, for writes, the spacing interval."""
        with self._lock:
            now = self._clock()
            until = now if self._blocked_until is None else max(now, self._blocked_until)
            if write:
                if self._last_write is not None and self._min_write_interval:
                    until = max(until, self._last_write + dt.timedelta(seconds=self._min_write_interval))
                self._last_write = until  # taken now, so the next writer queues behind this one
        while until > now:
            self._wait_until(until, now)
            with self._lock:
                # Another thread may have met a 429 meanwhile: its window holds this request too.
                blocked = self._blocked_until
                if blocked is None or blocked <= until:
                    return
                now, until = self._clock(), blocked
                if write and self._last_write is not None and until > self._last_write:
                    self._last_write = until

    def observe(self, headers: Mapping[str, str]) -> None:
        """Remember a window to wait out before the next request (every thread's)."""
        with self._lock:
            now = self._clock()
            until = window_end(headers, now)
            if until is not None and (self._blocked_until is None or until > self._blocked_until):
                self._blocked_until = until

    def wait(self, seconds: float) -> None:
        """Sleep ``seconds``, or stop the run when that passes the budget."""
        now = self._clock()
        self._wait_until(now + dt.timedelta(seconds=max(seconds, 0.0)), now)

    def _wait_until(self, until: dt.datetime, now: dt.datetime) -> None:
        if until > self._deadline:
            raise BudgetExhausted(
                f"the tracker asks to wait until {until.isoformat(timespec='seconds')}, "
                f"past this run's budget ({self._deadline.isoformat(timespec='seconds')}); stopped cleanly",
                resume_at=until,
            )
        seconds = (until - now).total_seconds()
        if seconds > 0:
            self._sleep(seconds)
            with self._lock:
                self.waited += seconds
