"""How many requests a fake is answering at once, and the most it ever was: the fakes count every
request with it, so tests can tell that independent writes overlapped (Jira, ``[tracker]
concurrency``) or never did (GitHub: its secondary-limit guidance asks for serial writes)."""

from __future__ import annotations

import threading
from types import TracebackType


class InFlight:
    """A context manager around the handling of one request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.now = 0
        self.peak = 0

    def __enter__(self) -> InFlight:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        with self._lock:
            self.now -= 1

    def reset(self) -> None:
        """Forget the peak (between the phases of a test)."""
        with self._lock:
            self.peak = self.now
