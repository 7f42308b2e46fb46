"""The run's pacer is built from [safety] max_wait_seconds and is the retry layer's sleep."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sync.errors import BudgetExhausted
from sync.runtime import open_runtime

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)


def test_the_budget_comes_from_the_configuration(tmp_path: Path) -> None:
    config = tmp_path / "pmsync.toml"
    config.write_text(
        f'[state]\nurl = "sqlite:///{tmp_path / "state.db"}"\n\n[safety]\nmax_wait_seconds = 30\n', encoding="utf-8"
    )
    rt = open_runtime(config, environ={}, clock=lambda: NOW)
    try:
        assert rt.pacer is not None
        assert rt.pacer.deadline == NOW + dt.timedelta(seconds=30)
        assert rt.retry.sleep == rt.pacer.wait
        with pytest.raises(BudgetExhausted):
            rt.pacer.wait(31)
    finally:
        rt.close()
