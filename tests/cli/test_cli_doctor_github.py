"""``pmsync doctor`` with ``[tracker] kind = "github"``: the command runs the GitHub checks against
the fake, read-only, and exits 1 with each problem's fix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli.main import cli
from tests.contract.github_fixtures import assert_clean, start
from tests.fakes.github_server import FakeGitHub
from tests.integration.github_project import TOKEN_ENV, write_project


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = start(orgs_with_fields=("acme",))
    try:
        yield server
        assert_clean(server)
    finally:
        server.close()


def doctor(config: Path, fake: FakeGitHub, token: str | None = None) -> tuple[int, str]:
    env = {TOKEN_ENV: token if token is not None else fake.token}
    result = CliRunner().invoke(cli, ["--config", str(config), "doctor"], env=env)
    return result.exit_code, result.output


def test_a_healthy_repository_passes_and_doctor_only_reads(tmp_path: Path, fake: FakeGitHub) -> None:
    config = write_project(tmp_path, fake, 1)
    fake.counter.clear()
    code, output = doctor(config, fake)
    assert code == 0, output
    assert "ok       token: accepted" in output and "all checks passed" in output
    assert not [r for r in fake.counter if not r.startswith("GET") and "graphql" not in r]


def test_a_missing_repository_is_a_problem_with_its_fix(tmp_path: Path, fake: FakeGitHub) -> None:
    config = write_project(tmp_path, fake, 2, teams=("payments", "search"))  # routes to acme/search, absent
    code, output = doctor(config, fake)
    assert code == 1, output
    assert "problem  repository acme/search" in output
    problem_line = output.splitlines().index(next(line for line in output.splitlines() if "acme/search" in line))
    assert output.splitlines()[problem_line + 1].lstrip().startswith("fix: ")


def test_a_rejected_token_says_how_to_make_one(tmp_path: Path, fake: FakeGitHub) -> None:
    config = write_project(tmp_path, fake, 1)
    code, output = doctor(config, fake, token="not-the-token")
    assert code == 1
    assert "problem  token: GitHub rejected the token" in output and "fix: create a fine-grained token" in output
    assert "not-the-token" not in output
