"""What pmsync writes into tickets: bodies and labels, decided from the document alone.

Pure and deterministic: the same document (and configuration) always gives the same text, so an
unchanged document never plans an update. Bodies are plain text, one fact per line; the adapters
turn them into ADF (Jira Cloud), wiki markup (Jira DC) or Markdown (GitHub), and read them back
to the same text.

Item numbers are never written: renumbering rows must not rewrite every ticket below them.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath

from sync.core.model import ActionItem, DetectionMethod, PostMortem, Priority

# Longest why quoted in a body: the summary is a pointer to the document, not a copy of it.
WHY_LIMIT = 200

_DETECTION_WORDS = {
    DetectionMethod.MONITORING: "monitoring",
    DetectionMethod.CUSTOMER: "customer report",
    DetectionMethod.INTERNAL: "internal discovery",
}


def document_link(template: str | None, path: str, root: str | None = None) -> str:
    """The post-mortem's address: ``template`` with ``{path}`` replaced by the document's path
    relative to ``root`` (the config file's directory, the repository root); without a template,
    that relative path itself. A path outside ``root`` is used as given."""
    relative = _relative(path, root)
    if not template:
        return relative
    return template.replace("{path}", relative)


def _relative(path: str, root: str | None) -> str:
    posix = PurePosixPath(path.replace("\\", "/"))
    if root:
        base = PurePosixPath(root.replace("\\", "/"))
        if posix.is_relative_to(base):
            posix = posix.relative_to(base)
    return str(posix)


def whys_summary(pm: PostMortem) -> list[str]:
    """The 5 whys as a numbered list (each shortened to :data:`WHY_LIMIT`); nothing without whys."""
    if not pm.whys:
        return []
    lines = ["5 whys:"]
    for n, why in enumerate(pm.whys, start=1):
        lines.append(f"{n}. {_shorten(why.text)}")
    return lines


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= WHY_LIMIT:
        return flat
    head = flat[: WHY_LIMIT - 1]
    return (head.rsplit(" ", 1)[0] if " " in head else head).rstrip(" ,;:") + "…"


def incident_line(pm: PostMortem, incident_key: str) -> str:
    return f"Incident: {incident_key} — {pm.title}" if pm.title else f"Incident: {incident_key}"


def item_body(
    item: ActionItem,
    pm: PostMortem,
    incident_key: str,
    *,
    due: dt.date | None,
    priority: Priority,
    link: str,
    related: Sequence[str] = (),
) -> str:
    """An item ticket's body: the item text in full, then the incident, severity, owner as
    written, due date and where it came from, the whys, and the document."""
    lines = [item.text, "", incident_line(pm, incident_key)]
    if pm.severity:
        lines.append(f"Severity: {pm.severity.value}")
    if item.owner:
        lines.append(f"Owner (as written): {item.owner}")
    if due is not None:
        source = "given by the document" if item.deadline is not None else f"derived from priority {priority.value}"
        lines.append(f"Due: {due.isoformat()} ({source})")
    if item.deadline_raw and item.deadline is None:
        lines.append(f"Deadline (as written): {item.deadline_raw}")
    if item.kind:
        lines.append(f"Type: {item.kind}")
    lines.extend(f"Related: {ref}" for ref in related)
    whys = whys_summary(pm)
    if whys:
        lines += ["", *whys]
    lines += ["", f"Post-mortem: {link}"]
    return "\n".join(lines)


_DUE_LINE = re.compile(r"^Due: .*(?:\n|$)", re.MULTILINE)


def with_kept_due(body: str, due: dt.date | None) -> str:
    """``body`` whose Due line states ``due``, the due date a person set in the tracker and pmsync
    kept (none: the line goes): the body never contradicts a field pmsync left alone."""
    if not _DUE_LINE.search(body):
        return body
    line = f"Due: {due.isoformat()} (set in the tracker; kept over the document's)\n" if due else ""
    return _DUE_LINE.sub(lambda _match: line, body, count=1)


def incident_body(pm: PostMortem, incident_key: str, *, link: str, items: int | None = None) -> str:
    """The incident parent's body: the summary fields and the document. ``items`` counts its
    children — the document's items and those the policy adds (compliance) — when known."""
    lines = [f"Follow-up tracking for post-mortem {incident_key}.", incident_line(pm, incident_key)]
    if pm.severity:
        lines.append(f"Severity: {pm.severity.value}")
    if pm.started_at:
        lines.append(f"Started: {pm.started_at.isoformat()}")
    if pm.ended_at:
        lines.append(f"Ended: {pm.ended_at.isoformat()}")
    impact = _impact(pm)
    if impact:
        lines.append(f"Impact: {impact}")
    if pm.detection.method:
        delay = f" after {pm.detection.delay_minutes} min" if pm.detection.delay_minutes is not None else ""
        lines.append(f"Detection: {_DETECTION_WORDS[pm.detection.method]}{delay}")
    lines.append(f"Action items: {len(pm.action_items) if items is None else items}")
    whys = whys_summary(pm)
    if whys:
        lines += ["", *whys]
    lines += ["", f"Post-mortem: {link}"]
    return "\n".join(lines)


def _impact(pm: PostMortem) -> str:
    pieces: list[str] = []
    if pm.impact.users is not None:
        pieces.append(f"{pm.impact.users:,} users affected")
    if pm.impact.revenue_lost is not None:
        pieces.append(f"${pm.impact.revenue_lost:,} revenue lost")
    if pm.impact.sla_breached is not None:
        pieces.append("SLA breached" if pm.impact.sla_breached else "SLA kept")
    if not pieces and pm.impact.text:
        return " ".join(pm.impact.text.split())
    return "; ".join(pieces)


@functools.lru_cache(maxsize=1024)  # a run's labels repeat on every item: a team, a severity
def label_slug(text: str) -> str:
    """A label-safe form (no spaces, lower case): Jira labels cannot hold spaces."""
    return re.sub(r"[^a-z0-9._-]+", "-", text.casefold()).strip("-")


def ticket_labels(base: Iterable[str], pm: PostMortem, priority: Priority | None = None) -> tuple[str, ...]:
    """``pmsync``, the routing labels, the priority, and the incident's severity and team when
    known. Sorted and de-duplicated; the adapters add the marker label themselves."""
    labels = {"pmsync", *base}
    if priority is not None:
        labels.add(f"priority-{priority.value.lower()}")
    if pm.severity:
        labels.add(f"severity-{label_slug(pm.severity.value)}")
    if pm.team and label_slug(pm.team):
        labels.add(f"team-{label_slug(pm.team)}")
    return tuple(sorted(labels))
