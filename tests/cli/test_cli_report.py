"""`pmsync report` on the demo data, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from sync.cli.main import cli
from sync.runtime import open_runtime
from sync.store.tables import local_comments


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("report-demo")
    result = CliRunner().invoke(cli, ["demo", str(target)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return target / "pmsync.toml"


def run(config: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_completion_rate_equals_the_one_computed_from_status_json(demo: Path) -> None:
    code, out, _ = run(demo, "status", "--format", "json")
    assert code == 0
    rows = [r for r in json.loads(out) if r["in_document"]]
    done = sum(1 for r in rows if r["status"] == "done")
    wont = sum(1 for r in rows if r["status"] == "wont_do")
    overdue = sum(1 for r in rows if r["overdue"])
    assert done and wont  # the demo's team closed some and dropped some

    code, out, err = run(demo, "report", "weekly", "--format", "json")
    assert code == 0, err
    report = json.loads(out)  # the whole of stdout is one JSON document
    completion = report["completion"]
    assert completion["completion"] == {
        "numerator": done,
        "denominator": len(rows) - wont,
        "value": round(done / (len(rows) - wont), 4),
    }
    assert completion["wont_do"] == wont
    assert completion["overdue"] == overdue == len(report["overdue"])

    code, out, _ = run(demo, "report", "weekly")
    expected = f"({done}/{len(rows) - wont})"
    assert f"Completion: {round(100 * done / (len(rows) - wont))} % {expected}" in out


@pytest.mark.parametrize("kind", ["weekly", "quarterly", "overdue", "repeats"])
@pytest.mark.parametrize("fmt", ["table", "md", "json", "csv"])
def test_every_kind_in_every_text_format(demo: Path, kind: str, fmt: str) -> None:
    code, out, err = run(demo, "report", kind, "--format", fmt, "--as-of", "2026-06-30", "--quarter", "2026Q1")
    assert code == 0, err
    assert out.strip()
    if fmt == "json":
        assert json.loads(out)["kind"] == kind


def test_team_filter_and_out_file(demo: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "weekly.json"
    code, out, err = run(demo, "report", "weekly", "--team", "no-such-team", "--format", "json", "--out", str(out_file))
    assert code == 0
    assert out == ""
    assert f"wrote {out_file}" in err
    assert json.loads(out_file.read_text(encoding="utf-8"))["completion"]["items"] == 0


def test_html_report_is_one_self_contained_file(demo: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "q.html"
    code, _, err = run(demo, "report", "quarterly", "--quarter", "2026Q1", "--format", "html", "--out", str(out_file))
    assert code == 0, err
    html = out_file.read_text(encoding="utf-8")
    assert html.count("<svg") == 4
    assert "<script" not in html and "<link" not in html and "src=" not in html


def test_publish_writes_dated_files_in_the_configured_formats(demo: Path) -> None:
    code, _, err = run(demo, "report", "quarterly", "--quarter", "2026Q1", "--publish", "--format", "csv")
    assert code == 0, err
    folder = demo.parent / "reports"
    assert sorted(p.name for p in folder.iterdir()) == ["quarterly-2026Q1.html", "quarterly-2026Q1.md"]


def test_nudge_dry_run_then_nudges_once_on_the_tickets(demo: Path, tmp_path: Path) -> None:
    config = tmp_path / "pmsync.toml"
    # No quiet hours, so the test does not depend on the time of day it runs at.
    config.write_text(demo.read_text(encoding="utf-8") + "\n[reports]\nquiet_hours = [0, 0]\n", encoding="utf-8")
    code, out, err = run(config, "report", "overdue", "--nudge", "--dry-run", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    due = report["nudges"]
    assert due and {n["window"] for n in due} <= {"overdue", "before-due"}
    assert f"dry run: {len(due)} nudge(s) due" in err
    code, out, err = run(config, "report", "overdue", "--nudge", "--format", "json")
    assert code == 0, err
    assert f"nudged {len(due)}, failed 0" in err
    assert [n["item"] for n in json.loads(out)["nudges"]] == [n["item"] for n in due]
    # A second run (a restart) repeats none, and the dry run says so: nobody would be nudged again.
    code, out, err = run(config, "report", "overdue", "--nudge", "--format", "json")
    assert "nudged 0, failed 0" in err and json.loads(out)["nudges"] == []
    code, out, err = run(config, "report", "overdue", "--nudge", "--dry-run", "--format", "json")
    assert code == 0 and "dry run: 0 nudge(s) due" in err and json.loads(out)["nudges"] == []
    rt = open_runtime(config)
    try:
        with rt.engine.connect() as conn:
            bodies = conn.execute(select(local_comments.c.body).where(local_comments.c.key == due[0]["ticket"])).all()
    finally:
        rt.close()
    assert [row.body for row in bodies] == [due[0]["message"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["quarterly", "--quarter", "2026Q7"], "--quarter: not a quarter"),
        (["weekly", "--as-of", "yesterday"], "--as-of: not a date"),
        (["weekly", "--nudge"], "--nudge goes with"),
        (["overdue", "--dry-run"], "--dry-run goes with --nudge"),
    ],
)
def test_usage_errors(demo: Path, args: list[str], message: str) -> None:
    code, _, err = run(demo, "report", *args)
    assert code == 2
    assert message in err


def test_as_of_date_and_date_time(demo: Path) -> None:
    _, out, _ = run(demo, "report", "overdue", "--as-of", "2026-01-01", "--format", "json")
    report = json.loads(out)
    assert report["as_of"].startswith("2026-01-01T23:59:59")
    assert report["overdue"] == []  # nothing was due yet
    _, out, _ = run(demo, "report", "overdue", "--as-of", "2026-03-01T10:00:00+02:00", "--format", "json")
    assert json.loads(out)["as_of"] == "2026-03-01T10:00:00+02:00"


def test_schema_report_describes_the_json_output(demo: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    code, out, _ = run(demo, "schema", "report")
    assert code == 0
    schema = json.loads(out)
    for kind in ("weekly", "quarterly", "overdue", "repeats"):
        _, report, _ = run(demo, "report", kind, "--format", "json")
        jsonschema.validate(json.loads(report), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"kind": "weekly"}, schema)
    code, out, _ = run(demo, "schema")
    assert json.loads(out)["title"] == "ParseResult"


def test_link_parents_on_the_demo(demo: Path) -> None:
    code, _, err = run(demo, "report", "repeats", "--link-parents")
    assert code == 0, err
    assert "linked 0 repeat pair(s)" in err  # the bundled examples have no repeat
    code, _, err = run(demo, "report", "weekly", "--link-parents")
    assert code == 2 and "--link-parents goes with" in err


def test_a_failed_publication_is_reported_and_the_files_are_still_written(demo: Path, tmp_path: Path) -> None:
    config = tmp_path / "pmsync.toml"
    out = tmp_path / "published"
    config.write_text(
        demo.read_text(encoding="utf-8")
        + f'\n[reports]\noutput_dir = "{out}"\nformats = ["csv"]\npublish_issue = "OPS-1"\n',
        encoding="utf-8",
    )
    code, _, err = run(config, "report", "weekly", "--publish", "--as-of", "2026-05-01")
    assert code == 1
    assert "error: publishing issue:OPS-1/weekly-2026-05-01 failed" in err  # no such ticket
    assert [p.name for p in out.iterdir()] == ["weekly-2026-05-01.csv"]


def test_an_unwritable_out_path_is_a_usage_error_not_a_traceback(demo: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    code, out, err = run(demo, "report", "weekly", "--out", str(blocker / "weekly.md"))
    assert code == 2
    assert f"error: --out: cannot write {blocker / 'weekly.md'}" in err
    assert out == ""


def test_an_unwritable_output_dir_is_reported_and_the_posts_still_go_out(demo: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    config = tmp_path / "pmsync.toml"
    config.write_text(
        demo.read_text(encoding="utf-8")
        + f'\n[reports]\noutput_dir = "{blocker / "reports"}"\nformats = ["csv"]\npublish_issue = "DEMO-1"\n',
        encoding="utf-8",
    )
    code, _, err = run(config, "report", "weekly", "--publish", "--as-of", "2026-05-02")
    assert code == 1
    assert f"error: publishing file:{blocker / 'reports' / 'weekly-2026-05-02.csv'} failed" in err
    assert "published issue:DEMO-1/weekly-2026-05-02" in err  # the comment was still made
    assert "Traceback" not in err


@pytest.mark.parametrize("command", [["report", "weekly"], ["new", "A title"], ["status"]])
def test_a_state_database_that_cannot_be_opened_names_its_path_and_exits_2(tmp_path: Path, command: list[str]) -> None:
    config = tmp_path / "pmsync.toml"
    database = tmp_path / "missing-folder" / "state.db"
    config.write_text(f'[state]\nurl = "sqlite:///{database}"\n', encoding="utf-8")
    code, out, err = run(config, *command, *(["--dir", str(tmp_path / "pm")] if command[0] == "new" else []))
    assert code == 2
    assert f"cannot open the state database {database}" in err
    assert not (tmp_path / "pm").exists()


def test_a_report_over_an_empty_state_says_why_it_is_empty(tmp_path: Path) -> None:
    config = tmp_path / "pmsync.toml"
    config.write_text(f'[state]\nurl = "sqlite:///{tmp_path / "state.db"}"\n', encoding="utf-8")
    code, out, err = run(config, "report", "weekly", "--format", "json")
    assert code == 0
    assert json.loads(out)["completion"]["items"] == 0
    assert "holds no post-mortems yet; run `pmsync sync` first" in err
    _, _, err = run(config, "report", "weekly")  # the text format says it too
    assert "run `pmsync sync` first" in err


def test_report_files_get_the_usual_permissions(demo: Path, tmp_path: Path) -> None:
    """Issue 24 item 6: a report written with --out is readable by others as umask allows, not
    the temporary file's private 0600."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        out = tmp_path / "weekly.md"
        code, _out, err = run(demo, "report", "weekly", "--format", "md", "--out", str(out))
        assert code == 0, err
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        os.umask(0o027)
        code, _out, err = run(demo, "report", "weekly", "--format", "md", "--out", str(out))
        assert stat.S_IMODE(out.stat().st_mode) == 0o640
    finally:
        os.umask(old)
