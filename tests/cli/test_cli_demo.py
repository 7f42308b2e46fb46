"""`pmsync demo`: the whole loop from the bundled examples, twice in one directory."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli.main import cli
from sync.demo import examples_dir
from sync.errors import UsageError
from tests.conftest import EXAMPLES


def test_demo_runs_the_loop_and_a_rerun_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", str(target)], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    created = int(re.search(r"created (\d+)", first.output).group(1))  # type: ignore[union-attr]
    assert created >= len(list(EXAMPLES.glob("*.md"))) * 3
    assert "failed 0" in first.output
    worked = int(re.search(r"the team worked (\d+) tickets", first.output).group(1))  # type: ignore[union-attr]
    pulled = int(re.search(r"pulled (\d+) status changes", first.output).group(1))  # type: ignore[union-attr]
    assert worked > 0 and pulled == worked
    assert re.search(r"completion rate: \d+/\d+ items done", first.output)
    assert str(target / "pmsync.db") in first.output
    documents = sorted((target / "postmortems").glob("*.md"))
    assert len(documents) == len(list(EXAMPLES.glob("*.md")))
    # Written back: every document now names its tickets.
    assert all("DEMO-" in doc.read_text(encoding="utf-8") for doc in documents)
    written = {doc.name: doc.read_bytes() for doc in documents}

    again = runner.invoke(cli, ["demo", str(target)], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert "created 0, updated 0" in again.output
    assert {doc.name: doc.read_bytes() for doc in documents}.keys() == written.keys()


def test_without_examples_the_demo_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="example post-mortems were not found") as caught:
        examples_dir({"PMSYNC_EXAMPLES": str(tmp_path / "nowhere")}, source_root=tmp_path / "installed")
    assert caught.value.exit_code == 2 and "PMSYNC_EXAMPLES" in (caught.value.hint or "")


def test_examples_come_from_the_environment_first(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "pm.md").write_text("# PM\n", encoding="utf-8")
    assert examples_dir({"PMSYNC_EXAMPLES": str(tmp_path / "mine")}) == tmp_path / "mine"
    assert examples_dir({}) == EXAMPLES.resolve()  # the source tree's, when nothing is set


def test_the_demo_prints_the_reports_completion_rate(tmp_path: Path) -> None:
    # done / (all − won't do), as `pmsync report weekly` computes it: one rate, not two.
    runner = CliRunner()
    demo = runner.invoke(cli, ["demo", str(tmp_path)], catch_exceptions=False)
    assert demo.exit_code == 0, demo.output
    line = re.search(r"completion rate: (\d+)/(\d+) items done \((\d+)%\); won't do: (\d+)", demo.output)
    assert line is not None, demo.output
    done, counted, percent, wont = (int(g) for g in line.groups())
    assert wont > 0  # the demo's team drops some items
    report = runner.invoke(cli, ["--config", str(tmp_path / "pmsync.toml"), "report", "weekly", "--format", "json"])
    completion = json.loads(report.stdout)["completion"]
    assert (completion["completion"]["numerator"], completion["completion"]["denominator"]) == (done, counted)
    assert completion["wont_do"] == wont
    assert percent == round(100 * done / counted)
