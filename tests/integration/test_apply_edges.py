"""Apply's less travelled paths: trackers answering badly, failing whole calls, lost races."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sync.apply import ApplyResult, IntentSettler
from sync.clock import utc_now
from sync.core.tickets import TicketDraft, TicketRef
from sync.errors import RateLimited, TrackerAuthError, TrackerError, TrackerUnavailable
from sync.retry import NO_WAIT
from sync.store.engine import make_engine
from sync.store.migrations import migrate
from sync.store.repository import IntentClaim, SqlStateStore
from sync.trackers.base import CreateResult
from sync.trackers.local_tracker import LocalTracker
from tests.fakes.lagging_tracker import NAME, FakeClock, LaggingTracker
from tests.integration.apply_harness import documents, run_cycle

ITEMS = ["INC-1#1", "INC-1#2", "INC-1#3", "INC-2#1"]


def fresh_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'state.db'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    return url


def intents(url: str, tracker: str) -> list[str]:
    engine = make_engine(url)
    try:
        return SqlStateStore(engine, tracker).pending_intents()
    finally:
        engine.dispose()


class ShortAnswers(LaggingTracker):
    """Answers one result too few for item batches."""

    def create_many(self, drafts: Sequence[TicketDraft]) -> list[CreateResult]:
        results = super().create_many(drafts)
        return results[:-1] if len(drafts) > 1 and drafts[0].marker.key != "INC-1" else results


def test_a_wrong_number_of_results_fails_the_batch_and_is_settled_next_run(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = ShortAnswers(clock)
    url = fresh_url(tmp_path)
    first = run_cycle(url, lambda _e: fake, clock=clock)
    assert {"INC-1#1", "INC-1#2", "INC-1#3"} <= set(first.failures)
    assert "answered 2 results for 3 drafts" in first.failures["INC-1#1"]
    clock.advance(fake.lag_seconds)
    plain = LaggingTracker(clock)
    plain.tickets, plain.lookups = fake.tickets, fake.lookups
    second = run_cycle(url, lambda _e: plain, clock=clock)
    assert sorted(second.recovered) == ["INC-1#1", "INC-1#2", "INC-1#3"]  # found, not created again
    assert sorted(plain.markers()).count("INC-1#1") == 1


class RefusingBatches(LaggingTracker):
    def create_many(self, drafts: Sequence[TicketDraft]) -> list[CreateResult]:
        if drafts[0].kind.value == "item":
            raise TrackerError("400 Bad Request: project OPS does not exist", tracker=NAME, op="create")
        return super().create_many(drafts)


def test_a_refused_whole_call_fails_its_items_and_leaves_no_intent(tmp_path: Path) -> None:
    clock = FakeClock()
    url = fresh_url(tmp_path)
    result = run_cycle(url, lambda _e: RefusingBatches(clock), clock=clock)
    assert set(result.failures) == set(ITEMS)
    assert all("does not exist" in message for message in result.failures.values())
    assert intents(url, NAME) == []


class AuthExpiresBeforeUpdates(LaggingTracker):
    def fetch(self, refs: Sequence[TicketRef]) -> list:  # type: ignore[type-arg]
        raise TrackerAuthError("401 token expired", tracker=NAME, op="fetch")


class FetchUnavailable(LaggingTracker):
    def fetch(self, refs: Sequence[TicketRef]) -> list:  # type: ignore[type-arg]
        raise TrackerError("search is down", tracker=NAME, op="fetch")


def edited() -> list:  # type: ignore[type-arg]
    first, second = documents()
    items = list(first.action_items)
    items[0] = items[0].model_copy(update={"text": "Route every config push through the canary stage"})
    return [first.model_copy(update={"action_items": tuple(items)}), second]


def test_an_auth_failure_before_the_updates_skips_every_tracker_action(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = LaggingTracker(clock)
    url = fresh_url(tmp_path)
    run_cycle(url, lambda _e: fake, clock=clock)
    expired = AuthExpiresBeforeUpdates(clock)
    expired.tickets, expired.lookups = fake.tickets, fake.lookups
    result = run_cycle(url, lambda _e: expired, edited, clock=clock)
    assert result.updated == [] and "401 token expired" in result.failures["INC-1#1"]


def test_a_failed_prefetch_falls_back_to_reading_each_ticket(tmp_path: Path) -> None:
    clock = FakeClock()
    fake = LaggingTracker(clock)
    url = fresh_url(tmp_path)
    run_cycle(url, lambda _e: fake, clock=clock)
    flaky = FetchUnavailable(clock)
    flaky.tickets, flaky.lookups = fake.tickets, fake.lookups
    result = run_cycle(url, lambda _e: flaky, edited, clock=clock)
    assert result.updated == ["INC-1#1"] and result.failures == {}
    assert flaky.reads["get"] == 1


class AlwaysTimingOut(LocalTracker):
    def create_many(self, drafts: Sequence[TicketDraft]) -> list[CreateResult]:
        if drafts[0].kind.value == "item":
            return [TrackerUnavailable("read timed out", tracker="local", op="create") for _ in drafts]
        return super().create_many(drafts)


class AlwaysRateLimited(LocalTracker):
    def create_many(self, drafts: Sequence[TicketDraft]) -> list[CreateResult]:
        if drafts[0].kind.value == "item":
            raise RateLimited("429", tracker="local", op="create", retry_after=0)
        return super().create_many(drafts)


def test_a_create_that_keeps_timing_out_is_pending_not_lost(tmp_path: Path) -> None:
    url = fresh_url(tmp_path)
    result = run_cycle(url, AlwaysTimingOut)
    assert set(result.pending) == set(ITEMS) and result.failures == {}
    assert all("may have happened" in why for why in result.pending.values())
    assert sorted(intents(url, "local")) == sorted(ITEMS)
    settled = run_cycle(url, LocalTracker)  # a consistent lookup misses: nothing happened, create now
    assert sorted(settled.created) == sorted(ITEMS)


def test_a_create_that_stays_rate_limited_fails_and_is_retried_next_run(tmp_path: Path) -> None:
    url = fresh_url(tmp_path)
    result = run_cycle(url, AlwaysRateLimited)
    assert set(result.failures) == set(ITEMS) and result.pending == {}
    assert intents(url, "local") == []
    assert sorted(run_cycle(url, LocalTracker).created) == sorted(ITEMS)


class NoParents(LocalTracker):
    def create_many(self, drafts: Sequence[TicketDraft]) -> list[CreateResult]:
        if drafts[0].kind.value == "incident":
            return [TrackerError("issue type Epic is not available", tracker="local", op="create") for _ in drafts]
        return super().create_many(drafts)


def test_items_of_an_incident_whose_parent_failed_fail_with_a_reason(tmp_path: Path) -> None:
    url = fresh_url(tmp_path)
    result = run_cycle(url, NoParents)
    assert "Epic" in result.failures["INC-1"]
    assert "parent ticket could not be created" in result.failures["INC-1#1"]
    assert result.created == []


def test_a_take_over_lost_to_another_run_leaves_the_item_pending(tmp_path: Path) -> None:
    url = fresh_url(tmp_path)
    engine = make_engine(url)
    try:
        store = SqlStateStore(engine, "local")
        store.claim_intents([IntentClaim("INC-1#1", "item", "INC-1#1")], "dead-run")
        (row,) = store.intents()
        assert store.take_over_intent("INC-1#1", "dead-run", "quicker-run")  # someone else got there first
        result = ApplyResult()
        settler = IntentSettler(
            LocalTracker(engine), store, result, retry=NO_WAIT, holder="me", is_alive=lambda _h: False, clock=utc_now
        )
        assert settler.settle(row) is False
        assert "took over" in result.pending["INC-1#1"]
    finally:
        engine.dispose()
