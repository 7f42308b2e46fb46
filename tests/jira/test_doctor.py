"""``pmsync doctor`` against the fake Jira: a healthy site passes, each broken setting is named
with its fix, exit 1 on any problem."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli.main import cli
from tests.fakes.jira_server import FakeJira, RunningFake, serve
from tests.jira.corpus import write_config

ENV = {"PMSYNC_JIRA_TOKEN": "secret-token"}


def _serve(flavour: str) -> Iterator[RunningFake]:
    running = serve(FakeJira(flavour))  # type: ignore[arg-type]
    try:
        yield running
    finally:
        running.close()
    assert running.fake.violations == [], "\n".join(running.fake.violations)


@pytest.fixture
def cloud() -> Iterator[RunningFake]:
    yield from _serve("cloud")


@pytest.fixture
def dc() -> Iterator[RunningFake]:
    yield from _serve("datacenter")


def doctor(tmp_path: Path, running: RunningFake, extra: str = "", **options: str) -> tuple[int, str]:
    config = write_config(tmp_path, running.url, deployment=running.fake.flavour)
    text = config.read_text(encoding="utf-8")
    for key, value in options.items():
        if f"\n{key} = " in text:
            text = re.sub(rf"\n{key} = .*\n", f"\n{key} = {value}\n", text)
        else:
            text = text.replace('project = "OPS"\n', f'project = "OPS"\n{key} = {value}\n', 1)
    config.write_text(text + extra, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "doctor"], env=ENV)
    return result.exit_code, result.output


def test_a_healthy_cloud_site_passes_every_check(tmp_path: Path, cloud: RunningFake) -> None:
    code, out = doctor(tmp_path, cloud)
    assert code == 0, out
    assert "ok       reachability" in out and "ok       credentials: signed in as pmsync bot" in out
    assert "each item is a Task under an Epic" in out
    assert "all checks passed" in out
    assert cloud.fake.requests["POST /rest/api/3/issue/bulk"] == 0, "doctor never writes"


def test_a_healthy_data_center_site_passes(tmp_path: Path, dc: RunningFake) -> None:
    code, out = doctor(tmp_path, dc)
    assert code == 0, out
    assert "by customfield_10014" in out


def test_data_center_without_epic_link_field_is_a_problem_with_its_fix(tmp_path: Path, dc: RunningFake) -> None:
    config = write_config(tmp_path, dc.url, deployment="datacenter")
    text = config.read_text(encoding="utf-8").replace(
        'epic_link_field = "customfield_10014"', 'email = "bot@example.com"'
    )
    config.write_text(text, encoding="utf-8")
    dc.fake.email = "bot@example.com"
    result = CliRunner().invoke(cli, ["--config", str(config), "doctor"], env=ENV)
    assert result.exit_code == 1
    assert "fix: set [tracker] epic_link_field" in result.output


@pytest.mark.parametrize(
    ("options", "extra", "expected"),
    [
        ({"issue_type": '"Story"'}, "", "no issue type 'Story'"),
        ({"parent_issue_type": '"Task"'}, "", "cannot sit under a Task"),
        ({"priorities": '{ P0 = "Blocker" }'}, "", "P0 = 'Blocker'"),
        ({"link_type": '"Clones"'}, "", "no link type 'Clones'"),
        ({}, '[routing]\ndefault_project = "NOPE"\n', "project NOPE: not usable"),
        ({"deployment": '"datacenter"', "epic_link_field": '"Epic Link"'}, "", "deployment"),
    ],
)
def test_each_broken_setting_is_named_with_its_fix(
    tmp_path: Path, cloud: RunningFake, options: dict[str, str], extra: str, expected: str
) -> None:
    code, out = doctor(tmp_path, cloud, extra, **options)
    assert code == 1, out
    assert expected in out
    assert "fix: " in out


def test_required_custom_fields_and_the_create_screen(tmp_path: Path, cloud: RunningFake) -> None:
    cloud.fake.required_fields = {"customfield_10050": "Team"}
    cloud.fake.create_screen_missing = {"duedate"}
    code, out = doctor(tmp_path, cloud)
    assert code == 1
    assert "duedate not on the create screen" in out
    assert "required fields without a value: Team (customfield_10050)" in out
    code, out = doctor(tmp_path, cloud, fields='{ "Team" = "SRE" }')
    assert "required fields without a value" not in out


def test_bad_credentials_and_an_unreachable_site(tmp_path: Path, cloud: RunningFake) -> None:
    cloud.fake.token = "rotated"
    code, out = doctor(tmp_path, cloud)
    assert code == 1 and "the token was rejected" in out and "id.atlassian.com" in out
    config = write_config(tmp_path, "http://127.0.0.1:9")
    result = CliRunner().invoke(cli, ["--config", str(config), "doctor"], env=ENV)
    assert result.exit_code == 1 and "problem  reachability" in result.output


def test_the_local_tracker_needs_no_checks(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "none.toml"), "doctor"], env={})
    assert result.exit_code in (0, 2)
