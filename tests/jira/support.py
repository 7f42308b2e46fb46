"""Fixtures for the Jira adapter: the fake on loopback, a test clock, a pacer that never sleeps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import httpx
import pytest

from sync.trackers.jira_http import JiraAuth, JiraHttp
from sync.trackers.jira_tracker import JiraMapping, JiraTracker
from tests.fakes.jira_server import FakeJira, RunningFake, serve

START = dt.datetime(2026, 11, 30, 9, 30, tzinfo=dt.UTC)


class TestClock:
    """Advances only when told (``advance``), or by ``step`` per reading when set."""

    __test__ = False

    def __init__(self, start: dt.datetime = START, step: float = 0.0) -> None:
        self.now = start
        self.step = dt.timedelta(seconds=step)

    def __call__(self) -> dt.datetime:
        now = self.now
        self.now += self.step
        return now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@dataclass
class RecordingPacer:
    """A pacer that records instead of sleeping, advancing the test clock by each wait."""

    clock: TestClock
    waits: list[float] = field(default_factory=list)
    requests: int = 0
    writes: int = 0
    seen: list[Mapping[str, str]] = field(default_factory=list)

    def before_request(self, *, write: bool) -> None:
        self.requests += 1
        self.writes += write

    def observe(self, headers: Mapping[str, str]) -> None:
        self.seen.append(dict(headers))

    def wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock.advance(seconds)


@pytest.fixture
def clock() -> TestClock:
    return TestClock(step=1.0)


@pytest.fixture(params=["cloud", "datacenter"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make_fake(flavour: str, clock: TestClock, **options: object) -> FakeJira:
    return FakeJira(flavour, clock=clock, **options)  # type: ignore[arg-type]


@pytest.fixture
def served(flavour: str, clock: TestClock) -> Iterator[RunningFake]:
    """The fake for ``flavour``; asserts at teardown that no exchange broke the description."""
    # Cloud's search lags behind writes; a single-node Data Center indexes in the writing request.
    running = serve(make_fake(flavour, clock, index_lag=3.0 if flavour == "cloud" else 0.0))
    try:
        yield running
    finally:
        running.close()
    assert running.fake.violations == [], "\n".join(running.fake.violations)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as client:
        yield client


def make_tracker(running: RunningFake, clock: TestClock, http: httpx.Client, **mapping: object) -> JiraTracker:
    fake = running.fake
    auth = JiraAuth(token=fake.token, email=fake.email if fake.flavour == "cloud" else None)
    pacer = RecordingPacer(clock)
    client = JiraHttp(http, url=running.url, deployment=fake.flavour, auth=auth, pacer=pacer)
    options: dict[str, object] = {"project": "OPS", "search_lag_seconds": 5.0}
    if fake.flavour == "datacenter":
        options["epic_link_field"] = "customfield_10014"
    options.update(mapping)
    return JiraTracker(client, JiraMapping(**options), pacer, clock)  # type: ignore[arg-type]
