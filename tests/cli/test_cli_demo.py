"""`pmsync demo`: the whole loop from the bundled examples, twice in one directory."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from sync.cli import cli
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


def test_demo_without_examples_is_a_usage_error(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PMSYNC_EXAMPLES", str(tmp_path / "nowhere"))
    monkeypatch.setattr("sync.demo.sync.__file__", str(tmp_path / "x" / "sync" / "__init__.py"))
    result = CliRunner().invoke(cli, ["demo", str(tmp_path / "d")])
    assert result.exit_code == 2
    assert "example post-mortems were not found" in result.output
