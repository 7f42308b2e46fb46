"""Issue 18: what a new user hit in the first hour, one regression test (or a few) per numbered defect."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sync.cli.main import cli
from tests.cli.test_cli_sync import write_doc
from tests.conftest import EXAMPLES

ROOT = Path(__file__).resolve().parents[2]

Run = Callable[..., Result]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pmsync.toml").write_text(
        f'[sources]\npaths = ["docs/*.md"]\n\n[state]\nurl = "sqlite:///{tmp_path / "state.db"}"\n',
        encoding="utf-8",
    )
    write_doc(tmp_path / "docs" / "inc-100.md")
    return tmp_path


@pytest.fixture
def run(project: Path) -> Run:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, ["--config", str(project / "pmsync.toml"), *args], catch_exceptions=False)

    return invoke


def configure(project: Path, extra: str) -> None:
    config = project / "pmsync.toml"
    config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")


def ticket_of(run: Run, marker: str) -> dict[str, object]:
    listed = json.loads(run("tickets", "list", "--format", "json").stdout)
    return next(t for t in listed if t["marker"] == marker)  # type: ignore[no-any-return]


# --- 1. holidays by default -------------------------------------------------------------------


def test_without_config_p0_items_skip_us_holidays_and_the_calendar_is_named(run: Run, project: Path) -> None:
    # Reviewed on Wednesday 25 November 2026: the next business day is Friday, not Thanksgiving.
    doc = project / "docs" / "inc-100.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("2026-03-05", "2026-11-25"), encoding="utf-8")
    result = run("plan", "--format", "json")
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    create = next(a for a in plan["actions"] if a["key"] == "INC-100#1")
    assert create["due"] == "2026-11-27"
    assert plan["calendar"]["country"] == "US"
    assert result.stderr.splitlines()[0] == "calendar: US public holidays; weekend Sat, Sun"
    table = run("plan")
    assert table.stdout.splitlines()[0] == "calendar: US public holidays; weekend Sat, Sun"


def test_the_calendar_line_names_subdivision_and_company_days(run: Run, project: Path) -> None:
    configure(project, '[calendar]\ncountry = "DE"\nsubdivision = "BY"\nextra_holidays = [2026-12-24]\n')
    assert "calendar: DE-BY public holidays + 1 company day off; weekend Sat, Sun" in run("sync").stdout
    config = project / "pmsync.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace('country = "DE"\nsubdivision = "BY"', 'country = ""'),
        encoding="utf-8",
    )
    assert "calendar: no public holidays ([calendar] country is empty)" in run("plan").stdout


# --- 3. JSON output machines can read -----------------------------------------------------------


def _one_document(result: Result) -> object:
    assert result.stdout.strip(), result.output
    return json.loads(result.stdout)  # raises on any text before or after the document


def test_every_command_with_format_json_prints_exactly_one_json_document(run: Run, project: Path) -> None:
    (project / "docs" / "README.md").write_text("# About this folder\n\nPost-mortems live here.\n", encoding="utf-8")
    write_doc(project / "docs" / "inc-200.md", incident="INC-200", third_priority="P7")  # a warning on stderr
    outputs = {
        "plan": run("plan", "--format", "json"),
        "sync --dry-run": run("sync", "--dry-run", "--format", "json"),
        "sync": run("sync", "--write-back", "--format", "json"),
        "backfill --dry-run": run("backfill", "--since", "2026-01-01", "--dry-run", "--format", "json"),
        "backfill": run("backfill", "--since", "2026-01-01", "--format", "json"),
        "pull": run("pull", "--format", "json"),
        "status": run("status", "--format", "json"),
        "status --overdue": run("status", "--overdue", "--format", "json"),
        "tickets list": run("tickets", "list", "--format", "json"),
        "parse --array": run("parse", "--format", "json", "--array", str(project / "docs")),
        "lint": run("lint", "--format", "json", str(project / "docs" / "inc-100.md")),
        "schema": run("schema"),
    }
    documents = {name: _one_document(result) for name, result in outputs.items()}
    sync = documents["sync"]
    assert isinstance(sync, dict)
    assert sync["summary"]["created"] == 6 and sync["summary"]["input_problems"] == 1
    assert sync["skipped_documents"] == [{"path": str(project / "docs" / "README.md"), "reason": "not a post-mortem"}]
    assert [d["code"] for d in sync["diagnostics"]] == ["PM030"]
    assert sync["exit_code"] == 1 == outputs["sync"].exit_code
    # The text summary and the warnings still reach the person, on stderr.
    assert "created 6, updated 0" in outputs["sync"].stderr and "PM030" in outputs["sync"].stderr
    dry = documents["sync --dry-run"]
    assert isinstance(dry, dict) and dry["dry_run"] is True and len(dry["actions"]) > 6
    assert "dry run" not in outputs["sync --dry-run"].stdout
    # One request per tracker scope (the routed project and the unrouted tickets).
    assert documents["pull"] == {"tickets_seen": 0, "requests": documents["pull"]["requests"], "changed": 0}
    assert documents["pull"]["requests"] >= 1
    # parse's default JSON form is one document per line (JSON lines), each parseable alone.
    lines = run("parse", "--format", "json", str(project / "docs")).stdout.splitlines()
    assert [json.loads(line)["path"].rsplit("/", 1)[1] for line in lines] == ["README.md", "inc-100.md", "inc-200.md"]


def test_a_failing_command_still_prints_one_json_document(run: Run, project: Path) -> None:
    configure(project, "[safety]\nmax_creates = 2\n")
    refused = run("sync", "--format", "json")
    assert refused.exit_code == 1
    error = json.loads(refused.stdout)["error"]
    assert error["message"].startswith("refusing to sync: the plan creates 3 tickets") and error["exit_code"] == 1
    assert "--force" in error["hint"] and "error: refusing to sync" in refused.stderr
    unknown = run("status", "INC-404", "--format", "json")
    assert unknown.exit_code == 2
    assert json.loads(unknown.stdout)["error"]["message"] == "no action items are known for incident 'INC-404'"
    config = project / "pmsync.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("max_creates = 2", "max_creates = 0"), "utf-8")
    for args in (("pull",), ("tickets", "list"), ("plan",), ("backfill", "--since", "2026-01-01")):
        bad = run(*args, "--format", "json")
        assert bad.exit_code == 2, args
        error = json.loads(bad.stdout)["error"]
        assert error["exit_code"] == 2 and error["message"].startswith("[safety] max_creates: ")


# --- 4. a person's edit of the Status cell ---------------------------------------------------------


def _set_status_cell(doc: Path, number: int, old: str, new: str) -> None:
    lines = doc.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith(f"| {number} |"))
    assert f"| {old} |" in lines[index]
    lines[index] = lines[index].replace(f"| {old} |", f"| {new} |")
    doc.write_text("".join(lines), encoding="utf-8")


def _row(doc: Path, number: int) -> str:
    return next(line for line in doc.read_text(encoding="utf-8").splitlines() if line.startswith(f"| {number} |"))


def test_an_edited_status_cell_is_reported_and_left_alone(run: Run, project: Path) -> None:
    doc = project / "docs" / "inc-100.md"
    assert run("sync", "--write-back").exit_code == 0
    _set_status_cell(doc, 1, "Open", "Done")  # the person says item 1 is done; its ticket is open
    result = run("sync", "--write-back")
    assert result.exit_code == 0, result.output
    assert "| Done |" in _row(doc, 1)  # not reverted to "Open"
    assert "status conflict: " in result.stderr and "INC-100#1" in result.stderr
    assert "the Status cell says 'Done' but pmsync wrote 'Open'" in result.stderr
    assert "status conflicts 1" in result.stdout
    assert ticket_of(run, "INC-100#1")["status"] == "open"  # report mode changes no ticket
    as_json = json.loads(run("sync", "--write-back", "--format", "json").stdout)
    assert as_json["status_conflicts"] == [
        {
            "path": str(doc),
            "item": "INC-100#1",
            "ticket": ticket_of(run, "INC-100#1")["key"],
            "cell": "Done",
            "written": "open",
            "ticket_status": "open",
            "pushed": None,
            "error": None,
        }
    ]
    # Once the ticket agrees with the person, the conflict is over and later changes are written again.
    key = str(ticket_of(run, "INC-100#1")["key"])
    assert run("tickets", "set-status", key, "done").exit_code == 0
    agreed = run("sync", "--write-back")
    assert "status conflict" not in agreed.output
    assert run("tickets", "set-status", key, "in_progress").exit_code == 0
    run("sync", "--write-back")
    assert "| In progress |" in _row(doc, 1)


def test_a_status_the_tracker_changed_is_still_written(run: Run, project: Path) -> None:
    doc = project / "docs" / "inc-100.md"
    run("sync", "--write-back")
    key = str(ticket_of(run, "INC-100#3")["key"])
    run("tickets", "set-status", key, "wont_do")
    result = run("sync", "--write-back")
    assert "status conflict" not in result.output
    assert "| Won't do |" in _row(doc, 3)


def test_doc_status_push_moves_the_ticket_through_the_tracker(run: Run, project: Path) -> None:
    configure(project, '[sync]\ndoc_status = "push"\n')
    doc = project / "docs" / "inc-100.md"
    run("sync", "--write-back")
    _set_status_cell(doc, 1, "Open", "Done")
    _set_status_cell(doc, 3, "Open", "Parked")  # no status pmsync knows: reported, not pushed
    result = run("sync", "--write-back")
    key = str(ticket_of(run, "INC-100#1")["key"])
    assert f"{key} moved to done ([sync] doc_status = push)" in result.stderr
    assert "not pushed: 'Parked' names no status pmsync knows" in result.stderr
    assert ticket_of(run, "INC-100#1")["status"] == "done"
    history = run("tickets", "show", key).stdout
    assert history.count("done") >= 2  # status and the tracker's own history entry
    # The next run pulls the tracker's change; cell and ticket agree, nothing more to report.
    again = run("sync", "--write-back")
    assert "status changes pulled 1" in again.stdout
    assert "INC-100#1" not in again.stderr
    assert "| Done |" in _row(doc, 1) and "| Parked |" in _row(doc, 3)


# --- 5. write-back that kept a cell is reported ----------------------------------------------------


def test_a_ticket_cell_naming_another_ticket_is_reported(run: Run, project: Path) -> None:
    doc = project / "docs" / "inc-100.md"
    text = doc.read_text(encoding="utf-8")
    text = text.replace(
        "| Priority | Status |\n|---|---|---|---|---|---|",
        "| Priority | Status | Ticket |\n|---|---|---|---|---|---|---|",
    )
    text = text.replace("| P0 | Open |", "| P0 | Open | BUG-7 |")
    text = text.replace("| P1 | In progress |", "| P1 | In progress | |").replace("| P2 | Open |", "| P2 | Open | |")
    doc.write_text(text, encoding="utf-8")
    result = run("sync", "--write-back")
    assert "write-back kept: " in result.stderr and "item 1: ticket cell already holds 'BUG-7'" in result.stderr
    assert "ticket cells kept 1" in result.stdout
    assert "| BUG-7 |" in _row(doc, 1)
    as_json = json.loads(run("sync", "--write-back", "--format", "json").stdout)
    assert as_json["ticket_cells_kept"] == [
        {"path": str(doc), "number": 1, "reason": "ticket cell already holds 'BUG-7'"}
    ]
    assert as_json["summary"]["ticket_cells_kept"] == 1


# --- 6. files that are not post-mortems ---------------------------------------------------------


def test_a_readme_beside_the_documents_is_skipped_with_one_info_line(run: Run, project: Path) -> None:
    (project / "docs" / "README.md").write_text(
        "# Post-mortems\n\nOne file per incident.\n\n- keep them blameless\n- add action items\n",
        encoding="utf-8",
    )
    result = run("sync")
    assert result.exit_code == 0, result.output
    info = [line for line in result.stderr.splitlines() if "README.md" in line]
    assert info == [
        f"info: {project / 'docs' / 'README.md'}: not a post-mortem (no summary field, no action-item section); skipped"
    ]
    assert "created 3" in result.stdout and "not post-mortems skipped 1" in result.stdout
    assert {t["marker"] for t in json.loads(run("tickets", "list", "--format", "json").stdout)} == {
        "INC-100",
        "INC-100#1",
        "INC-100#2",
        "INC-100#3",
    }


def test_sources_exclude_keeps_files_out_of_globs_and_directories(run: Run, project: Path) -> None:
    # SOURCES.md has the shape of a post-mortem (an action section), so only exclude keeps it out.
    write_doc(project / "docs" / "SOURCES.md", incident="INC-900")
    write_doc(project / "docs" / "drafts" / "inc-901.md", incident="INC-901")
    config = project / "pmsync.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            'paths = ["docs/*.md"]', 'paths = ["docs/**/*.md"]\nexclude = ["SOURCES.md", "docs/drafts/*"]'
        ),
        encoding="utf-8",
    )
    planned = json.loads(run("plan", "--format", "json").stdout)
    assert {a["key"] for a in planned["actions"] if a["action"] == "record"} == {"INC-100"}
    # A directory given on the command line is expanded with the same exclusions.
    given = json.loads(run("plan", "--format", "json", str(project / "docs")).stdout)
    assert {a["key"] for a in given["actions"] if a["action"] == "record"} == {"INC-100"}


# --- 7. errors a user can act on ------------------------------------------------------------------


def test_showing_an_unknown_ticket_says_so_in_plain_words(run: Run) -> None:
    run("sync")
    for args in (("tickets", "show", "LOC-999"), ("tickets", "set-status", "LOC-999", "done")):
        result = run(*args)
        assert result.exit_code == 2
        assert result.stderr.splitlines()[0] == "error: no ticket LOC-999"
        assert "local" not in result.stderr.splitlines()[0]


def test_a_since_in_the_future_is_called_that(run: Run) -> None:
    run("sync")
    result = run("backfill", "--since", "2999-01-01")
    assert result.exit_code == 2
    assert "--since 2999-01-01 is in the future" in result.stderr
    assert "wrong path" not in result.output


def test_a_since_after_every_incident_is_nothing_to_backfill(run: Run, project: Path) -> None:
    run("sync")
    doc = project / "docs" / "inc-100.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace("2026-03-0", "2025-03-0"), encoding="utf-8")
    result = run("backfill", "--since", "2026-01-01")
    assert result.exit_code == 0, result.output
    assert "info: 1 post-mortem before --since; nothing to backfill" in result.stderr
    assert "wrong path" not in result.output


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_plan_of_a_path_without_documents_says_so(tmp_path: Path, make: str) -> None:
    target = tmp_path / "nope"
    if make == "empty":
        target.mkdir()
    config = tmp_path / "pmsync.toml"
    config.write_text(f'[state]\nurl = "sqlite:///{tmp_path / "s.db"}"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "plan", str(target)], catch_exceptions=False)
    assert f"No post-mortem documents found at {target}." in result.stdout
    assert "already has its ticket" not in result.output


# --- 9. output polish -------------------------------------------------------------------------------


def test_status_has_a_header_row_and_plan_an_assignee_column(run: Run) -> None:
    plan = run("plan").stdout.splitlines()
    header = next(line for line in plan if line.startswith("ACTION"))
    assert "ASSIGNEE" in header and "DUE" in header
    create = next(line for line in plan if line.startswith("create") and "INC-100#2" in line)
    assert "alice@example.com" in create
    run("sync")
    status = run("status").stdout.splitlines()
    assert status[0].split() == ["ITEM", "TICKET", "PRI", "DUE", "STATUS", "FLAG", "OWNER", "TEXT"]
    assert status[-1] == "3 items, 0 closed, 3 overdue"


def test_pull_counts_in_singular_and_plural(run: Run) -> None:
    run("sync")
    idle = run("pull", "--format", "json")
    requests = json.loads(idle.stdout)["requests"]
    assert requests >= 1
    noun = "request" if requests == 1 else "requests"
    assert run("pull").stdout.strip() == f"pulled 0 changed tickets in {requests} {noun}, status changes 0"
    key = str(ticket_of(run, "INC-100#1")["key"])
    run("tickets", "set-status", key, "done")
    assert re.fullmatch(
        r"pulled 1 changed ticket in (1 request|[2-9] requests), status changes 1", run("pull").stdout.strip()
    )


def test_info_lines_only_with_verbose(run: Run, project: Path) -> None:
    # Without -v the audit lines would tear the backfill progress bar; the summary counts them.
    quiet = run("sync")
    assert "INFO" not in quiet.output and "created 3" in quiet.stdout
    write_doc(project / "docs" / "inc-200.md", incident="INC-200")
    loud = CliRunner().invoke(cli, ["-v", "--config", str(project / "pmsync.toml"), "sync"], catch_exceptions=False)
    assert "INFO sync.apply: Created" in loud.stderr


def test_the_example_config_with_the_examples_exits_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A first user copies config.example.toml next to the example post-mortems: the owner
    # directory is no longer an example that makes every owner "unknown" (exit 1).
    monkeypatch.chdir(tmp_path)  # the example's sqlite:///pmsync.db is relative to the working directory
    shutil.copy(ROOT / "config.example.toml", tmp_path / "pmsync.toml")
    shutil.copytree(EXAMPLES, tmp_path / "postmortems")
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "pmsync.toml"), "sync"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "PLAN003" not in result.output and "failed 0" in result.stdout


def test_plan_and_sync_tables_after_edits(run: Run, project: Path) -> None:
    assert run("status").stdout == "No action items.\n"
    run("sync")
    assert "Nothing to do: every action item already has its ticket." in run("plan").stdout
    doc = project / "docs" / "inc-100.md"
    lines = doc.read_text(encoding="utf-8").splitlines(keepends=True)
    # Delete item 1 and renumber the rest: item 2 becomes 1, item 3 becomes 2.
    kept = [line for line in lines if not line.startswith("| 1 |")]
    kept = [line.replace("| 2 |", "| 1 |", 1).replace("| 3 |", "| 2 |", 1) for line in kept]
    doc.write_text("".join(kept), encoding="utf-8")
    plan = run("plan").stdout
    assert "renumber" in plan and "was INC-100#2" in plan
    assert "removed-from-doc" in plan and "reported, not closed" in plan
    synced = run("sync")
    assert "is no longer in its document; its ticket was left open" in synced.stderr
    assert "removed from docs 1" in synced.stdout
    overdue = run("status", "--overdue").stdout.splitlines()
    assert overdue[0].startswith("ITEM") and overdue[-1].endswith("overdue")


def test_tickets_list_as_a_table(run: Run) -> None:
    run("sync")
    listed = run("tickets", "list", "--status", "open").stdout.splitlines()
    assert listed[-1] == "3 tickets"  # the parent and items 1 and 3; item 2 was created in progress
    assert any(line.startswith("LOC-1 ") for line in listed)
    key = str(ticket_of(run, "INC-100#3")["key"])
    run("tickets", "set-status", key, "done")
    assert run("tickets", "list", "--status", "done").stdout.splitlines()[-1] == "1 ticket"


def test_the_demo_in_a_folder_holding_the_example_config_exits_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `pmsync demo DIR` keeps a pmsync.toml it finds there: the copied example must not fail the demo.
    monkeypatch.chdir(tmp_path)
    shutil.copy(ROOT / "config.example.toml", tmp_path / "pmsync.toml")
    result = CliRunner().invoke(cli, ["demo", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "PLAN003" not in result.output and "failed 0" in result.stdout
