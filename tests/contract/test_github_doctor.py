"""``pmsync doctor`` checks for GitHub against the fake: each problem comes with its fix."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sync.trackers.github_doctor import Finding, Level, diagnose, problems
from sync.trackers.github_tracker import GitHubMapping, ProjectField
from tests.contract.github_fixtures import REPO, assert_clean, build_tracker, start
from tests.contract.tracker_contract import TrackerContract, create_one
from tests.fakes.github_server import FakeGitHub


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = start(orgs_with_fields=("acme",))
    server.add_project("acme", 7, "Due date")
    try:
        yield server
        assert_clean(server)
    finally:
        server.close()


def by_check(findings: list[Finding]) -> dict[str, Finding]:
    return {f.check: f for f in findings}


def test_a_healthy_setup_has_no_problems(fake: FakeGitHub) -> None:
    rig = build_tracker(fake, GitHubMapping(repo=REPO, issue_type="Task", project=ProjectField("acme", 7, "Due date")))
    create_one(rig.tracker, TrackerContract.draft("INC-1", 1))
    fake.counter.clear()
    findings = rig.tracker.diagnose()
    assert problems(findings) == []
    found = by_check(findings)
    assert found["token"].level is Level.OK
    assert found[f"repository {REPO} sub-issues"].level is Level.OK
    assert found["organisation acme Target date field"].level is Level.OK
    assert found["organisation acme issue types"].level is Level.OK
    assert found["project acme#7"].level is Level.OK
    assert not [f for f in fake.counter if not f.startswith("GET") and "graphql" not in f], "doctor only reads"


def test_problems_come_with_fixes(fake: FakeGitHub) -> None:
    fake.repos[("acme", "ops")].push = False
    fake.issue_fields.clear()
    mapping = GitHubMapping(
        repo=REPO, repos=("acme/missing",), issue_type="Epic", project=ProjectField("acme", 99), labels=("postmortem",)
    )
    findings = diagnose(build_tracker(fake, mapping).tracker)
    found = by_check(findings)
    assert found[f"repository {REPO}"].level is Level.PROBLEM
    assert found[f"repository {REPO} labels"].level is Level.PROBLEM
    assert found["repository acme/missing"].level is Level.PROBLEM
    assert found["organisation acme issue types"].level is Level.PROBLEM
    assert found["organisation acme Target date field"].level is Level.NOTE
    assert found["project acme#99"].level is Level.PROBLEM
    assert all(p.fix for p in problems(findings))


def test_a_rejected_token_is_one_problem(fake: FakeGitHub) -> None:
    rig = build_tracker(fake)
    fake.token = "rotated"
    [finding] = diagnose(rig.tracker)
    assert finding.level is Level.PROBLEM and finding.fix and "Issues: read and write" in finding.fix
