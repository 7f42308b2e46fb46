"""Plan: ``(post-mortems, known state, policy, today, capabilities) -> Plan``. Pure and deterministic.

Algorithm
---------
1. Each document gets an *incident key*: its incident id, else a slug of its file name (the parser
   never invents ids; the key only has to be stable). A second document with a key already used in
   the batch is rejected with an error diagnostic — merging two documents' items would be a guess.
2. Per document, the decisions are made by separate functions, each unit-tested alone:
   - **drafts** (:func:`_drafts`): one draft per action item (and per compliance action the
     policy adds), key ``<incident_key>#<n>``; title, body, priority, assignee, due, labels and
     scope are decided here, nowhere else;
   - **matching** (:func:`_match_known`): which known ticketed item each drafted item is (same
     number and text, then same text, then same number);
   - **renumbering** (:func:`_renumbering`): known items that moved get :class:`RekeyItem`; one
     whose number is reused keeps its ticket under a tombstone key; removed ones are listed;
   - **adoption** (:func:`_ticket_actions`): known and ticketed → :class:`UpdateTicket` with only
     the changed fields; the document names a ticket of this tracker → :class:`AdoptTicket`;
     otherwise :class:`CreateTicket` (an item whose create may have happened — an unconfirmed
     intent — is *pending*: never planned again until settled);
   - **removal** (:class:`ReportRemoved`): items the document no longer lists, reported, never closed;
   - **linking** (:func:`_links`): with ``[tracker] link_items`` on, consecutive item tickets, when
     the tracker has links, only for pairs with a new side or a link the state has no record of.
3. The incident's parent (:class:`EnsureParent`) only when it has items and no parent yet.
4. Capabilities shape the plan: a backend that cannot create in a done state gets a create and a
   :class:`TransitionTicket`; one that needs a second write for parents gets :class:`AttachToParent`.

Invariants
----------
- No I/O, no clock: ``today`` is an argument and only dates items whose document gives no date.
- Applying a plan and planning again over the same documents yields no tracker actions.
- Order (by phase, stable): renumbering, incident records, parents, creates and adoptions,
  attaches, transitions, updates, links, reports — so apply can batch consecutive creates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import itertools
import re
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Protocol, TypeVar

from sync.core.bodies import incident_body, item_body, ticket_labels
from sync.core.model import ActionItem, Diagnostic, DiagnosticSeverity, PostMortem, Priority, Status, TicketLink
from sync.core.state import KnownItem, KnownTicket, StateSnapshot
from sync.core.tickets import (
    CLEAR,
    Capabilities,
    LinkKind,
    Marker,
    TicketChanges,
    TicketDraft,
    TicketKind,
    TicketRef,
)

DEFAULT_TITLE_LIMIT = 255
T = TypeVar("T")

# What the planner assumes when the caller names no backend: everything native (the local tracker).
FULL_CAPABILITIES = Capabilities(
    native_due_date=True,
    native_parent=True,
    links=True,
    parent_on_create=True,
    create_in_done_state=True,
    consistent_lookup=True,
    search_lag_seconds=0.0,
)


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

    def document_link(self, pm: PostMortem) -> str:
        """The post-mortem's address for ticket bodies (``[sources] document_url``), else its path."""
        ...

    @property
    def close_done(self) -> bool:
        """``[tracker] close_done``: a document newly marking an item done transitions its ticket."""
        ...

    @property
    def link_items(self) -> bool:
        """``[tracker] link_items``: chain an incident's item tickets with links (they already share
        a parent, so the chain adds a request per item and no information; opt-in)."""
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
    """Create the item's ticket; ``then_status`` is set by a second write afterwards (backends
    that cannot create in a done state)."""

    item_key: str
    incident_key: str
    draft: TicketDraft
    fields: Mapping[str, Any]
    then_status: Status | None = None


@dataclass(frozen=True)
class AttachToParent:
    """Hang the item's ticket under its incident's parent (backends needing a second write)."""

    item_key: str
    incident_key: str


@dataclass(frozen=True)
class TransitionTicket:
    """Set the status the document gave at creation, after the create (status on create)."""

    item_key: str
    status: Status


@dataclass(frozen=True)
class AdoptTicket:
    """Record a ticket the document names; ``fallback`` is created instead when it does not exist."""

    item_key: str
    ref: TicketRef
    fields: Mapping[str, Any]
    fallback: CreateTicket


@dataclass(frozen=True)
class UpdateTicket:
    """Write ``changes`` (a delta). ``previous`` is what pmsync last wrote: apply compares it
    with the tracker's current values, and leaves alone (and reports) any field a person changed
    since — the three-way check."""

    item_key: str
    ref: TicketRef
    changes: TicketChanges
    fields: Mapping[str, Any]
    previous: Mapping[str, Any] = field(default_factory=dict)


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
    UpsertIncident
    | EnsureParent
    | CreateTicket
    | AdoptTicket
    | UpdateTicket
    | RekeyItem
    | LinkTickets
    | ReportRemoved
    | AttachToParent
    | TransitionTicket
)

# Apply runs actions in this order; within a phase, the documents' order.
_PHASES: tuple[tuple[type, ...], ...] = (
    (RekeyItem,),
    (UpsertIncident,),
    (EnsureParent,),
    (CreateTicket, AdoptTicket),
    (AttachToParent,),
    (TransitionTicket,),
    (UpdateTicket,),
    (LinkTickets,),
    (ReportRemoved,),
)


def _phase(action: Action) -> int:
    return next(n for n, kinds in enumerate(_PHASES) if isinstance(action, kinds))


@dataclass(frozen=True)
class Plan:
    actions: tuple[Action, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    unchanged: tuple[str, ...] = field(default=())
    pending: tuple[str, ...] = field(default=())  # creates that may have happened, not confirmed yet
    today: dt.date | None = None  # the day planned for: apply dates a workflow-blocked transition with it

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


def ticket_title(text: str, limit: int = DEFAULT_TITLE_LIMIT) -> str:
    """A ticket title: the whole item text (never cut at a colon or a sentence end), shortened
    only when longer than the tracker's ``limit``, at a word boundary, with an ellipsis. The
    ticket body always carries the full text."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    cut = head.rsplit(" ", 1)[0] if " " in head else head
    return cut.rstrip(" ,;:") + "…"


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


def _related(
    item: ActionItem, own: Callable[[TicketLink], TicketRef | None], known: frozenset[str] = frozenset()
) -> list[str]:
    # References into this tracker are pmsync's own (written back, or adopted): listing them
    # would change the body, and so update the ticket, after every write-back. So is a ticket
    # pmsync knows by key or address, whatever its shape (a GitHub Enterprise or test server's
    # address is no github.com link, but it is still the item's own ticket).
    return [
        ticket.url or ticket.key
        for ticket in item.tickets
        if own(ticket) is None and ticket.key not in known and (ticket.url is None or ticket.url not in known)
    ]


def _incident_draft(
    pm: PostMortem,
    incident_key: str,
    project: str | None,
    labels: tuple[str, ...],
    limit: int,
    link: str,
    items: int | None = None,
) -> TicketDraft:
    title = f"{incident_key}: {pm.title}" if pm.title else f"{incident_key}: post-mortem follow-ups"
    return TicketDraft(
        marker=Marker(incident_key),
        kind=TicketKind.INCIDENT,
        title=ticket_title(title, limit),
        body=incident_body(pm, incident_key, link=link, items=items),
        labels=ticket_labels(labels, pm),
        scope=project,
        document_url=link if _is_url(link) else None,
    )


def _is_url(text: str) -> bool:
    return text.startswith(("https://", "http://"))


def _adoptable(item: ActionItem, policy: PlanPolicy) -> TicketRef | None:
    for link in item.tickets:
        ref = policy.adoptable(link)
        if ref is not None:
            return ref
    return None


# --- the planner --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drafted:
    """One item as the document (or the policy) wants its ticket."""

    key: str
    record: ItemRecord
    draft: TicketDraft
    source: ActionItem | None  # None for items the policy added


@dataclass
class _Out:
    """What planning accumulates across incidents."""

    actions: list[Action] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)


def plan(
    inputs: Iterable[PlanInput],
    state: StateSnapshot,
    policy: PlanPolicy,
    today: dt.date,
    *,
    adopt: bool = True,
    capabilities: Capabilities = FULL_CAPABILITIES,
) -> Plan:
    """Decide every action needed to bring the tracker in line with the documents."""
    out = _Out()
    keyed = [(_incident_key(entry.postmortem, state, out.diagnostics), entry.postmortem) for entry in inputs]
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
            out.diagnostics.append(
                Diagnostic(
                    path=pm.path,
                    severity=DiagnosticSeverity.ERROR,
                    code="PLAN001",
                    message=f"incident {incident} is already described by {winner.path}; this document is skipped",
                    hint="give each post-mortem its own incident id",
                )
            )
            continue
        _plan_incident(pm, incident, state, policy, today, adopt=adopt, capabilities=capabilities, out=out)
    ordered = sorted(out.actions, key=_phase)
    return Plan(
        actions=tuple(ordered),
        diagnostics=tuple(out.diagnostics),
        unchanged=tuple(out.unchanged),
        pending=tuple(out.pending),
        today=today,
    )


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
    *,
    adopt: bool,
    capabilities: Capabilities,
    out: _Out,
) -> None:
    known_incident = state.incidents.get(incident)
    reference = policy.reference(pm) or (known_incident.first_seen if known_incident else today)
    project, route_labels = policy.route(pm)
    base_labels = ("pmsync", *route_labels)
    drafts = _drafts(
        pm,
        incident,
        policy,
        reference,
        project,
        base_labels,
        capabilities,
        out.diagnostics,
        known_refs=state.ticket_refs,
    )

    known_items = state.items_of(incident)
    claims = _match_known(drafts, [k for k in known_items if k.ticket is not None])
    moves, removed = _renumbering(drafts, known_items, claims)
    # Renumbering first: rows and tickets move before the document's items are recorded.
    out.actions.extend(_rekeys(moves))
    out.actions.append(
        UpsertIncident(incident_key=incident, postmortem=pm, items=tuple(d.record for d in drafts), seen_on=today)
    )
    if drafts and (known_incident is None or known_incident.parent is None):
        # No parent for an incident without items: an empty parent ticket is noise.
        if incident in state.pending:
            out.pending.append(incident)
        else:
            link = policy.document_link(pm)
            draft = _incident_draft(
                pm, incident, project, base_labels, capabilities.title_limit, link, items=len(drafts)
            )
            out.actions.append(EnsureParent(incident_key=incident, draft=draft))

    news = _ticket_actions(
        pm, drafts, claims, state, policy, adopt=adopt, capabilities=capabilities, out=out, today=today
    )
    for final, gone in removed:
        out.actions.append(ReportRemoved(item_key=final, ticket=gone.ticket.ref if gone.ticket else None))
    if capabilities.links and policy.link_items:
        ticket_of = {key: known.ticket.ref.key for key, known in claims.items() if known.ticket is not None}
        out.actions.extend(_links(news, ticket_of, state.links))


def _drafts(
    pm: PostMortem,
    incident: str,
    policy: PlanPolicy,
    reference: dt.date,
    project: str | None,
    base_labels: tuple[str, ...],
    capabilities: Capabilities,
    diagnostics: list[Diagnostic],
    *,
    known_refs: frozenset[str] = frozenset(),
) -> list[Drafted]:
    """One draft per action item (duplicate numbers rejected) and per item the policy adds."""
    drafts: list[Drafted] = []
    numbers: set[int] = set()
    link = policy.document_link(pm)
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
            title=ticket_title(item.text, capabilities.title_limit),
            body=item_body(
                item,
                pm,
                incident,
                due=due,
                priority=priority,
                link=link,
                related=_related(item, policy.adoptable, known_refs),
            ),
            priority=priority,
            labels=ticket_labels(base_labels, pm, priority),
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
        drafts.append(Drafted(key, record, draft, item))
    for extra in policy.extra_items(pm, reference):
        key = item_key(incident, extra.suffix)
        draft = TicketDraft(
            marker=Marker(key),
            title=ticket_title(extra.title, capabilities.title_limit),
            body=extra.body,
            priority=extra.priority,
            labels=ticket_labels((*base_labels, *extra.labels), pm, extra.priority),
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
        drafts.append(Drafted(key, record, draft, None))
    return drafts


def _renumbering(
    drafts: Sequence[Drafted], known_items: Sequence[KnownItem], claims: Mapping[str, KnownItem]
) -> tuple[dict[str, str], list[tuple[str, KnownItem]]]:
    """Moves (old key → new key) and removed items (final key, item).

    A claimed item that changed number moves to its new key. An unclaimed item whose number is
    now used by another item keeps its ticket under a tombstone key, so its history survives and
    its text can reclaim the ticket if it returns. Unclaimed items still marked present are
    removed from the document (reported) — unless they never had a ticket and their key is
    simply reused."""
    planned_keys = {d.key for d in drafts}
    claimed = {known.key for known in claims.values()}
    moves = {old.key: key for key, old in claims.items() if old.key != key}
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
    return moves, removed


def _ticket_actions(
    pm: PostMortem,
    drafts: Sequence[Drafted],
    claims: Mapping[str, KnownItem],
    state: StateSnapshot,
    policy: PlanPolicy,
    *,
    adopt: bool,
    capabilities: Capabilities,
    out: _Out,
    today: dt.date | None = None,
) -> list[tuple[str, bool]]:
    """Update, adopt or create per drafted item; returns ``(key, is new)`` in document order for
    linking (pending items are left out: they are neither new nor known yet)."""
    owned = state.ticket_owners
    used_markers: set[str] = set()  # beside the state's: markers this incident's creates take
    attach_later = capabilities.native_parent and not capabilities.parent_on_create
    linkable: list[tuple[str, bool]] = []
    for drafted in drafts:
        key, draft = drafted.key, drafted.draft
        fields = fields_of(draft)
        known = claims.get(key)
        if known is not None and known.ticket is not None:
            out.actions.extend(
                _known_ticket_actions(
                    drafted, known, known.ticket, fields, attach_later, out, close_done=policy.close_done, today=today
                )
            )
            linkable.append((key, False))
            continue
        if key in state.pending:
            out.pending.append(key)
            continue
        ref = _adoption(drafted, owned, policy, adopt=adopt, diagnostics=out.diagnostics, path=pm.path)
        marker = _free_marker(key, state.markers, used_markers)
        used_markers.add(marker.key)
        then_status: Status | None = None
        if draft.status is not Status.OPEN and not capabilities.create_in_done_state:
            then_status, draft = draft.status, dataclasses.replace(draft, status=Status.OPEN)
        create = CreateTicket(
            item_key=key,
            incident_key=drafted.record.incident_key,
            draft=dataclasses.replace(draft, marker=marker),
            fields=fields,
            then_status=then_status,
        )
        adoption = AdoptTicket(item_key=key, ref=ref, fields=fields, fallback=create) if ref is not None else None
        out.actions.append(adoption or create)
        if ref is None and attach_later:
            out.actions.append(AttachToParent(item_key=key, incident_key=drafted.record.incident_key))
        if ref is None and then_status is not None:
            out.actions.append(TransitionTicket(item_key=key, status=then_status))
        linkable.append((key, True))
    return linkable


_CLOSED = (Status.DONE, Status.WONT_DO)


def _known_ticket_actions(
    drafted: Drafted,
    known: KnownItem,
    ticket: KnownTicket,
    fields: Mapping[str, Any],
    attach_later: bool,
    out: _Out,
    *,
    close_done: bool = False,
    today: dt.date | None = None,
) -> list[Action]:
    """A ticketed item: only the fields that changed since pmsync last wrote them, plus any
    second write a crash left owed (attach, status after create), plus — with ``close_done`` —
    a transition when the document newly marks the item done or won't do. A status the tracker's
    workflow could not reach (``blocked_on``) is tried again only when the document's status
    changed or on a later day: a workflow edit is invisible without trying, and an idle sync must
    not pay for it every run."""
    actions: list[Action] = []
    changes = changes_between(ticket.synced_fields or {}, fields)
    if changes.is_empty():
        out.unchanged.append(drafted.key)
    else:
        actions.append(
            UpdateTicket(
                item_key=drafted.key,
                ref=ticket.ref,
                changes=changes,
                fields=fields,
                previous=dict(ticket.synced_fields or {}),
            )
        )
    if attach_later and ticket.attached is False:
        actions.append(AttachToParent(item_key=drafted.key, incident_key=known.incident_key))
    said = drafted.record.doc_status
    if ticket.pending_status is not None:
        blocked = ticket.blocked_on is not None and (today is None or ticket.blocked_on >= today)
        if ticket.blocked_on is not None and said is not None and said is not known.doc_status:
            actions.append(TransitionTicket(item_key=drafted.key, status=said))  # the document now wants this
        elif not blocked:
            actions.append(TransitionTicket(item_key=drafted.key, status=ticket.pending_status))
    elif close_done and said in _CLOSED and said is not known.doc_status:
        # Once per document change: the state records what the document said, so a ticket a
        # person reopened is not closed again while the document stays the same. The adapter
        # leaves a ticket already in that state alone.
        actions.append(TransitionTicket(item_key=drafted.key, status=said))
    return actions


def _adoption(
    drafted: Drafted,
    owned: Mapping[str, str],
    policy: PlanPolicy,
    *,
    adopt: bool,
    diagnostics: list[Diagnostic],
    path: str,
) -> TicketRef | None:
    """The ticket of this tracker the document names for the item, unless it already tracks
    another item (reported) or adoption is off."""
    if not adopt or drafted.source is None:
        return None
    ref = _adoptable(drafted.source, policy)
    if ref is None:
        return None
    owner = owned.get(ref.key)
    if owner is not None and owner != drafted.key:
        diagnostics.append(
            Diagnostic(
                path=path,
                line=drafted.record.line,
                severity=DiagnosticSeverity.WARNING,
                code="PLAN004",
                message=f"{drafted.key} names {ref.key}, which already tracks {owner}; a new ticket is created",
                hint="point the item at its own ticket, or remove the reference",
            )
        )
        return None
    return ref


def _links(
    items: Sequence[tuple[str, bool]], ticket_of: Mapping[str, str], known_links: frozenset[tuple[str, ...]]
) -> list[LinkTickets]:
    """Consecutive items are linked. Known pairs are linked again only when the state has no
    record of the link (a run that died before linking, or a link call that failed), so a steady
    state plans no link calls."""
    links: list[LinkTickets] = []
    for (a_key, a_new), (b_key, b_new) in itertools.pairwise(items):
        pair = tuple(sorted((ticket_of.get(a_key, ""), ticket_of.get(b_key, ""))))
        if a_new or b_new or pair not in known_links:
            links.append(LinkTickets(a_key=a_key, b_key=b_key))
    return links


def _match_known(drafts: Sequence[Drafted], known: Sequence[KnownItem]) -> dict[str, KnownItem]:
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

    for drafted in drafts:
        same = by_key.get(drafted.key)
        if same is not None and same.text_sha256 == drafted.record.text_sha256:
            claim(drafted.key, same)
    for drafted in drafts:
        if drafted.key in claims:
            continue
        for old in by_text.get(drafted.record.text_sha256, []):
            if old.key not in taken:
                claim(drafted.key, old)
                break
    for drafted in drafts:
        same = by_key.get(drafted.key)
        if drafted.key not in claims and same is not None and same.present and same.key not in taken:
            claim(drafted.key, same)
    return claims


def _free_marker(key: str, *used: Container[str]) -> Marker:
    """The item's key as its marker, unless a ticket that moved to another number still carries
    it (markers never change once written): then the first free ``<key>~<n>``. Deterministic for
    a given state, so a run resumed after a crash searches for the marker it created with."""

    def taken(marker: str) -> bool:
        return any(marker in markers for markers in used)

    if not taken(key):
        return Marker(key)
    n = 2
    while taken(f"{key}~{n}"):
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
