"""Reports against a real database: the snapshot loader, publishing with retries, nudges at most once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, insert, select

from reports.facts import ReportSettings
from reports.metrics import item_states, weekly_report
from reports.nudges import NudgePlan, plan_nudges
from reports.results import Nudge
from sync.config.models import ReportsSettings
from sync.core.model import PostMortem, Priority, Status
from sync.core.plan import ItemRecord
from sync.core.tickets import TicketRef
from sync.errors import ConfigError, TrackerAuthError, TrackerUnavailable
from sync.logs import redact
from sync.publish import Webhook, publish, send_nudges, used_windows, webhook_url
from sync.retry import NO_WAIT
from sync.store import tables as t
from sync.store.repository import SqlStateStore
from sync.store.snapshot import load_report_data

NOW = dt.datetime(2026, 4, 12, 10, 0, tzinfo=dt.UTC)


def clock() -> dt.datetime:
    return NOW


def record(key: str, number: int, *, due: dt.date | None, text: str) -> ItemRecord:
    return ItemRecord(
        key=key,
        incident_key="INC-7",
        number=number,
        text=text,
        text_sha256=key.ljust(64, "0")[:64],
        owner="dana",
        priority=Priority.P1,
        deadline=None,
        due=due,
        doc_status=Status.DONE,  # what the document says: never used by reports
        line=number,
    )


def seed(engine: Engine) -> SqlStateStore:
    store = SqlStateStore(engine, "local", clock=lambda: dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC))
    pm = PostMortem.model_validate(
        {
            "path": "a.md",
            "content_sha256": "0" * 64,
            "incident_id": "INC-7",
            "team": "payments",
            "started_at": "2026-02-28T10:00:00Z",
            "ended_at": "2026-02-28T11:00:00Z",
            "review_date": "2026-03-01",
            "detection": {"delay_minutes": 5},
            "whys": [{"number": 1, "text": "The canary was skipped", "line": 3}],
            "factors": [
                {"name": "Change", "category": "change_management", "score": 3, "notes": "no canary", "line": 5}
            ],
            "cost_inputs": {"revenue_lost": "100"},
            "duration_minutes": 60,
        }
    )
    items = [
        record("INC-7#1", 1, due=dt.date(2026, 3, 10), text="Canary stage"),
        record("INC-7#2", 2, due=dt.date(2026, 4, 13), text="Alert"),
    ]
    store.upsert_incident("INC-7", pm, items, seen_on=dt.date(2026, 3, 1))
    for number in (1, 2):
        store.record_ticket(
            f"INC-7#{number}", "item", TicketRef("local", f"LOC-{number}"), fields=None, status=Status.OPEN
        )
    # INC-7#1: done, reopened, done again — the tracker's change times decide, not arrival order.
    store.record_status("INC-7#1", "LOC-1", Status.DONE, "done", dt.datetime(2026, 3, 5, tzinfo=dt.UTC))
    store.record_status("INC-7#1", "LOC-1", Status.OPEN, "open", dt.datetime(2026, 3, 6, tzinfo=dt.UTC))
    store.record_status("INC-7#1", "LOC-1", Status.DONE, "done", dt.datetime(2026, 3, 12, tzinfo=dt.UTC))
    return store


def test_snapshot_reads_history_not_the_document_status(engine: Engine) -> None:
    seed(engine)
    data = load_report_data(engine, "local")
    (incident,) = data.incidents
    assert (incident.label, incident.team, incident.detection_delay_minutes, incident.minutes) == (
        "INC-7",
        "payments",
        5,
        60,
    )
    assert incident.factors == (("change_management", 3),)
    assert "canary" in incident.root_cause_text.lower() and "no canary" in incident.root_cause_text
    assert incident.cost_total is not None and incident.cost_total == 100
    first, second = data.items
    assert [c.status for c in first.history] == [Status.OPEN, Status.DONE, Status.OPEN, Status.DONE]
    assert first.ticket == "LOC-1" and first.opened_at == dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    report = weekly_report(data, NOW, ReportSettings())
    # The documents say Done for both; the tracker says one done (late: done again on 03-12) and one open.
    assert (report.completion.done, report.completion.open) == (1, 1)
    assert report.completion.on_time.numerator == 0
    assert load_report_data(engine, "jira").items[0].history == ()  # another tracker's history is not mixed in


def test_publish_writes_files_and_retries_a_failed_post_next_time(engine: Engine, tmp_path: Path) -> None:
    answers = [500, 500, 500, 200, 200]
    posted: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        status = answers.pop(0)
        if status == 200:
            posted.append(json.loads(request.content)["text"])
        return httpx.Response(status)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        hook = Webhook("https://hooks.example/T000/secret", client, NO_WAIT)
        first = publish(
            engine,
            name="weekly-2026-04-12",
            rendered={"markdown": "# one", "csv": "a,b\n"},
            markdown="# one",
            output_dir=tmp_path / "out",
            targets={"webhook": hook.post},
            clock=clock,
        )
        assert sorted(p.name for p in first.files) == ["weekly-2026-04-12.csv", "weekly-2026-04-12.md"]
        assert (tmp_path / "out" / "weekly-2026-04-12.md").read_text(encoding="utf-8") == "# one"
        assert first.posted == [] and "HTTP 500" in first.failed["webhook/weekly-2026-04-12"]
        second = publish(
            engine,
            name="weekly-2026-04-19",
            rendered={"markdown": "# two"},
            markdown="# two",
            output_dir=tmp_path / "out",
            targets={"webhook": hook.post},
            clock=clock,
        )
    assert second.posted == ["webhook/weekly-2026-04-12", "webhook/weekly-2026-04-19"]
    assert posted == ["# one", "# two"]
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.report_publications.c.name, t.report_publications.c.state, t.report_publications.c.attempts)
        ).all()
    assert sorted(tuple(r) for r in rows) == [("weekly-2026-04-12", "sent", 2), ("weekly-2026-04-19", "sent", 1)]


def test_webhook_honours_429_and_rejects_4xx(engine: Engine, tmp_path: Path) -> None:
    answers = [httpx.Response(429, headers={"Retry-After": "0"}), httpx.Response(200), httpx.Response(404)]
    waits: list[float] = []
    with httpx.Client(transport=httpx.MockTransport(lambda _r: answers.pop(0))) as client:
        retry = NO_WAIT.__class__(attempts=3, initial_wait=0.0, sleep=waits.append)
        hook = Webhook("https://hooks.example/x", client, retry)
        hook.post("hi")
        assert waits == [0.0]
        outcome = publish(
            engine,
            name="r",
            rendered={},
            markdown="m",
            output_dir=tmp_path,
            targets={"webhook": hook.post},
            clock=clock,
        )
    assert "HTTP 404" in outcome.failed["webhook/r"]


def test_network_error_never_shows_the_url() -> None:
    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("cannot connect to https://hooks.example/T000/secret", request=request)

    with httpx.Client(transport=httpx.MockTransport(boom)) as client, pytest.raises(TrackerUnavailable) as caught:
        Webhook("https://hooks.example/T000/secret", client, NO_WAIT).post("x")
    assert "secret" not in caught.value.message


def test_webhook_url_is_a_secret_from_env_or_file(tmp_path: Path) -> None:
    assert webhook_url(ReportsSettings(), {}) is None
    url = "https://hooks.example/services/T1/B2/abcdef"
    assert webhook_url(ReportsSettings(webhook_url_env="HOOK"), {"HOOK": f" {url}\n"}) == url
    assert redact(f"posting to {url}") == "posting to ***"  # registered with the log redactor
    file = tmp_path / "hook"
    file.write_text(url + "\n", encoding="utf-8")
    assert webhook_url(ReportsSettings(webhook_url_file=file, webhook_url_env="HOOK"), {}) == url
    with pytest.raises(ConfigError, match="HOOK is not set"):
        webhook_url(ReportsSettings(webhook_url_env="HOOK"), {})
    with pytest.raises(ConfigError, match="cannot read"):
        webhook_url(ReportsSettings(webhook_url_file=tmp_path / "missing"), {})
    (tmp_path / "empty").write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match="is empty"):
        webhook_url(ReportsSettings(webhook_url_file=tmp_path / "empty"), {})


class FakeCommenter:
    """Stands in for a tracker's comment endpoint."""

    def __init__(self, fail_on: set[str] | None = None) -> None:
        self.comments: list[tuple[str, str]] = []
        self.fail_on = fail_on or set()

    def comment(self, ref: TicketRef, body: str) -> None:
        if ref.key in self.fail_on:
            raise TrackerAuthError("forbidden", tracker="local", op="comment")
        self.comments.append((ref.key, body))


def test_nudges_are_sent_at_most_once_per_window_even_after_a_restart(engine: Engine) -> None:
    seed(engine)
    settings = ReportSettings(quiet_hours=(20, 8))
    data = load_report_data(engine, "local")

    def plan() -> NudgePlan:
        return plan_nudges(item_states(data, NOW, settings), NOW, settings, used_windows(engine))

    commenter = FakeCommenter(fail_on={"LOC-2"})
    first = send_nudges(engine, plan(), commenter, tracker="local", retry=NO_WAIT, clock=clock)
    assert first.sent == [] and "forbidden" in first.failed["INC-7#2"]
    # The failed one is tried again; the successful one is never repeated.
    commenter.fail_on.clear()
    second = send_nudges(engine, plan(), commenter, tracker="local", retry=NO_WAIT, clock=clock)
    assert [n.item for n in second.sent] == ["INC-7#2"]
    assert commenter.comments == [("LOC-2", "Due in 1 day(s), on 2026-04-13: Alert (LOC-2)")]
    third = send_nudges(engine, plan(), commenter, tracker="local", retry=NO_WAIT, clock=clock)
    assert third.sent == [] and len(commenter.comments) == 1
    # A run that died mid-comment left its claim: never repeated either.
    with engine.begin() as conn:
        conn.execute(
            insert(t.report_nudges).values(
                item_key="INC-7#9", nudge_window="overdue:2026-04-01", state="sending", recorded_at=NOW
            )
        )
    assert ("INC-7#9", "overdue:2026-04-01") in used_windows(engine)


def test_no_nudges_in_quiet_hours_and_items_without_tickets_are_skipped(engine: Engine) -> None:
    nudge = Nudge(item="X#1", ticket=None, owner=None, due=dt.date(2026, 4, 1), window="overdue", message="m")
    commenter = FakeCommenter()
    quiet = send_nudges(
        engine, NudgePlan(quiet=True, nudges=(nudge,)), commenter, tracker="local", retry=NO_WAIT, clock=clock
    )
    assert quiet.sent == [] and quiet.skipped == []
    loud = send_nudges(
        engine, NudgePlan(quiet=False, nudges=(nudge,)), commenter, tracker="local", retry=NO_WAIT, clock=clock
    )
    assert loud.skipped == [nudge] and commenter.comments == []


def test_repeat_incidents_parent_tickets_are_linked_once(engine: Engine) -> None:
    from reports.repeats import SIMILAR, RepeatPair
    from sync.core.tickets import Marker, TicketDraft, TicketKind
    from sync.repeat_links import link_repeat_parents
    from sync.trackers.local_tracker import LocalTracker
    from tests.unit.report_fixtures import incident

    tracker = LocalTracker(engine)
    store = SqlStateStore(engine, "local")
    for key in ("INC-A", "INC-B"):
        (ref,) = tracker.create_many([TicketDraft(marker=Marker(key), title=key, body="", kind=TicketKind.INCIDENT)])
        assert isinstance(ref, TicketRef)
        store.record_ticket(key, "incident", ref, fields=None, status=None)
    store.record_ticket("INC-D", "incident", TicketRef("local", "LOC-999"), fields=None, status=None)  # gone

    def pair(earlier: str, later: str) -> RepeatPair:
        return RepeatPair(incident(earlier), incident(later), ("testing",), 0.9, SIMILAR)

    pairs = [pair("INC-A", "INC-B"), pair("INC-A", "INC-C"), pair("INC-A", "INC-D")]
    first = link_repeat_parents(pairs, tracker, store, retry=NO_WAIT)
    a, b = store.ticket_for("INC-A"), store.ticket_for("INC-B")
    assert a is not None and b is not None
    assert first.linked == [(a.key, b.key)]
    assert (first.without_parent, list(first.failed)) == (1, ["INC-A~INC-D"])
    assert [r.key for r in tracker.links_of(a.key)] == [b.key]
    again = link_repeat_parents(pairs, tracker, store, retry=NO_WAIT)
    assert (again.linked, again.already) == ([], 1)


def test_linking_repeats_after_a_sync_reads_the_incidents_not_their_items(engine: Engine) -> None:
    # An idle sync of 10,000 items read every item, ticket and status change only to find the
    # repeats among 200 incidents (issue 26).
    from dataclasses import replace

    from sqlalchemy import event

    from sync.core.tickets import Marker, TicketDraft
    from sync.repeat_links import link_repeats
    from sync.trackers.local_tracker import LocalTracker

    store = SqlStateStore(engine, "local")
    tracker = LocalTracker(engine)
    for key, title in (("INC-7", "Checkout 502s"), ("INC-8", "A repeat of INC-7")):
        pm = PostMortem(path=f"{key}.md", content_sha256="0" * 64, incident_id=key, title=title)
        items = [replace(record(f"{key}#1", 1, due=None, text="Canary"), incident_key=key)]
        store.upsert_incident(key, pm, items, seen_on=NOW.date())
        drafts = [TicketDraft(marker=Marker(k), title=k, body="") for k in (f"{key}#1", key)]
        item, parent = tracker.create_many(drafts)
        assert isinstance(item, TicketRef) and isinstance(parent, TicketRef)
        store.record_ticket(f"{key}#1", "item", item, fields=None, status=Status.OPEN)
        store.record_status(f"{key}#1", item.key, Status.DONE, "done", NOW)
        store.record_ticket(key, "incident", parent, fields=None, status=None)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    outcome = link_repeats(tracker, store, ReportSettings(), retry=NO_WAIT)
    assert len(outcome.linked) == 1
    assert not [s for s in statements if "action_items" in s or "status_history" in s]


def test_trackers_without_links_are_left_alone(engine: Engine) -> None:
    from reports.repeats import SIMILAR, RepeatPair
    from sync.core.tickets import Capabilities
    from sync.repeat_links import link_repeat_parents
    from tests.unit.report_fixtures import incident

    class NoLinks:
        capabilities = Capabilities(native_due_date=False, native_parent=False, links=False)

    pairs = [RepeatPair(incident("X"), incident("Y"), (), 0.9, SIMILAR)]
    outcome = link_repeat_parents(pairs, NoLinks(), SqlStateStore(engine, "local"), retry=NO_WAIT)  # type: ignore[arg-type]
    assert outcome.unsupported and outcome.linked == []


def test_publish_as_a_comment_on_a_tracker_issue(engine: Engine, tmp_path: Path) -> None:
    from sync.publish import IssueComment

    commenter = FakeCommenter(fail_on={"OPS-1"})
    target = {"issue:OPS-1": IssueComment(commenter, TicketRef("local", "OPS-1"), NO_WAIT).post}
    first = publish(engine, name="w1", rendered={}, markdown="# w1", output_dir=tmp_path, targets=target, clock=clock)
    assert "forbidden" in first.failed["issue:OPS-1/w1"]
    commenter.fail_on.clear()
    second = publish(engine, name="w2", rendered={}, markdown="# w2", output_dir=tmp_path, targets=target, clock=clock)
    assert second.posted == ["issue:OPS-1/w1", "issue:OPS-1/w2"]
    assert commenter.comments == [("OPS-1", "# w1"), ("OPS-1", "# w2")]


def test_chat_send_records_before_posting_and_retries_a_failed_post(engine: Engine) -> None:
    """Issue 28 §6: a chat post that fails leaves its items due again; a sent one is not repeated."""
    from reports.chat import ChatItem, ChatMessage, ChatPlan, ChatRules, ChatTarget
    from sync.publish import chat_reminded, send_chat
    from tests.cli.chat_receiver import check_slack, receiver

    target = ChatTarget("slack", "slack")
    chat_item = ChatItem("INC-7#1", "OPS-1", None, "dana", "payments", dt.date(2026, 4, 1), 11, "Alert")
    plan = ChatPlan(quiet=False, messages=(ChatMessage(target, "dana", False, (), (chat_item,)),))
    today = dt.date(2026, 4, 12)
    with receiver() as hooks, httpx.Client() as client:
        hook = Webhook(hooks.url + "/slack", client, NO_WAIT, name="slack")
        hooks.status["/slack"] = 500
        failed = send_chat(engine, plan, {"slack": hook}, ChatRules(), today=today, clock=lambda: NOW)
        assert list(failed.failed) == ["slack: dana"] and failed.sent == []
        assert chat_reminded(engine) == {}  # a failed post does not count as a reminder
        hooks.status["/slack"] = 200
        sent = send_chat(engine, plan, {"slack": hook}, ChatRules(), today=today, clock=lambda: NOW)
        posts = len(hooks.posts)
        assert sent.sent == ["slack: dana (1 item(s))"]
        assert chat_reminded(engine) == {"INC-7#1": today}
        again = send_chat(engine, plan, {"slack": hook}, ChatRules(), today=today, clock=lambda: NOW)
        assert again.sent == [] and len(hooks.posts) == posts  # claimed already: never twice
        check_slack(hooks.bodies("/slack")[-1])
        missing = send_chat(engine, plan, {}, ChatRules(), today=today, clock=lambda: NOW)
        assert missing.unconfigured == ["slack: dana"]
        quiet = send_chat(engine, ChatPlan(quiet=True), {"slack": hook}, ChatRules(), today=today, clock=lambda: NOW)
        assert quiet.sent == [] and len(hooks.posts) == posts
