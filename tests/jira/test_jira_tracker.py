"""The Jira adapter's own behaviour beyond the contract: batches, per-element errors, faults,
error messages, assignees, custom fields, Data Center parents, paging and cursors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest
from pydantic import SecretStr

from sync.config.models import JiraTrackerSettings
from sync.core.model import Priority, Status
from sync.core.tickets import Marker, TicketChanges, TicketDraft, TicketKind, TicketRef
from sync.errors import ConfigError, RateLimited, TrackerAuthError, TrackerError, TrackerNotFound, TrackerUnavailable
from sync.trackers.jira_tracker import JiraTracker
from sync.trackers.sending import stamping
from tests.fakes.jira_server import EPIC_LINK_FIELD, FakeJira, Fault, RunningFake, serve
from tests.jira.support import RecordingPacer, TestClock, make_tracker

BULK = "POST /rest/api/3/issue/bulk"


@pytest.fixture
def clock() -> TestClock:
    return TestClock(step=1.0)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as client:
        yield client


def _serve(flavour: str, clock: TestClock, **options: object) -> Iterator[RunningFake]:
    running = serve(FakeJira(flavour, clock=clock, **options))  # type: ignore[arg-type]
    try:
        yield running
    finally:
        running.close()
    assert running.fake.violations == [], "\n".join(running.fake.violations)


@pytest.fixture
def cloud(clock: TestClock) -> Iterator[RunningFake]:
    yield from _serve("cloud", clock)


@pytest.fixture
def dc(clock: TestClock) -> Iterator[RunningFake]:
    yield from _serve("datacenter", clock)


def draft(n: int, incident: str = "INC-1", **overrides: object) -> TicketDraft:
    fields: dict[str, object] = {
        "marker": Marker(f"{incident}#{n}"),
        "title": f"Rotate keys: step {n} of the rollout, with the whole action text kept",
        "body": f"Item {n}\nIncident: database failover\nDocument: https://wiki.example.com/pm/{incident}",
        "priority": Priority.P1,
        "labels": ("postmortem", "team payments"),
        "due": dt.date(2026, 12, 14),
    }
    fields.update(overrides)
    return TicketDraft(**fields)  # type: ignore[arg-type]


def incident(key: str = "INC-1") -> TicketDraft:
    return TicketDraft(marker=Marker(key), kind=TicketKind.INCIDENT, title=f"{key}: failover", body="Parent")


# --- create --------------------------------------------------------------------------------------


def test_one_bulk_request_creates_a_batch_with_marker_property_labels_and_fields(
    cloud: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(cloud, clock, http)
    results = tracker.create_many([draft(n) for n in range(1, 51)])
    assert all(isinstance(r, TicketRef) and r.id for r in results)
    assert cloud.fake.requests[BULK] == 1
    issue = cloud.fake.issue(results[0].key)  # type: ignore[union-attr]
    assert issue.summary == draft(1).title, "the summary is the whole action text, never cut at a colon"
    assert issue.properties["pmsync"] == {"marker": "INC-1#1", "kind": "item"}
    assert {"pmsync", Marker("INC-1#1").label, "postmortem", "team-payments"} <= set(issue.labels)
    assert issue.priority == "High" and issue.duedate == "2026-12-14"
    assert issue.description["type"] == "doc"
    with pytest.raises(ValueError, match="at most 50"):
        tracker.create_many([draft(n) for n in range(51)])


def test_a_failed_element_fails_alone_naming_its_field(
    cloud: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(cloud, clock, http)
    parent = tracker.create_many([incident()])[0]
    assert isinstance(parent, TicketRef)
    ghost = TicketRef(tracker="jira", key="OPS-999", id="999999")
    results = tracker.create_many([draft(1, parent=parent), draft(2, parent=ghost), draft(3, parent=parent)])
    assert isinstance(results[0], TicketRef) and isinstance(results[2], TicketRef)
    assert isinstance(results[1], TrackerError)
    assert "INC-1#2" in str(results[1]) and "field 'parent'" in str(results[1])
    assert cloud.fake.issue(results[2].key).parent_id == parent.id


def test_every_element_failing_is_answered_per_draft(cloud: RunningFake, clock: TestClock, http: httpx.Client) -> None:
    cloud.fake.required_fields = {"customfield_10050": "Team"}
    tracker = make_tracker(cloud, clock, http)
    results = tracker.create_many([draft(1), draft(2)])
    assert all(isinstance(r, TrackerError) and "customfield_10050" in str(r) for r in results)
    fixed = make_tracker(cloud, clock, http, extra_fields={"Team": "SRE"})
    created = fixed.create_many([draft(1)])
    assert isinstance(created[0], TicketRef)
    assert cloud.fake.issue(created[0].key).custom["customfield_10050"] == "SRE"
    unknown = make_tracker(cloud, clock, http, extra_fields={"No such field": 1}).create_many([draft(2)])
    assert isinstance(unknown[0], TrackerError) and "No such field" in str(unknown[0])


def test_a_create_that_committed_then_lost_its_answer_is_unknown_not_failed(
    cloud: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(cloud, clock, http)
    cloud.fake.inject(Fault("commit_drop", route=BULK))
    results = tracker.create_many([draft(1), draft(2)])
    assert all(isinstance(r, TrackerUnavailable) for r in results)
    assert len(cloud.fake.issues_with_label(Marker("INC-1#1").label)) == 1, "it did happen"
    clock.advance(10)
    found = tracker.find_by_markers([Marker("INC-1#1"), Marker("INC-1#2")])
    assert [len(v) for v in found.values()] == [1, 1]


@pytest.mark.parametrize(
    ("fault", "error", "text"),
    [
        (Fault("429", retry_after=7, reason="jira-per-issue-on-write"), RateLimited, "jira-per-issue-on-write"),
        (Fault("503", retry_after=4), TrackerUnavailable, "unavailable, retry after 4s"),
        (Fault("500"), TrackerUnavailable, "HTTP 500"),
        (Fault("drop"), TrackerUnavailable, "may still have happened"),
        (Fault("403"), TrackerAuthError, "permission"),
    ],
)
def test_faults_become_pmsync_errors(
    cloud: RunningFake, clock: TestClock, http: httpx.Client, fault: Fault, error: type[Exception], text: str
) -> None:
    tracker = make_tracker(cloud, clock, http)
    cloud.fake.inject(fault)
    with pytest.raises(error, match=text) as raised:
        tracker.find_by_markers([Marker("INC-1#1")])
    if isinstance(raised.value, RateLimited):
        assert raised.value.retry_after == fault.retry_after, "wait what Retry-After says, never less"


def test_a_rate_limited_bulk_create_raises_since_nothing_was_created(
    cloud: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(cloud, clock, http)
    cloud.fake.inject(Fault("429", route=BULK, retry_after=3))
    with pytest.raises(RateLimited):
        tracker.create_many([draft(1)])
    assert cloud.fake.issues == {}
    pacer = tracker.client._pacer  # noqa: SLF001 - the test's own recording pacer
    assert isinstance(pacer, RecordingPacer)
    assert any(h.get("retry-after") == "3" for h in pacer.seen), "the pacer learns the window"


def test_bad_credentials_and_missing_issues_are_one_line_errors(
    cloud: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(cloud, clock, http)
    cloud.fake.token = "rotated"
    with pytest.raises(TrackerAuthError, match="credentials rejected") as raised:
        tracker.get(TicketRef(tracker="jira", key="OPS-1"))
    assert raised.value.hint and "doctor" in raised.value.hint
    cloud.fake.token = "secret-token"
    with pytest.raises(TrackerNotFound, match="OPS-404"):
        make_tracker(cloud, clock, http).get(TicketRef(tracker="jira", key="OPS-404"))


def test_update_sends_only_the_delta(cloud: RunningFake, clock: TestClock, http: httpx.Client) -> None:
    tracker = make_tracker(cloud, clock, http)
    ref = tracker.create_many([draft(1)])[0]
    assert isinstance(ref, TicketRef)
    cloud.fake.reset_counts()
    tracker.update(ref, TicketChanges())
    assert cloud.fake.total_requests() == 0
    tracker.update(ref, TicketChanges(body="New body https://x.example/y", priority=Priority.P0))
    issue = cloud.fake.issue(ref.key)
    assert issue.priority == "Highest"
    assert tracker.get(ref).body == "New body https://x.example/y"
    assert issue.summary == draft(1).title


# --- assignees -----------------------------------------------------------------------------------


def test_assignee_by_email_is_looked_up_once_per_run(cloud: RunningFake, clock: TestClock, http: httpx.Client) -> None:
    tracker = make_tracker(cloud, clock, http)
    results = tracker.create_many([draft(1, assignee="bob@example.com"), draft(2, assignee="bob@example.com")])
    assert cloud.fake.requests["GET /rest/api/3/user/search"] == 1
    assert cloud.fake.issue(results[0].key).assignee == "5b10a2844c20165700ede21g"  # type: ignore[union-attr]
    assert tracker.get(results[1]).assignee == "bob@example.com"  # type: ignore[arg-type]


def test_an_owner_no_single_user_matches_is_created_unassigned_never_failed(
    cloud: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    # Issue 23.5: "Carol" is no account (Jira refuses it), two users share carol-ish names, and
    # nobody has zed's address: each ticket is still created, unassigned, with a warning.
    tracker = make_tracker(cloud, clock, http)
    results = tracker.create_many([draft(1, assignee="Carol"), draft(2, assignee="zed@example.com"), draft(3)])
    assert all(isinstance(r, TicketRef) for r in results), results
    assert [cloud.fake.issue(r.key).assignee for r in results] == [None, None, None]  # type: ignore[union-attr]
    assert len(cloud.fake.issues) == 3, "no draft created twice"


@pytest.mark.parametrize(
    "account",
    [
        "5b10ac8d82e05b22cc7d4ef5",
        "5b10a2844c20165700ede21g",
        "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077",
        "712020:0e3c1c44-7a0e-4d5e-9a57-3b1a8b7c2f10",
        "qm:6f3b2a1c-0d4e-4f5a-8b9c-1d2e3f4a5b6c:1a2b3c4d",
    ],
)
def test_an_account_id_from_the_owner_directory_is_used_as_written(
    cloud: RunningFake, clock: TestClock, http: httpx.Client, account: str
) -> None:
    tracker = make_tracker(cloud, clock, http)
    (ref,) = tracker.create_many([draft(1, assignee=account)])
    assert isinstance(ref, TicketRef)
    assert cloud.fake.issue(ref.key).assignee == account
    assert cloud.fake.requests["GET /rest/api/3/user/search"] == 0
    assert tracker.get(ref).assignee == account


def test_an_update_to_an_owner_nobody_matches_leaves_the_assignee_alone(
    cloud: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(cloud, clock, http)
    (ref,) = tracker.create_many([draft(1, assignee="bob@example.com")])
    assert isinstance(ref, TicketRef)
    cloud.fake.reset_counts()
    tracker.update(ref, TicketChanges(assignee="zed@example.com"))
    assert cloud.fake.issue(ref.key).assignee == "5b10a2844c20165700ede21g"
    assert cloud.fake.requests["PUT /rest/api/3/issue/{issueIdOrKey}"] == 0


def test_data_center_user_names_are_used_as_written_and_e_mails_looked_up(
    dc: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(dc, clock, http)
    named, mailed, unknown = tracker.create_many(
        [draft(1, assignee="carol2"), draft(2, assignee="alice@example.com"), draft(3, assignee="ghost")]
    )
    assert [dc.fake.issue(r.key).assignee for r in (named, mailed, unknown)] == ["carol2", "alice", None]  # type: ignore[union-attr]
    assert dc.fake.requests["GET /rest/api/2/user/search"] == 1


# --- Data Center -----------------------------------------------------------------------------------


def test_data_center_uses_wiki_markup_user_names_and_the_epic_link(
    dc: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(dc, clock, http)
    parent = tracker.create_many([incident()])[0]
    assert isinstance(parent, TicketRef)
    child = tracker.create_many([draft(1, parent=parent, assignee="bob", body="Fix *now* [x] https://a.example/b")])[0]
    assert isinstance(child, TicketRef)
    issue = dc.fake.issue(child.key)
    assert issue.description == "Fix \\*now\\* \\[x\\] [https://a.example/b]"
    assert issue.assignee == "bob"
    assert issue.custom == {EPIC_LINK_FIELD: parent.key} and issue.parent_id == parent.id
    ticket = tracker.get(child)
    assert ticket.body == "Fix *now* [x] https://a.example/b"
    assert ticket.parent is not None and ticket.parent.key == parent.key
    tracker.comment(child, "overdue")
    assert dc.fake.issue(child.key).comments == ["overdue"]


def test_data_center_without_an_epic_link_field_says_what_to_set(
    dc: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(dc, clock, http, epic_link_field=None)
    parent = tracker.create_many([incident()])[0]
    (result,) = tracker.create_many([draft(1, parent=parent)])
    assert isinstance(result, TrackerError) and result.hint and "epic_link_field" in result.hint


def test_sub_tasks_when_configured(dc: RunningFake, clock: TestClock, http: httpx.Client) -> None:
    tracker = make_tracker(dc, clock, http, parent_issue_type="Task", subtask_issue_type="Sub-task")
    parent = tracker.create_many([incident()])[0]
    assert isinstance(parent, TicketRef)
    child = tracker.create_many([draft(1, parent=parent)])[0]
    assert isinstance(child, TicketRef)
    assert dc.fake.issue(child.key).issuetype.name == "Sub-task"
    assert tracker.get(child).parent == parent


def test_data_center_pull_pages_with_start_at(dc: RunningFake, clock: TestClock, http: httpx.Client) -> None:
    tracker = make_tracker(dc, clock, http)
    for start in range(0, 150, 50):
        tracker.create_many([draft(n) for n in range(start, start + 50)])
    dc.fake.reset_counts()
    cursor, seen, pages = None, set(), 0
    while True:
        page = tracker.changed_since(cursor, None)
        pages += 1
        seen |= {t.ref.key for t in page.tickets}
        cursor = page.next_cursor
        if not page.more:
            break
    assert len(seen) == 150 and pages == 2
    assert dc.fake.requests["POST /rest/api/2/search"] == 2


# --- pull ------------------------------------------------------------------------------------------


def test_pull_pages_with_next_page_token_and_then_only_sees_changes(
    cloud: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(cloud, clock, http)
    refs: list[TicketRef] = []
    for start in range(0, 250, 50):
        refs += [
            r for r in tracker.create_many([draft(n) for n in range(start, start + 50)]) if isinstance(r, TicketRef)
        ]
    clock.advance(600)  # past the index lag and the cursor margin
    cloud.fake.reset_counts()
    cursor, pages, seen = None, [], set()
    while True:
        page = tracker.changed_since(cursor, None)
        pages.append(len(page.tickets))
        seen |= {t.ref.key for t in page.tickets}
        cursor = page.next_cursor
        if not page.more:
            break
    # Pages go on from the newest change seen (its minute comes again), not from an offset.
    assert pages[:2] == [100, 100] and seen == {ref.key for ref in refs}
    assert cloud.fake.requests["POST /rest/api/3/search/jql"] == 3
    clock.advance(600)
    cloud.fake.human_transition(refs[7].key, "Done")
    cloud.fake.human_transition(refs[8].key, "Done", resolution="Won't Do")
    clock.advance(600)
    page = tracker.changed_since(cursor, None)
    assert not page.more
    statuses = {t.ref.key: t.status for t in page.tickets}
    assert statuses[refs[7].key] is Status.DONE and statuses[refs[8].key] is Status.WONT_DO
    # Re-delivery of the last minute before the cursor is allowed (and unchanged); nothing older.
    assert len(statuses) < 70
    assert all(status is Status.OPEN for key, status in statuses.items() if key not in (refs[7].key, refs[8].key))


def test_pull_reads_dates_in_the_accounts_zone(cloud: RunningFake, clock: TestClock, http: httpx.Client) -> None:
    cloud.fake.time_zone = "America/New_York"
    tracker = make_tracker(cloud, clock, http)
    ref = tracker.create_many([draft(1)])[0]
    assert isinstance(ref, TicketRef)
    clock.advance(3600)
    cursor = tracker.changed_since(None, None).next_cursor
    clock.advance(3600)
    cloud.fake.human_transition(ref.key, "In Progress")
    # Written in UTC, "updated >= <time>" would read as five hours later in New York and miss it.
    assert [t.ref.key for t in tracker.changed_since(cursor, None).tickets] == [ref.key]


def test_an_unreadable_cursor_is_an_error(cloud: RunningFake, clock: TestClock, http: httpx.Client) -> None:
    with pytest.raises(TrackerError, match="cursor"):
        make_tracker(cloud, clock, http).changed_since("not-a-cursor", None)


def test_fetch_uses_bulkfetch_in_hundreds(cloud: RunningFake, clock: TestClock, http: httpx.Client) -> None:
    tracker = make_tracker(cloud, clock, http)
    refs: list[TicketRef] = []
    for start in range(0, 150, 50):
        refs += [
            r for r in tracker.create_many([draft(n) for n in range(start, start + 50)]) if isinstance(r, TicketRef)
        ]
    cloud.fake.reset_counts()
    assert len(tracker.fetch(refs)) == 150
    assert cloud.fake.requests["POST /rest/api/3/issue/bulkfetch"] == 2


def test_find_by_markers_asks_in_chunks_and_keeps_duplicates_oldest_first(
    cloud: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(cloud, clock, http)
    tracker.create_many([draft(n) for n in range(50)])
    tracker.create_many([draft(n) for n in range(50, 60)])
    tracker.create_many([draft(3, title="made twice")])
    clock.advance(60)
    fresh = make_tracker(cloud, clock, http)  # another process: nothing to reconcile
    cloud.fake.reset_counts()
    found = fresh.find_by_markers([Marker(f"INC-1#{n}") for n in range(60)])
    assert cloud.fake.requests["POST /rest/api/3/search/jql"] == 2
    assert all(len(v) == 1 for m, v in found.items() if m.key != "INC-1#3")
    twice = found[Marker("INC-1#3")]
    assert len(twice) == 2 and int(twice[0].id or 0) < int(twice[1].id or 0)


def test_a_fresh_process_does_not_see_a_create_within_the_lag(clock: TestClock, http: httpx.Client) -> None:
    for running in _serve("cloud", clock, index_lag=30.0):
        make_tracker(running, clock, http).create_many([draft(1)])
        other = make_tracker(running, clock, http)
        assert other.capabilities.consistent_lookup is False
        assert other.find_by_markers([Marker("INC-1#1")])[Marker("INC-1#1")] == []
        clock.advance(31)
        assert len(other.find_by_markers([Marker("INC-1#1")])[Marker("INC-1#1")]) == 1


# --- transitions, links ------------------------------------------------------------------------------


def test_transition_is_chosen_by_category_and_wont_do_sets_the_resolution(
    cloud: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(cloud, clock, http, wont_do_resolution="Declined")
    ref = tracker.create_many([draft(1)])[0]
    assert isinstance(ref, TicketRef)
    tracker.transition(ref, Status.WONT_DO)
    issue = cloud.fake.issue(ref.key)
    assert (issue.status, issue.resolution) == ("Done", "Declined")
    assert tracker.get(ref).status is Status.WONT_DO


def test_document_remote_link_is_stable(cloud: RunningFake, clock: TestClock, http: httpx.Client) -> None:
    tracker = make_tracker(cloud, clock, http)
    ref = tracker.create_many([draft(1)])[0]
    assert isinstance(ref, TicketRef)
    tracker.add_document_link(ref, "https://wiki.example.com/pm/INC-1", "Post-mortem INC-1")
    tracker.add_document_link(ref, "https://wiki.example.com/pm/INC-1", "Post-mortem INC-1 (renamed)")
    links = cloud.fake.issue(ref.key).remote_links
    assert len(links) == 1 and links[0]["object"]["title"] == "Post-mortem INC-1 (renamed)"


def test_a_draft_with_a_document_url_gets_its_remote_link_in_the_create_step(
    cloud: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(cloud, clock, http)
    url = "https://github.com/acme/pm/blob/main/inc-1.md"
    parent, plain = tracker.create_many([TicketDraft(**{**incident().__dict__, "document_url": url}), draft(1)])
    assert isinstance(parent, TicketRef) and isinstance(plain, TicketRef)
    assert [link["globalId"] for link in cloud.fake.issue(parent.key).remote_links] == [f"pmsync:{url}"]
    assert cloud.fake.issue(plain.key).remote_links == []
    # A refused link is a warning: the issue exists, so the create must not look failed.
    cloud.fake.inject(Fault("403", route="POST /rest/api/3/issue/{issueIdOrKey}/remotelink"))
    (again,) = tracker.create_many([TicketDraft(**{**incident("INC-2").__dict__, "document_url": url})])
    assert isinstance(again, TicketRef) and cloud.fake.issue(again.key).remote_links == []


# --- construction ------------------------------------------------------------------------------------


def _settings(**values: object) -> JiraTrackerSettings:
    base: dict[str, object] = {
        "kind": "jira",
        "url": "https://example.atlassian.net",
        "project": "OPS",
        "email": "bot@example.com",
        "token": SecretStr("secret-token"),
    }
    base.update(values)
    return JiraTrackerSettings(**base)  # type: ignore[arg-type]


def test_from_settings_cloud_and_data_center(
    cloud: RunningFake, dc: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    pacer = RecordingPacer(clock)
    cloud_tracker = JiraTracker.from_settings(_settings(url=cloud.url), http=http, pacer=pacer, clock=clock)
    assert cloud_tracker.capabilities.search_lag_seconds == 180.0
    assert cloud_tracker.capabilities.parallel_writes == 4  # [tracker] concurrency's default
    assert isinstance(cloud_tracker.create_many([draft(1)])[0], TicketRef)
    dc_tracker = JiraTracker.from_settings(
        _settings(url=dc.url, deployment="datacenter", email=None, search_lag_seconds=30, epic_link_field="Epic Link"),
        http=http,
        pacer=pacer,
        clock=clock,
    )
    assert dc_tracker.capabilities.search_lag_seconds == 30
    # A create may commit until its request times out: the lag bound counts from then.
    assert (cloud_tracker.capabilities.write_timeout_seconds, cloud_tracker.capabilities.settle_seconds) == (30, 210)
    patient = _settings(
        url=dc.url, deployment="datacenter", email=None, search_lag_seconds=30, request_timeout_seconds=90
    )
    slow = JiraTracker.from_settings(patient, http=http, pacer=pacer, clock=clock)
    assert slow.capabilities.settle_seconds == 120
    serial = JiraTracker.from_settings(_settings(url=cloud.url, concurrency=1), http=http, pacer=pacer, clock=clock)
    assert serial.capabilities.parallel_writes == 1
    parent = dc_tracker.create_many([incident()])[0]
    child = dc_tracker.create_many([draft(1, parent=parent)])[0]
    assert isinstance(child, TicketRef)
    assert dc.fake.issue(child.key).custom == {EPIC_LINK_FIELD: parent.key}  # type: ignore[union-attr]
    read = dc_tracker.get(child)  # type: ignore[arg-type]
    assert read.parent is not None and read.parent.key == parent.key  # type: ignore[union-attr]
    assert cloud_tracker.mapping.wont_do_resolution == "Won't Do", "not merely the first of the sorted defaults"
    custom = JiraTracker.from_settings(
        _settings(url=cloud.url, wont_do_resolutions=["Declined", "Obsolete"]), http=http, pacer=pacer, clock=clock
    )
    assert custom.mapping.wont_do_resolution == "Declined"
    with pytest.raises(ConfigError, match="token"):
        JiraTracker.from_settings(_settings(token=None), http=http, pacer=pacer, clock=clock)


def test_a_named_scope_is_covered_by_the_site_wide_pass(
    cloud: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    tracker = make_tracker(cloud, clock, http)
    ref = tracker.create_many([draft(1, scope="PAY")])[0]
    assert isinstance(ref, TicketRef) and ref.key.startswith("PAY-")
    cloud.fake.reset_counts()
    page = tracker.changed_since(None, "PAY")
    assert page.tickets == () and not page.more
    assert cloud.fake.total_requests() == 0
    assert ref.key in [t.ref.key for t in tracker.changed_since(None, None).tickets]


def test_a_create_is_stamped_after_the_pacer_s_wait_and_right_before_it_is_sent(
    cloud: RunningFake, clock: TestClock, http: httpx.Client
) -> None:
    # The lag bound of a create counts from when its request left: after any rate-limit window.
    events: list[str] = []

    class WaitingPacer(RecordingPacer):
        def before_request(self, *, write: bool) -> None:
            super().before_request(write=write)
            events.append("paced")

    tracker = make_tracker(cloud, clock, http)
    tracker._client._pacer = tracker._pacer = WaitingPacer(clock)  # type: ignore[attr-defined]
    cloud.fake.on_request = lambda route: events.append(route)
    with stamping(lambda: events.append("stamped")):
        created = tracker.create_many([draft(1), draft(2)])
    assert all(isinstance(ref, TicketRef) for ref in created)
    sent = events.index("POST /rest/api/3/issue/bulk")
    assert events[sent - 2 : sent] == ["paced", "stamped"]
    assert events.count("stamped") == 1  # once per create request, not per request of the run
    tracker.get(created[0])  # type: ignore[arg-type]
    assert events.count("stamped") == 1
