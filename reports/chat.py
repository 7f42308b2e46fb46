"""Chat nudges, decided and formatted purely: who is reminded in which channel, and the payload
each chat service's incoming webhook takes.

**Who and when.** An open item with a due date is due a reminder from ``days_before`` days before
it is due, and again every ``every_days`` days while it stays open (a long-overdue item is not
forgotten); the caller passes the day each item was last reminded. An item overdue by
``escalate_after_days`` or more is *escalated*: it goes into one message per team, to that team's
channel, instead of its owner's reminder. Nothing is planned during quiet hours.

**Where.** Each target is one incoming webhook (one channel): a target with ``team`` is that
team's channel, the one without is the default channel for every other team. A target groups its
reminders into one message per owner (``group = "owner"``) or per team.

**Formats.** Slack: Block Kit sections in ``mrkdwn``, mentions ``<@U…>``, links ``<url|KEY>``
(``&``, ``<``, ``>`` escaped). Microsoft Teams: an Adaptive Card in a ``message`` attachment, with
``<at>Name</at>`` mentions declared in ``msteams.entities`` and Markdown links. Google Chat: a
``text`` message in its own markup, mentions ``<users/…>``, links ``<url|KEY>``. A message holds
at most ``max_items`` items and stays under each service's size limit; what does not fit is
counted ("and 12 more") with a link to the full report.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from reports.facts import ReportSettings
from reports.metrics import ItemState, local_date
from reports.nudges import in_quiet_hours

ChatKind = Literal["slack", "teams", "google_chat"]

# Below each service's documented limits: Slack 50 blocks and 3,000 characters per section text;
# Teams 28 KB per card message; Google Chat 4,096 characters of text.
SLACK_SECTION_CHARS = 3000
SLACK_BLOCKS = 50
TEAMS_BYTES = 27_000
GOOGLE_CHARS = 4000


@dataclass(frozen=True)
class Person:
    """Someone to mention: their display name and their id on each chat service."""

    name: str
    slack: str | None = None  # a member id, "U…"
    teams: str | None = None  # a UPN (e-mail) or Entra object id
    google_chat: str | None = None  # "users/123…"


@dataclass(frozen=True)
class ChatTarget:
    name: str  # how it is reported and recorded
    kind: ChatKind
    team: str | None = None  # this team's channel; None: the default channel
    group: Literal["owner", "team"] = "owner"


@dataclass(frozen=True)
class ChatItem:
    item: str
    ticket: str | None
    url: str | None
    owner: str | None
    team: str | None
    due: dt.date
    days_overdue: int  # negative: due in that many days
    text: str


@dataclass(frozen=True)
class ChatMessage:
    target: ChatTarget
    audience: str  # the owner, or the team
    escalation: bool
    mentions: tuple[Person, ...]
    items: tuple[ChatItem, ...]


@dataclass(frozen=True)
class ChatPlan:
    quiet: bool
    messages: tuple[ChatMessage, ...] = ()


@dataclass(frozen=True)
class ChatRules:
    every_days: int = 7
    escalate_after_days: int = 14  # 0: never
    max_items: int = 20
    report_url: str | None = None  # the full report, linked from every message
    people: Mapping[str, Person] = field(default_factory=dict)  # owner text → person


def _channel(team: str | None, targets: Sequence[ChatTarget]) -> ChatTarget | None:
    folded = (team or "").casefold()
    own = next((t for t in targets if t.team is not None and t.team.casefold() == folded), None)
    return own or next((t for t in targets if t.team is None), None)


def plan_chat(
    states: Iterable[ItemState],
    as_of: dt.datetime,
    settings: ReportSettings,
    rules: ChatRules,
    targets: Sequence[ChatTarget],
    last_reminded: Mapping[str, dt.date],
) -> ChatPlan:
    """The chat messages due at ``as_of``; ``last_reminded``: item key → the day it was last
    reminded in chat."""
    zone = settings.zone
    today = local_date(as_of, zone)
    if in_quiet_hours(as_of.astimezone(zone).hour, settings.quiet_hours):
        return ChatPlan(quiet=True)
    grouped: dict[tuple[str, str, bool], list[ChatItem]] = defaultdict(list)
    channels: dict[str, ChatTarget] = {}
    for state in states:
        due = state.item.due
        if due is None or state.status.is_closed:
            continue
        days_overdue = (today - due).days
        if days_overdue < -settings.nudge_days_before:
            continue
        last = last_reminded.get(state.item.key)
        if last is not None and (today - last).days < max(1, rules.every_days):
            continue
        team = state.incident.team if state.incident else None
        target = _channel(team, targets)
        if target is None:
            continue
        escalated = rules.escalate_after_days > 0 and days_overdue >= rules.escalate_after_days
        by_team = escalated or target.group == "team"
        audience = (team or "(no team)") if by_team else (state.item.owner or "(no owner)")
        channels[target.name] = target
        grouped[(target.name, audience, escalated)].append(
            ChatItem(
                item=state.item.key,
                ticket=state.item.ticket,
                url=state.item.url,
                owner=state.item.owner,
                team=team,
                due=due,
                days_overdue=days_overdue,
                text=state.item.text,
            )
        )
    messages: list[ChatMessage] = []
    for (target_name, audience, escalated), items in sorted(
        grouped.items(), key=lambda kv: (kv[0][0], not kv[0][2], kv[0][1])
    ):
        items.sort(key=lambda i: (-i.days_overdue, i.item))
        owners = dict.fromkeys(i.owner for i in items if i.owner)
        mentions = tuple(rules.people[o] for o in owners if o in rules.people)
        messages.append(ChatMessage(channels[target_name], audience, escalated, mentions, tuple(items)))
    return ChatPlan(quiet=False, messages=tuple(messages))


# --- wording ---------------------------------------------------------------------------------


def _when(item: ChatItem) -> str:
    if item.days_overdue > 0:
        return f"overdue {item.days_overdue} d (due {item.due.isoformat()})"
    if item.days_overdue == 0:
        return f"due today ({item.due.isoformat()})"
    return f"due in {-item.days_overdue} d ({item.due.isoformat()})"


def _headline(message: ChatMessage) -> str:
    count = len(message.items)
    if message.escalation:
        return f"Escalation for team {message.audience}: {count} action item(s) long overdue"
    return f"Action items for {message.audience}: {count} due soon or overdue"


def _web(url: str | None) -> str | None:
    return url if url and url.startswith(("https://", "http://")) else None


# --- Slack -------------------------------------------------------------------------------------


def slack_escape(text: str) -> str:
    """Slack's three control characters; everything else is shown as written."""
    return " ".join(text.split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_item(item: ChatItem) -> str:
    url = _web(item.url)
    key = slack_escape(item.ticket or item.item)
    ticket = f"<{url}|{key}>" if url else key
    return f"• {ticket} {slack_escape(item.text)} — {_when(item)}"


def _more(hidden: int, report_url: str | None, link: str) -> str:
    where = f" — full report: {link}" if report_url else ""
    return f"…and {hidden} more{where}"


def slack_payload(message: ChatMessage, rules: ChatRules) -> dict[str, Any]:
    mentions = " ".join(f"<@{p.slack}>" for p in message.mentions if p.slack)
    head = f"*{slack_escape(_headline(message))}*" + (f"\n{mentions}" if mentions else "")
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": head}}]
    lines: list[str] = []
    shown = 0
    for item in message.items[: rules.max_items]:
        line = _slack_item(item)[:SLACK_SECTION_CHARS]
        if lines and len("\n".join([*lines, line])) > SLACK_SECTION_CHARS:
            if len(blocks) >= SLACK_BLOCKS - 2:
                break
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}})
            lines = []
        lines.append(line)
        shown += 1
    if lines:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}})
    hidden = len(message.items) - shown
    report = _web(rules.report_url)
    if hidden or report:
        note = _more(hidden, report, f"<{report}|open>") if hidden else f"Full report: <{report}|open>"
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    return {"text": _headline(message), "blocks": blocks}


# --- Microsoft Teams ---------------------------------------------------------------------------

# Inline specials: "-", "#" and "+" only act at a line's start, and "(" only after an escaped "]".
_TEAMS_MARKDOWN = re.compile(r"([\\`*_\[\]~<>])")


def teams_escape(text: str) -> str:
    """Adaptive Card TextBlocks read Markdown: its punctuation is escaped."""
    return _TEAMS_MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def teams_payload(message: ChatMessage, rules: ChatRules) -> dict[str, Any]:
    entities: list[dict[str, Any]] = []
    tags: list[str] = []
    for person in message.mentions:
        if person.teams:
            tag = f"<at>{person.name}</at>"
            tags.append(tag)
            entities.append({"type": "mention", "text": tag, "mentioned": {"id": person.teams, "name": person.name}})
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": teams_escape(_headline(message)),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
        }
    ]
    if tags:
        body.append({"type": "TextBlock", "text": " ".join(tags), "wrap": True})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "msteams": {"entities": entities, "width": "Full"},
    }
    report = _web(rules.report_url)
    if report:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Full report", "url": report}]
    payload = {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }
    shown = 0
    for item in message.items[: rules.max_items]:
        url = _web(item.url)
        key = teams_escape(item.ticket or item.item)
        ticket = f"[{key}]({url})" if url else key
        body.append(
            {"type": "TextBlock", "text": f"- {ticket} {teams_escape(item.text)} — {_when(item)}", "wrap": True}
        )
        if len(json.dumps(payload)) > TEAMS_BYTES:
            body.pop()
            break
        shown += 1
    hidden = len(message.items) - shown
    if hidden:
        body.append(
            {"type": "TextBlock", "text": _more(hidden, report, "the button below"), "isSubtle": True, "wrap": True}
        )
    return payload


# --- Google Chat -------------------------------------------------------------------------------

_GOOGLE_FORMAT = re.compile(r"([*_~`])")


def google_escape(text: str) -> str:
    """Google Chat's markup has no escape character: angle brackets (links, mentions) become
    look-alikes and a zero-width space follows each formatting character, so neither acts."""
    folded = " ".join(text.split()).replace("<", "‹").replace(">", "›")
    return _GOOGLE_FORMAT.sub("\\1\u200b", folded)


def google_chat_payload(message: ChatMessage, rules: ChatRules) -> dict[str, Any]:
    mentions = " ".join(f"<{p.google_chat}>" for p in message.mentions if p.google_chat)
    lines = [f"*{google_escape(_headline(message))}*"] + ([mentions] if mentions else [])
    report = _web(rules.report_url)
    shown = 0
    for item in message.items[: rules.max_items]:
        url = _web(item.url)
        key = google_escape(item.ticket or item.item)
        ticket = f"<{url}|{key}>" if url else key
        line = f"• {ticket} {google_escape(item.text)} — {_when(item)}"
        if len("\n".join([*lines, line])) > GOOGLE_CHARS - 200:
            break
        lines.append(line)
        shown += 1
    hidden = len(message.items) - shown
    if hidden:
        lines.append(_more(hidden, report, f"<{report}|open>"))
    elif report:
        lines.append(f"Full report: <{report}|open>")
    return {"text": "\n".join(lines)}


PAYLOADS = {"slack": slack_payload, "teams": teams_payload, "google_chat": google_chat_payload}


def payload(message: ChatMessage, rules: ChatRules) -> dict[str, Any]:
    return PAYLOADS[message.target.kind](message, rules)


# --- a report, summarised for chat (--publish) ----------------------------------------------------


def report_summary(title: str, subtitle: str, lines: Sequence[str], report_url: str | None) -> dict[str, Any]:
    """A published report as a Slack message: its headline figures as text, never a Markdown
    table (Slack does not render them), and a link to the full report."""
    body = "\n".join(f"• {slack_escape(line)}" for line in lines)
    if len(body) > SLACK_SECTION_CHARS:
        body = body[: SLACK_SECTION_CHARS - 1].rsplit("\n", 1)[0] + "\n…"
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": slack_escape(subtitle)}]},
    ]
    if body:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": body}})
    report = _web(report_url)
    if report:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"Full report: <{report}|open>"}})
    return {"text": f"{title} — {subtitle}", "blocks": blocks}
