"""``[sources] document_url`` and ``[tracker] close_done`` as the policy sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.config.loading import load_settings
from sync.core.model import PostMortem
from sync.errors import ConfigError
from sync.runtime import policy_for

TOKENS = {"PMSYNC_JIRA_TOKEN": "t", "PMSYNC_GITHUB_TOKEN": "t"}


def settings_in(tmp_path: Path, text: str) -> Path:
    (tmp_path / "pmsync.toml").write_text(text, encoding="utf-8")
    return tmp_path / "pmsync.toml"


def test_the_link_is_relative_to_the_config_files_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = settings_in(tmp_path, '[sources]\ndocument_url = "https://github.com/acme/pm/blob/main/{path}"\n')
    settings = load_settings(config, {})
    policy = policy_for(settings, "local")
    assert policy.close_done is False
    doc = tmp_path / "postmortems" / "inc-1.md"
    link = "https://github.com/acme/pm/blob/main/postmortems/inc-1.md"
    assert policy.document_link(PostMortem(path=str(doc), content_sha256="0" * 64)) == link
    # The same document named relative to another working directory gives the same link.
    monkeypatch.chdir(tmp_path / "..")
    relative = str(Path(tmp_path.name) / "postmortems" / "inc-1.md")
    assert policy.document_link(PostMortem(path=relative, content_sha256="0" * 64)) == link


def test_without_a_url_the_body_names_the_path(tmp_path: Path) -> None:
    policy = policy_for(load_settings(settings_in(tmp_path, ""), {}), "local")
    doc = tmp_path / "pm" / "inc-1.md"
    assert policy.document_link(PostMortem(path=str(doc), content_sha256="0" * 64)) == "pm/inc-1.md"


def test_a_document_url_must_be_http(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="document_url"):
        load_settings(settings_in(tmp_path, '[sources]\ndocument_url = "github.com/{path}"\n'), {})


@pytest.mark.parametrize(
    ("kind", "extra", "expected"),
    [
        ("jira", "", False),
        ("jira", "close_done = true", True),
        ("github", "", True),
        ("github", "close_done = false", False),
    ],
)
def test_close_done_defaults(tmp_path: Path, kind: str, extra: str, expected: bool) -> None:
    tracker = (
        'kind = "jira"\nurl = "https://x.atlassian.net"\nproject = "OPS"\nemail = "a@b.c"'
        if kind == "jira"
        else 'kind = "github"\nrepo = "acme/ops"'
    )
    settings = load_settings(settings_in(tmp_path, f"[tracker]\n{tracker}\n{extra}\n"), TOKENS)
    assert policy_for(settings, kind).close_done is expected
