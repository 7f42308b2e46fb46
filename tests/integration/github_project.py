"""A pmsync project (config + post-mortem documents) whose tracker is the fake GitHub server,
and an in-process runtime on the fake's simulated clock (no real sleeping)."""

from __future__ import annotations

from pathlib import Path

from sync.config.loading import load_settings
from sync.pacing import BudgetPacer
from sync.pipeline import SyncOptions, SyncReport
from sync.retry import RetryPolicy
from sync.runtime import Runtime, parse_options_for, policy_for
from sync.store.engine import make_engine
from sync.store.migrations import migrate
from sync.store.repository import SqlStateStore
from sync.trackers import TrackerDeps, build_tracker
from tests.fakes.github_server import FakeGitHub, SimClock

TOKEN_ENV = "PMSYNC_GITHUB_TOKEN"

DOC = """\
---
incident_id: {incident}
team: {team}
---
# Post-mortem: Checkout API returned 502s after config push ({incident})

## 1. Incident Summary
- **Incident ID:** {incident}
- **Date/Time:** 2026-01-02 14:02 UTC → 2026-01-02 16:47 UTC (Duration: 2h 45m)
- **Severity:** SEV-1
- **Review Date:** 2026-01-05

## 6. Action Items
| # | Action | Owner | Deadline | Priority | Status |
|---|---|---|---|---|---|
| 1 | Route config pushes through canary for {incident} | @dana | | P0 | Open |
| 2 | Alert on connection-pool exhaustion per deployment | alice@example.com | 2026-03-20 | P1 | Open |
| 3 | Runbook for config rollback | @dana | | P2 | Open |
"""


def write_project(
    root: Path, fake: FakeGitHub, incidents: int, *, extra: str = "", teams: tuple[str, ...] = ("payments",)
) -> Path:
    """Documents for ``incidents`` incidents of 3 items each, their teams taken in turn; a team
    other than ``payments`` is routed to the repository ``acme/<team>``."""
    docs = root / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    for n in range(incidents):
        incident = f"INC-{1000 + n}"
        team = teams[n % len(teams)]
        (docs / f"{incident.lower()}.md").write_text(DOC.format(incident=incident, team=team), encoding="utf-8")
    routes = ", ".join(
        f'{{ match = {{ team = "{team}" }}, project = "acme/{team}" }}' for team in teams if team != "payments"
    )
    config = root / "pmsync.toml"
    config.write_text(
        f"""
[sources]
paths = ["docs/*.md"]

[state]
url = "sqlite:///{root / "state.db"}"

[tracker]
kind = "github"
repo = "acme/ops"
api_url = "{fake.url}"
token_env = "{TOKEN_ENV}"
{extra}

[routing]
rules = [{routes}]

[owners]
entries = [
    {{ name = "Dana Smith", handles = ["dana"], github = "dana-smith" }},
    {{ name = "Alice Jones", handles = ["alice"], emails = ["alice@example.com"], github = "alicej" }},
]
""",
        encoding="utf-8",
    )
    return config


def open_sim_runtime(config: Path, fake: FakeGitHub, *, budget_seconds: float = 10 * 24 * 3600) -> Runtime:
    """What ``open_runtime`` builds, with the pacer sleeping on the fake's simulated clock."""
    clock = fake.clock
    assert isinstance(clock, SimClock)
    settings = load_settings(config, {TOKEN_ENV: fake.token})
    engine = make_engine(settings.state.url)
    migrate(engine)
    pacer = BudgetPacer(clock=clock.now, sleep=clock.sleep, budget_seconds=budget_seconds)
    http = fake.client()
    tracker = build_tracker(settings, TrackerDeps(engine=engine, http=http, pacer=pacer, clock=clock.now))
    return Runtime(
        settings=settings,
        engine=engine,
        store=SqlStateStore(engine, tracker.name),
        tracker=tracker,
        policy=policy_for(settings, tracker.name),
        parse_options=parse_options_for(settings),
        retry=RetryPolicy(attempts=8, sleep=pacer.wait),
        clock=clock.now,
        http=http,
        pacer=pacer,
    )


def sync(config: Path, fake: FakeGitHub, *, budget_seconds: float = 10 * 24 * 3600, **options: object) -> SyncReport:
    runtime = open_sim_runtime(config, fake, budget_seconds=budget_seconds)
    try:
        paths = sorted((config.parent / "docs").glob("*.md"))
        return runtime.sync(paths, SyncOptions(max_creates=10_000, **options))  # type: ignore[arg-type]
    finally:
        runtime.close()
