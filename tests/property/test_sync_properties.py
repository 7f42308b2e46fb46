"""Properties of plan + apply on the real store and local tracker.

For any sequence of document versions (items added, removed, renumbered, edited, swapped):
after applying each version, planning the same version again yields no tracker action, every
item listed has exactly one ticket, and no marker is ever used twice.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from sync.apply import apply_plan
from sync.core.model import ActionItem, PostMortem, Priority
from sync.core.plan import PlanInput, UpsertIncident, plan
from sync.retry import NO_WAIT
from sync.store import tables
from sync.store.engine import make_engine
from sync.store.migrations import migrate
from sync.store.repository import SqlStateStore
from sync.trackers.local_tracker import LocalTracker
from tests.fakes.lagging_tracker import FakeClock, LaggingTracker
from tests.planning import TODAY, FixedPolicy

TEXTS = [f"Action {name}" for name in ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf")]

item_strategy = st.builds(
    lambda text, priority, owner, deadline: (text, priority, owner, deadline),
    st.sampled_from(TEXTS),
    st.sampled_from([None, *Priority]),
    st.sampled_from([None, "@dana", "@ghost"]),
    st.sampled_from([None, dt.date(2026, 4, 1), dt.date(2026, 5, 1)]),
)
version_strategy = st.lists(item_strategy, min_size=0, max_size=5)


def as_document(version: list[tuple[str, Priority | None, str | None, dt.date | None]]) -> PostMortem:
    items = tuple(
        ActionItem(number=n, text=text, priority=priority, owner=owner, deadline=deadline, line=10 + n)
        for n, (text, priority, owner, deadline) in enumerate(version, start=1)
    )
    return PostMortem(
        path="inc.md", content_sha256="0" * 64, incident_id="INC-1", review_date=dt.date(2026, 3, 2), action_items=items
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(versions=st.lists(version_strategy, min_size=1, max_size=4))
def test_apply_then_replan_is_a_fixed_point(
    versions: list[list[tuple[str, Priority | None, str | None, dt.date | None]]],
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'state.db'}")
        try:
            migrate(engine)
            store = SqlStateStore(engine, "local")
            tracker = LocalTracker(engine)
            policy = FixedPolicy()
            for version in versions:
                document = [PlanInput(as_document(version))]
                first = plan(document, store.snapshot(), policy, TODAY)
                result = apply_plan(first, tracker, store, retry=NO_WAIT, run_id=store.start_run("prop"))
                assert result.failures == {}
                again = plan(document, store.snapshot(), policy, TODAY)
                assert again.tracker_actions == [], again.tracker_actions
                (record,) = again.of_type(UpsertIncident)
                for item in record.items:
                    assert store.ticket_for(item.key) is not None, item.key
            with engine.connect() as conn:
                markers = conn.execute(select(tables.local_tickets.c.marker_key)).scalars().all()
                owners = conn.execute(select(tables.tickets.c.owner_key)).scalars().all()
            assert [m for m, count in Counter(markers).items() if count > 1] == []
            assert [o for o, count in Counter(owners).items() if count > 1] == []
        finally:
            engine.dispose()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(versions=st.lists(version_strategy, min_size=1, max_size=4))
def test_the_fixed_point_holds_on_a_tracker_as_weak_as_the_remote_ones(
    versions: list[list[tuple[str, Priority | None, str | None, dt.date | None]]],
) -> None:
    """Same property against the lagging fake: parents attached by a second write, statuses set
    after the create, batches of three, a search that lags — and no marker on two tickets."""
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'state.db'}")
        try:
            migrate(engine)
            clock = FakeClock()
            tracker = LaggingTracker(clock)
            store = SqlStateStore(engine, tracker.name, clock=clock)
            policy = FixedPolicy()
            caps = tracker.capabilities
            for version in versions:
                document = [PlanInput(as_document(version))]
                first = plan(document, store.snapshot(), policy, TODAY, capabilities=caps)
                result = apply_plan(first, tracker, store, retry=NO_WAIT, run_id=store.start_run("prop"), clock=clock)
                assert result.failures == {} and result.pending == {}
                again = plan(document, store.snapshot(), policy, TODAY, capabilities=caps)
                assert again.tracker_actions == [], again.tracker_actions
                clock.advance(60)
            markers = tracker.markers()
            assert [m for m, count in Counter(markers).items() if count > 1] == []
        finally:
            engine.dispose()
