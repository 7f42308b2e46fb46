"""GitHub's secondary limits on content-creating requests, kept across runs.

GitHub allows no more than 80 content-creating requests a minute and 500 an hour, made serially
at least one second apart; past that it answers 403/429 and may block the token for longer. The
engine's pacer spaces writes within one run; :class:`GitHubWritePacer` wraps it and adds the two
windows, counted over a :class:`WriteLedger` — the state store's ``tracker_writes`` table in
production — so that two runs in a row, or a restarted service, never exceed them together.

When a window is full the pacer asks the engine's pacer to wait; if that wait would pass the
run's budget the engine's pacer raises :class:`sync.errors.BudgetExhausted` with the moment to
resume, and the run stops cleanly (a 1,000-item backfill at 500/h takes three runs that way).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TextIO

from sync.trackers.base import Clock, Pacer

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class WriteLimits:
    """``[tracker] writes_per_minute``, ``writes_per_hour``, ``write_interval_seconds``."""

    per_minute: int = 80
    per_hour: int = 500
    min_interval: float = 1.0

    def __post_init__(self) -> None:
        if self.per_minute < 1 or self.per_hour < 1 or self.min_interval < 0:
            raise ValueError("write limits must be positive")


class WriteLedger(Protocol):
    """Where the times of past writes are kept (per budget key, e.g. one per GitHub host)."""

    def recent(self, since: dt.datetime) -> Sequence[dt.datetime]:
        """Times of writes at or after ``since``, oldest first."""
        ...

    def record(self, at: dt.datetime) -> None:
        """Remember one write made at ``at`` (and forget those older than an hour)."""
        ...


class MemoryWriteLedger:
    """A ledger for one process (tests, ``--dry-run``)."""

    def __init__(self) -> None:
        self._times: list[dt.datetime] = []
        self._lock = threading.Lock()

    def recent(self, since: dt.datetime) -> Sequence[dt.datetime]:
        with self._lock:
            return [t for t in self._times if t >= since]

    def record(self, at: dt.datetime) -> None:
        with self._lock:
            self._times = [t for t in self._times if t > at - HOUR] + [at]


def next_write_at(times: Sequence[dt.datetime], now: dt.datetime, limits: WriteLimits) -> dt.datetime:
    """The earliest moment the next write may go, given the writes of the last hour (pure)."""
    earliest = now
    if times:
        earliest = max(earliest, times[-1] + dt.timedelta(seconds=limits.min_interval))
    in_minute = [t for t in times if t > now - MINUTE]
    if len(in_minute) >= limits.per_minute:
        earliest = max(earliest, in_minute[-limits.per_minute] + MINUTE)
    in_hour = [t for t in times if t > now - HOUR]
    if len(in_hour) >= limits.per_hour:
        earliest = max(earliest, in_hour[-limits.per_hour] + HOUR)
    return earliest


Progress = Callable[[int, dt.datetime], None]


class GitHubWritePacer:
    """A :class:`sync.trackers.base.Pacer` that adds GitHub's write windows to the engine's pacer."""

    def __init__(
        self,
        inner: Pacer,
        ledger: WriteLedger,
        clock: Clock,
        limits: WriteLimits = WriteLimits(),
        progress: Progress | None = None,
    ) -> None:
        self._inner = inner
        self._ledger = ledger
        self._clock = clock
        self._limits = limits
        self._progress = progress
        self.writes = 0

    def before_request(self, *, write: bool) -> None:
        if write:
            now = self._clock()
            times = sorted(self._ledger.recent(now - HOUR))
            until = next_write_at(times, now, self._limits)
            if until > now:
                # Raises BudgetExhausted (with until as the resume time) when past the run's budget.
                self._inner.wait((until - now).total_seconds())
        self._inner.before_request(write=write)
        if write:
            at = self._clock()
            self._ledger.record(at)
            self.writes += 1
            if self._progress is not None:
                self._progress(self.writes, at)

    def observe(self, headers: Mapping[str, str]) -> None:
        self._inner.observe(headers)

    def wait(self, seconds: float) -> None:
        self._inner.wait(seconds)


class TerminalProgress:
    """One status line on a terminal per write during long runs (backfills): writes this run,
    writes in the last hour against the limit, and when the hour's window next has room."""

    def __init__(self, stream: TextIO, ledger: WriteLedger, limits: WriteLimits) -> None:
        self._stream = stream
        self._ledger = ledger
        self._limits = limits

    def __call__(self, writes: int, at: dt.datetime) -> None:
        hour = sorted(self._ledger.recent(at - HOUR))
        line = f"GitHub writes: {writes} this run, {len(hour)}/{self._limits.per_hour} in the last hour"
        if len(hour) >= self._limits.per_hour:
            opens = hour[-self._limits.per_hour] + HOUR
            line += f"; budget spent, next write at {opens.strftime('%H:%M')} UTC"
        else:
            left = self._limits.per_hour - len(hour)
            finish = at + dt.timedelta(seconds=left * max(self._limits.min_interval, 60 / self._limits.per_minute))
            line += f"; {left} more possible this hour (by {finish.strftime('%H:%M')} UTC at full pace)"
        self._stream.write("\r" + line.ljust(100))
        self._stream.flush()
