"""``JiraTracker``: Jira Cloud (REST v3, ADF, account ids) and Data Center (REST v2, wiki markup,
user names) behind pmsync's :class:`~sync.trackers.base.Tracker` protocol.

How each protocol call maps to Jira, and why:

- ``create_many``: ``POST /issue/bulk`` (≤ 50 per call) with the marker as the issue property
  ``pmsync`` in the same body and as the label ``pmsync-<digest>``; per-element errors
  (``failedElementNumber``) become per-draft results. A time-out answers "unknown" for every
  draft (:class:`~sync.errors.TrackerUnavailable`): apply resolves those by marker, never by
  creating again.
- ``find_by_markers``: one JQL over the marker labels. Jira's index lags behind creates, so the
  lookup is declared *lagging* with a bound (``[tracker] search_lag_seconds``, default 180 s).
- ``changed_since``: one JQL per cycle over the whole site, ``labels = pmsync AND updated >= "…"``,
  explicit ``fields``, paged with ``nextPageToken`` (Cloud) or ``startAt`` (DC). JQL dates have
  minute precision in the account's time zone, so the cursor keeps the newest ``updated`` seen
  and the next query starts a margin (the lag bound, at least a minute) before it: changes are
  re-delivered rather than lost.
- ``fetch``: ``POST /issue/bulkfetch`` (≤ 100 ids or keys) on Cloud; a ``key in (…)`` JQL with
  ``validateQuery=warn`` on DC, which has no bulkfetch.
- ``transition``: a walk through the workflow to the wanted status category, chosen by the
  categories transitions lead to (never by name, names differ per workflow), re-reading the
  offered transitions after each step (:mod:`sync.trackers.jira_workflow`). The step into a done
  status sends a resolution when its screen has the field: won't do's configured resolution, else
  "Done". No path at all is :class:`~sync.errors.WorkflowBlocked`.
- Parents: Cloud takes ``parent`` at create for every hierarchy level; DC takes the Epic Link
  field for epics and ``parent`` only for sub-tasks.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import logging
import re
import threading
import zoneinfo
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import httpx

from mappings.priorities import PriorityMap
from mappings.statuses import JiraStatusMap
from sync.clock import utc_now
from sync.core.model import Status
from sync.core.tickets import (
    CLEAR,
    Capabilities,
    ChangedPage,
    LinkKind,
    Marker,
    Ticket,
    TicketChanges,
    TicketDraft,
    TicketKind,
    TicketRef,
)
from sync.errors import ConfigError, TrackerError, TrackerNotFound, TrackerUnavailable, WorkflowBlocked
from sync.fanout import Outcome, fan_out
from sync.trackers.base import CreateResult, Pacer
from sync.trackers.jira_adf import from_adf, from_wiki, to_adf, to_wiki
from sync.trackers.jira_http import NAME, Deployment, JiraAuth, JiraHttp, describe_errors
from sync.trackers.jira_workflow import MAX_STEPS, StatusNode, Step, WorkflowGraph, parse_transitions
from sync.trackers.transport import request_timeout

__all__ = ["DEFAULT_SEARCH_LAG_SECONDS", "JiraMapping", "JiraTracker"]

DEFAULT_SEARCH_LAG_SECONDS: Final = 180.0
MAX_BATCH: Final = 50
FETCH_CHUNK: Final = 100
PAGE_SIZE: Final = 100
LABEL_CHUNK: Final = 50
RECONCILE_LIMIT: Final = 50
CLOCK_SKEW: Final = dt.timedelta(minutes=1)
PROPERTY: Final = "pmsync"
MANAGED_LABEL: Final = "pmsync"
log = logging.getLogger(__name__)
TITLE_LIMIT: Final = 255
_TARGET_CATEGORY: Final = {
    Status.OPEN: "new",
    Status.IN_PROGRESS: "indeterminate",
    Status.DONE: "done",
    Status.WONT_DO: "done",
}
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CATEGORY_LABELS: Final = {"new": "to-do", "indeterminate": "in-progress", "done": "done"}

Clock = Callable[[], dt.datetime]

if TYPE_CHECKING:
    from sync.config.models import JiraTrackerSettings


@dataclass(frozen=True)
class JiraMapping:
    """Everything the adapter decides from ``[tracker]`` (and nothing from the network)."""

    project: str
    issue_type: str = "Task"
    parent_issue_type: str = "Epic"
    subtask_issue_type: str | None = None
    link_type: str = "Relates"
    priorities: PriorityMap = field(default_factory=lambda: PriorityMap.for_tracker("jira"))
    statuses: JiraStatusMap = field(default_factory=JiraStatusMap)
    search_lag_seconds: float = DEFAULT_SEARCH_LAG_SECONDS
    extra_fields: Mapping[str, Any] = field(default_factory=dict)
    epic_link_field: str | None = None
    wont_do_resolution: str = "Won't Do"
    concurrency: int = 1  # independent writes in flight at once ([tracker] concurrency)
    request_timeout_seconds: float = 30.0  # [tracker] request_timeout_seconds


def _jira_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value.replace("Z", "+00:00"))
    return dt.datetime.fromisoformat(text)


def _preferred_wont_do(resolutions: Sequence[str]) -> str:
    """The resolution to set when closing as won't do: "Won't Do" when listed, else the first."""
    for name in resolutions:
        if name.replace("\u2019", "'").casefold() == "won't do":
            return name
    return resolutions[0] if resolutions else "Won't Do"


def _warn_unlinked(created: tuple[TicketRef, TicketDraft], outcome: Outcome[None]) -> None:
    """In the create step the issue exists whatever happens to its remote link: a failed link is
    a warning, not a failed create (which would make apply look for a duplicate)."""
    try:
        outcome.get()
    except TrackerError as error:
        log.warning("%s: remote link to the post-mortem not added: %s", created[0].key, error)


def _label(text: str) -> str:
    # Jira labels cannot contain spaces.
    return "-".join(text.split())


@dataclass(frozen=True)
class _Cursor:
    """What ``changed_since`` needs to resume: where the next query starts (UTC), the account's
    time zone for JQL, and while paging the page position, the newest ``updated`` seen so far
    and when the pass began."""

    since: dt.datetime | None
    zone: str
    page: str | None = None
    start: int = 0
    newest: dt.datetime | None = None
    began: dt.datetime | None = None

    def encode(self) -> str:
        raw = {
            "since": self.since.isoformat() if self.since else None,
            "zone": self.zone,
            "page": self.page,
            "start": self.start,
            "newest": self.newest.isoformat() if self.newest else None,
            "began": self.began.isoformat() if self.began else None,
        }
        return base64.urlsafe_b64encode(json.dumps(raw, sort_keys=True).encode()).decode()

    @classmethod
    def decode(cls, text: str) -> _Cursor:
        def moment(value: Any) -> dt.datetime | None:
            return dt.datetime.fromisoformat(value) if value else None

        try:
            raw = json.loads(base64.urlsafe_b64decode(text.encode()))
            return cls(
                since=moment(raw.get("since")),
                zone=str(raw["zone"]),
                page=raw.get("page"),
                start=int(raw.get("start") or 0),
                newest=moment(raw.get("newest")),
                began=moment(raw.get("began")),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise TrackerError(
                "unreadable pull cursor", tracker=NAME, op="pull", hint="run `pmsync pull` again"
            ) from exc


@dataclass
class _Workflow:
    """One workflow as this run knows it, and the gate its first walk holds until it has finished."""

    graph: WorkflowGraph = field(default_factory=WorkflowGraph)
    gate: threading.Lock = field(default_factory=threading.Lock)
    walked: bool = False


class JiraTracker:
    """Jira Cloud / Data Center. Build with :meth:`from_settings`; tests pass a :class:`JiraHttp`
    on an ``httpx.Client`` aimed at the fake."""

    def __init__(self, client: JiraHttp, mapping: JiraMapping, pacer: Pacer, clock: Clock = utc_now) -> None:
        self._client = client
        self._mapping = mapping
        self._pacer = pacer
        self._clock = clock
        # Apply sends independent writes from a few threads (capabilities.parallel_writes): the
        # caches below are shared by them. ``_lock`` guards reads and writes of them and is never
        # held over a request; ``_loading`` is held over the requests that fill a cache once per
        # run (field ids, the account's zone, an owner's account), so a second thread waits for
        # the answer instead of asking again: the same requests as one thread would send.
        self._lock = threading.Lock()
        self._loading = threading.RLock()
        self._users: dict[str, str | None] = {}  # an e-mail a draft named -> accountId / user name, per run
        self._users_back: dict[str, str] = {}
        self._field_ids: dict[str, str] | None = None
        self._zone: str | None = None
        # Ids this instance wrote lately, with when: Cloud's search reconciles them
        # (read-after-write), so a pull or lookup right after a write sees it despite index lag.
        self._written: dict[str, dt.datetime] = {}
        # The workflows walked in this run, per (project, issue type): what each status offers,
        # and a gate that makes a workflow's first walk alone: the walks after it start from
        # what it learnt (a blocked workflow costs one exploration, not one per thread).
        self._workflows: dict[tuple[str, str], _Workflow] = {}

    @classmethod
    def from_settings(
        cls, settings: JiraTrackerSettings, *, http: httpx.Client | None = None, pacer: Pacer, clock: Clock = utc_now
    ) -> JiraTracker:
        """From ``[tracker] kind = "jira"`` (:class:`sync.config.JiraTrackerSettings`)."""
        if settings.token is None:
            raise ConfigError("[tracker] token: field required", hint=f"export {settings.token_env}=<token>")
        token = settings.token.get_secret_value()
        auth = JiraAuth(token=token, email=settings.email if settings.deployment == "cloud" or settings.email else None)
        client = JiraHttp(
            http or httpx.Client(timeout=request_timeout(settings.request_timeout_seconds)),
            url=settings.url,
            deployment=settings.deployment,
            auth=auth,
            pacer=pacer,
        )
        statuses = JiraStatusMap(
            wont_do_resolutions=frozenset(settings.wont_do_resolutions), status_overrides=settings.statuses
        )
        mapping = JiraMapping(
            project=settings.project,
            issue_type=settings.issue_type,
            parent_issue_type=settings.parent_issue_type,
            subtask_issue_type=settings.subtask_issue_type,
            link_type=settings.link_type,
            priorities=PriorityMap.for_tracker("jira", settings.priorities),
            statuses=statuses,
            search_lag_seconds=settings.search_lag_seconds
            if settings.search_lag_seconds is not None
            else DEFAULT_SEARCH_LAG_SECONDS,
            extra_fields=dict(settings.fields),
            epic_link_field=settings.epic_link_field,
            wont_do_resolution=_preferred_wont_do(settings.wont_do_resolutions),
            concurrency=settings.concurrency,
            request_timeout_seconds=settings.request_timeout_seconds,
        )
        return cls(client, mapping, pacer, clock)

    # --- identity -------------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return NAME

    @property
    def deployment(self) -> Deployment:
        return self._client.deployment

    @property
    def rate_limit_remaining(self) -> float | None:
        """``X-RateLimit-Remaining`` of the last answer that had it (the service's metric)."""
        return self._client.rate_limit_remaining

    @property
    def capabilities(self) -> Capabilities:
        """Jira has due dates, parents at create (``parent`` / Epic Link) and links; issues are
        created in the workflow's initial status; bulk create takes 50; search lags."""
        return Capabilities(
            native_due_date=True,
            native_parent=True,
            links=True,
            parent_on_create=True,
            create_in_done_state=False,
            max_batch=MAX_BATCH,
            consistent_lookup=False,
            search_lag_seconds=self._mapping.search_lag_seconds,
            write_timeout_seconds=self._mapping.request_timeout_seconds,
            title_limit=TITLE_LIMIT,
            pull_spans_scopes=True,
            parallel_writes=self._mapping.concurrency,
        )

    @property
    def mapping(self) -> JiraMapping:
        return self._mapping

    @property
    def client(self) -> JiraHttp:
        return self._client

    # --- reading -----------------------------------------------------------------------------------

    def _fields(self) -> list[str]:
        wanted = [
            "summary",
            "description",
            "status",
            "resolution",
            "labels",
            "duedate",
            "priority",
            "assignee",
            "issuetype",
            "project",
            "parent",
            "created",
            "updated",
        ]
        epic = self._epic_field()
        if epic:
            wanted.append(epic)
        return wanted

    def _epic_field(self) -> str | None:
        """The Epic Link field's id (configured by id or by name), DC only."""
        if self.deployment == "cloud" or not self._mapping.epic_link_field:
            return None
        return self._field_id(self._mapping.epic_link_field)

    def _ref(self, issue: Mapping[str, Any]) -> TicketRef:
        key = str(issue["key"])
        return TicketRef(tracker=NAME, key=key, url=f"{self._client.url}/browse/{key}", id=str(issue["id"]))

    def _ticket(self, issue: Mapping[str, Any]) -> Ticket:
        fields: Mapping[str, Any] = issue.get("fields") or {}
        status = fields.get("status") or {}
        category = (status.get("statusCategory") or {}).get("key")
        resolution = (fields.get("resolution") or {}).get("name")
        mapped = self._mapping.statuses.to_canonical(category, str(status.get("name") or "?"), resolution)
        prop = (issue.get("properties") or {}).get(PROPERTY) or {}
        marker = Marker(str(prop["marker"])) if isinstance(prop, dict) and prop.get("marker") else None
        issuetype = (fields.get("issuetype") or {}).get("name")
        kind = TicketKind.INCIDENT if prop.get("kind") == TicketKind.INCIDENT.value else TicketKind.ITEM
        if not prop and issuetype == self._mapping.parent_issue_type:
            kind = TicketKind.INCIDENT
        assignee_json = fields.get("assignee") or {}
        account = assignee_json.get("accountId") or assignee_json.get("name")
        with self._lock:
            assignee = self._users_back.get(account, account) if account else None
        parent = self._parent_of(fields)
        description = fields.get("description")
        body = from_adf(description) if self.deployment == "cloud" else from_wiki(description)
        due = fields.get("duedate")
        updated = _jira_time(fields.get("updated")) or self._clock()
        return Ticket(
            ref=self._ref(issue),
            title=str(fields.get("summary") or ""),
            status=mapped.status,
            status_raw=mapped.raw,
            updated_at=updated,
            marker=marker,
            kind=kind,
            body=body,
            priority=self._mapping.priorities.from_tracker((fields.get("priority") or {}).get("name")),
            assignee=assignee,
            due=dt.date.fromisoformat(due) if due else None,
            labels=tuple(fields.get("labels") or ()),
            parent=parent,
            scope=(fields.get("project") or {}).get("key"),
            created_at=_jira_time(fields.get("created")),
            raw=issue,
        )

    def _parent_of(self, fields: Mapping[str, Any]) -> TicketRef | None:
        parent = fields.get("parent")
        if isinstance(parent, dict) and parent.get("key"):
            return self._ref(parent)
        epic_field = self._epic_field()
        epic = fields.get(epic_field) if epic_field else None
        if isinstance(epic, str) and epic:
            return TicketRef(tracker=NAME, key=epic, url=f"{self._client.url}/browse/{epic}")
        return None

    def get(self, ref: TicketRef) -> Ticket:
        issue = self._client.request(
            "GET",
            f"/issue/{ref.id or ref.key}",
            op="get",
            subject=ref.key,
            params={"fields": ",".join(self._fields()), "properties": PROPERTY},
        )
        return self._ticket(issue)

    def fetch(self, refs: Sequence[TicketRef]) -> list[Ticket]:
        found: list[Ticket] = []
        idents = list(dict.fromkeys(ref.id or ref.key for ref in refs))
        for start in range(0, len(idents), FETCH_CHUNK):
            chunk = idents[start : start + FETCH_CHUNK]
            if self.deployment == "cloud":
                answer = self._client.request(
                    "POST",
                    "/issue/bulkfetch",
                    op="fetch",
                    body={"issueIdsOrKeys": chunk, "fields": self._fields(), "properties": [PROPERTY]},
                )
                found += [self._ticket(issue) for issue in answer.get("issues") or []]
            else:
                # DC has no bulkfetch, and its search index may lag (clusters): one GET per issue
                # is the only read that is consistent right after a create.
                for ident in chunk:
                    try:
                        found.append(self.get(TicketRef(tracker=NAME, key=ident, id=ident)))
                    except TrackerNotFound:
                        continue
        return found

    def _search_all(self, jql: str, *, op: str, validate: str | None = None) -> list[Ticket]:
        tickets: list[Ticket] = []
        token: str | None = None
        start = 0
        while True:
            issues, token, start, last = self._search_page(jql, op=op, token=token, start=start, validate=validate)
            tickets += [self._ticket(issue) for issue in issues]
            if last:
                return tickets

    def _search_page(
        self, jql: str, *, op: str, token: str | None, start: int, validate: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None, int, bool]:
        """One page: the issues, the next page token (Cloud) / start (DC), and whether it was the last."""
        if self.deployment == "cloud":
            body: dict[str, Any] = {
                "jql": jql,
                "fields": self._fields(),
                "properties": [PROPERTY],
                "maxResults": PAGE_SIZE,
            }
            if token:
                body["nextPageToken"] = token
            recent = self._recent_writes()
            if recent:
                body["reconcileIssues"] = recent
            answer = self._client.request("POST", "/search/jql", op=op, body=body)
            issues = list(answer.get("issues") or [])
            next_token = answer.get("nextPageToken")
            return issues, next_token, 0, bool(answer.get("isLast", True)) or not next_token
        dc_body: dict[str, Any] = {
            "jql": jql,
            "fields": self._fields(),
            "properties": [PROPERTY],
            "maxResults": PAGE_SIZE,
            "startAt": start,
        }
        if validate:
            dc_body["validateQuery"] = validate
        answer = self._client.request("POST", "/search", op=op, body=dc_body)
        issues = list(answer.get("issues") or [])
        total = int(answer.get("total") or 0)
        following = start + len(issues)
        return issues, None, following, following >= total or not issues

    def _wrote(self, ident: str | None) -> None:
        if ident:
            with self._lock:
                self._written[ident] = self._clock()

    def _recent_writes(self) -> list[int]:
        """The ids written within the lag bound, newest 50 (Jira's limit for ``reconcileIssues``)."""
        horizon = self._clock() - dt.timedelta(seconds=self._mapping.search_lag_seconds)
        with self._lock:
            for ident in [i for i, when in self._written.items() if when < horizon]:
                del self._written[ident]
            return [int(i) for i in list(self._written)[-RECONCILE_LIMIT:] if i.isdigit()]

    def find_by_markers(self, markers: Sequence[Marker]) -> Mapping[Marker, list[TicketRef]]:
        wanted = list(dict.fromkeys(markers))
        result: dict[Marker, list[TicketRef]] = {marker: [] for marker in wanted}
        by_label = {marker.label: marker for marker in wanted}
        for start in range(0, len(wanted), LABEL_CHUNK):
            labels = ", ".join(json.dumps(m.label) for m in wanted[start : start + LABEL_CHUNK])
            tickets = self._search_all(f"labels in ({labels}) ORDER BY created ASC", op="find")
            for ticket in sorted(tickets, key=lambda t: (t.created_at or t.updated_at, int(t.ref.id or 0))):
                for label in ticket.labels:
                    marker = by_label.get(label)
                    # The label is a digest: the property confirms it is this marker, not a collision.
                    if marker is not None and ticket.marker in (None, marker):
                        result[marker].append(ticket.ref)
        return result

    # --- pull --------------------------------------------------------------------------------------

    def _account_zone(self) -> str:
        with self._loading:
            if self._zone is None:
                me = self._client.request("GET", "/myself", op="pull")
                self._zone = str((me or {}).get("timeZone") or "UTC")
            return self._zone

    def changed_since(self, cursor: str | None, scope: str | None) -> ChangedPage:
        """JQL spans projects, so the default scope (``None``) is the whole site: one query per
        cycle delivers every pmsync issue, whichever project routing sent it to. A named scope
        (a project) is therefore already covered by that pass and answers an empty page without
        a request; its cursor is kept as given."""
        if scope is not None:
            return ChangedPage(tickets=(), next_cursor=cursor or _Cursor(since=None, zone="UTC").encode(), more=False)
        state = _Cursor.decode(cursor) if cursor else _Cursor(since=None, zone=self._account_zone())
        clauses = [f"labels = {MANAGED_LABEL}"]
        if state.since is not None:
            try:
                zone = zoneinfo.ZoneInfo(state.zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = zoneinfo.ZoneInfo("UTC")
            # JQL reads dates at minute precision in the account's zone: round down, never up.
            clauses.append(f'updated >= "{state.since.astimezone(zone).strftime("%Y-%m-%d %H:%M")}"')
        jql = " AND ".join(clauses) + " ORDER BY updated ASC"
        began = state.began or self._clock()
        issues, token, start, last = self._search_page(jql, op="pull", token=state.page, start=state.start)
        tickets = tuple(self._ticket(issue) for issue in issues)
        newest = max((m for m in (state.newest, *(t.updated_at for t in tickets)) if m is not None), default=None)
        if not last:
            # Go on from this page's newest change, not from an offset or token: an issue
            # updated between two requests moves to the end and shifts the next one out of an
            # offset's page for good. (JQL rounds it down to the minute: that minute comes again.)
            # Offsets while the page spans less than a minute, where that would not move on.
            floor = newest
            oldest = min((t.updated_at for t in tickets if t.updated_at is not None), default=None)
            if floor is not None and oldest is not None and floor - oldest >= dt.timedelta(minutes=1):
                following = _Cursor(since=floor, zone=state.zone, newest=newest, began=began)
            else:
                following = _Cursor(
                    since=state.since, zone=state.zone, page=token, start=start, newest=newest, began=began
                )
            return ChangedPage(tickets=tickets, next_cursor=following.encode(), more=True)
        return ChangedPage(tickets=tickets, next_cursor=self._next_since(state, newest, began).encode(), more=False)

    def _next_since(self, state: _Cursor, newest: dt.datetime | None, began: dt.datetime) -> _Cursor:
        """Where the next pass starts. Two bounds, the later wins, never moving backwards:

        - the newest change delivered, less a margin (the lag bound, at least a minute): a change
          made just before it but indexed after this pass is still picked up;
        - when this pass began, less the lag bound and a minute for clock skew: everything older
          was indexed when we asked, and delivered if it matched. Without it an idle pull would
          re-deliver the last minute before the newest change forever.
        """
        lag = dt.timedelta(seconds=self._mapping.search_lag_seconds)
        candidates = [began - lag - CLOCK_SKEW]
        if newest is not None:
            candidates.append(newest - max(lag, dt.timedelta(minutes=1)))
        since = max(candidates)
        if state.since is not None and since < state.since:
            since = state.since
        return _Cursor(since=since, zone=state.zone)

    # --- writing -------------------------------------------------------------------------------------

    def _field_id(self, name_or_id: str) -> str:
        if re.fullmatch(r"customfield_\d+|[a-z]+", name_or_id):
            return name_or_id
        with self._loading:
            if self._field_ids is None:
                answer = self._client.request("GET", "/field", op="fields")
                self._field_ids = {str(f["name"]).casefold(): str(f["id"]) for f in answer or []}
            found = self._field_ids.get(name_or_id.casefold())
        if found is None:
            raise TrackerError(
                f"no field named {name_or_id!r}",
                tracker=NAME,
                op="create",
                hint="fix [tracker] fields; `pmsync doctor` lists the create screen's fields",
            )
        return found

    def _account(self, who: str) -> str | None:
        """A draft's assignee as Jira wants it: Cloud ``accountId``, DC user ``name``, or ``None``
        (unassigned). An owner directory value is used as written, whatever its shape (account
        ids come in several); only an e-mail address is looked up, once per run. A lookup that
        finds no single user leaves the ticket unassigned with a warning: an owner never blocks
        a create."""
        if not _EMAIL.fullmatch(who):
            return who
        with self._loading:
            return self._look_up_account(who)

    def _look_up_account(self, who: str) -> str | None:
        if who in self._users:
            return self._users[who]
        params = {"query": who} if self.deployment == "cloud" else {"username": who}
        try:
            users = self._client.request("GET", "/user/search", op="assign", params=params) or []
        except (TrackerNotFound, TrackerUnavailable) as error:
            log.warning("Owner %s not looked up (%s); the ticket is left unassigned", who, error.message)
            return None
        exact = [u for u in users if str(u.get("emailAddress") or "").casefold() == who.casefold()]
        users = exact or users
        if len(users) != 1:
            log.warning(
                "%d Jira users match owner %s, need exactly one; the ticket is left unassigned "
                "(map the owner in [owners]: jira = account id on Cloud, user name on DC)",
                len(users),
                who,
            )
            self._users[who] = None
            return None
        account = str(users[0].get("accountId") if self.deployment == "cloud" else users[0].get("name"))
        with self._lock:
            self._users[who] = account
            self._users_back[account] = who
        return account

    def _user_json(self, account: str) -> dict[str, str]:
        return {"accountId": account} if self.deployment == "cloud" else {"name": account}

    def _description(self, text: str) -> Any:
        return to_adf(text) if self.deployment == "cloud" else to_wiki(text)

    def _create_body(self, draft: TicketDraft) -> dict[str, Any]:
        mapping = self._mapping
        incident = draft.kind is TicketKind.INCIDENT
        issue_type = mapping.parent_issue_type if incident else mapping.issue_type
        if not incident and draft.parent is not None and mapping.subtask_issue_type:
            issue_type = mapping.subtask_issue_type
        labels = list(dict.fromkeys([MANAGED_LABEL, draft.marker.label, *(_label(x) for x in draft.labels)]))
        fields: dict[str, Any] = {
            "project": {"key": draft.scope or mapping.project},
            "issuetype": {"name": issue_type},
            "summary": draft.title,
            "description": self._description(draft.body),
            "labels": labels,
        }
        if draft.due is not None:
            fields["duedate"] = draft.due.isoformat()
        if draft.priority is not None:
            fields["priority"] = {"name": mapping.priorities.to_tracker(draft.priority)}
        account = self._account(draft.assignee) if draft.assignee else None
        if account is not None:
            fields["assignee"] = self._user_json(account)
        if draft.parent is not None and not incident:
            fields.update(self._parent_fields(draft.parent, subtask=bool(mapping.subtask_issue_type)))
        for name, value in mapping.extra_fields.items():
            fields[self._field_id(name)] = value
        return {
            "fields": fields,
            "properties": [{"key": PROPERTY, "value": {"marker": draft.marker.key, "kind": draft.kind.value}}],
        }

    def _parent_fields(self, parent: TicketRef, *, subtask: bool) -> dict[str, Any]:
        if self.deployment == "cloud" or subtask:
            return {"parent": {"id": parent.id} if parent.id else {"key": parent.key}}
        if not self._mapping.epic_link_field:
            raise TrackerError(
                "Data Center needs the Epic Link field to put items under their incident",
                tracker=NAME,
                op="create",
                hint='set [tracker] epic_link_field = "customfield_NNNNN" (or "Epic Link"), or subtask_issue_type',
            )
        return {self._field_id(self._mapping.epic_link_field): parent.key}  # the epic's key, not its id

    def create_many(self, drafts: Sequence[TicketDraft]) -> list[CreateResult]:
        if not drafts:
            return []
        if len(drafts) > MAX_BATCH:
            raise ValueError(f"create_many takes at most {MAX_BATCH} drafts")
        refused_for_assignee: set[int] = set()
        results = self._create_batch(drafts, refused_for_assignee)
        # An element Jira refused for its assignee alone (an account the site does not know) was
        # not created: it is created unassigned, so an owner never blocks a create.
        refused = sorted(refused_for_assignee)
        if refused:
            for n in refused:
                log.warning(
                    "%s: Jira refused the assignee %r (%s); created unassigned",
                    drafts[n].marker.key,
                    drafts[n].assignee,
                    results[n],
                )
            again = self._create_batch([dataclasses.replace(drafts[n], assignee=None) for n in refused], set())
            for n, result in zip(refused, again, strict=True):
                results[n] = result
        return results

    def _create_batch(self, drafts: Sequence[TicketDraft], refused_for_assignee: set[int]) -> list[CreateResult]:
        """One bulk create; the positions of drafts Jira refused for their assignee alone are
        added to ``refused_for_assignee``."""
        results: list[CreateResult | None] = [None] * len(drafts)
        bodies: list[dict[str, Any]] = []
        positions: list[int] = []
        for n, draft in enumerate(drafts):
            try:
                bodies.append(self._create_body(draft))
                positions.append(n)
            except TrackerError as error:
                results[n] = error
        if bodies:
            try:
                # Jira answers 400 with the per-element errors when every element failed.
                answer = self._client.request(
                    "POST", "/issue/bulk", op="create", body={"issueUpdates": bodies}, answer_400=True
                )
            except TrackerUnavailable as error:
                # No answer: each draft may or may not exist now. Apply settles it by marker.
                for n in positions:
                    results[n] = error
                return [r for r in results if r is not None]
            self._record_bulk(answer or {}, drafts, positions, results, refused_for_assignee)
        # The remote links to the post-mortems do not depend on each other: a few at once.
        linked = [
            (result, draft)
            for draft, result in zip(drafts, results, strict=True)
            if draft.document_url and isinstance(result, TicketRef)
        ]
        fan_out(linked, self._link_document, _warn_unlinked, limit=self._mapping.concurrency, name="jira-remotelink")
        return [r for r in results if r is not None]

    def _link_document(self, created: tuple[TicketRef, TicketDraft]) -> None:
        ref, draft = created
        assert draft.document_url is not None
        # An incident's title already names its post-mortem: say so once.
        named = re.search(r"post-?mortem", draft.title, re.IGNORECASE) is not None
        self.add_document_link(ref, draft.document_url, draft.title if named else f"Post-mortem: {draft.title}")

    def _record_bulk(
        self,
        answer: Mapping[str, Any],
        drafts: Sequence[TicketDraft],
        positions: list[int],
        results: list[CreateResult | None],
        refused_for_assignee: set[int],
    ) -> None:
        failed: dict[int, str] = {}
        for error in answer.get("errors") or []:
            number = int(error.get("failedElementNumber", -1))
            details = error.get("elementErrors") or {}
            failed[number] = describe_errors(details) or f"HTTP {error.get('status')}"
            only_assignee = set((details.get("errors") or {}) if isinstance(details, dict) else ()) == {"assignee"}
            if only_assignee and 0 <= number < len(positions) and drafts[positions[number]].assignee:
                refused_for_assignee.add(positions[number])
        created = iter(answer.get("issues") or [])
        for sent, n in enumerate(positions):
            if sent in failed:
                results[n] = TrackerError(
                    f"{drafts[n].marker.key}: rejected: {failed[sent]}",
                    tracker=NAME,
                    op="create",
                    hint="run `pmsync doctor` to check the project's fields, issue types and priorities",
                )
                continue
            issue = next(created, None)
            self._wrote(str(issue["id"]) if issue is not None else None)
            results[n] = (
                self._ref(issue)
                if issue is not None
                else TrackerUnavailable("bulk create answered fewer issues than sent", tracker=NAME, op="create")
            )

    def update(self, ref: TicketRef, changes: TicketChanges) -> None:
        if changes.is_empty():
            return
        fields: dict[str, Any] = {}
        if changes.title is not None:
            fields["summary"] = changes.title
        if changes.body is not None:
            fields["description"] = self._description(changes.body)
        if changes.priority is not None:
            fields["priority"] = {"name": self._mapping.priorities.to_tracker(changes.priority)}
        if changes.assignee is CLEAR:
            fields["assignee"] = None
        elif changes.assignee is not None:
            account = self._account(changes.assignee)
            if account is not None:
                fields["assignee"] = self._user_json(account)
        if changes.due is CLEAR:
            fields["duedate"] = None
        elif changes.due is not None:
            fields["duedate"] = changes.due.isoformat()
        body: dict[str, Any] = {}
        if fields:
            body["fields"] = fields
        label_ops = [{"add": _label(x)} for x in sorted(changes.labels_add)]
        label_ops += [{"remove": _label(x)} for x in sorted(changes.labels_remove)]
        if label_ops:
            body["update"] = {"labels": label_ops}
        if not body:
            return  # only an assignee nobody could be found for: nothing to write
        self._client.request("PUT", f"/issue/{ref.id or ref.key}", op="update", subject=ref.key, body=body)
        self._wrote(ref.id)

    def transition(self, ref: TicketRef, status: Status) -> None:
        """Walk the workflow to ``status``'s category (:mod:`sync.trackers.jira_workflow`): one
        transition at a time, re-reading what is offered after each, the resolution set on the
        step into a done status when its screen asks for one (or for won't do)."""
        current = self.get(ref)
        if current.status is status:
            return
        fields: Mapping[str, Any] = (current.raw or {}).get("fields") or {}
        node = StatusNode.from_json(fields.get("status") or {})
        project = (fields.get("project") or {}).get("key") or current.scope or self._mapping.project
        issuetype = str((fields.get("issuetype") or {}).get("name") or "?")
        with self._lock:
            workflow = self._workflows.setdefault((project, issuetype), _Workflow())
        if not workflow.walked:
            with workflow.gate:
                if not workflow.walked:
                    try:
                        self._walk(ref, status, node, project, issuetype, workflow.graph)
                    finally:
                        workflow.walked = True
                    return
        self._walk(ref, status, node, project, issuetype, workflow.graph)

    def _walk(
        self, ref: TicketRef, status: Status, node: StatusNode, project: str, issuetype: str, graph: WorkflowGraph
    ) -> None:
        """The steps from ``node`` towards ``status``, learning ``graph`` on the way."""
        ident = ref.id or ref.key
        category = _TARGET_CATEGORY[status]
        wanted = {Status.DONE, Status.WONT_DO} if category == "done" else {status}

        def goal(target: StatusNode) -> bool:
            return self._mapping.statuses.to_canonical(target.category, target.name, None).status in wanted

        start = node
        for _ in range(MAX_STEPS):
            with self._lock:
                read = not graph.known(node.id) or graph.next_step(node.id, goal, category) is not None
            if read:
                answer = self._client.request(
                    "GET",
                    f"/issue/{ident}/transitions",
                    op="transition",
                    subject=ref.key,
                    params={"expand": "transitions.fields"},
                )
                with self._lock:
                    graph.learn(node, parse_transitions(answer))
            with self._lock:
                step = graph.next_step(node.id, goal, category)
                if step is None:
                    raise self._blocked(ref, project, issuetype, graph, start, node, category)
            final = goal(step.to)
            body: dict[str, Any] = {"transition": {"id": step.id}}
            resolution = self._resolution(step, status) if final else None
            if resolution is not None:
                body["fields"] = {"resolution": {"name": resolution}}
            self._client.request("POST", f"/issue/{ident}/transitions", op="transition", subject=ref.key, body=body)
            self._wrote(ref.id)
            node = step.to
            if final:
                return
        raise WorkflowBlocked(
            f"{ref.key}: no '{category}' status within {MAX_STEPS} transitions from {start.name!r} "
            f"(stopped at {node.name!r})",
            tracker=NAME,
            op="transition",
            hint="shorten the workflow's way to a done status, or map a status with [tracker] statuses",
        )

    def _blocked(
        self,
        ref: TicketRef,
        project: str,
        issuetype: str,
        graph: WorkflowGraph,
        start: StatusNode,
        node: StatusNode,
        category: str,
    ) -> WorkflowBlocked:
        where = "" if node == start else f"; left in {node.name!r}"
        return WorkflowBlocked(
            f"{ref.key}: the {project} workflow for {issuetype} has no path from {start.name!r} to a "
            f"{_CATEGORY_LABELS[category]} status (statuses explored: {', '.join(graph.explored())}){where}",
            tracker=NAME,
            op="transition",
            hint="add a transition towards a done status to the workflow, or map a status with [tracker] "
            "statuses; `pmsync doctor` shows what the workflow reaches. pmsync tries again when the "
            "document changes, or on a later day",
        )

    def _resolution(self, step: Step, status: Status) -> str | None:
        """The resolution to send with the step into a done status: none when its screen has no
        Resolution field (Jira refuses a field not on the screen; the workflow sets its own), else
        a won't-do one for won't do, else "Done" (or the first the screen allows that is not won't do)."""
        if step.resolution == "none" or (step.resolution == "optional" and status is not Status.WONT_DO):
            if status is Status.WONT_DO:
                log.warning(
                    "The transition %r into %r has no resolution on its screen: closed without a won't-do resolution",
                    step.name,
                    step.to.name,
                )
            return None
        if step.resolution is None and status is not Status.WONT_DO:
            return None  # the screen is unknown: send nothing it could refuse
        allowed = step.resolutions
        statuses = self._mapping.statuses
        if status is Status.WONT_DO:
            preferred = self._mapping.wont_do_resolution
            if not allowed or preferred in allowed:
                return preferred
            return next((name for name in allowed if statuses.is_wont_do(name)), allowed[0])
        if not allowed or "Done" in allowed:
            return "Done"
        return next((name for name in allowed if not statuses.is_wont_do(name)), allowed[0])

    def attach(self, child: TicketRef, parent: TicketRef) -> None:
        fields = self._parent_fields(parent, subtask=False)
        self._client.request(
            "PUT", f"/issue/{child.id or child.key}", op="attach", subject=child.key, body={"fields": fields}
        )

    def link(self, a: TicketRef, b: TicketRef, kind: LinkKind) -> None:
        # Jira keeps one link per type and pair: linking again is harmless. No "comment": null.
        body = {
            "type": {"name": self._mapping.link_type},
            "outwardIssue": {"key": a.key},
            "inwardIssue": {"key": b.key},
        }
        self._client.request("POST", "/issueLink", op="link", subject=f"{a.key} -> {b.key}", body=body)

    def comment(self, ref: TicketRef, body: str) -> None:
        self._client.request(
            "POST",
            f"/issue/{ref.id or ref.key}/comment",
            op="comment",
            subject=ref.key,
            body={"body": self._description(body)},
        )

    def add_document_link(self, ref: TicketRef, url: str, title: str) -> None:
        """A remote link from the issue to the post-mortem document. The ``globalId`` is derived
        from the URL, so adding it again updates the same link instead of adding a second."""
        body = {"globalId": f"pmsync:{url}", "object": {"url": url, "title": title}}
        self._client.request(
            "POST", f"/issue/{ref.id or ref.key}/remotelink", op="remote link", subject=ref.key, body=body
        )
