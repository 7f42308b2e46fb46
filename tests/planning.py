"""Test doubles for planning: a fixed policy and quick document builders."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from sync.core.bodies import document_link
from sync.core.model import ActionItem, PostMortem, Priority, TicketLink
from sync.core.plan import ExtraItem, OwnerDecision
from sync.core.tickets import TicketRef

TODAY = dt.date(2026, 3, 10)


class FixedPolicy:
    """A policy with fixed answers, so plan tests test the planner only."""

    def __init__(
        self,
        extra: Sequence[ExtraItem] = (),
        users: dict[str, str] | None = None,
        *,
        close_done: bool = False,
        link_items: bool = True,  # the engine tests exercise links; the shipped default (off) has its own
        document_url: str | None = None,
    ) -> None:
        self.extra = list(extra)
        self.users = users if users is not None else {"@dana": "dana"}
        self.close_done = close_done
        self.link_items = link_items
        self.document_url = document_url

    def document_link(self, pm: PostMortem) -> str:
        return document_link(self.document_url, pm.path)

    def due(self, item: ActionItem, reference: dt.date) -> tuple[dt.date | None, Priority]:
        priority = item.priority or Priority.P2
        return item.deadline or reference + dt.timedelta(days={"P0": 1, "P1": 7, "P2": 30}[priority.value]), priority

    def assignee(self, owner: str | None) -> OwnerDecision:
        if owner is None:
            return OwnerDecision(None)
        if owner in self.users:
            return OwnerDecision(self.users[owner])
        return OwnerDecision(None, f"unknown owner {owner!r}")

    def route(self, pm: PostMortem) -> tuple[str | None, tuple[str, ...]]:
        return "OPS", ("team-payments",)

    def extra_items(self, pm: PostMortem, reference: dt.date) -> Sequence[ExtraItem]:
        return self.extra

    def reference(self, pm: PostMortem) -> dt.date | None:
        return pm.reference_date

    def adoptable(self, link: TicketLink) -> TicketRef | None:
        if link.system == "local" or re.fullmatch(r"LOC-\d+", link.key):
            return TicketRef("local", link.key, link.url)
        return None


def item(number: int, text: str, **kw: object) -> ActionItem:
    return ActionItem(number=number, text=text, line=10 + number, **kw)  # type: ignore[arg-type]


def doc(*items: ActionItem, incident_id: str | None = "INC-1", path: str = "pm/inc-1.md") -> PostMortem:
    return PostMortem(
        path=path,
        content_sha256="0" * 64,
        incident_id=incident_id,
        title="Checkout 502s",
        review_date=dt.date(2026, 3, 5),
        action_items=items,
    )
