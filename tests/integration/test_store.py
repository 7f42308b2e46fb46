"""The state store on SQLite and, for real, on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, insert, select

from sync.core.model import ActionItem, PostMortem, Priority, Status
from sync.core.plan import ItemRecord, sha256_text
from sync.core.tickets import TicketRef
from sync.errors import StateError
from sync.store import tables
from sync.store.engine import make_engine
from sync.store.lock import run_lock
from sync.store.migrations import LATEST, current_version, migrate
from sync.store.repository import IntentClaim, SqlStateStore

TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def store(engine: Engine) -> SqlStateStore:
    return SqlStateStore(engine, "local")


def record(key: str, number: int, text: str) -> ItemRecord:
    return ItemRecord(
        key=key,
        incident_key=key.split("#")[0],
        number=number,
        text=text,
        text_sha256=sha256_text(text),
        owner="@dana",
        priority=Priority.P1,
        deadline=None,
        due=dt.date(2026, 3, 12),
        doc_status=Status.OPEN,
        line=number + 10,
    )


def postmortem(incident: str = "INC-1") -> PostMortem:
    return PostMortem(
        path=f"{incident}.md",
        content_sha256="a" * 64,
        incident_id=incident,
        title="t",
        action_items=(ActionItem(number=1, text="x", line=3),),
    )


def test_migrate_is_idempotent_and_versioned(engine: Engine) -> None:
    assert current_version(engine) == LATEST
    assert migrate(engine) == LATEST
    with engine.begin() as conn:
        conn.execute(insert(tables.schema_version).values(version=LATEST + 1, applied_at=dt.datetime.now(dt.UTC)))
    with pytest.raises(StateError, match="newer than this pmsync"):
        migrate(engine)


def test_items_are_recorded_and_removed_ones_kept_as_absent(store: SqlStateStore) -> None:
    store.upsert_incident("INC-1", postmortem(), [record("INC-1#1", 1, "A"), record("INC-1#2", 2, "B")], seen_on=TODAY)
    store.upsert_incident("INC-1", postmortem(), [record("INC-1#1", 1, "A edited")], seen_on=TODAY)
    snapshot = store.snapshot()
    assert set(snapshot.items) == {"INC-1#1", "INC-1#2"}
    assert snapshot.items["INC-1#1"].present and not snapshot.items["INC-1#2"].present
    assert snapshot.items["INC-1#1"].text_sha256 == sha256_text("A edited")
    assert snapshot.incidents["INC-1"].path == "INC-1.md"
    store.upsert_incident(
        "INC-1", postmortem(), [record("INC-1#1", 1, "A edited"), record("INC-1#2", 2, "B")], seen_on=TODAY
    )
    assert store.snapshot().items["INC-1#2"].present  # a removed item that comes back is present again


def test_an_unchanged_document_writes_nothing_and_a_changed_one_is_written(engine: Engine) -> None:
    """Issue 26: an idle sync rewrote every item row of every document."""
    times = iter(dt.datetime(2026, 3, 10, hour, tzinfo=dt.UTC) for hour in range(1, 20))
    store = SqlStateStore(engine, "local", clock=lambda: next(times))
    items = [record("INC-1#1", 1, "A"), record("INC-1#2", 2, "B")]
    store.upsert_incident("INC-1", postmortem(), items, seen_on=TODAY)

    def stamps() -> list[tuple[str, dt.datetime]]:
        with engine.connect() as conn:
            found = [("pm", conn.execute(select(tables.postmortems.c.updated_at)).scalar_one())]
            found += list(conn.execute(select(tables.action_items.c.item_key, tables.action_items.c.updated_at)))
        return [(str(key), when.replace(tzinfo=None)) for key, when in found]

    first = stamps()
    store.upsert_incident("INC-1", postmortem(), items, seen_on=TODAY)
    assert stamps() == first
    edited = [record("INC-1#1", 1, "A"), record("INC-1#2", 2, "B edited")]
    store.upsert_incident("INC-1", postmortem(), edited, seen_on=TODAY)
    after = dict(stamps())
    assert after["INC-1#1"] == dict(first)["INC-1#1"] and after["INC-1#2"] > dict(first)["INC-1#2"]
    assert after["pm"] == dict(first)["pm"]
    renamed = postmortem().model_copy(update={"title": "t2"})
    store.upsert_incident("INC-1", renamed, edited, seen_on=TODAY)
    assert dict(stamps())["pm"] > after["pm"]
    assert store.snapshot().items["INC-1#2"].text_sha256 == sha256_text("B edited")


def test_intent_is_exclusive_until_the_ticket_is_recorded(store: SqlStateStore) -> None:
    store.upsert_incident("INC-1", postmortem(), [record("INC-1#1", 1, "A")], seen_on=TODAY)
    claim = IntentClaim("INC-1#1", "item", "INC-1#1", then_status=Status.DONE)
    assert store.claim_intents([claim], "run-1").claimed == ["INC-1#1"]
    second = store.claim_intents([claim], "run-2")  # a second run cannot own it too
    assert second.claimed == [] and [row.holder for row in second.held] == ["run-1"]
    assert store.pending_intents() == ["INC-1#1"]
    (row,) = store.intents()
    assert (row.owner_key, row.kind, row.marker, row.holder, row.then_status) == (
        "INC-1#1",
        "item",
        "INC-1#1",
        "run-1",
        Status.DONE,
    )
    assert row.attempted_at.tzinfo is not None
    assert store.snapshot().pending == frozenset({"INC-1#1"})
    assert store.take_over_intent("INC-1#1", "run-0", "run-2") is False  # compare-and-set on the holder
    assert store.take_over_intent("INC-1#1", "run-1", "run-2") is True
    assert store.drop_intent("INC-1#1", "run-1") is False  # only the holder's own
    ref = TicketRef("local", "LOC-1", "local://LOC-1", id="1")
    store.record_ticket("INC-1#1", "item", ref, fields={"title": "A"}, status=Status.OPEN)
    assert store.pending_intents() == []
    done = store.claim_intents([claim], "run-3")
    assert done.done == {"INC-1#1": ref} and done.claimed == [] and store.pending_intents() == []
    assert store.ticket_for("INC-1#1") == ref
    known = store.snapshot().items["INC-1#1"].ticket
    assert known is not None and known.synced_fields == {"title": "A"}
    assert [h.status for h in store.history("INC-1#1")] == [Status.OPEN]


def test_a_batch_of_claims_is_decided_in_a_few_statements(store: SqlStateStore, engine: Engine) -> None:
    # Issue 26: five statements per claim; a first sync of 10,000 items claims 10,000.
    from sqlalchemy import event

    items = [record(f"INC-1#{n}", n, f"item {n}") for n in range(1, 51)]
    store.upsert_incident("INC-1", postmortem(), items, seen_on=TODAY)
    claims = [IntentClaim(i.key, "item", i.key) for i in items]
    store.claim_intents(claims[:1], "other-run")  # held by another run
    store.claim_intents(claims[1:2], "run-0")
    store.record_ticket("INC-1#2", "item", TicketRef("local", "LOC-2"), fields=None, status=Status.OPEN)
    store.claim_intents(claims[1:2], "run-0")  # a recorded ticket whose intent was left behind
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    outcome = store.claim_intents(claims, "run-1")
    assert len(statements) <= 8, statements
    assert [row.holder for row in outcome.held] == ["other-run"]
    assert outcome.done == {"INC-1#2": TicketRef("local", "LOC-2")}
    assert outcome.claimed == [i.key for i in items[2:]]
    assert sorted(store.pending_intents()) == sorted(["INC-1#1", *outcome.claimed])


def test_a_create_batch_is_recorded_in_a_few_statements_each_entry_seeing_the_ones_before(
    store: SqlStateStore, engine: Engine
) -> None:
    # Issue 26: seven statements per ticket were most of a first sync of 10,000 items.
    from sqlalchemy import event

    from sync.store.repository import NewTicket

    items = [record(f"INC-1#{n}", n, f"item {n}") for n in range(1, 51)]
    store.upsert_incident("INC-1", postmortem(), items, seen_on=TODAY)
    store.claim_intents([IntentClaim(i.key, "item", i.key) for i in items], "run-1")
    store.record_ticket("INC-1#1", "item", TicketRef("local", "LOC-1"), fields=None, status=Status.OPEN)
    entries = [
        NewTicket(i.key, "item", TicketRef("local", f"LOC-{i.number}"), {"n": i.number}, Status.OPEN) for i in items
    ]
    entries[0] = NewTicket("INC-1#1", "item", TicketRef("local", "LOC-100"), {"n": 1}, Status.DONE)  # its key moved
    entries.append(NewTicket("INC-1#99", "item", TicketRef("local", "LOC-2"), None, Status.OPEN))  # taken just before
    entries.append(NewTicket("INC-1#98", "item", TicketRef("local", "LOC-1"), None, Status.OPEN))  # freed just before
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    refused = store.record_tickets(entries)
    assert len(statements) <= 10, statements
    assert list(refused) == ["INC-1#99"] and "LOC-2 already tracks INC-1#2" in refused["INC-1#99"].message
    assert store.ticket_for("INC-1#1") == TicketRef("local", "LOC-100")
    assert store.ticket_for("INC-1#98") == TicketRef("local", "LOC-1")
    assert store.ticket_for("INC-1#99") is None
    assert store.pending_intents() == []  # every recorded entry's intent is cleared
    assert [h.status for h in store.history("INC-1#1")] == [Status.OPEN]  # an update appends nothing
    assert [h.status for h in store.history("INC-1#50")] == [Status.OPEN]
    known = store.snapshot().items["INC-1#50"].ticket
    assert known is not None and known.synced_fields == {"n": 50}


def test_status_history_appends_only_changes(store: SqlStateStore) -> None:
    store.upsert_incident("INC-1", postmortem(), [record("INC-1#1", 1, "A")], seen_on=TODAY)
    store.record_ticket("INC-1#1", "item", TicketRef("local", "LOC-1"), fields={}, status=Status.OPEN)
    changed_at = dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC)
    assert store.record_status("INC-1#1", "LOC-1", Status.IN_PROGRESS, "in_progress", changed_at) is True
    assert store.record_status("INC-1#1", "LOC-1", Status.IN_PROGRESS, "in_progress", changed_at) is False
    assert store.record_status("INC-1#1", "LOC-1", Status.DONE, "done", None) is True
    history = store.history("INC-1#1")
    assert [h.status for h in history] == [Status.OPEN, Status.IN_PROGRESS, Status.DONE]
    assert history[1].changed_at == changed_at
    assert store.owner_of_ticket(TicketRef("local", "LOC-1")) == ("INC-1#1", "item", Status.DONE)
    assert store.owner_of_ticket(TicketRef("local", "LOC-404")) is None
    # Re-delivered and stale deliveries append nothing.
    assert store.record_status("INC-1#1", "LOC-1", Status.IN_PROGRESS, "in_progress", changed_at) is False
    assert len(store.history("INC-1#1")) == 3


def test_rekey_moves_ticket_and_history(store: SqlStateStore) -> None:
    store.upsert_incident("INC-1", postmortem(), [record("INC-1#1", 1, "A"), record("INC-1#2", 2, "B")], seen_on=TODAY)
    store.record_ticket("INC-1#1", "item", TicketRef("local", "LOC-1"), fields={}, status=Status.OPEN)
    store.rekey_item("INC-1#1", "INC-1#2")
    assert store.ticket_for("INC-1#2") == TicketRef("local", "LOC-1")
    assert store.ticket_for("INC-1#1") is None
    assert [h.item_key for h in store.history()] == ["INC-1#2"]


def test_cursor_runs_links_and_failures(store: SqlStateStore) -> None:
    assert store.cursor() is None
    store.set_cursor("10")
    store.set_cursor("12")
    store.set_cursor("p-7", "OPS")
    assert store.cursor() == "12"
    assert store.cursor("OPS") == "p-7"
    assert store.scopes() == [None]  # scopes come from tickets
    run = store.start_run("sync")
    store.finish_run(run, created=2, updated=1, unchanged=3, errors=["INC-1#2: boom"])
    (summary,) = store.runs()
    assert (summary.created, summary.updated, summary.unchanged, summary.failed) == (2, 1, 3, 1)
    assert summary.ended_at is not None and summary.ended_at.tzinfo is not None
    a, b = TicketRef("local", "LOC-2"), TicketRef("local", "LOC-1")
    assert store.record_link(a, b) is True
    assert store.record_link(b, a) is False  # symmetric, stored once
    assert store.has_link(b, a)
    store.record_failure("INC-1#2", run, "boom")
    store.record_failure("INC-1#2", run, "boom again")
    assert store.failures() == {"INC-1#2": "boom again"}
    store.clear_failure("INC-1#2")
    assert store.failures() == {}


def test_run_lock_excludes_a_second_holder(db_url: str) -> None:
    first, second = make_engine(db_url), make_engine(db_url)
    try:
        with (
            run_lock(first, timeout=5),
            pytest.raises(StateError, match="another pmsync run"),
            run_lock(second, timeout=0.3),
        ):
            pass  # pragma: no cover - must not be reached
        with run_lock(second, timeout=1):
            pass
    finally:
        first.dispose()
        second.dispose()


@pytest.mark.parametrize("url", ["nonsense", "mysql://x/y"])
def test_bad_state_urls_are_config_errors(url: str) -> None:
    from sync.errors import ConfigError

    with pytest.raises(ConfigError, match=r"\[state\] url"):
        make_engine(url)
