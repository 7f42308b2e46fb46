"""Who an action item's Owner cell means, and their account on the tracker.

Documents name owners every way people do: ``@dana``, ``dana@example.com``, ``Dana Smith``,
``dana``, a team (``platform-team``), or several at once (``@dana, @alice``). The directory
matches exactly first (handle, e-mail, full name, tracker account), then by first name; a match
that is ambiguous or unknown yields no user and a reason — the caller reports it and the ticket
is created unassigned, because a wrong assignee is worse than none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["OwnerDirectory", "OwnerEntry", "OwnerMatch"]

_UNASSIGNED = frozenset({"", "-", "—", "tbd", "tba", "n/a", "na", "none", "unassigned", "nobody", "?"})
_SEPARATORS = re.compile(r"\s*(?:,|;|/|&|\+|\band\b)\s*", re.IGNORECASE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PREFIX = re.compile(r"^(?:owner|owners|assignee|dri)\s*[:=]\s*", re.IGNORECASE)
_PARENTHETICAL = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*")


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _handle(text: str) -> str:
    return _fold(text).removeprefix("@")


@dataclass(frozen=True)
class OwnerEntry:
    """One person or team: display name, the handles and e-mails documents use for them, and
    their account on each tracker (Jira account id or user name, GitHub login)."""

    name: str
    handles: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    jira: str | None = None
    github: str | None = None

    def account(self, tracker: str) -> str | None:
        """The user to assign on ``tracker``; the local tracker uses the entry's name."""
        if tracker == "jira":
            return self.jira
        if tracker == "github":
            return self.github
        return self.name


@dataclass(frozen=True)
class OwnerMatch:
    """The outcome of resolving an Owner cell: the tracker user (``None`` when unassigned), the
    directory entry that matched (if any), and a human-readable reason."""

    user: str | None
    entry: OwnerEntry | None
    reason: str


class OwnerDirectory:
    """Resolves free-text owners against configured entries for one tracker kind."""

    def __init__(self, entries: Iterable[OwnerEntry], tracker: str = "local") -> None:
        self.entries = tuple(entries)
        self.tracker = tracker
        self._exact: dict[str, list[tuple[OwnerEntry, str]]] = {}
        self._first_name: dict[str, list[OwnerEntry]] = {}
        for entry in self.entries:
            keys = [(_fold(entry.name), "name")]
            keys += [(_handle(h), "handle") for h in entry.handles]
            keys += [(_fold(e), "email") for e in entry.emails]
            keys += [
                (_handle(a), f"{kind} account") for kind, a in (("jira", entry.jira), ("github", entry.github)) if a
            ]
            seen: set[str] = set()
            for key, how in keys:
                if key and key not in seen:
                    seen.add(key)
                    self._exact.setdefault(key, []).append((entry, how))
            first = _fold(entry.name).split(" ")[0] if " " in entry.name.strip() else None
            if first:
                self._first_name.setdefault(first, []).append(entry)

    def resolve(self, owner_raw: str | None) -> OwnerMatch:
        """Match an Owner cell. Several owners: the first one that resolves is assigned."""
        text = _PREFIX.sub("", (owner_raw or "").strip())
        if _fold(text) in _UNASSIGNED:
            return OwnerMatch(None, None, "no owner given")
        whole = self._resolve_one(text)
        if whole.entry is not None or whole.reason.startswith("ambiguous"):
            return whole
        parts = [p for p in _SEPARATORS.split(text) if p.strip()]
        if len(parts) <= 1:
            return whole
        failures: list[str] = []
        for part in parts:
            match = self._resolve_one(part)
            if match.entry is not None:
                return match
            failures.append(match.reason)
        return OwnerMatch(None, None, "; ".join(failures))

    def _resolve_one(self, text: str) -> OwnerMatch:
        cleaned = _PARENTHETICAL.sub(" ", text).strip() or text.strip()
        key = _handle(cleaned)
        candidates = self._exact.get(key, [])
        if not candidates and _EMAIL.match(cleaned) is None and " " in key:
            # "Dana Smith" written where only the handle "dana" is known.
            candidates = [(e, "first name") for e in self._exact_entries(key.split(" ")[0], kinds=("handle", "name"))]
        if not candidates and " " not in key and _EMAIL.match(cleaned) is None:
            # "dana" written where the directory knows "Dana Smith".
            candidates = [(e, "first name") for e in self._first_name.get(key, [])]
        return self._decide(text, candidates)

    def _exact_entries(self, key: str, kinds: tuple[str, ...]) -> list[OwnerEntry]:
        return [entry for entry, how in self._exact.get(key, []) if how in kinds]

    def _decide(self, text: str, candidates: list[tuple[OwnerEntry, str]]) -> OwnerMatch:
        distinct = list(dict.fromkeys(entry for entry, _ in candidates))
        if not distinct:
            return OwnerMatch(None, None, f"unknown owner {text.strip()!r}: not in the owner directory")
        if len(distinct) > 1:
            names = ", ".join(sorted(e.name for e in distinct))
            return OwnerMatch(None, None, f"ambiguous owner {text.strip()!r}: matches {names}")
        entry = distinct[0]
        how = candidates[0][1]
        user = entry.account(self.tracker)
        if user is None:
            return OwnerMatch(
                None, entry, f"{entry.name} (by {how}) has no {self.tracker} account in the owner directory"
            )
        return OwnerMatch(user, entry, f"matched {entry.name} by {how}")
