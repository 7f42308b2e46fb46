"""`pmsync plan | sync | pull | backfill | status | tickets` end to end on the local tracker."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sync.cli.main import cli
from sync.core.tickets import ChangedPage, Marker, TicketDraft, TicketRef
from sync.errors import TrackerError
from sync.store.engine import make_engine
from sync.store.migrations import migrate
from sync.trackers import REGISTRY
from sync.trackers.local_tracker import LocalTracker

ROOT = Path(__file__).resolve().parents[2]

DOC = """\
---
incident_id: {incident}
team: payments
---
# Post-mortem: Checkout API returned 502s after config push

## 1. Incident Summary
- **Incident ID:** {incident}
- **Date/Time:** 2026-03-04 14:02 UTC → 2026-03-04 16:47 UTC (Duration: 2h 45m)
- **Severity:** SEV-1
- **Review Date:** 2026-03-05

## 6. Action Items
| # | Action | Owner | Deadline | Priority | Status |
|---|---|---|---|---|---|
| 1 | {first} | @dana | | P0 | Open |
| 2 | Alert on connection-pool exhaustion per deployment | alice@example.com | 2026-03-20 | P1 | In progress |
| 3 | Runbook for config rollback | platform-team | | {third_priority} | Open |
"""


def write_doc(
    path: Path, incident: str = "INC-100", first: str = "Route config pushes through canary", **kw: str
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = {"third_priority": "P2", **kw}
    path.write_text(DOC.format(incident=incident, first=first, **fields), encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pmsync.toml").write_text(
        f"""
[sources]
paths = ["docs/*.md"]

[state]
url = "sqlite:///{tmp_path / "state.db"}"

[tracker]
kind = "local"
""",
        encoding="utf-8",
    )
    write_doc(tmp_path / "docs" / "inc-100.md")
    return tmp_path


Run = Callable[..., Result]


@pytest.fixture
def run(project: Path) -> Run:
    runner = CliRunner()

    def invoke(*args: str, config: Path | None = None) -> Result:
        return runner.invoke(cli, ["--config", str(config or project / "pmsync.toml"), *args], catch_exceptions=False)

    return invoke


def tickets(run: Run) -> list[dict[str, object]]:
    result = run("tickets", "list", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def test_sync_twice_creates_nothing_the_second_time(run: Run) -> None:
    first = run("sync")
    assert first.exit_code == 0, first.output
    assert "created 3, updated 0, unchanged 0, failed 0" in first.output
    second = run("sync")
    assert second.exit_code == 0
    assert "created 0, updated 0, unchanged 3, failed 0" in second.output
    listed = tickets(run)
    assert len(listed) == 4  # three items and the incident parent
    items = [t for t in listed if t["marker"] != "INC-100"]
    assert {t["parent"] for t in items} == {next(t["key"] for t in listed if t["marker"] == "INC-100")}


def test_editing_an_item_updates_its_ticket(run: Run, project: Path) -> None:
    assert run("sync").exit_code == 0
    write_doc(project / "docs" / "inc-100.md", first="Route every config push through the canary stage")
    result = run("sync")
    assert "created 0, updated 1, unchanged 2, failed 0" in result.output
    titles = {t["marker"]: t["title"] for t in tickets(run)}
    assert titles["INC-100#1"] == "Route every config push through the canary stage"


def test_plan_is_a_dry_run(run: Run, project: Path) -> None:
    result = run("plan", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)  # stdout holds the JSON document and nothing else
    creates = [a for a in payload["actions"] if a["action"] == "create"]
    assert [a["key"] for a in creates] == ["INC-100#1", "INC-100#2", "INC-100#3"]
    assert creates[0]["due"] == "2026-03-06"  # P0: the next business day after the review (Thu 5 March)
    assert creates[1]["due"] == "2026-03-20"  # the document's deadline wins
    assert tickets(run) == []
    table = run("sync", "--dry-run")
    assert "create" in table.output and "dry run: nothing was changed" in table.output
    assert tickets(run) == []


def test_status_pull_and_history(run: Run) -> None:
    run("sync")
    listed = {t["marker"]: t["key"] for t in tickets(run)}
    moved = run("tickets", "set-status", str(listed["INC-100#2"]), "done")
    assert moved.exit_code == 0 and "is now done" in moved.output
    pulled = run("pull")
    assert pulled.exit_code == 0 and "status changes 1" in pulled.output
    status = json.loads(run("status", "INC-100", "--format", "json").output)
    by_item = {row["item"]: row for row in status}
    assert by_item["INC-100#2"]["status"] == "done"
    # Due dates in March 2026 are long past "today": open items are overdue, done ones are not.
    assert by_item["INC-100#1"]["overdue"] is True and by_item["INC-100#2"]["overdue"] is False
    shown = run("tickets", "show", str(listed["INC-100#2"]))
    assert "history:" in shown.output and "done" in shown.output
    unknown = run("status", "INC-404")
    assert unknown.exit_code == 2 and "INC-404" in unknown.output


def test_write_back_fills_ticket_and_status_cells(run: Run, project: Path) -> None:
    doc = project / "docs" / "inc-100.md"
    before = doc.read_text(encoding="utf-8")
    result = run("sync", "--write-back")
    assert result.exit_code == 0, result.output
    after = doc.read_text(encoding="utf-8")
    changed = [(b, a) for b, a in zip(before.splitlines(), after.splitlines(), strict=True) if b != a]
    assert len(changed) == 5  # header, delimiter and the three item rows gain a Ticket cell
    assert after.splitlines()[13].endswith("| Ticket |")
    assert "LOC-2" in after
    again = run("sync", "--write-back")
    assert "created 0, updated 0, unchanged 3" in again.output and doc.read_text(encoding="utf-8") == after


def test_bad_input_is_located_and_the_rest_still_syncs(run: Run, project: Path) -> None:
    (project / "docs" / "broken.md").write_bytes(b"\xff\xfe\x00binary")
    write_doc(project / "docs" / "inc-200.md", incident="INC-200", third_priority="P7")
    result = run("sync")
    assert result.exit_code == 1
    assert "broken.md" in result.output
    assert "inc-200.md:" in result.output and "P7" in result.output  # unknown priority, with its line
    markers = {t["marker"] for t in tickets(run)}
    assert {"INC-100#1", "INC-200#1", "INC-200#3"} <= markers  # P7 item still synced, default priority


def test_unknown_owner_and_priority_are_located_and_make_the_run_fail(run: Run, project: Path) -> None:
    config = project / "pmsync.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + '\n[owners]\nentries = [{ name = "Dana", handles = ["dana"] }]\n',
        encoding="utf-8",
    )
    write_doc(project / "docs" / "inc-100.md", third_priority="P7")
    result = run("sync")
    assert result.exit_code == 1
    # alice@example.com (line 17) and platform-team (line 18) are not in the directory; P7 is no priority.
    assert "inc-100.md:17: warning PLAN003 INC-100#2: unknown owner 'alice@example.com'" in result.output
    assert "inc-100.md:18: warning PLAN003" in result.output
    assert "inc-100.md:18: warning PM030" in result.output
    assert "created 3" in result.output and "input problems 3" in result.output
    assert {t["marker"] for t in tickets(run)} >= {"INC-100#1", "INC-100#2", "INC-100#3"}


def test_bad_config_value_names_the_key(run: Run, project: Path) -> None:
    bad = project / "bad.toml"
    bad.write_text('[safety]\nmax_creates = -3\n[tracker]\nkind = "local"\nprojct = "X"\n', encoding="utf-8")
    result = run("sync", config=bad)
    assert result.exit_code == 2
    assert "[safety] max_creates" in result.output
    assert "projct" in result.output


def test_safety_valve_and_force(run: Run, project: Path) -> None:
    config = project / "pmsync.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[safety]\nmax_creates = 2\n", encoding="utf-8")
    refused = run("sync")
    assert refused.exit_code == 1 and "max_creates" in refused.output and "--force" in refused.output
    assert tickets(run) == []
    forced = run("sync", "--force")
    assert forced.exit_code == 0 and "created 3" in forced.output


def test_backfill_adopts_tickets_the_document_names(run: Run, project: Path) -> None:
    # A ticket the team filed by hand before pmsync was adopted.
    engine = make_engine(f"sqlite:///{project / 'state.db'}")
    migrate(engine)
    by_hand = TicketDraft(marker=Marker("filed-by-hand"), title="Canary", body="")
    (created,) = LocalTracker(engine).create_many([by_hand])
    assert isinstance(created, TicketRef)
    existing = created.key
    engine.dispose()
    old = project / "old"
    doc = write_doc(old / "inc-050.md", incident="INC-050").read_text(encoding="utf-8")
    doc = doc.replace("| # | Action |", "| Ticket | # | Action |").replace("|---|", "|---|---|", 1)
    lines = doc.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("| 1 |"):
            lines[index] = f"| {existing} {line}"
        elif line.startswith(("| 2 |", "| 3 |")):
            lines[index] = f"| {line}"
    (old / "inc-050.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_doc(old / "inc-040.md", incident="INC-040").write_text(
        (old / "inc-040.md").read_text(encoding="utf-8").replace("2026-03-0", "2025-01-0"), encoding="utf-8"
    )
    result = run("backfill", "--since", "2026-01-01", str(old))
    assert result.exit_code == 0, result.output
    assert "created 2" in result.output and "adopted 1" in result.output
    markers = [t["marker"] for t in tickets(run)]
    assert "INC-050#1" not in markers and "INC-040#1" not in markers  # adopted, and too old
    status = {row["item"]: row["ticket"] for row in json.loads(run("status", "--format", "json").output)}
    assert status["INC-050#1"] == existing


def _cli(config: Path) -> list[str]:
    return [sys.executable, "-m", "sync", "--config", str(config), "sync"]


@pytest.mark.slow
@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_two_sync_processes_at_once(project: Path, run: Run, database: str, request: pytest.FixtureRequest) -> None:
    if database == "postgresql":
        url = request.getfixturevalue("pg_url")
        config = project / "pmsync.toml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace(f'url = "sqlite:///{project / "state.db"}"', f'url = "{url}"'), encoding="utf-8")
    for n in range(2, 6):
        write_doc(project / "docs" / f"inc-10{n}.md", incident=f"INC-10{n}")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(
            _cli(project / "pmsync.toml"),
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [proc.communicate(timeout=300) for proc in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    created = sorted(int(out.split("created ")[1].split(",")[0]) for out, _ in outputs)
    assert created == [0, 15]
    markers = [t["marker"] for t in tickets(run)]
    assert len(markers) == len(set(markers)) == 20  # 15 items + 5 parents, no duplicate


def test_an_unusable_state_database_is_a_clear_error(run: Run, project: Path) -> None:
    bad = project / "bad-db.toml"
    bad.write_text('[state]\nurl = "sqlite:////nonexistent-dir/x/state.db"\n', encoding="utf-8")
    result = run("sync", str(project / "docs"), config=bad)
    assert result.exit_code == 2  # a configuration error (issue 18.7)
    assert "cannot open the state database /nonexistent-dir/x/state.db" in result.output
    assert "Traceback" not in result.output


class PullRefusingTracker(LocalTracker):
    """The local tracker, except that its change feed answers 403 (a tracker-side failure)."""

    def changed_since(self, cursor: str | None, scope: str | None) -> ChangedPage:
        raise TrackerError("503 from the tracker", tracker="local", op="changed_since")


def test_a_failing_pull_keeps_the_sync_summary(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    # Injected the way every backend is: through the tracker registry.
    monkeypatch.setitem(
        REGISTRY,
        "local",
        lambda settings, deps: PullRefusingTracker(deps.engine, prefix=settings.tracker.project_prefix),
    )
    result = run("sync")
    assert result.exit_code == 1
    assert "error: pull failed" in result.output and "503" in result.output
    assert "created 3" in result.output  # the creates happened and are reported
