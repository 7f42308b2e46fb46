"""Accepted webhook deliveries on local disk until they are applied: the listener answers 202 only
once a delivery is durable, whether or not the state database is up.

- **Durable:** each delivery is one file, written to a temporary name, ``fsync``-ed, renamed into
  place and the folder ``fsync``-ed, so an accepted delivery survives a crash or power loss.
- **Ordered:** file names are a sequence number; the worker applies the oldest first and removes a
  file only after its delivery is recorded in the database (a crash in between replays it, and
  the database's delivery-id key makes the replay a no-op).
- **Bounded:** at most ``max_count`` files and ``max_bytes`` bytes; a delivery beyond either is
  refused (the listener answers 503, and the sender retries). A redelivery of one still waiting is
  not stored twice.
- **One replica per folder:** the folder is locked (``flock``) while a service uses it; a second
  service on the same folder stops at start with a clear error.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mappings.statuses import MappedStatus
from sync.core.model import Status
from sync.errors import ConfigError
from sync.service.webhooks import StatusEvent

log = logging.getLogger(__name__)

SUFFIX = ".delivery.json"
Put = Literal["spooled", "duplicate", "full"]


def encode(event: StatusEvent) -> bytes:
    return json.dumps(
        {
            "source": event.source,
            "delivery_id": event.delivery_id,
            "tracker": event.tracker,
            "keys": list(event.keys),
            "tracker_id": event.tracker_id,
            "status": event.mapped.status.value,
            "raw": event.mapped.raw,
            "recognised": event.mapped.recognised,
            "updated_at": event.updated_at.isoformat(),
            "sender": event.sender,
        },
        sort_keys=True,
    ).encode()


def decode(data: bytes) -> StatusEvent:
    fields: dict[str, Any] = json.loads(data)
    return StatusEvent(
        source=fields["source"],
        delivery_id=fields["delivery_id"],
        tracker=fields["tracker"],
        keys=tuple(fields["keys"]),
        tracker_id=fields["tracker_id"],
        mapped=MappedStatus(Status(fields["status"]), fields["raw"], bool(fields["recognised"])),
        updated_at=dt.datetime.fromisoformat(fields["updated_at"]),
        sender=fields["sender"],
    )


@dataclass(frozen=True)
class Spooled:
    path: Path
    size: int
    event: StatusEvent


class DeliverySpool:
    """The folder of deliveries waiting to be applied (thread-safe)."""

    def __init__(self, directory: Path, *, max_count: int, max_bytes: int) -> None:
        self.directory = directory
        self.max_count = max_count
        self.max_bytes = max_bytes
        self._lock_fd: int | None = None
        self._changed = threading.Condition()
        self._entries: dict[Path, tuple[int, tuple[str, str]]] = {}  # path → (size, (source, delivery id))
        self._ids: set[tuple[str, str]] = set()
        self._bytes = 0
        self._next = 0

    # -- opening --------------------------------------------------------------------------------

    def open(self) -> None:
        """Lock the folder and take over the deliveries a previous run left in it."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.directory / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise ConfigError(f"[service] spool_dir {self.directory}: cannot use it: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ConfigError(
                f"[service] spool_dir {self.directory} is in use by another pmsync serve",
                hint="give each replica a folder of its own ([service] spool_dir or serve --spool-dir)",
            ) from None
        self._lock_fd = fd
        for stale in self.directory.glob(f"*{SUFFIX}.tmp"):
            stale.unlink(missing_ok=True)  # never renamed into place: never acknowledged
        with self._changed:
            for path in sorted(self.directory.glob(f"*{SUFFIX}")):
                try:
                    event = decode(path.read_bytes())
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    self._set_aside(path, f"unreadable: {exc}")
                    continue
                self._add(path, path.stat().st_size, event)
                self._next = max(self._next, int(path.name.split(".", 1)[0]) + 1)
        if self._entries:
            log.warning("%d webhook deliveries from before the restart are waiting to be applied", len(self._entries))

    def close(self) -> None:
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # -- state ----------------------------------------------------------------------------------

    @property
    def depth(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return self._bytes

    @property
    def full(self) -> bool:
        return self._lock_fd is None or self.depth >= self.max_count or self._bytes >= self.max_bytes

    # -- writing --------------------------------------------------------------------------------

    def put(self, event: StatusEvent) -> Put:
        """Store ``event`` durably; ``"full"`` when it does not fit (or the spool is not open)."""
        data = encode(event)
        key = (event.source, event.delivery_id)
        with self._changed:
            if key in self._ids:
                return "duplicate"
            if self._lock_fd is None or self.depth + 1 > self.max_count or self._bytes + len(data) > self.max_bytes:
                return "full"
            path = self.directory / f"{self._next:016d}{SUFFIX}"
            self._next += 1
            try:
                _write_durably(path, data)
            except OSError as exc:  # disk full or gone: not accepted, the sender retries
                log.error("cannot spool %s delivery %s: %s", event.source, event.delivery_id, exc.strerror)
                return "full"
            self._add(path, len(data), event)
            self._changed.notify_all()
        return "spooled"

    def _add(self, path: Path, size: int, event: StatusEvent) -> None:
        key = (event.source, event.delivery_id)
        self._entries[path] = (size, key)
        self._ids.add(key)
        self._bytes += size

    # -- reading --------------------------------------------------------------------------------

    def oldest(self, timeout: float) -> Spooled | None:
        """The oldest waiting delivery, waiting up to ``timeout`` seconds for one."""
        with self._changed:
            if not self._entries:
                self._changed.wait(timeout)
            while self._entries:
                path = min(self._entries)
                size, _key = self._entries[path]
                try:
                    return Spooled(path, size, decode(path.read_bytes()))
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    self._forget(path)
                    self._set_aside(path, f"unreadable: {exc}")
        return None

    def remove(self, entry: Spooled) -> None:
        """Forget a delivery once it is recorded in the database."""
        with self._changed:
            entry.path.unlink(missing_ok=True)
            _fsync_dir(self.directory)
            self._forget(entry.path)

    def _forget(self, path: Path) -> None:
        size, key = self._entries.pop(path, (0, ("", "")))
        self._ids.discard(key)
        self._bytes -= size

    def _set_aside(self, path: Path, why: str) -> None:
        # Kept for a person to look at, out of the way of the queue.
        log.error("spooled delivery %s %s; moved aside", path.name, why)
        try:
            path.replace(path.with_name(path.name + ".bad"))
        except OSError:
            log.exception("cannot move %s aside", path)


def _write_durably(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
