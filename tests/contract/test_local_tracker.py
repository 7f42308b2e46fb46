"""The tracker contract, and the local tracker's own guarantees, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.engine import create_mock_engine

from sync.core.model import Priority, Status
from sync.core.tickets import LinkKind, Marker, TicketChanges, TicketDraft, TicketKind, TicketRef
from sync.errors import ConfigError, TrackerError, TrackerNotFound
from sync.store.engine import make_engine
from sync.store.migrations import migrate
from sync.store.tables import local_links, local_sequence, local_status_log, local_tickets
from sync.trackers.local_tracker import LocalTracker
from tests.contract.tracker_contract import TrackerContract, create_one, find_one
from tests.databases import PgSchemas

ROOT = Path(__file__).resolve().parents[2]
START = dt.datetime(2024, 5, 2, 9, 30, tzinfo=dt.UTC)


class FakeClock:
    """Ticks one minute per reading, so every write gets a distinct, predictable time."""

    def __init__(self, start: dt.datetime = START) -> None:
        self.readings: list[dt.datetime] = []
        self._next = start

    def __call__(self) -> dt.datetime:
        now = self._next
        self._next += dt.timedelta(minutes=1)
        self.readings.append(now)
        return now


@pytest.fixture(scope="module")
def pg_module_url(pg_schemas: PgSchemas) -> Iterator[str]:
    """One schema for this module's PostgreSQL runs; tests only reason about their own tickets."""
    url = pg_schemas.create()
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    yield url
    pg_schemas.drop(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'local.db'}"
    url: str = request.getfixturevalue("pg_module_url")
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    """A fresh, empty database, for the few tests that need to know everything in it."""
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class TestLocalTrackerContract(TrackerContract):
    @pytest.fixture
    def tracker(self, engine: Engine, clock: FakeClock) -> LocalTracker:
        self.local = LocalTracker(engine, clock=clock)
        return self.local

    exact_changes = True

    def set_remote_status(self, ref: TicketRef, status: Status) -> None:
        self.local.set_status(ref.key, status)

    def add_remote_label(self, ref: TicketRef, label: str) -> None:
        labels = self.local.get(ref).labels
        self.local.update(ref, TicketChanges(labels_add=frozenset({*labels, label})))


def item(incident_key: str, number: int, **overrides: object) -> TicketDraft:
    return TrackerContract.draft(incident_key, number, **overrides)


@pytest.fixture
def incident_key() -> str:
    return f"INC-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def tracker(engine: Engine, clock: FakeClock) -> LocalTracker:
    return LocalTracker(engine, clock=clock)


def number_of(ref: TicketRef) -> int:
    prefix, _, number = ref.key.rpartition("-")
    assert prefix and number.isdigit(), ref.key
    return int(number)


# --- construction ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    project_prefix: str


def test_from_settings_uses_the_project_prefix(engine: Engine, incident_key: str) -> None:
    tracker = LocalTracker.from_settings(Settings(project_prefix="OPS"), engine)
    ref = create_one(tracker, item(incident_key, 1))
    assert ref.key.startswith("OPS-")
    assert ref.url == f"local://{ref.key}"
    assert tracker.prefix == "OPS"
    assert tracker.name == "local"


@pytest.mark.parametrize("prefix", ["", "1OPS", "OPS-", "OP S", "X" * 31, "ÖPS"])
def test_a_bad_prefix_is_a_config_error(sqlite_engine: Engine, prefix: str) -> None:
    with pytest.raises(ConfigError, match="project_prefix"):
        LocalTracker(sqlite_engine, prefix=prefix)


@pytest.mark.parametrize("prefix", ["LOC", "ops", "A", "Team_9"])
def test_good_prefixes_are_accepted(sqlite_engine: Engine, prefix: str) -> None:
    assert LocalTracker(sqlite_engine, prefix=prefix).prefix == prefix


def test_an_unsupported_database_is_a_config_error() -> None:
    mysql = create_mock_engine("mysql://", executor=lambda *_args, **_kwargs: None)
    with pytest.raises(ConfigError, match="mysql"):
        LocalTracker(mysql)  # type: ignore[arg-type]


def test_capabilities_are_all_native(sqlite_engine: Engine) -> None:
    capabilities = LocalTracker(sqlite_engine).capabilities
    assert (capabilities.native_due_date, capabilities.native_parent, capabilities.links) == (True, True, True)


def test_a_naive_clock_is_refused(sqlite_engine: Engine, incident_key: str) -> None:
    tracker = LocalTracker(sqlite_engine, clock=lambda: dt.datetime(2024, 5, 2, 9, 30))
    with pytest.raises(ValueError, match="aware"):
        create_one(tracker, item(incident_key, 1))
    assert tracker.list_tickets() == []


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def unmigrated_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    schemas: PgSchemas = request.getfixturevalue("pg_schemas")
    url = schemas.create()
    yield url
    schemas.drop(url)


def test_an_unmigrated_database_is_a_tracker_error(unmigrated_url: str, incident_key: str) -> None:
    engine = make_engine(unmigrated_url)
    tracker = LocalTracker(engine)
    try:
        with pytest.raises(TrackerError) as excinfo:
            tracker.get(TicketRef("local", "LOC-1"))
        assert excinfo.value.op == "get"
        assert "migrated" in (excinfo.value.hint or "")
        with pytest.raises(TrackerError) as excinfo:
            create_one(tracker, item(incident_key, 1))
        assert excinfo.value.op == "create"
    finally:
        engine.dispose()


# --- keys and numbering ----------------------------------------------------------------------


def test_keys_on_a_fresh_database_start_at_one(sqlite_engine: Engine, incident_key: str) -> None:
    tracker = LocalTracker(sqlite_engine)
    refs = [create_one(tracker, item(incident_key, n)) for n in (1, 2)]
    parent = create_one(
        tracker, TicketDraft(kind=TicketKind.INCIDENT, marker=Marker(incident_key), title="t", body="b")
    )
    assert [ref.key for ref in [*refs, parent]] == ["LOC-1", "LOC-2", "LOC-3"]


def test_two_instances_on_one_database_share_the_sequence(engine: Engine, incident_key: str) -> None:
    first = LocalTracker(engine, prefix="OPS")
    second = LocalTracker(engine, prefix="OPS")
    other = LocalTracker(engine, prefix="NET")
    refs = [
        create_one((first if n % 3 == 0 else second if n % 3 == 1 else other), item(incident_key, n)) for n in range(9)
    ]
    numbers = [number_of(ref) for ref in refs]
    assert numbers == list(range(numbers[0], numbers[0] + 9))
    assert [ref.key.split("-")[0] for ref in refs[:3]] == ["OPS", "OPS", "NET"]
    assert {ticket.ref.key for ticket in first.fetch(refs)} == {ref.key for ref in refs}


_CREATOR = """
import sys
from sync.core.tickets import Marker, TicketDraft
from sync.store.engine import make_engine
from sync.trackers.local_tracker import LocalTracker

url, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
engine = make_engine(url)
tracker = LocalTracker(engine, prefix="MP")
for n in range(count):
    print(tracker.create_many([TicketDraft(marker=Marker(f"{tag}#{n}"), title="t", body="b")])[0].key, flush=True)
engine.dispose()
"""


@pytest.mark.slow
def test_two_processes_creating_at_once_never_share_a_number(database_url: str, engine: Engine) -> None:
    count = 25
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    tag = f"MP-{os.getpid()}-{id(engine)}"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _CREATOR, database_url, f"{tag}-{n}", str(count)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    keys = [line for out, _err in outputs for line in out.split()]
    assert len(keys) == 2 * count
    numbers = sorted(int(key.removeprefix("MP-")) for key in keys)
    assert numbers == list(range(numbers[0], numbers[0] + 2 * count)), "unique and without gaps"
    with engine.connect() as conn:
        stored = conn.execute(
            select(func.count()).select_from(local_tickets).where(local_tickets.c.marker_key.like(f"{tag}-%"))
        ).scalar_one()
    assert stored == 2 * count


def test_a_sequence_row_is_created_on_first_use_and_bumped_after(sqlite_engine: Engine, incident_key: str) -> None:
    tracker = LocalTracker(sqlite_engine)
    with sqlite_engine.connect() as conn:
        assert conn.execute(select(local_sequence)).all() == []
    create_one(tracker, item(incident_key, 1))
    create_one(tracker, item(incident_key, 2))
    with sqlite_engine.connect() as conn:
        values = {row.name: row.value for row in conn.execute(select(local_sequence))}
    assert values == {"ticket": 2, "change": 2}


def test_a_taken_number_fails_the_create_without_blaming_the_marker(sqlite_engine: Engine, incident_key: str) -> None:
    # A sequence that fell behind the tickets (e.g. restored from an older backup).
    with sqlite_engine.begin() as conn:
        conn.execute(
            insert(local_tickets).values(
                number=1,
                key="LOC-1",
                kind="item",
                title="restored",
                body="",
                status="open",
                labels=[],
                created_at=START,
                updated_at=START,
                change_seq=1,
            )
        )
    tracker = LocalTracker(sqlite_engine)
    with pytest.raises(TrackerError, match="could not store") as excinfo:
        create_one(tracker, item(incident_key, 1))
    assert excinfo.value.op == "create"
    assert find_one(tracker, Marker(f"{incident_key}#1")) is None
    # The failed create rolled its number back, so the parent runs into the same taken number.
    with pytest.raises(TrackerError) as excinfo:
        create_one(tracker, TicketDraft(kind=TicketKind.INCIDENT, marker=Marker(incident_key), title="P", body=""))
    assert excinfo.value.op == "create"
    assert find_one(tracker, Marker(incident_key)) is None


# --- exactly-once safety net -----------------------------------------------------------------


def test_a_second_create_for_one_marker_is_refused(tracker: LocalTracker, incident_key: str) -> None:
    first = create_one(tracker, item(incident_key, 1))
    with pytest.raises(TrackerError) as excinfo:
        create_one(tracker, item(incident_key, 1, title="again"))
    assert excinfo.value.op == "create"
    assert first.key in excinfo.value.message
    assert f"{incident_key}#1" in excinfo.value.message
    assert "find_by_markers" in (excinfo.value.hint or "")
    assert not isinstance(excinfo.value, TrackerNotFound)
    mine = [t for t in tracker.list_tickets() if t.marker == Marker(f"{incident_key}#1")]
    assert [t.ref.key for t in mine] == [first.key]
    assert mine[0].title != "again"


def test_create_under_a_missing_parent_is_not_found(tracker: LocalTracker, incident_key: str) -> None:
    with pytest.raises(TrackerNotFound) as excinfo:
        create_one(tracker, item(incident_key, 1, parent=TicketRef("local", "LOC-999999")))
    assert excinfo.value.op == "create"
    assert find_one(tracker, Marker(f"{incident_key}#1")) is None


@pytest.mark.parametrize(
    "call",
    [
        lambda t: t.get(TicketRef("jira", "LOC-1")),
        lambda t: t.fetch([TicketRef("github", "o/r#1")]),
        lambda t: t.update(TicketRef("jira", "LOC-1"), TicketChanges(title="x")),
        lambda t: t.link(TicketRef("jira", "A-1"), TicketRef("local", "LOC-1"), LinkKind.RELATES),
        lambda t: create_one(t, item("INC-x", 1, parent=TicketRef("jira", "A-1"))),
    ],
    ids=["get", "fetch", "update", "link", "create-parent"],
)
def test_refs_of_another_tracker_are_refused(sqlite_engine: Engine, call: object) -> None:
    tracker = LocalTracker(sqlite_engine)
    with pytest.raises(TrackerError, match="not a local one") as excinfo:
        call(tracker)  # type: ignore[operator]
    assert not isinstance(excinfo.value, TrackerNotFound)


# --- what is stored ----------------------------------------------------------------------------


def test_a_ticket_round_trips_every_field(tracker: LocalTracker, clock: FakeClock, incident_key: str) -> None:
    parent = create_one(
        tracker,
        TicketDraft(
            kind=TicketKind.INCIDENT,
            marker=Marker(incident_key),
            title="PM",
            body="all of it",
            labels=("pm",),
            scope="OPS",
        ),
    )
    draft = item(incident_key, 1, parent=parent, priority=Priority.P0, scope="OPS", status=Status.IN_PROGRESS)
    ticket = tracker.get(create_one(tracker, draft))
    assert ticket.ref.url == f"local://{ticket.ref.key}"
    assert ticket.parent == parent
    assert ticket.status is Status.IN_PROGRESS
    assert ticket.status_raw == "in_progress"
    assert ticket.labels == ("postmortem", "sre")
    assert ticket.due == dt.date(2024, 6, 14)
    assert ticket.updated_at == clock.readings[-1]
    assert ticket.updated_at.utcoffset() == dt.timedelta(0)
    assert ticket.raw["body"] == draft.body
    assert ticket.raw["priority"] == "P0"
    assert ticket.raw["kind"] == "item"
    assert ticket.raw["project"] == "OPS"
    assert ticket.raw["marker_label"] == draft.marker.label
    parent_ticket = tracker.get(parent)
    assert (parent_ticket.raw["kind"], parent_ticket.raw["project"]) == ("incident", "OPS")
    assert parent_ticket.labels == ("pm",)


def test_a_clock_in_another_zone_is_stored_as_utc(engine: Engine, incident_key: str) -> None:
    cest = dt.timezone(dt.timedelta(hours=2))
    tracker = LocalTracker(engine, clock=lambda: dt.datetime(2024, 5, 2, 11, 30, tzinfo=cest))
    ticket = tracker.get(create_one(tracker, item(incident_key, 1)))
    assert ticket.updated_at == START
    assert ticket.updated_at.tzinfo == dt.UTC


def test_update_stores_body_and_priority(tracker: LocalTracker, incident_key: str) -> None:
    ref = create_one(tracker, item(incident_key, 1))
    tracker.update(ref, TicketChanges(body="new body", priority=Priority.P2))
    raw = tracker.get(ref).raw
    assert (raw["body"], raw["priority"]) == ("new body", "P2")


def test_an_update_to_the_same_values_is_not_a_change(
    tracker: LocalTracker, clock: FakeClock, incident_key: str
) -> None:
    draft = item(incident_key, 1)
    ref = create_one(tracker, draft)
    before = tracker.get(ref)
    cursor = tracker.changed_since(None, None).next_cursor
    tracker.update(ref, TicketChanges(title=draft.title, labels_add=frozenset(draft.labels), assignee="alice"))
    tracker.transition(ref, Status.OPEN)
    tracker.update(ref, TicketChanges())
    assert tracker.changed_since(cursor, None).tickets == ()
    assert tracker.get(ref).updated_at == before.updated_at
    assert len(tracker.status_log(ref.key)) == 1


def test_update_and_set_status_of_a_missing_key_are_not_found(tracker: LocalTracker) -> None:
    with pytest.raises(TrackerNotFound):
        tracker.update(TicketRef("local", "LOC-999999"), TicketChanges())
    with pytest.raises(TrackerNotFound) as excinfo:
        tracker.set_status("LOC-999999", Status.DONE)
    assert excinfo.value.op == "set_status"


# --- status history ----------------------------------------------------------------------------


def test_set_status_logs_history(tracker: LocalTracker, clock: FakeClock, incident_key: str) -> None:
    key = create_one(tracker, item(incident_key, 1)).key
    created_at = clock.readings[-1]
    started = tracker.set_status(key, Status.IN_PROGRESS)
    started_at = clock.readings[-1]
    unchanged = tracker.set_status(key, Status.IN_PROGRESS)
    done = tracker.set_status(key, Status.DONE)
    done_at = clock.readings[-1]
    assert (started.status, unchanged.status, done.status) == (Status.IN_PROGRESS, Status.IN_PROGRESS, Status.DONE)
    assert unchanged.updated_at == started.updated_at == started_at
    assert done.updated_at == done_at
    assert tracker.status_log(key) == [
        (Status.OPEN, created_at),
        (Status.IN_PROGRESS, started_at),
        (Status.DONE, done_at),
    ]


def test_update_of_status_logs_it_too(tracker: LocalTracker, incident_key: str) -> None:
    ref = create_one(tracker, item(incident_key, 1))
    tracker.transition(ref, Status.WONT_DO)
    tracker.update(ref, TicketChanges(title="no status here"))
    assert [status for status, _at in tracker.status_log(ref.key)] == [Status.OPEN, Status.WONT_DO]


def test_status_logs_are_per_ticket(tracker: LocalTracker, engine: Engine, incident_key: str) -> None:
    a = create_one(tracker, item(incident_key, 1))
    b = create_one(tracker, item(incident_key, 2))
    tracker.set_status(a.key, Status.DONE)
    assert [s for s, _ in tracker.status_log(b.key)] == [Status.OPEN]
    with engine.connect() as conn:
        rows = conn.execute(select(local_status_log.c.key).where(local_status_log.c.key.in_((a.key, b.key)))).all()
    assert sorted(row.key for row in rows) == sorted([a.key, a.key, b.key])


def test_status_log_of_a_missing_key_is_not_found(tracker: LocalTracker) -> None:
    with pytest.raises(TrackerNotFound):
        tracker.status_log("LOC-999999")


# --- links, children, listing ------------------------------------------------------------------


def test_a_link_is_stored_once_and_seen_from_both_ends(
    tracker: LocalTracker, engine: Engine, incident_key: str
) -> None:
    a, b, c = (create_one(tracker, item(incident_key, n)) for n in (1, 2, 3))
    tracker.link(a, b, LinkKind.RELATES)
    tracker.link(b, a, LinkKind.RELATES)
    tracker.link(c, a, LinkKind.RELATES)
    with engine.connect() as conn:
        pairs = conn.execute(
            select(local_links.c.a_key, local_links.c.b_key).where(
                local_links.c.a_key.in_((a.key, b.key, c.key)) | local_links.c.b_key.in_((a.key, b.key, c.key))
            )
        ).all()
    assert len(pairs) == 2
    assert tracker.links_of(a.key) == sorted([b, c], key=lambda ref: ref.key)
    assert tracker.links_of(b.key) == [a]
    assert tracker.links_of(c.key) == [a]


def test_a_ticket_cannot_be_linked_to_itself(tracker: LocalTracker, incident_key: str) -> None:
    a = create_one(tracker, item(incident_key, 1))
    with pytest.raises(TrackerError, match="itself"):
        tracker.link(a, a, LinkKind.RELATES)
    assert tracker.links_of(a.key) == []


def test_links_of_a_missing_key_is_not_found(tracker: LocalTracker) -> None:
    with pytest.raises(TrackerNotFound):
        tracker.links_of("LOC-999999")


def test_children_of_lists_the_items_under_a_parent(tracker: LocalTracker, incident_key: str) -> None:
    parent = create_one(tracker, TicketDraft(kind=TicketKind.INCIDENT, marker=Marker(incident_key), title="P", body=""))
    other = create_one(
        tracker, TicketDraft(kind=TicketKind.INCIDENT, marker=Marker(f"{incident_key}-b"), title="Q", body="")
    )
    kids = [create_one(tracker, item(incident_key, n, parent=parent)) for n in (1, 2)]
    create_one(tracker, item(f"{incident_key}-b", 1, parent=other))
    create_one(tracker, item(incident_key, 3))
    assert [t.ref for t in tracker.children_of(parent.key)] == kids
    assert tracker.children_of(kids[0].key) == []
    with pytest.raises(TrackerNotFound):
        tracker.children_of("LOC-999999")


def test_list_tickets_filters_by_status_and_kind(sqlite_engine: Engine, incident_key: str) -> None:
    tracker = LocalTracker(sqlite_engine)
    parent = create_one(tracker, TicketDraft(kind=TicketKind.INCIDENT, marker=Marker(incident_key), title="P", body=""))
    a, b, c = (create_one(tracker, item(incident_key, n, parent=parent)) for n in (1, 2, 3))
    tracker.set_status(b.key, Status.DONE)
    tracker.set_status(c.key, Status.DONE)

    def refs(**filters: object) -> list[TicketRef]:
        return [t.ref for t in tracker.list_tickets(**filters)]  # type: ignore[arg-type]

    assert refs() == [parent, a, b, c]
    assert refs(kind="item") == [a, b, c]
    assert refs(kind="incident") == [parent]
    assert refs(status=Status.DONE) == [b, c]
    assert refs(status=Status.OPEN) == [parent, a]
    assert refs(status=Status.OPEN, kind="item") == [a]
    assert refs(status=Status.WONT_DO) == []


def test_fetch_keeps_the_requested_order_in_chunks(tracker: LocalTracker, incident_key: str) -> None:
    a, b = (create_one(tracker, item(incident_key, n)) for n in (1, 2))
    missing = [TicketRef("local", f"NOPE-{n}") for n in range(1200)]
    tickets = tracker.fetch([b, *missing, a, b])
    assert [t.ref for t in tickets] == [b, a]


# --- cursors -----------------------------------------------------------------------------------


def test_changed_since_on_an_empty_database(sqlite_engine: Engine) -> None:
    page = LocalTracker(sqlite_engine).changed_since(None, None)
    assert (page.tickets, page.next_cursor) == ((), "0")
    assert LocalTracker(sqlite_engine).changed_since("0", None).next_cursor == "0"


def test_cursor_is_monotonic_and_stable(tracker: LocalTracker, incident_key: str) -> None:
    cursors = [int(tracker.changed_since(None, None).next_cursor)]
    refs: list[TicketRef] = []
    for n in range(1, 4):
        refs.append(create_one(tracker, item(incident_key, n)))
        cursors.append(int(tracker.changed_since(str(cursors[-1]), None).next_cursor))
    tracker.update(refs[0], TicketChanges(title="first, retitled"))
    cursors.append(int(tracker.changed_since(str(cursors[-1]), None).next_cursor))
    tracker.set_status(refs[1].key, Status.DONE)
    cursors.append(int(tracker.changed_since(str(cursors[-1]), None).next_cursor))
    assert cursors == sorted(set(cursors)), "each write moves the cursor forward"
    assert tracker.changed_since(str(cursors[-1]), None).next_cursor == str(cursors[-1])


def test_changed_since_orders_by_change_and_reports_each_ticket_once(tracker: LocalTracker, incident_key: str) -> None:
    a, b, c = (create_one(tracker, item(incident_key, n)) for n in (1, 2, 3))
    cursor = tracker.changed_since(None, None).next_cursor
    tracker.set_status(c.key, Status.IN_PROGRESS)
    tracker.update(a, TicketChanges(assignee="dave"))
    tracker.set_status(c.key, Status.DONE)
    page = tracker.changed_since(cursor, None)
    assert [t.ref for t in page.tickets] == [a, c]
    assert page.tickets[1].status is Status.DONE
    assert b not in [t.ref for t in page.tickets]


def test_links_do_not_count_as_changes(tracker: LocalTracker, incident_key: str) -> None:
    a, b = (create_one(tracker, item(incident_key, n)) for n in (1, 2))
    cursor = tracker.changed_since(None, None).next_cursor
    tracker.link(a, b, LinkKind.RELATES)
    assert tracker.changed_since(cursor, None).tickets == ()


def test_tickets_without_a_marker_are_not_managed(sqlite_engine: Engine, incident_key: str) -> None:
    with sqlite_engine.begin() as conn:
        conn.execute(
            insert(local_tickets).values(
                number=100,
                key="LOC-100",
                kind="item",
                title="filed by hand",
                body="",
                status="open",
                labels=[],
                created_at=START,
                updated_at=START,
                change_seq=100,
            )
        )
    tracker = LocalTracker(sqlite_engine)
    mine = create_one(tracker, item(incident_key, 1))
    assert [t.ref for t in tracker.changed_since(None, None).tickets] == [mine]
    assert tracker.get(TicketRef("local", "LOC-100")).marker is None


@pytest.mark.parametrize("cursor", ["", "abc", "-1", "2024-05-02T09:30:00Z", "1.5"])
def test_a_foreign_cursor_is_refused(sqlite_engine: Engine, cursor: str) -> None:
    with pytest.raises(TrackerError, match="cursor") as excinfo:
        LocalTracker(sqlite_engine).changed_since(cursor, None)
    assert excinfo.value.op == "changed_since"
    assert excinfo.value.hint


def test_concurrent_read_then_write_updates_neither_fail_nor_lose_history(engine: Engine, incident_key: str) -> None:
    # update() reads the ticket before writing it. On SQLite a deferred transaction doing that fails
    # at once when another writer commits in between; on PostgreSQL two such updates could both log
    # the same change without a row lock. Threads hammering one ticket expose either mistake.
    key = create_one(LocalTracker(engine), item(incident_key, 1)).key
    workers, rounds = 4, 15
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []
    cycle = [Status.IN_PROGRESS, Status.DONE, Status.OPEN, Status.WONT_DO]

    def run(offset: int) -> None:
        tracker = LocalTracker(engine)
        barrier.wait()
        try:
            for n in range(rounds):
                tracker.set_status(key, cycle[(offset + n) % len(cycle)])
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(offset,)) for offset in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    tracker = LocalTracker(engine)
    history = [status for status, _at in tracker.status_log(key)]
    assert all(before != after for before, after in zip(history, history[1:], strict=False)), history
    assert history[-1] is tracker.get(TicketRef("local", key)).status
