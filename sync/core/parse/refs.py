"""Ticket references: Jira keys, GitHub issues/PRs, Bugzilla bugs, tracker URLs.

``TicketLink.system`` is ``jira``, ``github`` or ``other``; ``key`` is the canonical key when one
can be derived from the URL (``owner/repo#12``, ``PROJ-12``), else the text as written.
"""

from __future__ import annotations

import re

from sync.core.model import TicketLink

_GITHUB_URL = re.compile(
    r"^https?://(?:www\.)?github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/(?:issues|pull|pulls)/(?P<n>\d+)\b"
)
_GITLAB_URL = re.compile(r"^https?://[^/]*gitlab[^/]*/(?P<path>.+?)/-/(?:issues|merge_requests)/(?P<n>\d+)\b")
_JIRA_URL = re.compile(r"/browse/(?P<key>[A-Z][A-Z0-9]+-\d+)\b")
_BUGZILLA_URL = re.compile(r"show_bug\.cgi\?id=(?P<n>\d+)")
_TRACKERISH_URL = re.compile(r"/(?:issues?|tickets?|bugs?|pull|merge_requests|tasks?|T\d+)(?:/|\b)", re.IGNORECASE)

# Uppercase-dash-number tokens that are standards or severities, not Jira keys.
_NOT_JIRA = frozenset(
    [
        "SEV",
        "INC",
        "EIP",
        "ERC",
        "BIP",
        "UTF",
        "ISO",
        "RFC",
        "SHA",
        "TLS",
        "SSL",
        "HTTP",
        "HTTPS",
        "CVE",
        "PM",
        "P",
        "Q",
        "H",
        "IPV",
        "AES",
        "MD",
        "CWE",
        "GPL",
        "MIT",
        "ECMA",
        "ES",
    ]
)
JIRA_KEY = re.compile(r"(?<![\w/#-])(?P<key>(?P<project>[A-Z][A-Z0-9]{1,9})-(?P<n>\d+))(?![\w-])")
# "#716/#717": a slash between two references lists both (a "/" before "#" is otherwise a path's).
_GITHUB_REF = re.compile(r"(?:(?<![\w/&])|(?<=\d/)(?=#))(?P<repo>[\w.-]+/[\w.-]+)?#(?P<n>\d+)\b")
_BUG = re.compile(r"\bbug\s*#?\s*(?P<n>\d{3,})\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
BARE_URL = re.compile(r"(?<![(<\[\w])https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]")
_TICKETISH_TEXT = re.compile(
    r"^(?:#\d+|[\w.-]+/[\w.-]+#\d+|[A-Z][A-Z0-9]+-\d+|bug\s*#?\s*\d+|pr|prs|pull request|issue|ticket|link|here"
    r"|follow along(?: here)?|tracking issue|https?://\S+|(?:issue|pr|ticket)\s*#?\s*\d+)$",
    re.IGNORECASE,
)


def is_jira_key(token: str) -> bool:
    match = JIRA_KEY.fullmatch(token)
    return bool(match) and match is not None and match.group("project") not in _NOT_JIRA


def from_url(url: str, text: str | None = None) -> TicketLink | None:
    """A TicketLink for a tracker URL, or None when the URL is not a ticket."""
    github = _GITHUB_URL.match(url)
    if github:
        key = f"{github.group('owner')}/{github.group('repo')}#{github.group('n')}"
        return TicketLink(system="github", key=key, url=url)
    jira = _JIRA_URL.search(url)
    if jira and is_jira_key(jira.group("key")):
        return TicketLink(system="jira", key=jira.group("key"), url=url)
    bugzilla = _BUGZILLA_URL.search(url)
    if bugzilla:
        written = (text or "").strip()
        key = written if _BUG.fullmatch(written) else f"bug {bugzilla.group('n')}"
        return TicketLink(system="other", key=key, url=url)
    gitlab = _GITLAB_URL.match(url)
    if gitlab:
        return TicketLink(system="other", key=f"{gitlab.group('path')}#{gitlab.group('n')}", url=url)
    if _TRACKERISH_URL.search(url):
        return TicketLink(system="other", key=(text or url).strip() or url, url=url)
    return None


def is_ticketish_text(text: str) -> bool:
    """Link text that only names a ticket ("#294", "PR", "bug 1537907", a URL)."""
    return bool(_TICKETISH_TEXT.match(text.strip().strip("[]()")))


def link_ticket(text: str, url: str) -> TicketLink | None:
    """The ticket a Markdown link stands for: its URL if a tracker URL, else its ticket-like text."""
    found = from_url(url, text)
    if found is not None:
        return found
    if is_ticketish_text(text) and url.startswith(("http://", "https://")):
        return TicketLink(system="other", key=text.strip() or url, url=url)
    return None


def text_tickets(text: str) -> list[TicketLink]:
    """Tickets written as plain text: Jira keys, ``owner/repo#12``, ``#12``, "Bug 5554823", URLs."""
    found: list[TicketLink] = []
    if "://" not in text and not _DIGIT.search(text):
        return found  # keys, #n and bug numbers all hold a digit
    for match in BARE_URL.finditer(text):
        ticket = from_url(match.group(0))
        if ticket is not None:
            found.append(ticket)
    scrubbed = BARE_URL.sub(" ", text)
    for match in JIRA_KEY.finditer(scrubbed):
        if match.group("project") not in _NOT_JIRA:
            found.append(TicketLink(system="jira", key=match.group("key")))
    for match in _GITHUB_REF.finditer(scrubbed):
        repo = match.group("repo")
        key = f"{repo}#{match.group('n')}" if repo else f"#{match.group('n')}"
        found.append(TicketLink(system="github", key=key))
    for match in _BUG.finditer(scrubbed):
        found.append(TicketLink(system="other", key=match.group(0).strip()))
    return found


def merge(tickets: list[TicketLink]) -> tuple[TicketLink, ...]:
    """Deduplicate by URL or key, keeping the richer (URL-bearing) entry and first-seen order."""
    result: list[TicketLink] = []
    for ticket in tickets:
        duplicate = next(
            (
                i
                for i, seen in enumerate(result)
                if (ticket.url and seen.url == ticket.url)
                or (seen.key.lower() == ticket.key.lower() and seen.system == ticket.system)
                or (seen.url and not ticket.url and ticket.key.lower() in (seen.key.lower(), seen.url.lower()))
                or (ticket.url and not seen.url and seen.key.lower() == ticket.key.lower())
            ),
            None,
        )
        if duplicate is None:
            result.append(ticket)
        elif ticket.url and not result[duplicate].url:
            result[duplicate] = ticket
    return tuple(result)
