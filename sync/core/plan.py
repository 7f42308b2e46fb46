"""Plan: ``(post-mortems, known state, policy, today) -> Plan``. Pure and deterministic.

Algorithm
---------
1. Each document gets an *incident key*: its incident id, else a slug of its file name (the parser
   never invents ids; the key only has to be stable). A second document with a key already used in
   the batch is rejected with an error diagnostic — merging two documents' items would be a guess.
2. Per document: :class:`UpsertIncident` (state only: the post-mortem and all its item records),
   then :class:`EnsureParent` unless the state already holds the incident's parent ticket.
3. Per action item (and per compliance action the policy adds), key ``<incident_key>#<n>``; the
   draft (title, body, priority, assignee, due, labels, project) is decided here, nowhere else:
   - known and ticketed: compare the draft's fields with the fields last written to the tracker and
     emit :class:`UpdateTicket` with only the changed ones (nothing when equal);
   - the document names a ticket of this tracker: :class:`AdoptTicket` (backfills never duplicate);
   - an item of the same incident that disappeared from the document has the same text and a ticket:
     :class:`RekeyItem` (the item was renumbered; its ticket follows it);
   - otherwise :class:`CreateTicket`.
4. Items the state knows as present but the document no longer lists: :class:`ReportRemoved`.
   Removed items are reported, never closed.
5. Consecutive item tickets of an incident are linked (:class:`LinkTickets`), only for pairs where
   at least one side is created in this plan, so existing links are not re-requested on every run.

Invariants
----------
- No I/O, no clock: ``today`` is an argument and only dates items whose document gives no date.
- Applying a plan and planning again over the same documents yields no tracker actions.
- Order: incident records and parents before the items under them; creates before links.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Protocol, TypeVar

from sync.core.model import ActionItem, Diagnostic, DiagnosticSeverity, PostMortem, Priority, Status, TicketLink
from sync.core.state import KnownItem, StateSnapshot
from sync.core.tickets import CLEAR, LinkKind, Marker, TicketChanges, TicketDraft, TicketKind, TicketRef

TITLE_LIMIT = 120
T = TypeVar("T")


# --- policy: the decisions that come from configuration ----------------------------------------


@dataclass(frozen=True)
class OwnerDecision:
    user: str | None
    problem: str | None = None


@dataclass(frozen=True)
class ExtraItem:
    """An item the policy adds on top of the document's (e.g. a compliance notification)."""

    suffix: str
    title: str
    body: str
    due: dt.date | None
    priority: Priority
    labels: tuple[str, ...] = ()


class PlanPolicy(Protocol):
    """Configuration-driven decisions (implemented over :mod:`mappings` in ``sync.policy``)."""

    def due(self, item: ActionItem, reference: dt.date) -> tuple[dt.date | None, Priority]:
        """The item's due date and effective priority (explicit deadline wins)."""
        ...

    def assignee(self, owner: str | None) -> OwnerDecision:
        """The tracker user for a document owner, or a problem to report."""
        ...

    def route(self, pm: PostMortem) -> tuple[str | None, tuple[str, ...]]:
        """Target project/repo and extra labels for an incident's tickets."""
        ...

    def extra_items(self, pm: PostMortem, reference: dt.date) -> Sequence[ExtraItem]:
        """Items to add for this incident (compliance rules)."""
        ...

    def reference(self, pm: PostMortem) -> dt.date | None:
        """The date due dates count from (review date, else end, else start) in the team's zone."""
        ...

    def adoptable(self, link: TicketLink) -> TicketRef | None:
        """The link as a ticket of the configured tracker, when it points into it."""
        ...


# --- actions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRecord:
    """An action item as stored in the state database."""

    key: str
    incident_key: str
    number: int
    text: str
    text_sha256: str
    owner: str | None
    priority: Priority
    deadline: dt.date | None
    due: dt.date | None
    doc_status: Status | None
    line: int | None


@dataclass(frozen=True)
class UpsertIncident:
    incident_key: str
    postmortem: PostMortem
    items: tuple[ItemRecord, ...]
    seen_on: dt.date


@dataclass(frozen=True)
class EnsureParent:
    incident_key: str
    draft: TicketDraft


@dataclass(frozen=True)
class CreateTicket:
    item_key: str
    incident_key: str
    draft: TicketDraft
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class AdoptTicket:
    """Record a ticket the document names; ``fallback`` is created instead when it does not exist."""

    item_key: str
    ref: TicketRef
    fields: Mapping[str, Any]
    fallback: CreateTicket


@dataclass(frozen=True)
class UpdateTicket:
    item_key: str
    ref: TicketRef
    changes: TicketChanges
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class RekeyItem:
    old_key: str
    new_key: str


@dataclass(frozen=True)
class LinkTickets:
    a_key: str
    b_key: str
    kind: LinkKind = LinkKind.RELATES


@dataclass(frozen=True)
class ReportRemoved:
    item_key: str
    ticket: TicketRef | None


Action = (
    UpsertIncident | EnsureParent | CreateTicket | AdoptTicket | UpdateTicket | RekeyItem | LinkTickets | ReportRemoved
)


@dataclass(frozen=True)
class Plan:
    actions: tuple[Action, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    unchanged: tuple[str, ...] = field(default=())

    def of_type(self, kind: type[T]) -> list[T]:
        return [action for action in self.actions if isinstance(action, kind)]

    @property
    def tracker_actions(self) -> list[Action]:
        """Actions that touch the tracker (everything but state-only records and reports)."""
        return [a for a in self.actions if not isinstance(a, UpsertIncident | ReportRemoved | RekeyItem)]


@dataclass(frozen=True)
class PlanInput:
    """One parsed document to plan for."""

    postmortem: PostMortem


# --- helpers ------------------------------------------------------------------------------------


def incident_key_for(pm: PostMortem) -> str:
    """The incident id, else a stable slug of the file name (never shown as an id)."""
    if pm.incident_id:
        return pm.incident_id.strip()
    stem = PurePath(pm.path).stem
    slug = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower()
    return f"doc-{slug or 'untitled'}"


def item_key(incident_key: str, suffix: int | str) -> str:
    return f"{incident_key}#{suffix}"


def sha256_text(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()


def ticket_title(text: str) -> str:
    """A ticket summary from an action's text: the lead-in before ':' when it is a title, else the
    first sentence, cut at a word boundary."""
    text = " ".join(text.split())
    head, sep, _rest = text.partition(": ")
    if sep and 3 <= len(head) <= 80 and "://" not in head:
        text = head
    else:
        sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text, maxsplit=1)[0]
        text = sentence.rstrip(".")
    if len(text) <= TITLE_LIMIT:
        return text
    cut = text[: TITLE_LIMIT - 1].rsplit(" ", 1)[0]
    return cut + "…"


def fields_of(draft: TicketDraft) -> dict[str, Any]:
    """The fields pmsync owns on a ticket, JSON-ready, for change detection."""
    return {
        "title": draft.title,
        "body": draft.body,
        "priority": draft.priority.value if draft.priority else None,
        "assignee": draft.assignee,
        "due": draft.due.isoformat() if draft.due else None,
        "labels": sorted(draft.labels),
        "project": draft.scope,
    }


def fields_sha256(fields: Mapping[str, Any]) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode("utf-8")).hexdigest()


def changes_between(old: Mapping[str, Any], new: Mapping[str, Any]) -> TicketChanges:
    """Only the fields that differ, as a delta; ``project`` moves are not applied to existing
    tickets. Labels become additions and removals of pmsync's own labels, so a label a person
    added is never touched; an emptied assignee or due date is an explicit clear."""
    values: dict[str, Any] = {}
    for name in ("title", "body"):
        if old.get(name) != new.get(name):
            values[name] = new.get(name) or ""
    if old.get("assignee") != new.get("assignee"):
        values["assignee"] = new.get("assignee") or CLEAR
    if old.get("priority") != new.get("priority") and new.get("priority"):
        values["priority"] = Priority(new["priority"])
    if old.get("due") != new.get("due"):
        values["due"] = dt.date.fromisoformat(new["due"]) if new.get("due") else CLEAR
    before, after = set(old.get("labels") or ()), set(new.get("labels") or ())
    return TicketChanges(labels_add=frozenset(after - before), labels_remove=frozenset(before - after), **values)


def _item_body(
    item: ActionItem, pm: PostMortem, incident_key: str, own: Callable[[TicketLink], TicketRef | None]
) -> str:
    # No item number here: renumbering rows must not rewrite every ticket below them.
    lines = [item.text, "", f"Action item from post-mortem {incident_key}"]
    if pm.title:
        lines.append(f"Incident: {pm.title}")
    if pm.severity:
        lines.append(f"Severity: {pm.severity.value}")
    if item.owner:
        lines.append(f"Owner (as written): {item.owner}")
    if item.deadline_raw and item.deadline is None:
        lines.append(f"Deadline (as written): {item.deadline_raw}")
    if item.kind:
        lines.append(f"Type: {item.kind}")
    for ticket in item.tickets:
        if own(ticket) is None:
            # References into this tracker are pmsync's own (written back, or adopted): listing
            # them would change the body, and so update the ticket, after every write-back.
            lines.append(f"Related: {ticket.url or ticket.key}")
    return "\n".join(lines)


def _incident_draft(pm: PostMortem, incident_key: str, project: str | None, labels: tuple[str, ...]) -> TicketDraft:
    title = f"Post-mortem {incident_key}: {pm.title}" if pm.title else f"Post-mortem {incident_key}"
    parts = [f"Follow-up tracking for post-mortem {incident_key}."]
    if pm.severity:
        parts.append(f"Severity: {pm.severity.value}")
    if pm.started_at:
        parts.append(f"Started: {pm.started_at.isoformat()}")
    parts.append(f"Action items: {len(pm.action_items)}")
    return TicketDraft(
        marker=Marker(incident_key),
        kind=TicketKind.INCIDENT,
        title=ticket_title(title),
        body="\n".join(parts),
        labels=tuple(sorted({"pmsync", *labels})),
        scope=project,
    )


def _adoptable(item: ActionItem, policy: PlanPolicy) -> TicketRef | None:
    for link in item.tickets:
        ref = policy.adoptable(link)
        if ref is not None:
            return ref
    return None


# --- the planner --------------------------------------------------------------------------------


def plan(
    inputs: Iterable[PlanInput],
    state: StateSnapshot,
    policy: PlanPolicy,
    today: dt.date,
    *,
    adopt: bool = True,
) -> Plan:
    """Decide every action needed to bring the tracker in line with the documents."""
    actions: list[Action] = []
    diagnostics: list[Diagnostic] = []
    unchanged: list[str] = []
    keyed = [(_incident_key(entry.postmortem, state, diagnostics), entry.postmortem) for entry in inputs]
    winners: dict[str, PostMortem] = {}
    for incident, pm in keyed:
        current = winners.get(incident)
        known = state.incidents.get(incident)
        # The document already synced for an incident keeps it; a newcomer with the same id is
        # rejected instead of rewriting its tickets.
        if current is None or (known is not None and pm.path == known.path and current.path != known.path):
            winners[incident] = pm
    for incident, pm in keyed:
        winner = winners[incident]
        if pm is not winner:
            diagnostics.append(
                Diagnostic(
                    path=pm.path,
                    severity=DiagnosticSeverity.ERROR,
                    code="PLAN001",
                    message=f"incident {incident} is already described by {winner.path}; this document is skipped",
                    hint="give each post-mortem its own incident id",
                )
            )
            continue
        _plan_incident(pm, incident, state, policy, today, adopt, actions, diagnostics, unchanged)
    return Plan(actions=tuple(actions), diagnostics=tuple(diagnostics), unchanged=tuple(unchanged))


def _incident_key(pm: PostMortem, state: StateSnapshot, diagnostics: list[Diagnostic]) -> str:
    """The incident key; a document without an id that was renamed or moved (same content as a
    known document under another path) keeps the key it was synced under."""
    key = incident_key_for(pm)
    if pm.incident_id or key in state.incidents:
        return key
    for known in state.incidents.values():
        if (
            known.content_sha256 == pm.content_sha256
            and known.path != pm.path
            and known.incident_key.startswith("doc-")
        ):
            diagnostics.append(
                Diagnostic(
                    path=pm.path,
                    severity=DiagnosticSeverity.INFO,
                    code="PLAN005",
                    message=f"moved from {known.path}; its tickets are kept ({known.incident_key})",
                    hint="add an incident id to the document so moves never matter",
                )
            )
            return known.incident_key
    return key


def _plan_incident(
    pm: PostMortem,
    incident: str,
    state: StateSnapshot,
    policy: PlanPolicy,
    today: dt.date,
    adopt: bool,
    actions: list[Action],
    diagnostics: list[Diagnostic],
    unchanged: list[str],
) -> None:
    known_incident = state.incidents.get(incident)
    reference = policy.reference(pm) or (known_incident.first_seen if known_incident else today)
    project, route_labels = policy.route(pm)
    base_labels = ("pmsync", *route_labels)

    drafts: list[tuple[str, ItemRecord, TicketDraft, ActionItem | None]] = []
    numbers: set[int] = set()
    for item in pm.action_items:
        if item.number in numbers:
            diagnostics.append(
                Diagnostic(
                    path=pm.path,
                    line=item.line,
                    severity=DiagnosticSeverity.ERROR,
                    code="PLAN002",
                    message=f"action item number {item.number} is used twice; this row is skipped",
                    hint="number each action item once",
                )
            )
            continue
        numbers.add(item.number)
        key = item_key(incident, item.number)
        due, priority = policy.due(item, reference)
        owner = policy.assignee(item.owner)
        if owner.problem:
            diagnostics.append(
                Diagnostic(
                    path=pm.path,
                    line=item.line,
                    severity=DiagnosticSeverity.WARNING,
                    code="PLAN003",
                    message=f"{key}: {owner.problem}"
                    + ("; the ticket is created unassigned" if owner.user is None else ""),
                    hint="add the owner to [owners] in pmsync.toml",
                )
            )
        draft = TicketDraft(
            marker=Marker(key),
            title=ticket_title(item.text),
            body=_item_body(item, pm, incident, policy.adoptable),
            priority=priority,
            labels=tuple(sorted({*base_labels, f"priority-{priority.value.lower()}"})),
            assignee=owner.user,
            due=due,
            scope=project,
            status=item.status or Status.OPEN,
        )
        record = ItemRecord(
            key=key,
            incident_key=incident,
            number=item.number,
            text=item.text,
            text_sha256=sha256_text(item.text),
            owner=item.owner,
            priority=priority,
            deadline=item.deadline,
            due=due,
            doc_status=item.status,
            line=item.line,
        )
        drafts.append((key, record, draft, item))

    for extra in policy.extra_items(pm, reference):
        key = item_key(incident, extra.suffix)
        draft = TicketDraft(
            marker=Marker(key),
            title=ticket_title(extra.title),
            body=extra.body,
            priority=extra.priority,
            labels=tuple(sorted({*base_labels, *extra.labels, f"priority-{extra.priority.value.lower()}"})),
            due=extra.due,
            scope=project,
        )
        record = ItemRecord(
            key=key,
            incident_key=incident,
            number=0,
            text=extra.title,
            text_sha256=sha256_text(extra.title),
            owner=None,
            priority=extra.priority,
            deadline=None,
            due=extra.due,
            doc_status=None,
            line=None,
        )
        drafts.append((key, record, draft, None))

    planned_keys = {key for key, _, _, _ in drafts}
    known_items = state.items_of(incident)
    claims = _match_known(drafts, [k for k in known_items if k.ticket is not None])
    claimed = {known.key for known in claims.values()}
    moves = {old.key: key for key, old in claims.items() if old.key != key}
    # An unclaimed item whose number is now used by another item keeps its ticket under a
    # tombstone key, so its history survives and its text can reclaim the ticket if it returns.
    removed: list[tuple[str, KnownItem]] = []
    for gone in known_items:
        if gone.key in claimed:
            continue
        final = gone.key
        if gone.key in planned_keys and gone.ticket is not None:
            final = f"{gone.key}~{gone.ticket.ref.key}"
            moves[gone.key] = final
        if gone.present and (gone.ticket is not None or gone.key not in planned_keys):
            removed.append((final, gone))
    # Renumbering first: rows and tickets move before the document's items are recorded.
    actions.extend(_rekeys(moves))
    actions.append(
        UpsertIncident(incident_key=incident, postmortem=pm, items=tuple(r for _, r, _, _ in drafts), seen_on=today)
    )
    if known_incident is None or known_incident.parent is None:
        actions.append(EnsureParent(incident_key=incident, draft=_incident_draft(pm, incident, project, base_labels)))

    owned = {known.ticket.ref.key: known.key for known in state.items.values() if known.ticket is not None}
    used_markers = {known.ticket.marker for known in state.items.values() if known.ticket and known.ticket.marker}
    created_or_known: list[tuple[str, bool]] = []
    for key, record, draft, source in drafts:
        fields = fields_of(draft)
        known = claims.get(key)
        if known is not None and known.ticket is not None:
            changes = changes_between(known.ticket.synced_fields or {}, fields)
            if changes.is_empty():
                unchanged.append(key)
            else:
                actions.append(UpdateTicket(item_key=key, ref=known.ticket.ref, changes=changes, fields=fields))
            created_or_known.append((key, False))
            continue
        ref = _adoptable(source, policy) if (adopt and source is not None) else None
        owner_of_ref = owned.get(ref.key) if ref is not None else None
        if ref is not None and owner_of_ref is not None and owner_of_ref != key:
            diagnostics.append(
                Diagnostic(
                    path=pm.path,
                    line=record.line,
                    severity=DiagnosticSeverity.WARNING,
                    code="PLAN004",
                    message=f"{key} names {ref.key}, which already tracks {owner_of_ref}; a new ticket is created",
                    hint="point the item at its own ticket, or remove the reference",
                )
            )
            ref = None
        marker = _free_marker(key, used_markers)
        used_markers.add(marker.key)
        create = CreateTicket(
            item_key=key, incident_key=incident, draft=dataclasses.replace(draft, marker=marker), fields=fields
        )
        actions.append(create if ref is None else AdoptTicket(item_key=key, ref=ref, fields=fields, fallback=create))
        created_or_known.append((key, True))

    for final, gone in removed:
        actions.append(ReportRemoved(item_key=final, ticket=gone.ticket.ref if gone.ticket else None))

    ticket_of = {key: known.ticket.ref.key for key, known in claims.items() if known.ticket is not None}
    for (a_key, a_new), (b_key, b_new) in zip(created_or_known, created_or_known[1:], strict=False):
        # Known pairs are linked again only when the state has no record of the link (a run that
        # died before linking, or a link call that failed), so a steady state plans no link calls.
        pair = tuple(sorted((ticket_of.get(a_key, ""), ticket_of.get(b_key, ""))))
        if a_new or b_new or pair not in state.links:
            actions.append(LinkTickets(a_key=a_key, b_key=b_key))


def _match_known(
    drafts: Sequence[tuple[str, ItemRecord, TicketDraft, ActionItem | None]], known: Sequence[KnownItem]
) -> dict[str, KnownItem]:
    """Which ticketed known item each planned item is.

    In order: the same number with the same text; then the same text (items still in the
    document before removed ones, lower numbers first) — so inserting, deleting or swapping rows
    moves tickets with their items instead of rewriting every ticket below, and an item that
    comes back reclaims its ticket; then the same number among items still in the document, so an
    item whose text was edited keeps its ticket. A removed item's number never hands its ticket to
    a newcomer."""
    by_key = {old.key: old for old in known}
    by_text: dict[str, list[KnownItem]] = {}
    for old in sorted(known, key=lambda k: (not k.present, k.number, k.key)):
        by_text.setdefault(old.text_sha256, []).append(old)
    claims: dict[str, KnownItem] = {}
    taken: set[str] = set()

    def claim(key: str, old: KnownItem) -> None:
        claims[key] = old
        taken.add(old.key)

    for key, record, _draft, _source in drafts:
        same = by_key.get(key)
        if same is not None and same.text_sha256 == record.text_sha256:
            claim(key, same)
    for key, record, _draft, _source in drafts:
        if key in claims:
            continue
        for old in by_text.get(record.text_sha256, []):
            if old.key not in taken:
                claim(key, old)
                break
    for key, _record, _draft, _source in drafts:
        same = by_key.get(key)
        if key not in claims and same is not None and same.present and same.key not in taken:
            claim(key, same)
    return claims


def _free_marker(key: str, used: set[str]) -> Marker:
    """The item's key as its marker, unless a ticket that moved to another number still carries
    it (markers never change once written): then the first free ``<key>~<n>``. Deterministic for
    a given state, so a run resumed after a crash searches for the marker it created with."""
    if key not in used:
        return Marker(key)
    n = 2
    while f"{key}~{n}" in used:
        n += 1
    return Marker(f"{key}~{n}")


def _rekeys(moves: Mapping[str, str]) -> list[RekeyItem]:
    """Order renumberings so that no key is taken while still in use; cycles go through a
    temporary key."""
    pending = dict(moves)
    ordered: list[RekeyItem] = []
    while pending:
        free = [old for old, new in pending.items() if new not in pending]
        if free:
            for old in sorted(free):
                ordered.append(RekeyItem(old_key=old, new_key=pending.pop(old)))
            continue
        old = min(pending)
        parked = f"{old}~moving"
        ordered.append(RekeyItem(old_key=old, new_key=parked))
        pending[parked] = pending.pop(old)
    return ordered


def safety_problems(plan_: Plan, state: StateSnapshot, *, documents: int, max_creates: int) -> list[str]:
    """Reasons to refuse applying this plan without ``--force`` (vdirsyncer's StorageEmpty idea)."""
    problems: list[str] = []
    creates = len(plan_.of_type(CreateTicket))
    if creates > max_creates:
        problems.append(f"the plan creates {creates} tickets, more than [safety] max_creates = {max_creates}")
    planned = plan_.of_type(UpsertIncident)
    # Known items of the incidents read this time (or of all, when nothing was read): a run that
    # would drop every one of them almost always means a wrong path, not a deliberate edit.
    scope = {a.incident_key for a in planned} if documents else set(state.incidents)
    known_present = sum(1 for item in state.items.values() if item.present and item.incident_key in scope)
    planned_items = sum(len(a.items) for a in planned)
    if known_present and planned_items == 0:
        problems.append(
            f"the state knows {known_present} action items but the documents yielded none "
            "(wrong path or glob, or every document failed to parse?)"
        )
    return problems
