"""make_engine's configuration checks: a SQLite file needs an existing folder; memory needs none."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from sync.errors import ConfigError
from sync.store.engine import make_engine


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_needs_no_folder(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select 1")).scalar() == 1
    finally:
        engine.dispose()


def test_a_file_in_a_missing_folder_is_a_configuration_error(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "state.db"
    with pytest.raises(ConfigError, match="cannot open the state database .*no-such-folder") as caught:
        make_engine(f"sqlite:///{missing}")
    assert caught.value.exit_code == 2
    make_engine(f"sqlite:///{tmp_path / 'state.db'}").dispose()  # an existing folder is fine
