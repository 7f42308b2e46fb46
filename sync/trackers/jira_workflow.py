"""Jira workflows as pmsync walks them: the transitions offered per status, learnt as they are read.

Jira only tells a client which transitions an issue offers *from its current status*
(``GET /issue/{id}/transitions``; ``expand=transitions.fields`` adds each transition screen's
fields, e.g. a required Resolution). Most company-managed workflows are not "any status to any
status": To Do → In Progress → Done needs two steps. So reaching a status category is a walk:

1. read the transitions offered where the issue is now, and remember them (per project and issue
   type, for this run: every issue of that workflow profits);
2. take the first step of the shortest known path to a status of the wanted category; when no
   known path leads there, step to the nearest status whose transitions are not known yet
   (preferring the wanted category's neighbours: "In Progress" on the way to done);
3. re-read and repeat, at most :data:`MAX_STEPS` times.

When every status reachable from the start is known and none is of the wanted category, no path
exists: :class:`~sync.errors.WorkflowBlocked` names the workflow and what was explored. Once a
workflow is known to be blocked, the next issue of it fails without moving at all.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

__all__ = ["MAX_STEPS", "StatusNode", "Step", "WorkflowGraph", "parse_transitions"]

MAX_STEPS: Final = 8
ResolutionScreen = Literal["none", "optional", "required"]

# How far a category is from another, to explore towards the goal first.
_CATEGORY_ORDER: Final = {"new": 0, "indeterminate": 1, "done": 2}


@dataclass(frozen=True)
class StatusNode:
    """A workflow status: its id, name and status category key (``new``/``indeterminate``/``done``)."""

    id: str
    name: str
    category: str

    @classmethod
    def from_json(cls, status: Mapping[str, Any]) -> StatusNode:
        category = str((status.get("statusCategory") or {}).get("key") or "")
        return cls(
            id=str(status.get("id") or status.get("name") or "?"),
            name=str(status.get("name") or "?"),
            category=category,
        )


@dataclass(frozen=True)
class Step:
    """One transition offered from a status. ``resolution`` says whether its screen shows the
    Resolution field (``None``: the answer did not say, fields were not expanded); ``resolutions``
    lists the values the screen allows."""

    id: str
    name: str
    to: StatusNode
    resolution: ResolutionScreen | None = None
    resolutions: tuple[str, ...] = ()


def parse_transitions(answer: Mapping[str, Any] | None) -> list[Step]:
    """The transitions of a ``GET /issue/{id}/transitions?expand=transitions.fields`` answer."""
    steps: list[Step] = []
    for option in (answer or {}).get("transitions") or []:
        if option.get("isAvailable") is False:
            continue
        fields = option.get("fields")
        resolution: ResolutionScreen | None = None
        allowed: tuple[str, ...] = ()
        if isinstance(fields, Mapping):
            meta = fields.get("resolution")
            if isinstance(meta, Mapping):
                resolution = "required" if meta.get("required") else "optional"
                allowed = tuple(str(v.get("name")) for v in meta.get("allowedValues") or [] if v.get("name"))
            else:
                resolution = "none"
        steps.append(
            Step(
                id=str(option["id"]),
                name=str(option.get("name") or ""),
                to=StatusNode.from_json(option.get("to") or {}),
                resolution=resolution,
                resolutions=allowed,
            )
        )
    return steps


@dataclass
class WorkflowGraph:
    """What is known of one workflow (one project and issue type): the transitions read per status."""

    offered: dict[str, tuple[Step, ...]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def learn(self, status: StatusNode, steps: Sequence[Step]) -> None:
        self.offered[status.id] = tuple(steps)
        self.names[status.id] = status.name
        for step in steps:
            self.names.setdefault(step.to.id, step.to.name)

    def known(self, status_id: str) -> bool:
        return status_id in self.offered

    def path(self, start: str, goal: Callable[[StatusNode], bool]) -> list[Step] | None:
        """The shortest known path from ``start`` to a status ``goal`` accepts (``start`` itself
        excluded), or ``None``."""
        found = self._search(start, goal)
        return found[0] if found is not None and found[1] else None

    def next_step(self, start: str, goal: Callable[[StatusNode], bool], category: str) -> Step | None:
        """The first step of the shortest known path to a goal status, else the first step towards
        the nearest status not explored yet (nearer ``category`` first); ``None`` when everything
        reachable is known and no goal is among it."""
        found = self._search(start, goal, category)
        return found[0][0] if found is not None and found[0] else None

    def _search(
        self, start: str, goal: Callable[[StatusNode], bool], category: str | None = None
    ) -> tuple[list[Step], bool] | None:
        """Breadth first: ``(path, reaches the goal)`` — the path to a goal, else (with
        ``category``) the path to the best unexplored status."""
        queue: collections.deque[tuple[str, list[Step]]] = collections.deque([(start, [])])
        seen = {start}
        frontier: list[tuple[int, int, list[Step]]] = []
        while queue:
            node, route = queue.popleft()
            for step in self.offered.get(node, ()):
                if step.to.id in seen:
                    continue
                seen.add(step.to.id)
                way = [*route, step]
                if goal(step.to):
                    return way, True
                if step.to.id in self.offered:
                    queue.append((step.to.id, way))
                elif category is not None:
                    distance = abs(_CATEGORY_ORDER.get(category, 0) - _CATEGORY_ORDER.get(step.to.category, 0))
                    frontier.append((len(way), distance, way))
        if not frontier:
            return None
        return min(frontier, key=lambda entry: (entry[0], entry[1]))[2], False

    def explored(self) -> list[str]:
        """The names of the statuses whose transitions are known, for messages."""
        return sorted(self.names[s] for s in self.offered)
