"""MappingPolicy: the planner's decisions made by the mappings package."""

from __future__ import annotations

import datetime as dt

import pytest

from mappings.calendar import BusinessCalendar
from mappings.compliance import default_rules
from mappings.due_dates import DueDatePolicy
from mappings.owners import OwnerDirectory, OwnerEntry
from mappings.routing import RouteMatch, Router, RoutingRule
from sync.core.model import ActionItem, Impact, PostMortem, Priority
from sync.policy import MappingPolicy

DANA = OwnerEntry(name="Dana Smith", handles=("dana",), emails=("dana@example.com",), jira="acc-dana")


def policy(tracker: str = "local", entries: tuple[OwnerEntry, ...] = (DANA,)) -> MappingPolicy:
    return MappingPolicy(
        tracker=tracker,
        calendar=BusinessCalendar("US"),
        due_dates=DueDatePolicy(),
        default_priority=Priority.P2,
        owners=OwnerDirectory(entries, tracker=tracker),
        router=Router(
            [RoutingRule(match=RouteMatch(team="payments"), project="PAY", labels=("team-payments",))],
            default_project="OPS",
        ),
        compliance_rules=default_rules(),
    )


def pm(**kw: object) -> PostMortem:
    return PostMortem(path="x.md", content_sha256="0" * 64, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        # Friday 2026-07-03 is the observed US Independence Day: P0 from Thursday lands on Monday.
        (ActionItem(number=1, text="a", line=1, priority=Priority.P0), (dt.date(2026, 7, 6), Priority.P0)),
        (ActionItem(number=1, text="a", line=1, deadline=dt.date(2026, 8, 1)), (dt.date(2026, 8, 1), Priority.P2)),
    ],
)
def test_due_dates_come_from_the_mappings(item: ActionItem, expected: tuple[dt.date, Priority]) -> None:
    assert policy().due(item, dt.date(2026, 7, 2)) == expected


def test_owner_resolution_per_tracker() -> None:
    assert policy("jira").assignee("@dana").user == "acc-dana"
    assert policy("jira").assignee("dana@example.com").user == "acc-dana"
    unknown = policy("jira").assignee("@ghost")
    assert unknown.user is None and unknown.problem and "ghost" in unknown.problem
    # The embedded tracker has no accounts: an unknown owner is assigned as written, silently.
    ghost = policy("local").assignee("@ghost")
    assert ghost.user == "@ghost" and ghost.problem is not None  # assigned as written, but reported
    assert policy("local", entries=()).assignee("@ghost").problem is None  # no directory kept: silent
    assert policy("local").assignee("@dana").user == "Dana Smith"
    assert policy("jira").assignee(None).user is None and policy("jira").assignee(None).problem is None


def test_each_owner_cell_is_resolved_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # 10,000 items of one owner resolved the same cell 10,000 times (issue 26).
    jira = policy("jira")
    asked: list[str | None] = []
    resolve = jira.owners.resolve
    monkeypatch.setattr(jira.owners, "resolve", lambda owner: asked.append(owner) or resolve(owner))
    decisions = [jira.assignee(owner) for owner in ("@dana", "@ghost", "@dana", "@ghost", "")]
    assert [d.user for d in decisions] == ["acc-dana", None, "acc-dana", None, None]
    assert decisions[1].problem is not None and decisions[1] == decisions[3]
    assert asked == ["@dana", "@ghost"]


def test_routing_and_compliance_items() -> None:
    payments = pm(team="payments", industry="healthcare", impact=Impact(text="PHI of 300 patients exposed"))
    assert policy().route(payments) == ("PAY", ("team-payments",))
    assert policy().route(pm(team="search"))[0] == "OPS"
    extras = policy().extra_items(payments, dt.date(2026, 3, 5))
    assert extras, "a healthcare incident exposing PHI needs a breach-notification ticket"
    assert all(extra.suffix.startswith("compliance-") and "compliance" in extra.labels for extra in extras)
    assert policy().extra_items(pm(team="search"), dt.date(2026, 3, 5)) == []


def test_reference_date_is_taken_in_the_configured_time_zone() -> None:
    tokyo = MappingPolicy(
        tracker="local",
        calendar=BusinessCalendar(None),
        due_dates=DueDatePolicy(timezone="Asia/Tokyo"),
        default_priority=Priority.P2,
        owners=OwnerDirectory(()),
        router=Router(()),
    )
    ended = pm(ended_at=dt.datetime(2026, 3, 5, 23, 30, tzinfo=dt.UTC))
    assert tokyo.reference(ended) == dt.date(2026, 3, 6)
    assert policy().reference(ended) == dt.date(2026, 3, 5)


def test_adoptable_keys_follow_the_configured_prefix() -> None:
    from sync.core.model import TicketLink

    local = MappingPolicy(
        tracker="local",
        calendar=BusinessCalendar(None),
        due_dates=DueDatePolicy(),
        default_priority=Priority.P2,
        owners=OwnerDirectory(()),
        router=Router(()),
        ticket_key_pattern=r"DEMO-\d+",
    )
    assert local.adoptable(TicketLink(system="jira", key="DEMO-3")) is not None
    assert local.adoptable(TicketLink(system="jira", key="OPS-123")) is None  # a Jira ticket, not ours
