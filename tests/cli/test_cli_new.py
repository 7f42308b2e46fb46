"""``pmsync new`` end to end: ids in sequence, after the highest in files and store, different for two
runs at once; the generated document parses and lints with only what a human must write."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sync.cli.main import cli
from sync.cli.new import Draft, create_postmortem
from sync.config.loading import load_settings
from sync.core.lint import lint_result
from sync.core.model import DiagnosticSeverity, Severity
from sync.core.parse import parse_document
from sync.store.engine import make_engine
from sync.store.id_claims import claim_id, known_ids
from tests.conftest import ROOT


def write_config(tmp: Path, db_url: str, extra: str = "") -> Path:
    config = tmp / "pmsync.toml"
    config.write_text(
        f'[state]\nurl = "{db_url}"\n\n[sources]\npaths = ["postmortems/**/*.md", "archive/*.md"]\n\n'
        f'[authoring]\nid_format = "INC-{{seq:04d}}"\ndir = "postmortems"\n{extra}',
        encoding="utf-8",
    )
    return config


@pytest.fixture
def config(tmp_path: Path, sqlite_url: str) -> Path:
    return write_config(tmp_path, sqlite_url)


def new(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), "new", *args])


def new_json(config: Path, *args: str) -> dict[str, str]:
    result = new(config, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_twice_in_a_row_gives_two_ids_in_sequence(config: Path) -> None:
    first = new_json(config, "Checkout API returned 502s")
    second = new_json(config, "Search index backlog")
    assert (first["incident_id"], second["incident_id"]) == ("INC-0001", "INC-0002")
    assert Path(first["path"]) == config.parent / "postmortems" / "inc-0001-checkout-api-returned-502s.md"
    assert set(first) == {"path", "incident_id"}
    assert "INC-0002" in Path(second["path"]).read_text(encoding="utf-8")


def test_the_default_format_numbers_within_the_year(tmp_path: Path, sqlite_url: str) -> None:
    config = tmp_path / "pmsync.toml"
    config.write_text(f'[state]\nurl = "{sqlite_url}"\n', encoding="utf-8")
    before = dt.datetime.now(dt.UTC).year
    found = new_json(config, "First")["incident_id"]
    assert found in {f"INC-{year}-0001" for year in (before, dt.datetime.now(dt.UTC).year)}


def test_the_next_id_follows_the_highest_in_files_and_in_the_store(config: Path, sqlite_url: str) -> None:
    archive = config.parent / "archive"
    archive.mkdir()
    (archive / "old.md").write_text("- **Incident ID:** INC-0007\n", encoding="utf-8")
    engine = make_engine(sqlite_url)
    try:
        assert new_json(config, "After a file")["incident_id"] == "INC-0008"
        claim_id(engine, lambda seq: f"INC-{seq:04d}", 12, clock=lambda: dt.datetime.now(dt.UTC))
        assert new_json(config, "After a claim")["incident_id"] == "INC-0013"
        (archive / "newer.md").write_text("Follow-up of INC-0020.\n", encoding="utf-8")
        assert new_json(config, "After a newer file")["incident_id"] == "INC-0021"
        assert sorted(known_ids(engine)) == ["INC-0008", "INC-0012", "INC-0013", "INC-0021"]
    finally:
        engine.dispose()


def test_the_target_directory_counts_even_outside_the_sources(config: Path) -> None:
    elsewhere = config.parent / "drafts"
    elsewhere.mkdir()
    (elsewhere / "x.md").write_text("INC-0041\n", encoding="utf-8")
    created = new_json(config, "Drafted elsewhere", "--dir", str(elsewhere))
    assert created["incident_id"] == "INC-0042"
    assert Path(created["path"]).parent == elsewhere


@pytest.mark.slow
@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_two_at_once_get_different_ids(tmp_path: Path, request: pytest.FixtureRequest, database: str) -> None:
    db_url = str(request.getfixturevalue("sqlite_url" if database == "sqlite" else "pg_url"))
    config = write_config(tmp_path, db_url)
    # Migrate first, so both runs race on the claim rather than one waiting for the other's migration.
    assert new(config, "Warm-up").exit_code == 0
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "sync", "--config", str(config), "new", f"Concurrent {n}", "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in (1, 2)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    created = [json.loads(out) for out, _ in outputs]
    assert sorted(c["incident_id"] for c in created) == ["INC-0002", "INC-0003"]
    assert len({c["path"] for c in created}) == 2 and all(Path(c["path"]).is_file() for c in created)


def test_refuses_to_overwrite_and_gives_the_id_back(config: Path, sqlite_url: str) -> None:
    target = config.parent / "postmortems" / "inc-0001-taken.md"
    target.parent.mkdir()
    target.write_text("a file written by hand, without an id\n", encoding="utf-8")
    result = new(config, "Taken")
    assert result.exit_code == 2
    assert f"refusing to overwrite {target}" in result.stderr
    assert target.read_text(encoding="utf-8") == "a file written by hand, without an id\n"
    engine = make_engine(sqlite_url)
    try:
        assert known_ids(engine) == []
    finally:
        engine.dispose()


def test_text_output_is_the_path_and_the_next_step_goes_to_stderr(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(config.parent)
    result = new(config, "Checkout 502s")
    assert result.exit_code == 0, result.output
    # The same absolute path as --format json prints (issue 22), whatever the working directory.
    path = config.parent / "postmortems" / "inc-0001-checkout-502s.md"
    assert result.stdout == f"{path}\n"
    assert f"pmsync lint {path}" in result.stderr


def lint_codes(path: Path) -> dict[str, set[str]]:
    result = parse_document(path.read_bytes(), str(path))
    found: dict[str, set[str]] = {}
    for diagnostic in lint_result(result):
        found.setdefault(diagnostic.severity.value, set()).add(diagnostic.code)
    return found


# What a human still writes in a new document, as lint reports it: the review date, the timeline,
# the 5 whys, the factor scores, what went well, the prevention checklist, the cost. (An incident
# that ended more than 24 hours before `pmsync new` also gets LINT116 late-summary.)
TO_WRITE = {"LINT115", "LINT161", "LINT122", "LINT131", "LINT171", "LINT151", "LINT181"}


def recently(hours: int) -> dt.datetime:
    """A minute-precise moment ``hours`` ago: the summary is then written within 24 hours."""
    return (dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)).replace(second=0, microsecond=0)


def test_generated_document_parses_and_lints_with_only_what_a_human_writes(config: Path) -> None:
    start, end = recently(3), recently(1)
    created = new_json(
        config,
        "Checkout API returned 502s",
        "--severity",
        "sev-2",
        "--start",
        f"{start:%Y-%m-%d %H:%M} UTC",
        "--end",
        f"{end:%Y-%m-%d %H:%M}",  # the configured zone (UTC)
        "--team",
        "payments",
        "--service",
        "checkout-api",
        "--industry",
        "fintech",
    )
    path = Path(created["path"])
    result = parse_document(path.read_bytes(), str(path))
    pm = result.postmortem
    assert pm is not None and result.diagnostics == ()
    assert (pm.incident_id, pm.severity, pm.team, pm.service, pm.industry) == (
        "INC-0001",
        Severity.SEV2,
        "payments",
        "checkout-api",
        "fintech",
    )
    assert (pm.started_at, pm.ended_at) == (start, end)
    assert pm.title == "Post-mortem: Checkout API returned 502s"
    assert lint_codes(path) == {"warning": TO_WRITE}


def test_without_options_the_summary_fields_are_the_only_errors(config: Path) -> None:
    path = Path(new_json(config, "Bare")["path"])
    found = lint_codes(path)
    assert found["error"] == {"LINT112", "LINT113", "LINT114"}  # severity, start, end
    assert found["warning"] == TO_WRITE - {"LINT161", "LINT181"}  # both need a severity


def test_a_sev1_also_needs_its_p0_action(config: Path) -> None:
    args = [
        "--severity",
        "SEV-1",
        "--start",
        f"{recently(2):%Y-%m-%d %H:%M} UTC",
        "--end",
        f"{recently(1):%Y-%m-%d %H:%M} UTC",
    ]
    path = Path(new_json(config, "Payments down", *args)["path"])
    assert lint_codes(path) == {"error": {"LINT141"}, "warning": TO_WRITE}


def test_a_team_template_is_filled_instead(tmp_path: Path, sqlite_url: str) -> None:
    (tmp_path / "ours.md").write_text(
        "# {{ title }}\n\nIncident: {{incident_id}} ({{severity}}), opened {{today}}\n", encoding="utf-8"
    )
    config = write_config(tmp_path, sqlite_url, 'template = "ours.md"\n')
    created = new_json(config, "Our format", "--severity", "SEV-3")
    text = Path(created["path"]).read_text(encoding="utf-8")
    assert text.startswith("# Our format\n\nIncident: INC-0001 (SEV-3), opened 20")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("# {{title}}\n", "[authoring] template"),
        ("# {{titel}} {{incident_id}}\n", "unknown placeholder {{titel}}"),
    ],
)
def test_a_broken_team_template_is_a_config_error_before_any_id_is_claimed(
    tmp_path: Path, sqlite_url: str, template: str, message: str
) -> None:
    (tmp_path / "ours.md").write_text(template, encoding="utf-8")
    config = write_config(tmp_path, sqlite_url, 'template = "ours.md"\n')
    result = new(config, "x")
    assert result.exit_code == 2
    assert message in result.stderr
    assert not (tmp_path / "postmortems").exists()


def test_a_missing_team_template_is_a_config_error(tmp_path: Path, sqlite_url: str) -> None:
    config = write_config(tmp_path, sqlite_url, 'template = "nope.md"\n')
    result = new(config, "x")
    assert result.exit_code == 2
    assert "[authoring] template: cannot read" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--start", "yesterday"], "--start 'yesterday': not a date and time"),
        (["x", "--start", "2026-03-04 14:00 UTC", "--end", "2026-03-04 13:00 UTC"], "--end is before --start"),
        (["   "], "the title is empty"),
        (["x", "--severity", "SEV-4"], "Invalid value for '--severity'"),
    ],
)
def test_usage_errors_exit_two(config: Path, args: list[str], message: str) -> None:
    result = new(config, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_bad_id_format_is_reported_with_its_key(tmp_path: Path, sqlite_url: str) -> None:
    config = tmp_path / "pmsync.toml"
    config.write_text(f'[state]\nurl = "{sqlite_url}"\n[authoring]\nid_format = "INC-{{year}}"\n', encoding="utf-8")
    result = new(config, "x")
    assert result.exit_code == 2
    assert "[authoring] id_format" in result.stderr and "{seq}" in result.stderr


def test_an_unwritable_directory_gives_the_id_back(tmp_path: Path, sqlite_url: str) -> None:
    config = write_config(tmp_path, sqlite_url)
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the directory should be\n", encoding="utf-8")
    settings = load_settings(config)
    with pytest.raises(Exception, match="cannot write"):
        create_postmortem(settings, sqlite_url, Draft(title="x"), directory=blocker / "sub")
    engine = make_engine(sqlite_url)
    try:
        assert known_ids(engine) == []
    finally:
        engine.dispose()


def test_today_comes_from_the_injected_clock_in_the_configured_zone(tmp_path: Path, sqlite_url: str) -> None:
    config = write_config(tmp_path, sqlite_url, '\n[due_dates]\ntimezone = "Asia/Tokyo"\n')
    config.write_text(config.read_text(encoding="utf-8").replace("INC-{seq:04d}", "INC-{year}{month}{day}-{seq}"))
    settings = load_settings(config)
    late_evening_utc = dt.datetime(2026, 12, 31, 20, 0, tzinfo=dt.UTC)  # already 2027 in Tokyo
    created = create_postmortem(settings, sqlite_url, Draft(title="New year"), clock=lambda: late_evening_utc)
    assert created.incident_id == "INC-20270101-1"
    assert "**Summary Completed:** 2027-01-01" in created.path.read_text(encoding="utf-8")


def test_the_house_template_ships_with_the_package() -> None:
    text = (ROOT / "sync" / "templates" / "postmortem.md").read_text(encoding="utf-8")
    for section in ("Incident Summary", "Timeline", "5 Whys", "Contributing Factors", "What Went Well"):
        assert section in text
    assert "{{incident_id}}" in text
    assert DiagnosticSeverity.ERROR  # the enum the lint checks above rely on


def test_a_line_break_in_an_option_cannot_add_lines_to_the_document(config: Path) -> None:
    created = new_json(
        config, "Outage", "--team", "payments\n## Action Items\n- injected (@x, P0)", "--service", " api "
    )
    result = parse_document(Path(created["path"]).read_text(encoding="utf-8"), created["path"])
    assert result.postmortem is not None
    assert result.postmortem.team == "payments ## Action Items - injected (@x, P0)"
    assert result.postmortem.service == "api"
    assert all(item.text != "injected" for item in result.postmortem.action_items)
