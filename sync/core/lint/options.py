"""What a lint run can be told: the default priority, the blame vocabulary, rules to skip."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sync.core.model import ActionItem, PostMortem, Priority

# The due date the planner would give an item without a deadline (the mappings due-date policy
# with the configured calendar, injected by the CLI so the core stays free of configuration).
DueDateFor = Callable[[PostMortem, ActionItem], "dt.date | None"]
# When a document's file was first committed (an I/O question answered at the edge, e.g. git).
FirstCommitOf = Callable[[str], "dt.datetime | None"]

# Words and phrases that, next to a person, turn a sentence into blame. Matched case-insensitively
# as whole words; spaces match any run of whitespace (sentences wrap across source lines).
DEFAULT_BLAME_WORDS: tuple[str, ...] = (
    "forgot",
    "forgotten",
    "forgetting",
    "failed to",
    "mistake",
    "mistakes",
    "mistakenly",
    "careless",
    "carelessly",
    "carelessness",
    "should have",
    "should've",
    "shouldn't have",
    "fault",
    "blame",
    "blamed",
    "negligent",
    "negligence",
    "messed up",
    "screwed up",
    "didn't bother",
    "did not bother",
    "ignored",
    "sloppy",
    "human error",
    "overlooked",
    "neglected",
    "dropped the ball",
    "incompetent",
    "lazy",
)


@dataclass(frozen=True)
class LintOptions:
    """Settings of a lint run.

    ``default_priority`` is what the planner gives an item with neither priority nor deadline (the
    lint warning names it); ``blame_words`` replaces the blame vocabulary; ``disabled`` holds rule
    codes or names (``LINT201`` or ``blame-language``) to skip (see :func:`sync.core.lint.resolve_rules`).
    ``due_date`` names the derived due date of an item without a deadline (LINT107);
    ``first_commit`` dates a document that does not say when its summary was completed (LINT116).
    """

    default_priority: Priority = Priority.P2
    blame_words: tuple[str, ...] = DEFAULT_BLAME_WORDS
    disabled: frozenset[str] = field(default_factory=frozenset)
    due_date: DueDateFor | None = None
    first_commit: FirstCommitOf | None = None
