"""The Markdown body of a GitHub issue pmsync manages: the planner's text, then pmsync's footer.

The footer holds what GitHub has no field for (the due date, the priority), the parent's task list
of its sub-issues (ticked when closed), and the hidden marker comment that identifies the action item after a crash::

    <planner's body>

    <!-- pmsync:begin -->
    ---
    **Due:** 2026-01-09 · **Priority:** P1

    - [ ] acme/ops#12
    - [x] acme/ops#13
    <!-- pmsync:marker INC-7#3 -->

Everything from ``<!-- pmsync:begin -->`` on is pmsync's: reading a ticket strips it, so the body
compared with the document is exactly what the planner wrote.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sync.core.model import Priority
from sync.core.tickets import Marker

BEGIN = "<!-- pmsync:begin -->"
_MARKER_RE = re.compile(r"<!-- pmsync:marker (?P<key>[^\s>]+) -->")
_TASK_RE = re.compile(r"^- \[(?P<box> |x)\] (?P<ref>\S+)$", re.MULTILINE)


@dataclass(frozen=True)
class Footer:
    marker: Marker
    due: dt.date | None = None
    priority: Priority | None = None
    tasks: tuple[str, ...] = ()
    done: frozenset[str] = frozenset()  # the tasks ticked: sub-issues that are closed


def render_body(text: str, footer: Footer) -> str:
    """The issue body: ``text`` then the footer."""
    facts = []
    if footer.due is not None:
        facts.append(f"**Due:** {footer.due.isoformat()}")
    if footer.priority is not None:
        facts.append(f"**Priority:** {footer.priority.value}")
    lines = [text.rstrip(), "", BEGIN, "---"]
    if facts:
        lines.append(" · ".join(facts))
    if footer.tasks:
        lines += ["", "Action items:", *(f"- [{'x' if ref in footer.done else ' '}] {ref}" for ref in footer.tasks)]
    lines.append(f"<!-- pmsync:marker {footer.marker.key} -->")
    return "\n".join(lines) + "\n"


def split_body(body: str | None) -> tuple[str, Footer | None]:
    """The planner's text and the parsed footer (``None`` when the marker comment is gone)."""
    text = body or ""
    head, sep, tail = text.partition(BEGIN)
    found = _MARKER_RE.search(tail if sep else text)
    if not sep:
        return text.replace("\r\n", "\n"), Footer(Marker(found["key"])) if found else None
    if found is None:
        return head.rstrip().replace("\r\n", "\n"), None
    due_match = re.search(r"\*\*Due:\*\* (\d{4}-\d{2}-\d{2})", tail)
    priority_match = re.search(r"\*\*Priority:\*\* (P\d)", tail)
    priority = None
    if priority_match and priority_match[1] in Priority.__members__:
        priority = Priority[priority_match[1]]
    tasks = list(_TASK_RE.finditer(tail))
    return head.rstrip().replace("\r\n", "\n"), Footer(
        marker=Marker(found["key"]),
        due=dt.date.fromisoformat(due_match[1]) if due_match else None,
        priority=priority,
        tasks=tuple(m["ref"] for m in tasks),
        done=frozenset(m["ref"] for m in tasks if m["box"] == "x"),
    )
