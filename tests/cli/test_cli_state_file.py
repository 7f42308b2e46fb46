"""State that cannot silently vanish or split (issue 22, §3).

A relative SQLite path is relative to the configuration file, a state file removed or replaced during a run fails
the run before it reports success, a file that is not an intact SQLite database is one line naming it (exit 2), and
a password in ``[state] url`` is never read from the file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from sync.cli.main import cli
from sync.config.loading import load_settings
from sync.core.tickets import ChangedPage, TicketDraft
from sync.errors import ConfigError, StateError
from sync.runtime import open_runtime
from sync.store.engine import DatabaseFile, make_engine
from sync.trackers import REGISTRY
from sync.trackers.base import CreateResult
from sync.trackers.local_tracker import LocalTracker
from tests.cli.test_cli_sync import write_doc

PASSWORD = "s3cret-Pa55-9d1e"


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _project(folder: Path, state: str = 'url = "sqlite:///pmsync.db"') -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_doc(folder / "docs" / "inc-100.md")
    config = folder / "pmsync.toml"
    config.write_text(f'[sources]\npaths = ["docs/*.md"]\n\n[state]\n{state}\n', encoding="utf-8")
    return config


# --- a relative path is relative to the configuration file -----------------------------------------------


def test_a_relative_sqlite_path_is_relative_to_the_config_file(tmp_path: Path) -> None:
    config = _project(tmp_path / "project")
    settings = load_settings(config, {}, cwd=tmp_path / "elsewhere")
    assert settings.state.url == f"sqlite:///{tmp_path / 'project' / 'pmsync.db'}"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("sqlite:///state/pm.db?timeout=5", "sqlite:///{base}/state/pm.db?timeout=5"),
        ("sqlite:////abs/pm.db", "sqlite:////abs/pm.db"),
        ("sqlite://", "sqlite://"),
        ("sqlite:///:memory:", "sqlite:///:memory:"),
        ("sqlite:///file:pm?mode=memory&uri=true", "sqlite:///file:pm?mode=memory&uri=true"),
        ("sqlite:///~/pm.db", "sqlite:///{home}/pm.db"),
        ("postgresql+psycopg://pm@db/pm", "postgresql+psycopg://pm@db/pm"),
    ],
)
def test_only_relative_sqlite_files_are_rebased(tmp_path: Path, written: str, expected: str) -> None:
    config = tmp_path / "pmsync.toml"
    config.write_text(f'[state]\nurl = "{written}"\n', encoding="utf-8")
    url = load_settings(config, {}, cwd=Path("/")).state.url
    assert url == expected.format(base=tmp_path, home=Path("~").expanduser())


def test_without_a_file_the_state_is_in_the_working_directory(tmp_path: Path) -> None:
    assert load_settings(None, {}, cwd=tmp_path).state.url == f"sqlite:///{tmp_path / 'pmsync.db'}"


def test_a_run_from_another_folder_uses_the_same_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    first = _run("--config", str(config), "sync")
    assert first.exit_code == 0, first.output
    assert "created 3" in first.output
    assert (tmp_path / "project" / "pmsync.db").is_file() and not (elsewhere / "pmsync.db").exists()
    monkeypatch.chdir(tmp_path / "project" / "docs")
    again = _run("--config", str(config), "sync")
    assert again.exit_code == 0, again.output
    assert "created 0, updated 0, unchanged 3" in again.output


# --- a state file removed or replaced during a run ---------------------------------------------------------


def test_a_state_file_removed_during_a_run_fails_it(tmp_path: Path) -> None:
    config = _project(tmp_path)
    database = tmp_path / "pmsync.db"
    rt = open_runtime(config, environ={})
    try:
        with pytest.raises(StateError, match=f"the state database {database} was removed during this run"):
            rt.sync([tmp_path / "docs"], rt.sync_options(), progress=lambda _n: database.unlink())
    finally:
        rt.close()


def test_a_state_file_replaced_during_a_run_fails_it(tmp_path: Path) -> None:
    config = _project(tmp_path)
    database = tmp_path / "pmsync.db"
    other = tmp_path / "other.db"
    sqlite3.connect(other).close()

    def replace(_n: int) -> None:
        os.replace(other, database)

    rt = open_runtime(config, environ={})
    try:
        with pytest.raises(StateError, match="was replaced by another file during this run"):
            rt.sync([tmp_path / "docs"], rt.sync_options(), progress=replace)
    finally:
        rt.close()


def test_an_untouched_state_file_passes_the_check(tmp_path: Path) -> None:
    config = _project(tmp_path)
    rt = open_runtime(config, environ={})
    try:
        report = rt.sync([tmp_path / "docs"], rt.sync_options())
        assert report.exit_code == 0 and rt.database_file is not None
        assert rt.database_file.path == tmp_path / "pmsync.db"
    finally:
        rt.close()


def test_only_sqlite_files_are_watched(tmp_path: Path) -> None:
    for url in ("sqlite://", "sqlite:///:memory:"):
        engine = make_engine(url)
        assert DatabaseFile.of(engine) is None
        engine.dispose()
    engine = make_engine(f"sqlite:///{tmp_path / 'not-yet.db'}")
    assert DatabaseFile.of(engine) is None  # not created until first used
    engine.dispose()


class FileLosingTracker(LocalTracker):
    """The embedded tracker, while someone deletes the state file under the run (as in issue 22: mid-creates)."""

    def __init__(self, engine: Engine, database: Path, prefix: str) -> None:
        super().__init__(engine, prefix=prefix)
        self.database = database

    def create_many(self, drafts: Sequence[TicketDraft]) -> list[CreateResult]:
        created = super().create_many(drafts)
        self.database.unlink(missing_ok=True)
        return created

    def changed_since(self, cursor: str | None, scope: str | None) -> ChangedPage:
        page = super().changed_since(cursor, scope)
        self.database.unlink(missing_ok=True)
        return page


@pytest.fixture
def losing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose state file is deleted by the tracker's next create or pull (injected as every backend is)."""
    config = _project(tmp_path)
    monkeypatch.setitem(
        REGISTRY,
        "local",
        lambda settings, deps: FileLosingTracker(
            deps.engine, tmp_path / "pmsync.db", prefix=settings.tracker.project_prefix
        ),
    )
    return config


def test_sync_does_not_report_creates_whose_record_was_lost(losing: Path) -> None:
    result = _run("--config", str(losing), "sync")
    assert result.exit_code == 1
    assert "was removed during this run" in result.output
    assert "created 3" not in result.output  # the summary of a run whose record is gone is never printed


def test_pull_does_not_report_a_pull_whose_record_was_lost(losing: Path) -> None:
    result = _run("--config", str(losing), "pull")
    assert result.exit_code == 1
    assert "was removed during this run" in result.output and "pulled" not in result.output


# --- a file that is not an intact SQLite database --------------------------------------------------------


def _status(config: Path) -> Result:
    return _run("--config", str(config), "status")


def test_a_file_that_is_not_sqlite_is_one_line_naming_it(tmp_path: Path) -> None:
    config = _project(tmp_path)
    (tmp_path / "pmsync.db").write_text("these are my notes, not a database\n" * 20, encoding="utf-8")
    result = _status(config)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert errors == [f"error: [state] url: {tmp_path / 'pmsync.db'} is not an SQLite database"]
    assert "Traceback" not in result.output


def test_a_damaged_database_is_one_line_naming_it(tmp_path: Path) -> None:
    config = _project(tmp_path)
    assert _run("--config", str(config), "sync").exit_code == 0
    database = tmp_path / "pmsync.db"
    data = bytearray(database.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[page : 3 * page] = b"\xa5" * (2 * page)  # pages 2 and 3 overwritten, the header intact
    database.write_bytes(bytes(data))
    result = _status(config)
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: [state] url: the state database {database} is damaged")


def test_a_truncated_database_is_one_line_naming_it(tmp_path: Path) -> None:
    config = _project(tmp_path)
    assert _run("--config", str(config), "sync").exit_code == 0
    database = tmp_path / "pmsync.db"
    with database.open("r+b") as handle:
        handle.truncate(database.stat().st_size // 2)
    result = _status(config)
    assert result.exit_code == 2, result.output
    assert f"the state database {database} is damaged" in result.output


def test_an_empty_file_and_a_good_database_are_accepted(tmp_path: Path) -> None:
    config = _project(tmp_path)
    (tmp_path / "pmsync.db").write_bytes(b"")  # SQLite's own empty database
    assert _status(config).exit_code == 0
    backup = tmp_path / "backup.db"
    shutil.copyfile(tmp_path / "pmsync.db", backup)
    assert _status(config).exit_code == 0


def test_a_folder_where_the_database_should_be_is_named(tmp_path: Path) -> None:
    config = _project(tmp_path)
    (tmp_path / "pmsync.db").mkdir()
    result = _status(config)
    assert result.exit_code == 2
    assert f"the state database {tmp_path / 'pmsync.db'} is not a file" in result.output


# --- no password in the file --------------------------------------------------------------------------------


def test_a_password_in_the_file_is_refused_without_showing_it(tmp_path: Path) -> None:
    config = _project(tmp_path, f'url = "postgresql+psycopg://pmsync:{PASSWORD}@db.example.com/pmsync"')
    with pytest.raises(ConfigError) as caught:
        load_settings(config, {}, cwd=tmp_path)
    assert "[state] url: holds a password" in caught.value.message
    assert "PMSYNC_STATE__URL" in caught.value.message and "url_env" in caught.value.message
    assert PASSWORD not in caught.value.message and PASSWORD not in (caught.value.hint or "")
    result = _status(config)
    assert result.exit_code == 2 and PASSWORD not in result.output


def test_a_password_in_a_malformed_url_is_refused_too(tmp_path: Path) -> None:
    config = _project(tmp_path, f'url = "postgresql+psycopg://pmsync:{PASSWORD}@[::1/pmsync"')
    with pytest.raises(ConfigError, match=r"\[state\] url: holds a password") as caught:
        load_settings(config, {}, cwd=tmp_path)
    assert PASSWORD not in caught.value.message


def test_only_sqlite_urls_name_a_file() -> None:
    assert DatabaseFile.path_of("sqlite:////srv/pm/pmsync.db") == Path("/srv/pm/pmsync.db")
    assert DatabaseFile.path_of("postgresql+psycopg://pm@db/pm") is None
    assert DatabaseFile.path_of("not a url") is None


def test_a_url_with_a_password_comes_from_the_environment(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://pmsync:{PASSWORD}@db.example.com/pmsync"
    settings = load_settings(None, {"PMSYNC_STATE__URL": url}, cwd=tmp_path)
    assert settings.state.url == url


def test_url_env_names_the_variable_holding_the_url(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://pmsync:{PASSWORD}@db.example.com/pmsync"
    config = _project(tmp_path, 'url = "sqlite:///ignored.db"\nurl_env = "PM_DB_URL"')
    assert load_settings(config, {"PM_DB_URL": url}, cwd=tmp_path).state.url == url
    # PMSYNC_STATE__URL is an override like any other, and wins.
    both = {"PM_DB_URL": url, "PMSYNC_STATE__URL": "sqlite:///override.db"}
    assert load_settings(config, both, cwd=tmp_path).state.url == f"sqlite:///{tmp_path / 'override.db'}"


def test_url_env_unset_is_a_config_error(tmp_path: Path) -> None:
    config = _project(tmp_path, 'url_env = "PM_DB_URL"')
    with pytest.raises(ConfigError, match=r"\[state\] url_env: PM_DB_URL is not set; export PM_DB_URL=<database URL>"):
        load_settings(config, {}, cwd=tmp_path)
    with pytest.raises(ConfigError, match=r"\[state\] url_env: string should match pattern"):
        load_settings(_project(tmp_path, 'url_env = "not a name"'), {}, cwd=tmp_path)


def test_the_service_pull_job_fails_when_its_state_file_is_lost(losing: Path, tmp_path: Path) -> None:
    from sync.service.app import JobBook

    rt = open_runtime(losing, environ={})
    try:
        with pytest.raises(StateError, match="was removed during this run"):
            JobBook(rt, base_dir=tmp_path, factories={}).pull()
    finally:
        rt.close()
