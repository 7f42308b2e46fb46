"""`pmsync sync --write-back-pr` and `[writeback] mode = "pr"` from the command line, against the fake GitHub."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, select

from sync.cli.main import cli
from sync.store.tables import tracker_writes
from tests.cli.test_cli_sync import write_doc
from tests.contract.github_fixtures import assert_clean
from tests.fakes.github_server import FakeGitHub, RealClock

TOKEN = "ghp_cliDocsSecret987"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub(RealClock(), enforce_pacing=False, token=TOKEN).serve()
    server.add_repo("acme/docs")
    yield server
    server.close()
    assert_clean(server)


def _project(tmp_path: Path, fake: FakeGitHub, writeback: str) -> Path:
    config = tmp_path / "pmsync.toml"
    config.write_text(
        f"""
[sources]
paths = ["docs/*.md"]

[state]
url = "sqlite:///{tmp_path / "state.db"}"

[tracker]
kind = "local"

[writeback]
{writeback}
""",
        encoding="utf-8",
    )
    doc = write_doc(tmp_path / "docs" / "inc-100.md")
    fake.commit_files("acme/docs", "main", {"docs/inc-100.md": doc.read_text(encoding="utf-8")})
    return config


def test_write_back_pr_opens_one_pull_request_and_keeps_the_token_out(
    tmp_path: Path, fake: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMSYNC_DOCS_TOKEN", TOKEN)
    config = _project(tmp_path, fake, f'repo = "acme/docs"\napi_url = "{fake.url}"\ntoken_env = "PMSYNC_DOCS_TOKEN"')
    doc = tmp_path / "docs" / "inc-100.md"
    before = doc.read_bytes()
    runner = CliRunner()
    # The flag takes no value: a path right after it stays a path.
    result = runner.invoke(cli, ["--config", str(config), "-v", "sync", "--write-back-pr", str(tmp_path / "docs")])
    assert result.exit_code == 0, result.output
    assert "write-back pull request opened: https://github.com/acme/docs/pull/1" in result.output
    assert TOKEN not in result.output
    assert doc.read_bytes() == before
    assert "| LOC-2 |" in (fake.file_at("acme/docs", "pmsync/write-back", "docs/inc-100.md") or "")
    # Its writes are in the store's ledger of the docs host, the secondary-limit windows a GitHub
    # tracker on that host reads too.
    engine = create_engine(f"sqlite:///{tmp_path / 'state.db'}")
    with engine.connect() as conn:
        budgets = conn.execute(select(tracker_writes.c.budget)).scalars().all()
    engine.dispose()
    writes = sum(n for key, n in fake.counter.items() if not key.startswith("GET"))
    assert budgets == [f"github:{fake.url}"] * writes and writes > 0
    again = runner.invoke(cli, ["--config", str(config), "sync", "--write-back-pr", "--format", "json"])
    assert again.exit_code == 0, again.output
    pull = json.loads(again.stdout)["write_back_pull_request"]
    assert (pull["url"], pull["opened"], pull["commits"]) == ("https://github.com/acme/docs/pull/1", False, 0)
    assert len(fake.repos[("acme", "docs")].pulls) == 1


def test_mode_pr_without_a_docs_repository_is_a_config_error(tmp_path: Path, fake: FakeGitHub) -> None:
    config = _project(tmp_path, fake, 'mode = "pr"')
    result = CliRunner().invoke(cli, ["--config", str(config), "sync", "--write-back"])
    assert result.exit_code != 0
    assert "[writeback] repo: field required" in result.output
    assert fake.repos[("acme", "docs")].pulls == []
