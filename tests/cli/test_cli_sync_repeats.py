"""``pmsync sync`` links the parent tickets of repeat incidents once, on trackers with links."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sync.cli.main import cli
from sync.store.engine import make_engine
from sync.store.repository import SqlStateStore
from sync.trackers.local_tracker import LocalTracker

DOC = """# {title}

**Incident ID:** {incident}
**Severity:** SEV-2
**Start Time:** {day} 10:00 UTC
**End Time:** {day} 11:30 UTC
**Review Date:** {day}

## 5 Whys
1. Why did checkout fail? The connection pool to the payments database was exhausted.
2. Why was it exhausted? A deploy doubled the workers without raising the pool size.
3. Why was the pool not raised? Pool size is set by hand in a separate config repository.
4. Why by hand? No check ties worker count to pool size.
5. Why no check? Capacity settings were never reviewed as part of deploys.

## Contributing Factors
| Category | Score | Notes |
|---|---|---|
| Change management | 3 | deploy changed worker count without pool review |
| Monitoring | 1 | pool saturation alert fired late |

## Action Items
| # | Action | Owner | Deadline | Priority | Status |
|---|---|---|---|---|---|
| 1 | Tie the pool size to the worker count in the deploy pipeline | @kim | {due} | P1 | Open |
"""


def write(path: Path, incident: str, title: str, day: str, due: str) -> None:
    path.write_text(DOC.format(incident=incident, title=title, day=day, due=due), encoding="utf-8")


def test_a_repeat_incident_links_the_two_parents_once(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    write(docs / "inc-1.md", "INC-2026-0001", "Checkout pool exhausted", "2026-02-03", "2026-02-10")
    write(docs / "inc-2.md", "INC-2026-0002", "Checkout pool exhausted again", "2026-05-12", "2026-05-19")
    db = tmp_path / "state.db"
    config = tmp_path / "pmsync.toml"
    config.write_text(f'[sources]\npaths = ["docs/*.md"]\n\n[state]\nurl = "sqlite:///{db}"\n', encoding="utf-8")
    for _ in range(2):  # the second run links nothing new
        result = CliRunner().invoke(cli, ["--config", str(config), "sync"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{db}")
    try:
        store = SqlStateStore(engine, "local")
        first, second = store.ticket_for("INC-2026-0001"), store.ticket_for("INC-2026-0002")
        assert first is not None and second is not None
        tracker = LocalTracker(engine)
        assert [ref.key for ref in tracker.links_of(second.key)] == [first.key]
    finally:
        engine.dispose()


def test_unrelated_incidents_are_not_linked(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    write(docs / "inc-1.md", "INC-2026-0001", "Checkout pool exhausted", "2026-02-03", "2026-02-10")
    other = DOC.replace("connection pool", "certificate").replace("Change management", "Testing")
    (docs / "inc-2.md").write_text(
        other.format(incident="INC-2026-0002", title="Cert", day="2026-05-12", due="2026-05-19"), encoding="utf-8"
    )
    db = tmp_path / "state.db"
    config = tmp_path / "pmsync.toml"
    config.write_text(f'[sources]\npaths = ["docs/*.md"]\n\n[state]\nurl = "sqlite:///{db}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "sync"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    engine = make_engine(f"sqlite:///{db}")
    try:
        second = SqlStateStore(engine, "local").ticket_for("INC-2026-0002")
        assert second is not None
        assert LocalTracker(engine).links_of(second.key) == []
    finally:
        engine.dispose()
