"""``MappingPolicy``: the planner's configuration-driven decisions, made by :mod:`mappings`."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from mappings.calendar import BusinessCalendar
from mappings.compliance import ComplianceRule, compliance_actions
from mappings.due_dates import DueDatePolicy, reference_date, resolve_due
from mappings.owners import OwnerDirectory
from mappings.routing import Router
from sync.core.bodies import document_link
from sync.core.model import ActionItem, PostMortem, Priority, TicketLink
from sync.core.plan import ExtraItem, OwnerDecision
from sync.core.tickets import TicketRef


@dataclass(frozen=True)
class MappingPolicy:
    tracker: str
    calendar: BusinessCalendar
    due_dates: DueDatePolicy
    default_priority: Priority
    owners: OwnerDirectory
    router: Router
    compliance_rules: Sequence[ComplianceRule] = ()
    ticket_key_pattern: str = r"[A-Z][A-Z0-9]*-\d+"
    document_url: str | None = None  # [sources] document_url, "{path}" relative to document_root
    document_root: str | None = None  # the config file's directory
    close_done: bool = False  # [tracker] close_done
    link_items: bool = False  # [tracker] link_items
    # Owner cell → decision: a run asks once per item, and a team's items name a few owners.
    _assignees: dict[str, OwnerDecision] = field(default_factory=dict, compare=False, repr=False)

    def document_link(self, pm: PostMortem) -> str:
        # Absolute on both sides, so the link does not depend on the directory pmsync ran from.
        path = os.path.abspath(pm.path) if self.document_root else pm.path
        return document_link(self.document_url, path, self.document_root)

    def reference(self, pm: PostMortem) -> dt.date | None:
        return reference_date(pm, self.due_dates.timezone)

    def adoptable(self, link: TicketLink) -> TicketRef | None:
        """A reference into the configured tracker: its kind, or a key of its shape (the parser
        cannot tell a local ``LOC-12`` from a Jira key)."""
        if link.system == self.tracker or re.fullmatch(self.ticket_key_pattern, link.key):
            return TicketRef(tracker=self.tracker, key=link.key, url=link.url)
        return None

    def due(self, item: ActionItem, reference: dt.date) -> tuple[dt.date | None, Priority]:
        decision = resolve_due(
            item, reference, default_priority=self.default_priority, calendar=self.calendar, policy=self.due_dates
        )
        return decision.due, decision.priority

    def assignee(self, owner: str | None) -> OwnerDecision:
        if not owner:
            return OwnerDecision(None)
        decided = self._assignees.get(owner)
        if decided is None:
            decided = self._assignees[owner] = self._assignee(owner)
        return decided

    def _assignee(self, owner: str) -> OwnerDecision:
        match = self.owners.resolve(owner)
        if match.user is not None:
            return OwnerDecision(match.user)
        if match.reason == "no owner given":
            return OwnerDecision(None)
        if self.tracker == "local" and match.entry is None:
            # The embedded tracker has no user accounts: the owner as written is the assignee. A
            # team that keeps an owner directory still hears about names missing from it.
            return OwnerDecision(owner.strip(), match.reason if self.owners.entries else None)
        return OwnerDecision(None, match.reason)

    def route(self, pm: PostMortem) -> tuple[str | None, tuple[str, ...]]:
        decided = self.router.route(pm)
        return decided.project, tuple(decided.labels)

    def extra_items(self, pm: PostMortem, reference: dt.date) -> Sequence[ExtraItem]:
        actions = compliance_actions(pm, self.compliance_rules, calendar=self.calendar, tz=self.due_dates.timezone)
        return [
            ExtraItem(
                suffix=f"compliance-{action.rule_id}",
                title=action.title,
                body=action.body,
                due=action.due,
                priority=action.priority,
                labels=("compliance", *action.labels),
            )
            for action in actions
        ]
