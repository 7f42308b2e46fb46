"""`[writeback]` for a pull request: which repository, which token (never from the file itself)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.config.loading import load_settings
from sync.config.models import Settings
from sync.errors import ConfigError
from sync.pacing import BudgetPacer
from sync.writeback.pull_request import pull_request_writer

GITHUB = """
[tracker]
kind = "github"
repo = "acme/ops"
"""


def _settings(tmp_path: Path, text: str, env: dict[str, str]) -> Settings:
    config = tmp_path / "pmsync.toml"
    config.write_text(text, encoding="utf-8")
    return load_settings(config, env)


def test_the_github_tracker_gives_repository_and_token(tmp_path: Path) -> None:
    settings = _settings(
        tmp_path, GITHUB + '\n[writeback]\nmode = "pr"\nbase = "trunk"\n', {"PMSYNC_GITHUB_TOKEN": "t1"}
    )
    writer = pull_request_writer(settings, BudgetPacer(), environ={})
    assert (writer.target.repo, writer.target.base, writer.target.branch) == ("acme/ops", "trunk", "pmsync/write-back")
    assert writer.root == tmp_path  # relative to the configuration file


def test_token_file_and_token_env_win_and_an_empty_one_is_refused(tmp_path: Path) -> None:
    (tmp_path / "docs-token").write_text("\n", encoding="utf-8")
    text = '[writeback]\nrepo = "acme/docs"\ntoken_file = "docs-token"\n'
    with pytest.raises(ConfigError, match=r"\[writeback\] token: field required"):
        pull_request_writer(_settings(tmp_path, text, {}), BudgetPacer(), environ={})
    with pytest.raises(ConfigError, match="cannot read"):
        settings = _settings(tmp_path, text.replace("docs-token", "missing"), {})
        pull_request_writer(settings, BudgetPacer(), environ={})
    env_text = '[writeback]\nrepo = "acme/docs"\ntoken_env = "DOCS_TOKEN"\n'
    writer = pull_request_writer(_settings(tmp_path, env_text, {}), BudgetPacer(), environ={"DOCS_TOKEN": "t2"})
    assert writer.target.repo == "acme/docs"
    with pytest.raises(ConfigError, match="token"):
        pull_request_writer(_settings(tmp_path, '[writeback]\nrepo = "acme/docs"\n', {}), BudgetPacer(), environ={})
