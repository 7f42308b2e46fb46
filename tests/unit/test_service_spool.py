"""The delivery spool: durable files in arrival order, taken over after a restart, bounded by count
and bytes, one copy of a redelivery, one service per folder, an unreadable file set aside."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from mappings.statuses import MappedStatus
from sync.core.model import Status
from sync.errors import ConfigError
from sync.service.spool import SUFFIX, DeliverySpool, decode, encode
from sync.service.webhooks import StatusEvent


def event(delivery: str, minute: int = 0, source: str = "github") -> StatusEvent:
    return StatusEvent(
        source=source,
        delivery_id=delivery,
        tracker="github",
        keys=("org/repo#12", "#12", "12"),
        tracker_id="9001",
        mapped=MappedStatus(Status.DONE, "closed", True),
        updated_at=dt.datetime(2026, 11, 30, 10, minute, tzinfo=dt.UTC),
        sender="octocat",
    )


def opened(path: Path, *, max_count: int = 100, max_bytes: int = 1 << 20) -> DeliverySpool:
    spool = DeliverySpool(path, max_count=max_count, max_bytes=max_bytes)
    spool.open()
    return spool


def drain(spool: DeliverySpool) -> list[str]:
    seen = []
    while (entry := spool.oldest(timeout=0)) is not None:
        seen.append(entry.event.delivery_id)
        spool.remove(entry)
    return seen


def test_an_event_survives_encoding() -> None:
    original = event("d-1")
    assert decode(encode(original)) == original


def test_deliveries_come_back_in_arrival_order_and_survive_a_restart(tmp_path: Path) -> None:
    spool = opened(tmp_path / "spool")
    for n in range(12):  # more than 9: the order must not be a string order of short numbers
        assert spool.put(event(f"d-{n}", n)) == "spooled"
    assert spool.depth == 12
    first = spool.oldest(timeout=0)
    assert first is not None and first.event.delivery_id == "d-0"
    spool.remove(first)
    spool.close()  # the process stops (or dies) with 11 waiting
    again = opened(tmp_path / "spool")
    assert again.depth == 11
    assert again.put(event("d-late", 30)) == "spooled"  # numbered after the ones taken over
    assert drain(again) == [f"d-{n}" for n in range(1, 12)] + ["d-late"]
    assert again.depth == 0 and again.bytes == 0
    assert [p.name for p in (tmp_path / "spool").iterdir()] == [".lock"]


def test_files_are_private_and_never_half_written(tmp_path: Path) -> None:
    spool = opened(tmp_path / "spool")
    spool.put(event("d-1"))
    (written,) = (tmp_path / "spool").glob(f"*{SUFFIX}")
    assert written.stat().st_mode & 0o777 == 0o600
    assert decode(written.read_bytes()).delivery_id == "d-1"
    spool.close()
    # A temporary file a crash left behind was never acknowledged: dropped at the next start.
    (tmp_path / "spool" / f"0000000000000009{SUFFIX}.tmp").write_bytes(b'{"half')
    again = opened(tmp_path / "spool")
    assert again.depth == 1
    assert not list((tmp_path / "spool").glob("*.tmp"))


def test_a_redelivery_still_waiting_is_kept_once(tmp_path: Path) -> None:
    spool = opened(tmp_path / "spool")
    assert spool.put(event("d-1")) == "spooled"
    assert spool.put(event("d-1")) == "duplicate"
    assert spool.put(event("d-1", source="jira")) == "spooled"  # ids are per source
    assert spool.depth == 2
    drain(spool)
    assert spool.put(event("d-1")) == "spooled"  # applied and gone: the database dedupes from here


def test_the_count_bound(tmp_path: Path) -> None:
    spool = opened(tmp_path / "spool", max_count=2)
    assert [spool.put(event(f"d-{n}")) for n in range(3)] == ["spooled", "spooled", "full"]
    assert spool.full
    drain(spool)
    assert not spool.full


def test_the_byte_bound(tmp_path: Path) -> None:
    size = len(encode(event("d-0")))
    spool = opened(tmp_path / "spool", max_bytes=2 * size + 1)
    assert [spool.put(event(f"d-{n}")) for n in range(3)] == ["spooled", "spooled", "full"]
    assert spool.bytes == 2 * size


def test_a_spool_that_is_not_open_accepts_nothing(tmp_path: Path) -> None:
    spool = DeliverySpool(tmp_path / "spool", max_count=10, max_bytes=1 << 20)
    assert spool.full
    assert spool.put(event("d-1")) == "full"


def test_one_service_per_folder(tmp_path: Path) -> None:
    first = opened(tmp_path / "spool")
    second = DeliverySpool(tmp_path / "spool", max_count=10, max_bytes=1 << 20)
    with pytest.raises(ConfigError, match="in use by another pmsync serve") as caught:
        second.open()
    assert caught.value.hint is not None and "--spool-dir" in caught.value.hint
    first.close()
    second.open()  # free again once the first is gone
    second.close()


def test_an_unusable_folder_is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ConfigError, match=r"\[service\] spool_dir .*cannot use it"):
        DeliverySpool(blocker / "spool", max_count=1, max_bytes=1).open()


def test_an_unreadable_file_is_set_aside_not_applied_nor_fatal(tmp_path: Path) -> None:
    spool = opened(tmp_path / "spool")
    spool.put(event("d-1"))
    spool.put(event("d-2"))
    spool.close()
    first = sorted((tmp_path / "spool").glob(f"*{SUFFIX}"))[0]
    first.write_bytes(b"not json")
    again = opened(tmp_path / "spool")
    assert drain(again) == ["d-2"]
    assert first.with_name(first.name + ".bad").exists()


def test_a_file_broken_while_waiting_is_set_aside_too(tmp_path: Path) -> None:
    spool = opened(tmp_path / "spool")
    spool.put(event("d-1"))
    spool.put(event("d-2"))
    first = sorted((tmp_path / "spool").glob(f"*{SUFFIX}"))[0]
    os.truncate(first, 3)
    assert drain(spool) == ["d-2"]
    assert spool.depth == 0
