"""What a user sees of the engine's safety rules: pending creates, people's edits, lost locks."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from sync.cli.main import cli
from sync.core.tickets import TicketChanges
from sync.store.engine import make_engine
from sync.store.lock import holder_lease
from sync.store.repository import IntentClaim, SqlStateStore
from sync.trackers.local_tracker import LocalTracker
from tests.cli.test_cli_sync import write_doc


def setup_project(tmp_path: Path) -> Path:
    (tmp_path / "pmsync.toml").write_text(
        f'[sources]\npaths = ["docs/*.md"]\n\n[state]\nurl = "sqlite:///{tmp_path / "state.db"}"\n',
        encoding="utf-8",
    )
    write_doc(tmp_path / "docs" / "inc-100.md")
    return tmp_path


def invoke(project: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(project / "pmsync.toml"), *args], catch_exceptions=False)


def test_a_create_another_live_run_is_making_shows_as_pending(tmp_path: Path) -> None:
    project = setup_project(tmp_path)
    assert invoke(project, "sync").exit_code == 0
    write_doc(project / "docs" / "inc-100.md", third_priority="P1")  # nothing new to create...
    engine = make_engine(f"sqlite:///{project / 'state.db'}")
    try:
        # ...but an item whose create an interrupted run may have made is settled first: with the
        # embedded tracker's consistent lookup a miss proves it never happened.
        store = SqlStateStore(engine, "local")
        store.claim_intents([IntentClaim("INC-100#9", "item", "INC-100#9")], "a-dead-run")
        result = invoke(project, "sync")
        assert result.exit_code == 0, result.output
        assert store.pending_intents() == []
    finally:
        engine.dispose()


def test_status_and_summary_report_an_item_another_live_run_is_creating(tmp_path: Path) -> None:
    project = setup_project(tmp_path)
    assert invoke(project, "plan").exit_code == 0  # migrates the new database
    engine = make_engine(f"sqlite:///{project / 'state.db'}")
    try:
        store = SqlStateStore(engine, "local")
        with holder_lease(engine, "the-other-run"):
            store.claim_intents([IntentClaim("INC-100#2", "item", "INC-100#2")], "the-other-run")
            result = invoke(project, "sync")
            assert result.exit_code == 0, result.output
            assert "created 2" in result.output and "pending 1" in result.output
            assert "pending: INC-100#2: another pmsync run is creating its ticket right now" in result.output
            listed = {r["item"]: r for r in json.loads(invoke(project, "status", "--format", "json").output)}
            assert listed["INC-100#2"]["pending"] is True and listed["INC-100#2"]["ticket"] is None
            assert "pending" in invoke(project, "status").output
        # The other run died without creating it: the next sync settles and creates it, once.
        again = invoke(project, "sync")
        assert "created 1" in again.output and "pending" not in again.output
    finally:
        engine.dispose()


def test_a_person_s_title_is_kept_and_the_conflict_reported(tmp_path: Path) -> None:
    project = setup_project(tmp_path)
    assert invoke(project, "sync").exit_code == 0
    engine = make_engine(f"sqlite:///{project / 'state.db'}")
    try:
        store = SqlStateStore(engine, "local")
        ref = store.ticket_for("INC-100#1")
        assert ref is not None
        LocalTracker(engine).update(ref, TicketChanges(title="Canary for config pushes (infra owns it)"))
        write_doc(project / "docs" / "inc-100.md", first="Route every config push through the canary stage")
        result = invoke(project, "sync")
        assert result.exit_code == 0, result.output
        assert "conflicts 1" in result.output
        assert "conflict: INC-100#1 title: changed in the tracker since pmsync wrote it" in result.output
        assert LocalTracker(engine).get(ref).title == "Canary for config pushes (infra owns it)"
    finally:
        engine.dispose()
