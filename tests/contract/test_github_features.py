"""GitHub specifics beyond the contract: the due date everywhere it can live, issue types,
sub-issues, statuses, pull paging and ETags, error translation. Against the fake, whose traffic
is held to GitHub's OpenAPI description and secondary limits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from sync.config.models import GitHubTrackerSettings
from sync.core.model import Priority, Status
from sync.core.tickets import CLEAR, Marker, TicketChanges, TicketKind, TicketRef
from sync.errors import ConfigError, RateLimited, TrackerAuthError, TrackerError, TrackerNotFound, TrackerUnavailable
from sync.pacing import BudgetPacer
from sync.trackers.github_body import Footer, render_body, split_body
from sync.trackers.github_tracker import (
    GitHubMapping,
    GitHubTracker,
    ProjectField,
    _PullCursor,
    label_colour,
    parse_key,
)
from tests.contract.github_fixtures import REPO, Rig, assert_clean, build_tracker, start
from tests.contract.tracker_contract import TrackerContract, create_one
from tests.fakes.github_server import FakeGitHub

DUE = dt.date(2026, 2, 13)


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = start(orgs_with_fields=("acme",))
    server.add_project("acme", 7, "Due date")
    try:
        yield server
        assert_clean(server)
    finally:
        server.close()


def rig_with(fake: FakeGitHub, **mapping: object) -> Rig:
    return build_tracker(fake, GitHubMapping(repo=REPO, **mapping))  # type: ignore[arg-type]


def draft(number: int = 1, **overrides: object) -> object:
    return TrackerContract.draft("INC-7", number, due=DUE, **overrides)


def number_of(ref: TicketRef) -> int:
    return parse_key(ref.key)[1]


def test_due_date_in_body_label_target_field_milestone_and_project(fake: FakeGitHub) -> None:
    rig = rig_with(fake, due_milestones=True, project=ProjectField("acme", 7, "Due date"), issue_type="Task")
    ref = create_one(rig.tracker, draft())  # type: ignore[arg-type]
    issue = fake.issue(REPO, number_of(ref))
    assert f"due/{DUE.isoformat()}" in issue.labels
    assert f"**Due:** {DUE.isoformat()}" in (issue.body or "")
    assert issue.field_values == {9002: DUE.isoformat()}, "the org's Target date field"
    milestone = fake.repos[("acme", "ops")].milestones[issue.milestone or 0]
    assert milestone["due_on"].startswith(DUE.isoformat())
    assert issue.type == "Task"
    assert list(fake.project_items.values()) == [{"PVTF_due": DUE.isoformat()}]
    ticket = rig.tracker.get(ref)
    assert ticket.due == DUE and ticket.priority is Priority.P1
    caps = rig.tracker.capabilities
    assert not caps.native_due_date and "milestone" in caps.due_date_note and "Projects v2" in caps.due_date_note

    create_one(rig.tracker, draft(2))  # same due date: the milestone is reused
    assert len(fake.repos[("acme", "ops")].milestones) == 1

    later = DUE + dt.timedelta(days=7)
    rig.tracker.update(ref, TicketChanges(due=later, priority=Priority.P0))
    issue = fake.issue(REPO, number_of(ref))
    assert f"due/{later.isoformat()}" in issue.labels and f"due/{DUE.isoformat()}" not in issue.labels
    assert issue.field_values == {9002: later.isoformat()}
    assert "priority:P0" in issue.labels and "priority:P1" not in issue.labels
    assert rig.tracker.get(ref).due == later
    rig.tracker.update(ref, TicketChanges(due=CLEAR))
    assert fake.issue(REPO, number_of(ref)).milestone is None
    assert rig.tracker.get(ref).due is None


def test_an_org_without_issue_fields_gets_no_field_values(fake: FakeGitHub) -> None:
    fake.issue_fields.clear()
    rig = rig_with(fake)
    ref = create_one(rig.tracker, draft())  # type: ignore[arg-type]
    assert fake.issue(REPO, number_of(ref)).field_values == {}
    assert fake.counter["GET /orgs/{org}/issue-fields"] == 1
    create_one(rig.tracker, draft(2))  # type: ignore[arg-type]
    assert fake.counter["GET /orgs/{org}/issue-fields"] == 1, "detected once per organisation"


def test_a_missing_project_is_reported_not_fatal_to_the_create(fake: FakeGitHub) -> None:
    rig = rig_with(fake, project=ProjectField("acme", 99))
    ref = create_one(rig.tracker, draft())  # type: ignore[arg-type]
    assert rig.tracker.get(ref).title
    assert fake.project_items == {}


def test_parent_type_task_list_and_sub_issue_in_the_create(fake: FakeGitHub) -> None:
    rig = rig_with(fake, parent_issue_type="Incident", issue_type="Task")
    parent = create_one(rig.tracker, TrackerContract.incident("INC-7"))
    child = create_one(rig.tracker, dataclasses.replace(draft(), parent=parent))  # type: ignore[type-var]
    parent_issue = fake.issue(REPO, number_of(parent))
    assert parent_issue.type == "Incident"
    assert parent_issue.sub_issue_ids == [int(child.id or 0)]
    assert f"- [ ] {child.key}" in (parent_issue.body or "")
    assert rig.tracker.get(parent).kind is TicketKind.INCIDENT
    assert rig.tracker.get(child).parent == TicketRef("github", parent.key)
    # Moving the child under another parent replaces the first.
    other = create_one(rig.tracker, TrackerContract.incident("INC-8"))
    rig.tracker.attach(child, other)
    assert fake.issue(REPO, number_of(other)).sub_issue_ids == [int(child.id or 0)]
    assert fake.issue(REPO, number_of(parent)).sub_issue_ids == []


def test_statuses_reopen_in_progress_and_close_done_off(fake: FakeGitHub) -> None:
    rig = rig_with(fake)
    ref = create_one(rig.tracker, draft())  # type: ignore[arg-type]
    rig.tracker.transition(ref, Status.IN_PROGRESS)
    rig.tracker.transition(ref, Status.WONT_DO)
    assert fake.issue(REPO, number_of(ref)).state_reason == "not_planned"
    rig.tracker.transition(ref, Status.OPEN)
    ticket = rig.tracker.get(ref)
    assert ticket.status is Status.OPEN, "reopened, and the in-progress label is gone"
    assert "in progress" not in [label.lower() for label in ticket.labels]

    keep_open = rig_with(fake, close_done=False)
    keep_open.tracker.transition(ref, Status.DONE)
    assert fake.issue(REPO, number_of(ref)).state == "open"


def test_update_body_keeps_the_marker_and_never_removes_it(fake: FakeGitHub) -> None:
    rig = rig_with(fake)
    first = draft()
    ref = create_one(rig.tracker, first)  # type: ignore[arg-type]
    marker = Marker("INC-7#1")
    rig.tracker.update(ref, TicketChanges(body="New text", labels_remove=frozenset({marker.label, "pmsync", "absent"})))
    ticket = rig.tracker.get(ref)
    assert ticket.body == "New text" and ticket.marker == marker
    assert {marker.label, "pmsync"} <= set(ticket.labels)
    assert rig.tracker.find_by_markers([marker])[marker] == [ref]


def test_pull_pages_then_settles_on_one_304(fake: FakeGitHub) -> None:
    rig = rig_with(fake)
    for n in range(1, 4):
        create_one(rig.tracker, draft(n))  # type: ignore[arg-type]
    # Force small pages through a fake that answers 2 per page.
    fake.per_page_cap = 2
    pages = 0
    cursor: str | None = None
    seen: set[str] = set()
    while True:
        page = rig.tracker.changed_since(cursor, None)
        pages += 1
        seen |= {t.ref.key for t in page.tickets}
        cursor = page.next_cursor
        if not page.more:
            break
    assert len(seen) == 3 and pages >= 3
    fake.statuses.clear()
    idle = rig.tracker.changed_since(cursor, REPO)
    assert idle.tickets == () and not idle.more and fake.statuses[304] == 1
    with pytest.raises(TrackerError, match="cursor"):
        rig.tracker.changed_since("garbage", None)


def test_errors_are_translated(fake: FakeGitHub) -> None:
    rig = rig_with(fake)
    ref = create_one(rig.tracker, draft())  # type: ignore[arg-type]
    fake.fail_next(429)
    with pytest.raises(RateLimited) as limited:
        rig.tracker.get(ref)
    assert limited.value.retry_after == 60.0, "no retry-after: wait at least a minute"
    fake.fail_next(403, retry_after=7)
    with pytest.raises(RateLimited) as limited:
        rig.tracker.get(ref)
    assert limited.value.retry_after == 7.0
    fake.fail_next(503)
    with pytest.raises(TrackerUnavailable):
        rig.tracker.get(ref)
    fake.fail_next(0, match="GET")
    with pytest.raises(TrackerUnavailable):
        rig.tracker.get(ref)
    with pytest.raises(TrackerNotFound):
        rig.tracker.get(TicketRef("github", "not a key"))
    with pytest.raises(TrackerError, match="422"):
        create_one(rig.tracker, draft(3, title=""))  # type: ignore[arg-type]
    fake.repos[("acme", "ops")].push = False
    with pytest.raises(TrackerAuthError) as denied:
        rig.tracker.create_many([draft(4, labels=("brand-new-label",))])  # type: ignore[list-item]
    assert denied.value.hint is not None and "Issues: read and write" in denied.value.hint
    fake.token = "rotated"
    with pytest.raises(TrackerAuthError, match="rejected"):
        rig.tracker.create_many([draft(5)])  # type: ignore[list-item]


def test_an_error_answer_is_observed_before_it_is_raised(fake: FakeGitHub) -> None:
    """Issue 25: the tracker raised before it showed an error answer to the pacer, so a
    Retry-After on a 403 was never waited out by the next request; the service's rate-limit
    metric reads what the last answer said."""
    rig = rig_with(fake)
    ref = create_one(rig.tracker, draft())  # type: ignore[arg-type]
    assert rig.tracker.rate_limit_remaining == fake.rate_remaining
    fake.fail_next(403, retry_after=7)
    with pytest.raises(RateLimited):
        rig.tracker.get(ref)
    slept = rig.clock.slept
    rig.tracker.get(ref)
    assert rig.clock.slept - slept == pytest.approx(7.0)


def test_follow_up_writes_are_retried_through_the_retry_policy(fake: FakeGitHub) -> None:
    rig = rig_with(fake)
    parent = create_one(rig.tracker, draft(1, kind=TicketKind.INCIDENT))  # type: ignore[arg-type]
    fake.fail_next(502, match="sub_issues", times=2)
    child = create_one(rig.tracker, dataclasses.replace(draft(2), parent=parent))  # type: ignore[arg-type]
    assert rig.tracker.get(child).parent == TicketRef("github", parent.key)
    fake.fail_next(502, match="sub_issues", times=6)  # every attempt: logged, the create stands
    orphan = create_one(rig.tracker, dataclasses.replace(draft(3), parent=parent))  # type: ignore[arg-type]
    assert rig.tracker.get(orphan).parent is None


def test_from_settings_needs_a_token_and_builds_the_mapping() -> None:
    settings = GitHubTrackerSettings(
        kind="github", repo="acme/ops", project_org="acme", project_number=3, issue_type="Task"
    )
    pacer = BudgetPacer()
    with pytest.raises(ConfigError, match="token"):
        GitHubTracker.from_settings(settings, pacer=pacer, clock=lambda: dt.datetime.now(dt.UTC))
    tracker = GitHubTracker.from_settings(
        settings.model_copy(update={"token": SecretStr("t")}),
        pacer=pacer,
        clock=lambda: dt.datetime.now(dt.UTC),
        repos=["acme/web", "acme/ops"],
    )
    assert tracker.mapping.all_repos == ("acme/ops", "acme/web")
    assert tracker.mapping.project == ProjectField("acme", 3, "Due date")
    assert tracker.mapping.issue_type == "Task"


def test_body_round_trip_and_labels() -> None:
    body = render_body("Text", Footer(Marker("INC-1#2"), DUE, Priority.P2, ("acme/ops#3",)))
    text, footer = split_body(body)
    assert text == "Text"
    assert footer == Footer(Marker("INC-1#2"), DUE, Priority.P2, ("acme/ops#3",))
    assert split_body("no footer") == ("no footer", None)
    assert split_body("old <!-- pmsync:marker INC-1#2 -->")[1] == Footer(Marker("INC-1#2"))
    assert split_body("Text\n\n<!-- pmsync:begin -->\nmarker removed by a person")[1] is None
    assert label_colour("pmsync") == "5319e7" and label_colour("team-a") == label_colour("TEAM-A")
    assert _PullCursor.decode(_PullCursor(since="x", etag="y").encode()) == _PullCursor(since="x", etag="y")


def test_github_enterprise_server_paths() -> None:
    """GHES serves REST under ``/api/v3`` and GraphQL at ``/api/graphql``."""
    from tests.fakes.github_server import SimClock

    ghes = FakeGitHub(SimClock(), path_prefix="/api/v3").serve()
    try:
        ghes.add_repo(REPO)
        ghes.add_project("acme", 7, "Due date")
        assert ghes.url.endswith("/api/v3")
        rig = rig_with(ghes, project=ProjectField("acme", 7, "Due date"))
        ref = create_one(rig.tracker, draft())  # type: ignore[arg-type]
        assert rig.tracker.get(ref).due == DUE
        assert list(ghes.project_items.values()) == [{"PVTF_due": DUE.isoformat()}]
        assert_clean(ghes)
    finally:
        ghes.close()


def test_an_exhausted_primary_limit_is_waited_out_until_reset(fake: FakeGitHub) -> None:
    rig = rig_with(fake)
    ref = create_one(rig.tracker, draft())  # type: ignore[arg-type]
    fake.rate_remaining = 1  # the next answer says x-ratelimit-remaining: 0
    rig.tracker.get(ref)
    before = rig.clock.now()
    rig.tracker.get(ref)
    reset = dt.datetime.fromtimestamp(int(before.timestamp()) // 3600 * 3600 + 3600, dt.UTC)
    assert rig.clock.now() >= reset, "the second request waited for x-ratelimit-reset"
