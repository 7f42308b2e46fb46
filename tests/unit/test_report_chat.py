"""Issue 28 §6: chat nudges — who is reminded where and when, and each service's payload."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from reports.chat import (
    ChatItem,
    ChatMessage,
    ChatRules,
    ChatTarget,
    Person,
    google_chat_payload,
    google_escape,
    plan_chat,
    report_summary,
    slack_payload,
    teams_payload,
)
from reports.facts import ReportData, ReportSettings
from reports.metrics import item_states
from tests.cli.chat_receiver import check_google_chat, check_slack, check_teams
from tests.unit.report_fixtures import at, incident, item

NOW = at("2026-05-20 10:00")
SETTINGS = ReportSettings(quiet_hours=(20, 8), nudge_days_before=2)
DANA = Person("Dana Scully", slack="U012AB3CD", teams="dana@example.com", google_chat="users/1234567890")
RULES = ChatRules(
    every_days=7, escalate_after_days=14, report_url="https://pmsync.example/reports/", people={"dana": DANA}
)
DEFAULT = ChatTarget("slack", "slack")
SEARCH = ChatTarget("teams:search", "teams", team="search", group="team")


def data() -> ReportData:
    url = "https://jira.example/browse/"
    return ReportData(
        incidents=(incident("INC-1", team="payments"), incident("INC-2", team="Search")),
        items=(
            item("INC-1#1", due="2026-05-17", owner="dana", url=url + "OPS-1"),  # overdue 3 d
            item("INC-1#2", due="2026-05-21", owner="dana", url=url + "OPS-2"),  # due in 1 d
            item("INC-1#3", due="2026-05-30", owner="dana"),  # not yet
            item("INC-1#4", due="2026-04-01", owner="lee"),  # overdue 49 d: escalated
            item("INC-1#5", due="2026-05-01", owner="dana", history=[("done", "2026-05-02 10:00")]),  # closed
            item("INC-2#1", incident="INC-2", due="2026-05-18", owner="dana"),
        ),
    )


def plan(last: dict[str, dt.date] | None = None, moment: dt.datetime = NOW) -> list[tuple[str, str, bool, list[str]]]:
    d = data()
    result = plan_chat(item_states(d, moment, SETTINGS), moment, SETTINGS, RULES, [DEFAULT, SEARCH], last or {})
    return [(m.target.name, m.audience, m.escalation, [i.item for i in m.items]) for m in result.messages]


def test_one_message_per_owner_in_the_default_channel_per_team_in_its_own_and_escalations() -> None:
    assert plan() == [
        ("slack", "payments", True, ["INC-1#4"]),
        ("slack", "dana", False, ["INC-1#1", "INC-1#2"]),
        ("teams:search", "Search", False, ["INC-2#1"]),
    ]


def test_cadence_reminds_again_after_every_days_and_quiet_hours_send_nothing() -> None:
    yesterday = {"INC-1#1": dt.date(2026, 5, 19), "INC-1#2": dt.date(2026, 5, 13), "INC-1#4": dt.date(2026, 5, 13)}
    assert plan(yesterday)[:2] == [
        ("slack", "payments", True, ["INC-1#4"]),  # 7 days ago: due again
        ("slack", "dana", False, ["INC-1#2"]),  # INC-1#1 was reminded yesterday
    ]
    night = at("2026-05-20 21:00")
    quiet = plan_chat(item_states(data(), night, SETTINGS), night, SETTINGS, RULES, [DEFAULT], {})
    assert quiet.quiet and quiet.messages == ()
    # No channel for a team and no default: nothing planned.
    assert plan_chat(item_states(data(), NOW, SETTINGS), NOW, SETTINGS, RULES, [SEARCH], {}).messages[0].audience == (
        "Search"
    )


def message(count: int = 2, *, kind: str = "slack", text: str = "Fix the pool") -> ChatMessage:
    items = tuple(
        ChatItem(
            item=f"INC-1#{n}",
            ticket=f"OPS-{n}",
            url=f"https://jira.example/browse/OPS-{n}",
            owner="dana",
            team="payments",
            due=dt.date(2026, 5, 17),
            days_overdue=3 if n % 2 else -1,
            text=text,
        )
        for n in range(1, count + 1)
    )
    return ChatMessage(ChatTarget(kind, kind), "dana", False, (DANA,), items)  # type: ignore[arg-type]


def test_slack_payload_has_mention_links_escaping_and_a_cap() -> None:
    text = check_slack(slack_payload(message(text="<!channel> *bold* & <https://evil|x>"), RULES))
    assert "<@U012AB3CD>" in text
    assert "<https://jira.example/browse/OPS-1|OPS-1>" in text
    assert "&lt;!channel&gt; *bold* &amp; &lt;https://evil|x&gt;" in text
    assert "overdue 3 d (due 2026-05-17)" in text and "due in 1 d" in text
    assert "<https://pmsync.example/reports/|open>" in text
    big = slack_payload(message(60, text="x" * 400), RULES)
    check_slack(big)
    shown = sum(block["text"]["text"].count("• ") for block in big["blocks"] if block["type"] == "section")
    assert shown == RULES.max_items
    assert f"…and {60 - RULES.max_items} more" in big["blocks"][-1]["elements"][0]["text"]


def test_teams_payload_declares_its_mentions_and_stays_under_the_size_limit() -> None:
    body = teams_payload(message(kind="teams", text="*not bold* [x](y)"), RULES)
    text = check_teams(body)
    card = body["attachments"][0]["content"]
    assert card["msteams"]["entities"] == [
        {
            "type": "mention",
            "text": "<at>Dana Scully</at>",
            "mentioned": {"id": "dana@example.com", "name": "Dana Scully"},
        }
    ]
    assert "[OPS-1](https://jira.example/browse/OPS-1)" in text
    assert "\\*not bold\\* \\[x\\](y)" in text
    assert card["actions"][0]["url"] == RULES.report_url
    huge = teams_payload(message(500, kind="teams", text="y" * 2000), ChatRules(max_items=500))
    check_teams(huge)
    assert "more" in huge["attachments"][0]["content"]["body"][-1]["text"]


def test_google_chat_payload_mentions_links_and_neutralises_markup() -> None:
    text = check_google_chat(google_chat_payload(message(kind="google_chat", text="<users/all> *all*"), RULES))
    assert "<users/1234567890>" in text
    assert "<https://jira.example/browse/OPS-2|OPS-2>" in text
    assert "<users/all>" not in text and "‹users/all›" in text
    assert google_escape("*a*") == "*\u200ba*\u200b"
    long = google_chat_payload(message(200, kind="google_chat", text="z" * 300), ChatRules(max_items=200))
    assert "more" in check_google_chat(long).splitlines()[-1]


def test_a_published_report_is_a_summary_never_a_markdown_table() -> None:
    body = report_summary(
        "Weekly action-item report", "as of …", ["Completion: 40 % (2/5)", "a | b"], "https://x/w.html"
    )
    text = check_slack(body)
    assert "Completion: 40 % (2/5)" in text and "<https://x/w.html|open>" in text


def test_wording_edges_and_payloads_without_people_or_report_link() -> None:
    today = ChatItem("INC-1#1", None, "local://T-1", None, None, dt.date(2026, 5, 20), 0, "Do it")
    escalation = ChatMessage(ChatTarget("slack", "slack"), "payments", True, (Person("Nobody"),), (today,))
    rules = ChatRules()  # no report_url
    slack = check_slack(slack_payload(escalation, rules))
    assert "Escalation for team payments" in slack and "due today (2026-05-20)" in slack
    assert "INC-1#1" in slack and "local://" not in slack  # not a web address: no link
    assert slack_payload(escalation, rules)["blocks"][-1]["type"] == "section"  # no report link block
    teams = teams_payload(replace(escalation, target=ChatTarget("teams", "teams")), rules)
    card = teams["attachments"][0]["content"]
    assert card["msteams"]["entities"] == [] and "actions" not in card and len(card["body"]) == 2
    google = check_google_chat(google_chat_payload(replace(escalation, target=ChatTarget("g", "google_chat")), rules))
    assert "Full report" not in google and "<users/" not in google
    # One line longer than a Slack section: it is cut to fit, and the next line starts a new block.
    long = slack_payload(message(3, text="w" * 2990), RULES)
    check_slack(long)
    assert len([b for b in long["blocks"] if b["type"] == "section"]) == 4


def test_a_long_summary_is_cut_and_an_empty_one_has_no_body() -> None:
    lines = [f"line {n} " + "v" * 200 for n in range(40)]
    cut = report_summary("T", "s", lines, None)
    text = check_slack(cut)
    assert text.endswith("…") and "Full report" not in text
    assert [b["type"] for b in report_summary("T", "s", [], None)["blocks"]] == ["header", "context"]


def test_slack_stays_within_fifty_blocks() -> None:
    many = slack_payload(message(120, text="q" * 2900), ChatRules(max_items=120, report_url="https://r.example/"))
    check_slack(many)
    assert len(many["blocks"]) <= 50
    assert "…and" in many["blocks"][-1]["elements"][0]["text"]


def test_every_service_formats_through_one_entry_point() -> None:
    from reports.chat import payload

    for kind, check in (("slack", check_slack), ("teams", check_teams), ("google_chat", check_google_chat)):
        check(payload(message(kind=kind), RULES))
    empty = slack_payload(replace(message(), items=()), RULES)
    assert [b["type"] for b in empty["blocks"]] == ["section", "context"]  # no empty section
