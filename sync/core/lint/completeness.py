"""Completeness rules: what a post-mortem must state before its action items can be tracked.

Each ``check_*`` function takes the parsed document and returns its findings; none of them guess a
missing value (the parser never invents one either), they only say what is missing and where.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from sync.core.lint import catalog
from sync.core.lint.options import LintOptions
from sync.core.model import ActionItem, Diagnostic, PostMortem, Priority, Severity

WHYS_EXPECTED = 5

# What an unchecked recurrence-prevention box asks for, and the words an action item addressing
# it would use. Boxes that match no entry fall back to their own meaningful words.
_PREVENTION_KEYWORDS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = tuple(
    (re.compile(box, re.IGNORECASE), re.compile(item, re.IGNORECASE))
    for box, item in (
        (r"runbook|playbook", r"runbook|playbook"),
        (r"\btest", r"\btest"),
        (r"monitor|alert", r"monitor|alert|alarm|dashboard|\bpag(e|es|ing)\b|\bslo\b"),
        (r"architect|\brfc\b", r"\brfc\b|architect|redesign"),
        (r"training|onboard", r"training|\btrain\b|onboard|drill|game ?day"),
        (r"document", r"document|runbook|playbook|wiki|\bdocs?\b"),
    )
)
_FILLER_WORDS = frozenset(
    [
        "added",
        "improved",
        "created",
        "updated",
        "needed",
        "change",
        "changes",
        "failure",
        "mode",
        "this",
        "that",
        "team",
        "with",
        "from",
        "there",
        "their",
        "which",
        "should",
        "other",
        "about",
        "into",
        "for",
        "yes",
    ]
)
_PLACEHOLDER = re.compile(r"^[\s.…_\-?]*(tbd|todo|n/?a|tba)?[\s.…_\-?]*$", re.IGNORECASE)


def _anchor(pm: PostMortem, kind: str = "summary") -> int:
    """The line a document-level finding points at: the named section's heading, else line 1."""
    for section in pm.sections:
        if section.kind == kind:
            return section.line
    return 1


def check_summary(pm: PostMortem) -> list[Diagnostic]:
    """Incident id, severity, start and end are required; a review date is expected."""
    line = _anchor(pm)
    found: list[Diagnostic] = []
    if not pm.incident_id:
        found.append(catalog.MISSING_INCIDENT_ID.at(pm.path, line, "no incident id (tickets are keyed by it)"))
    if pm.severity is None:
        detail = (
            f'severity "{pm.severity_raw}" is not SEV-1, SEV-2 or SEV-3'
            if pm.severity_raw
            else "no severity (SEV-1, SEV-2 or SEV-3)"
        )
        found.append(catalog.MISSING_SEVERITY.at(pm.path, line, detail))
    if pm.started_at is None:
        found.append(catalog.MISSING_START.at(pm.path, line, "no incident start date/time"))
    if pm.ended_at is None:
        found.append(catalog.MISSING_END.at(pm.path, line, "no incident end date/time"))
    if pm.review_date is None:
        found.append(
            catalog.MISSING_REVIEW_DATE.at(
                pm.path, line, "no review date; due dates count from the incident end instead"
            )
        )
    return found


def _check_item(pm: PostMortem, item: ActionItem, options: LintOptions) -> Iterator[Diagnostic]:
    label = f"action item #{item.number}"
    if not (item.owner and item.owner.strip()):
        yield catalog.MISSING_OWNER.at(pm.path, item.line, f"{label} has no owner")
    if item.priority is None:
        if item.priority_raw and item.priority_raw.strip():
            yield catalog.UNMAPPED_PRIORITY.at(
                pm.path, item.line, f'{label}: priority "{item.priority_raw}" is not P0, P1 or P2'
            )
        elif item.deadline is not None or item.deadline_raw:
            yield catalog.MISSING_PRIORITY.at(pm.path, item.line, f"{label} has a deadline but no priority")
        else:
            yield catalog.DEFAULT_PRIORITY.at(
                pm.path,
                item.line,
                f"{label} has neither priority nor deadline; it gets the configured default priority "
                f"{options.default_priority.value}",
            )
    if item.status is None and item.status_raw and item.status_raw.strip():
        yield catalog.UNMAPPED_STATUS.at(
            pm.path, item.line, f'{label}: status "{item.status_raw}" is not Open, In progress, Done or Won\'t do'
        )
    if item.deadline is None and item.deadline_raw and item.deadline_raw.strip():
        yield catalog.UNPARSED_DEADLINE.at(
            pm.path, item.line, f'{label}: deadline "{item.deadline_raw}" is not a date (YYYY-MM-DD)'
        )


def check_action_items(pm: PostMortem, options: LintOptions) -> list[Diagnostic]:
    """Every item has an owner and a priority (or at least a deadline); raw values must map."""
    return [finding for item in pm.action_items for finding in _check_item(pm, item, options)]


def _filled(text: str) -> bool:
    return not _PLACEHOLDER.match(text)


def check_whys(pm: PostMortem) -> list[Diagnostic]:
    """A 5-whys analysis is expected, with all five whys filled in."""
    has_section = pm.whys or any(section.kind == "whys" for section in pm.sections)
    if not has_section:
        return [catalog.MISSING_WHYS.at(pm.path, _anchor(pm), "no 5-whys root-cause analysis")]
    filled = sum(1 for why in pm.whys if _filled(why.text))
    if filled >= WHYS_EXPECTED:
        return []
    line = _anchor(pm, "whys") if any(s.kind == "whys" for s in pm.sections) else pm.whys[0].line
    return [catalog.INCOMPLETE_WHYS.at(pm.path, line, f"only {filled} of {WHYS_EXPECTED} whys are filled in")]


def check_factors(pm: PostMortem) -> list[Diagnostic]:
    """Every contributing factor listed carries a score from 0 to 3.

    A free-text factor list with no scores at all gets one finding, not one per factor.
    """
    unscored = [f for f in pm.factors if f.score is None and not (f.score_raw and f.score_raw.strip())]
    if len(unscored) > 1 and len(unscored) == len(pm.factors):
        detail = f"none of the {len(unscored)} contributing factors has a score (0-3)"
        return [catalog.UNSCORED_FACTOR.at(pm.path, unscored[0].line, detail)]
    found: list[Diagnostic] = []
    for factor in pm.factors:
        if factor.score is not None:
            continue
        detail = (
            f'factor "{factor.name}": score "{factor.score_raw}" is not 0-3'
            if factor.score_raw and factor.score_raw.strip()
            else f'factor "{factor.name}" has no score (0-3)'
        )
        found.append(catalog.UNSCORED_FACTOR.at(pm.path, factor.line, detail))
    return found


def check_sev1_priority(pm: PostMortem) -> list[Diagnostic]:
    """A SEV-1 incident needs at least one P0 action item."""
    if pm.severity is not Severity.SEV1 or any(item.priority is Priority.P0 for item in pm.action_items):
        return []
    line = _anchor(pm, "actions") if any(s.kind == "actions" for s in pm.sections) else _anchor(pm)
    return [catalog.SEV1_WITHOUT_P0.at(pm.path, line, "a SEV-1 incident has no P0 action item")]


class _ItemWords:
    """What the action items say, indexed once so that every prevention box is checked in time
    independent of the number of items: which keyword patterns occur in some item, and the first
    five letters of every word (lower case) the items contain."""

    def __init__(self, items: Iterable[ActionItem]) -> None:
        texts = "\n".join(item.text for item in items)
        self.keywords = frozenset(item for _, item in _PREVENTION_KEYWORDS if item.search(texts))
        self.stems = frozenset(m.group(0).lower() for m in _STEM.finditer(texts))

    def addresses(self, box: str) -> bool:
        triggered = [item for trigger, item in _PREVENTION_KEYWORDS if trigger.search(box)]
        if triggered:
            return any(item in self.keywords for item in triggered)
        words = {w.lower() for w in _BOX_WORD.findall(box)} - _FILLER_WORDS
        # A crude stem (first five letters) so "automate" in the box matches "automation" in an item.
        # A box without a meaningful word asks for nothing an item could address.
        return not words or any(word[:5] in self.stems for word in words)


# Five letters at the start of a word (after a non-word character), as ``\bstem`` finds them.
_STEM = re.compile(r"\b[A-Za-z]{5}")
_BOX_WORD = re.compile(r"[A-Za-z]{5,}")


def check_prevention(pm: PostMortem) -> list[Diagnostic]:
    """An unchecked recurrence-prevention box needs an action item that addresses it."""
    found: list[Diagnostic] = []
    words: _ItemWords | None = None
    for box in pm.prevention:
        if box.checked:
            continue
        words = words or _ItemWords(pm.action_items)
        if words.addresses(box.text):
            continue
        found.append(
            catalog.UNTRACKED_PREVENTION.at(
                pm.path, box.line, f'"{box.text}" is unchecked and no action item addresses it'
            )
        )
    return found


def check_completeness(pm: PostMortem, options: LintOptions) -> list[Diagnostic]:
    """All completeness findings for one document."""
    return [
        *check_summary(pm),
        *check_action_items(pm, options),
        *check_whys(pm),
        *check_factors(pm),
        *check_sev1_priority(pm),
        *check_prevention(pm),
    ]
