"""Tracker statuses ↔ canonical :class:`Status`.

Jira workflows are per-project and their status *names* are arbitrary, so the mapping keys on the
status *category* (``new``, ``indeterminate``, ``done``), which every workflow must assign; a
"done" issue whose resolution says it was not done (Won't Do, Duplicate…) is ``wont_do``.
GitHub issues have a state and a state reason; "in progress" is only expressible as a label.
Anything unrecognised maps to ``open`` with the raw text kept, so a report can show it and an
operator can add an override, rather than pmsync guessing that unknown means finished.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from sync.core.model import Status

__all__ = [
    "DEFAULT_IN_PROGRESS_LABELS",
    "DEFAULT_WONT_DO_RESOLUTIONS",
    "GitHubState",
    "GitHubStatusMap",
    "JiraStatusMap",
    "MappedStatus",
]

DEFAULT_WONT_DO_RESOLUTIONS: frozenset[str] = frozenset(
    {"Won't Do", "Won't Fix", "Not Planned", "Declined", "Duplicate", "Cannot Reproduce", "Obsolete"}
)
DEFAULT_IN_PROGRESS_LABELS: tuple[str, ...] = ("in progress",)

_JIRA_CATEGORIES: Mapping[str, Status] = MappingProxyType(
    {"new": Status.OPEN, "indeterminate": Status.IN_PROGRESS, "done": Status.DONE}
)


def _fold(text: str) -> str:
    """Compare names the way people type them: case, curly apostrophes and spacing don't matter."""
    return " ".join(text.replace("\u2019", "'").split()).casefold()


@dataclass(frozen=True)
class MappedStatus:
    """A tracker status mapped to canonical. ``recognised`` is False when it fell back to ``open``."""

    status: Status
    raw: str
    recognised: bool = True


@dataclass(frozen=True)
class JiraStatusMap:
    """Jira status ↔ canonical. ``status_overrides`` maps a status *name* to a canonical status
    and beats the category (for workflows that put, say, "Blocked" in the ``done`` category).
    Which transition reaches a status is the adapter's business: it follows the workflow."""

    wont_do_resolutions: frozenset[str] = DEFAULT_WONT_DO_RESOLUTIONS
    status_overrides: Mapping[str, Status] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "wont_do_resolutions", frozenset(self.wont_do_resolutions))
        object.__setattr__(
            self, "status_overrides", MappingProxyType({_fold(k): v for k, v in self.status_overrides.items()})
        )

    def is_wont_do(self, resolution: str | None) -> bool:
        """Whether ``resolution`` says the work was deliberately not done."""
        if not resolution:
            return False
        return _fold(resolution) in {_fold(r) for r in self.wont_do_resolutions}

    def to_canonical(self, category_key: str | None, status_name: str, resolution: str | None = None) -> MappedStatus:
        """Map an issue's status category key, status name and resolution name to canonical."""
        raw = f"{status_name} ({resolution})" if resolution else status_name
        override = self.status_overrides.get(_fold(status_name))
        if override is not None:
            return MappedStatus(override, raw)
        status = _JIRA_CATEGORIES.get((category_key or "").strip().lower())
        if status is None:
            return MappedStatus(Status.OPEN, raw, recognised=False)
        if status is Status.DONE and self.is_wont_do(resolution):
            return MappedStatus(Status.WONT_DO, raw)
        return MappedStatus(status, raw)


GitHubIssueState = Literal["open", "closed"]
GitHubStateReason = Literal["completed", "not_planned", "reopened"]


@dataclass(frozen=True)
class GitHubState:
    """How a canonical status is written to a GitHub issue."""

    state: GitHubIssueState
    state_reason: GitHubStateReason | None
    in_progress: bool


def _label_key(label: str) -> str:
    folded = re.sub(r"[-_\s]+", " ", _fold(label)).strip()
    return folded.removeprefix("status:").strip()


@dataclass(frozen=True)
class GitHubStatusMap:
    """GitHub issue state ↔ canonical. ``in_progress_labels`` are matched ignoring case,
    ``-``/``_``/space differences and a ``status:`` prefix; the first is the one pmsync applies."""

    in_progress_labels: tuple[str, ...] = DEFAULT_IN_PROGRESS_LABELS

    def __post_init__(self) -> None:
        if not self.in_progress_labels:
            raise ValueError("in_progress_labels needs at least one label")

    @property
    def in_progress_label(self) -> str:
        return self.in_progress_labels[0]

    def is_in_progress_label(self, label: str) -> bool:
        return _label_key(label) in {_label_key(x) for x in self.in_progress_labels}

    def to_canonical(self, state: str, state_reason: str | None = None, labels: Iterable[str] = ()) -> MappedStatus:
        """Map an issue's ``state``, ``state_reason`` and labels to canonical."""
        raw = f"{state} ({state_reason})" if state_reason else state
        state_key = state.strip().lower()
        reason = (state_reason or "").strip().lower()
        if state_key == "open":
            in_progress = any(self.is_in_progress_label(label) for label in labels)
            return MappedStatus(Status.IN_PROGRESS if in_progress else Status.OPEN, raw)
        if state_key == "closed":
            if reason in ("not_planned", "duplicate"):
                return MappedStatus(Status.WONT_DO, raw)
            if reason in ("completed", ""):
                # Issues closed before GitHub had state reasons carry none: they were closed as done.
                return MappedStatus(Status.DONE, raw)
            return MappedStatus(Status.DONE, raw, recognised=False)
        return MappedStatus(Status.OPEN, raw, recognised=False)

    def state_for(self, status: Status) -> GitHubState:
        """The state, state reason and in-progress flag to write for ``status``."""
        if status is Status.DONE:
            return GitHubState("closed", "completed", in_progress=False)
        if status is Status.WONT_DO:
            return GitHubState("closed", "not_planned", in_progress=False)
        return GitHubState("open", None, in_progress=status is Status.IN_PROGRESS)
