"""GitHub issues (github.com or GitHub Enterprise Server) as pmsync's tracker.

Every request goes through :class:`sync.trackers.github_http.GitHubHttp` (the pacer, the error
translation, why httpx); the follow-up writes of a create are retried through :mod:`sync.retry`.

How pmsync's model maps onto GitHub:

- ticket key ``owner/repo#number``; ``TicketRef.id`` is the issue's database id, which the
  sub-issue call needs (``sub_issue_id``) and which survives a transfer;
- marker: the label ``pmsync-<digest>`` and a hidden comment in the body footer
  (:mod:`sync.trackers.github_body`). Recovery lists ``GET /repos/{o}/{r}/issues?labels=<marker
  label>&state=all``, which GitHub serves from its database, not the lagging search index: the
  lookup is consistent (``tests/contract/test_github_tracker.py`` shows it against the fake's lag);
- due date: GitHub issues have none. Always in the body footer and a ``due/YYYY-MM-DD`` label;
  also the organisation's "Target date" issue field when the organisation has it (detected with
  ``GET /orgs/{org}/issue-fields``), a milestone per due date when ``due_milestones``, and a
  Projects v2 date field when ``project`` is configured;
- parent: one tracking issue per incident; items hang under it as sub-issues (a second write,
  :meth:`attach`) and are listed as a task list in its body footer;
- status: ``closed``+``completed`` is done, ``closed``+``not_planned`` won't do, open with an
  ``in_progress_labels`` label is in progress;
- pull: ``GET /repos/{o}/{r}/issues?labels=pmsync&state=all&since=…`` with the last ETag, so an
  idle cycle costs one 304 (free of rate limit) per repository.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote

import httpx

from mappings.priorities import PriorityMap
from mappings.statuses import GitHubStatusMap
from sync.core.model import Status
from sync.core.tickets import (
    CLEAR,
    Capabilities,
    ChangedPage,
    Clearable,
    LinkKind,
    Marker,
    Ticket,
    TicketChanges,
    TicketDraft,
    TicketKind,
    TicketRef,
)
from sync.errors import (
    ConfigError,
    RateLimited,
    RunStopped,
    TrackerAuthError,
    TrackerError,
    TrackerNotFound,
    TrackerUnavailable,
)
from sync.retry import RetryPolicy
from sync.trackers.base import Clock, CreateResult, Pacer
from sync.trackers.github_body import Footer, render_body, split_body
from sync.trackers.github_http import GitHubHttp
from sync.trackers.transport import request_timeout

if TYPE_CHECKING:
    from sync.config.models import GitHubTrackerSettings

__all__ = ["GitHubMapping", "GitHubTracker", "ProjectField"]

log = logging.getLogger(__name__)

NAME: Final = "github"
MANAGED_LABEL: Final = "pmsync"
INCIDENT_LABEL: Final = "pmsync-incident"
DUE_PREFIX: Final = "due/"
PLANNER_PRIORITY_PREFIX: Final = "priority-"
TARGET_DATE_FIELD: Final = "Target date"
_FOLLOW_UP_ATTEMPTS: Final = 6
_KEY_RE = re.compile(r"^(?P<repo>[^/\s]+/[^/#\s]+)#(?P<number>\d+)$")
_FIXED_COLOURS: Final = {MANAGED_LABEL: "5319e7", INCIDENT_LABEL: "b60205"}


@dataclass(frozen=True)
class ProjectField:
    """A Projects v2 date field to set the due date in: the organisation, project number, field name."""

    org: str
    number: int
    field: str = "Due date"


@dataclass(frozen=True)
class GitHubMapping:
    """What the settings decide about how tickets look (everything but the connection)."""

    repo: str
    repos: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    priorities: PriorityMap = field(default_factory=lambda: PriorityMap.for_tracker("github"))
    statuses: GitHubStatusMap = field(default_factory=GitHubStatusMap)
    issue_type: str | None = None
    parent_issue_type: str | None = None
    due_labels: bool = True
    due_milestones: bool = False
    project: ProjectField | None = None
    close_done: bool = True

    @property
    def all_repos(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.repo, *self.repos)))


@dataclass
class _PullCursor:
    """The opaque ``changed_since`` cursor: ``since`` (GitHub's own ``updated_at`` values, so no
    clock skew), the ETag of the request with that ``since``, and paging state."""

    since: str | None = None
    etag: str | None = None
    page: int = 1
    high: str | None = None

    def encode(self) -> str:
        raw = json.dumps({k: v for k, v in self.__dict__.items() if v is not None}, sort_keys=True)
        return "gh1:" + base64.urlsafe_b64encode(raw.encode()).decode()

    @classmethod
    def decode(cls, text: str | None) -> _PullCursor:
        if not text:
            return cls()
        if not text.startswith("gh1:"):
            raise TrackerError("unreadable pull cursor; it is reset", tracker=NAME, op="pull")
        values = json.loads(base64.urlsafe_b64decode(text[4:]))
        return cls(**values)


def label_colour(name: str) -> str:
    """A stable colour per label, so every repository shows pmsync's labels alike."""
    return _FIXED_COLOURS.get(name) or hashlib.sha256(name.lower().encode()).hexdigest()[:6]


def parse_key(key: str) -> tuple[str, int]:
    match = _KEY_RE.match(key)
    if match is None:
        raise TrackerNotFound(f"{key!r} is not a GitHub issue key (owner/repo#number)", tracker=NAME, op="get")
    return match["repo"], int(match["number"])


class GitHubTracker:
    """:class:`sync.trackers.base.Tracker` on GitHub issues (see the module docstring)."""

    def __init__(self, http: GitHubHttp, mapping: GitHubMapping, pacer: Pacer) -> None:
        self._http = http
        self._mapping = mapping
        # The follow-up writes of a create (sub-issue, project date) wait through the run's pacer.
        self._follow_up = RetryPolicy(attempts=_FOLLOW_UP_ATTEMPTS, sleep=pacer.wait)
        self._labels: dict[str, set[str]] = {}  # repo -> lower-case names known to exist
        self._target_fields: dict[str, int | None] = {}  # org -> "Target date" field id
        self._milestones: dict[tuple[str, str], int] = {}
        self._project: tuple[str, str] | None = None  # (project node id, field id)
        self._parent_bodies: dict[str, tuple[str, Footer | None]] = {}  # parent key -> text, footer

    @classmethod
    def from_settings(
        cls,
        settings: GitHubTrackerSettings,
        *,
        http: httpx.Client | None = None,
        pacer: Pacer,
        clock: Clock,
        repos: Sequence[str] = (),
    ) -> GitHubTracker:
        """A tracker for ``[tracker] kind = "github"`` on the run's ``http`` client (its own
        without one); ``repos`` are the routing targets besides ``[tracker] repo``."""
        token = settings.token.get_secret_value() if settings.token is not None else ""
        if not token:
            raise ConfigError("[tracker] token: field required", hint=f"export {settings.token_env}=<token>")
        client = GitHubHttp(
            http or httpx.Client(timeout=request_timeout(settings.request_timeout_seconds)),
            api_url=settings.api_url,
            token=token,
            pacer=pacer,
            clock=clock,
        )
        project = None
        if settings.project_org and settings.project_number:
            project = ProjectField(settings.project_org, settings.project_number, settings.project_date_field)
        mapping = GitHubMapping(
            repo=settings.repo,
            repos=tuple(repos),
            labels=tuple(settings.labels),
            priorities=settings.priority_map(),
            statuses=settings.status_map(),
            issue_type=settings.issue_type,
            parent_issue_type=settings.parent_issue_type,
            due_labels=settings.due_labels,
            due_milestones=settings.due_milestones,
            project=project,
            close_done=settings.close_done,
        )
        return cls(client, mapping, pacer)

    # --- the Tracker protocol -------------------------------------------------------------------

    @property
    def name(self) -> str:
        return NAME

    @property
    def mapping(self) -> GitHubMapping:
        return self._mapping

    @property
    def rate_limit_remaining(self) -> float | None:
        """``X-RateLimit-Remaining`` of the last answer that had it (the service's metric)."""
        return self._http.rate_limit_remaining

    @property
    def capabilities(self) -> Capabilities:
        """Sub-issues are native but need a second write; no generic links; the label-filtered
        issues list is consistent; one issue per create call; titles up to 256 characters."""
        where = "the body footer and a due/YYYY-MM-DD label"
        extras = ["the organisation's Target date field when it has one"]
        if self._mapping.due_milestones:
            extras.append("a milestone per due date")
        if self._mapping.project is not None:
            extras.append(f"the Projects v2 field {self._mapping.project.field!r}")
        return Capabilities(
            native_due_date=False,
            native_parent=True,
            links=False,
            due_date_note=f"GitHub issues have no due date: kept in {where}; also {', '.join(extras)}",
            parent_on_create=False,
            create_in_done_state=False,
            max_batch=1,
            consistent_lookup=True,
            search_lag_seconds=60.0,
            title_limit=256,
            # GitHub's secondary-limit guidance: one write at a time, never several at once.
            parallel_writes=1,
        )

    def find_by_markers(self, markers: Sequence[Marker]) -> Mapping[Marker, list[TicketRef]]:
        found: dict[Marker, list[TicketRef]] = {}
        for marker in markers:
            issues: list[dict[str, Any]] = []
            for repo in self._mapping.all_repos:
                params = {"labels": marker.label, "state": "all", "per_page": "100"}
                issues += [i for i in self._list(f"/repos/{repo}/issues", params, op="find") if _marker_of(i) == marker]
            issues.sort(key=lambda i: (str(i["created_at"]), int(i["id"])))
            found[marker] = [self._ref(i) for i in issues]
        return found

    def get(self, ref: TicketRef) -> Ticket:
        repo, number = parse_key(ref.key)
        return self._ticket(self._http.request("GET", f"/repos/{repo}/issues/{number}", op="get").data)

    def fetch(self, refs: Sequence[TicketRef]) -> list[Ticket]:
        tickets = []
        for ref in refs:
            try:
                tickets.append(self.get(ref))
            except TrackerNotFound:
                continue
        return tickets

    def create_many(self, drafts: Sequence[TicketDraft]) -> list[CreateResult]:
        results: list[CreateResult] = []
        for draft in drafts:
            try:
                results.append(self._create(draft))
            except TrackerAuthError:
                if not results:
                    raise
                results.append(TrackerAuthError("credentials rejected", tracker=NAME, op="create"))
            except TrackerError as error:
                results.append(error)
        return results

    def update(self, ref: TicketRef, changes: TicketChanges) -> None:
        """Read the issue, decide the edit (:func:`plan_update`, pure), then send it: one PATCH,
        the Target date, the labels to add in one request, each label to remove."""
        repo, number = parse_key(ref.key)
        path = f"/repos/{repo}/issues/{number}"
        edit = plan_update(self._http.request("GET", path, op="update").data, changes, self._mapping)
        patch = dict(edit.patch)
        if edit.milestone is not None:
            patch["milestone"] = self._milestone(repo, edit.milestone)
        if patch:
            self._http.request("PATCH", path, body=patch, op="update")
        if edit.target_date is not None:
            self._set_target_date(repo, number, edit.target_date)
        if edit.add:
            self._ensure_labels(repo, set(edit.add))
            self._http.request("POST", f"{path}/labels", body={"labels": sorted(edit.add)}, op="update")
        for name in sorted(edit.remove):
            try:
                self._http.request("DELETE", f"{path}/labels/{quote(name, safe='')}", op="update")
            except TrackerNotFound:
                continue  # someone removed it meanwhile: the wanted state holds

    def transition(self, ref: TicketRef, status: Status) -> None:
        """Write what :meth:`mappings.statuses.GitHubStatusMap.state_for` says ``status`` is: a
        state and state reason, and the in-progress label on an open issue."""
        repo, number = parse_key(ref.key)
        path = f"/repos/{repo}/issues/{number}"
        current = self._ticket(self._http.request("GET", path, op="transition").data)
        if current.status is status:
            return
        statuses = self._mapping.statuses
        target = statuses.state_for(status)
        if target.state == "closed":
            if not self._mapping.close_done:
                log.info("Left %s open: [tracker] close_done is false", ref.key)
                return
            body = {"state": target.state, "state_reason": target.state_reason}
            self._http.request("PATCH", path, body=body, op="transition")
            self._tick_in_parent(current, closed=True)
            return
        if current.status.is_closed:
            self._http.request("PATCH", path, body={"state": "open", "state_reason": "reopened"}, op="transition")
            self._tick_in_parent(current, closed=False)
        if target.in_progress:
            self._ensure_labels(repo, {statuses.in_progress_label})
            self._http.request("POST", f"{path}/labels", body={"labels": [statuses.in_progress_label]}, op="transition")
            return
        for label in current.labels:
            if statuses.is_in_progress_label(label):
                try:
                    self._http.request("DELETE", f"{path}/labels/{quote(label, safe='')}", op="transition")
                except TrackerNotFound:
                    continue

    def _tick_in_parent(self, child: Ticket, *, closed: bool) -> None:
        """The parent's task list shows whether ``child`` is closed (issue 23.8). The transition
        itself is done: a failure here is a warning, and the next change of the child fixes it."""
        if child.parent is None:
            return
        parent_repo, parent_number = parse_key(child.parent.key)
        parent_path = f"/repos/{parent_repo}/issues/{parent_number}"
        try:
            cached = self._parent_bodies.get(child.parent.key)
            if cached is None:
                cached = split_body(self._http.request("GET", parent_path, op="transition").data.get("body"))
            text, footer = cached
            if footer is None or child.ref.key not in footer.tasks:
                return
            done = footer.done | {child.ref.key} if closed else footer.done - {child.ref.key}
            if done != footer.done:
                footer = dataclasses.replace(footer, done=done)
                self._http.request("PATCH", parent_path, body={"body": render_body(text, footer)}, op="transition")
            self._parent_bodies[child.parent.key] = (text, footer)
        except (RateLimited, TrackerUnavailable):
            raise
        except TrackerError as error:
            log.warning("%s: the parent's task list not ticked: %s", child.ref.key, error.message)

    def attach(self, child: TicketRef, parent: TicketRef) -> None:
        """``child`` becomes a sub-issue of ``parent`` (``sub_issue_id`` is the child's database
        id, not its number) and is listed in the parent's task list."""
        parent_repo, parent_number = parse_key(parent.key)
        parent_path = f"/repos/{parent_repo}/issues/{parent_number}"
        child_repo, child_number = parse_key(child.key)
        child_path = f"/repos/{child_repo}/issues/{child_number}"
        wanted = f"/repos/{parent_repo}/issues/{parent_number}"
        # Apply only asks for attaches it has not recorded, so try the write at once (no read
        # first); a 422 means "already has a parent" (ours after a lost answer, or another).
        child_id = child.id or str(self._http.request("GET", child_path, op="attach").data["id"])
        try:
            self._http.request("POST", f"{parent_path}/sub_issues", body={"sub_issue_id": int(child_id)}, op="attach")
        except TrackerError as error:
            if isinstance(error, RateLimited | TrackerUnavailable | TrackerNotFound | TrackerAuthError):
                raise
            attached_to = str(self._http.request("GET", child_path, op="attach").data.get("parent_issue_url") or "")
            if not attached_to:
                raise
            if not attached_to.endswith(wanted):
                body = {"sub_issue_id": int(child_id), "replace_parent": True}
                self._http.request("POST", f"{parent_path}/sub_issues", body=body, op="attach")
        # The parent's body is read once per run: its items are attached one after another, and
        # a read before every task-list write would double the requests (and the fault exposure).
        cached = self._parent_bodies.get(parent.key)
        if cached is None:
            cached = split_body(self._http.request("GET", parent_path, op="attach").data.get("body"))
        text, footer = cached
        if footer is not None and child.key not in footer.tasks:
            new = dataclasses.replace(footer, tasks=(*footer.tasks, child.key))
            self._http.request("PATCH", parent_path, body={"body": render_body(text, new)}, op="attach")
            footer = new
        self._parent_bodies[parent.key] = (text, footer)

    def link(self, a: TicketRef, b: TicketRef, kind: LinkKind) -> None:
        """A no-op: GitHub has no generic "relates" link (``capabilities.links`` is false, so the
        planner should not ask). Items of one incident already relate as sub-issues of one parent."""
        log.debug("No %s link between %s and %s: GitHub has no such link", kind.value, a.key, b.key)

    def comment(self, ref: TicketRef, body: str) -> None:
        repo, number = parse_key(ref.key)
        self._http.request("POST", f"/repos/{repo}/issues/{number}/comments", body={"body": body}, op="comment")

    def changed_since(self, cursor: str | None, scope: str | None) -> ChangedPage:
        """One page of managed issues updated since the cursor. An idle cycle is one conditional
        request answered 304. After a page that moved ``since`` forward, one more request with
        the new ``since`` (``more``) records its ETag, so the next idle cycle is a 304 again."""
        repo = scope or self._mapping.repo
        state = _PullCursor.decode(cursor)
        params = {"labels": MANAGED_LABEL, "state": "all", "sort": "updated", "direction": "asc", "per_page": "100"}
        if state.since:
            params["since"] = state.since
        if state.page > 1:
            params["page"] = str(state.page)
        conditional = state.etag if state.page == 1 else None
        answer = self._http.request("GET", f"/repos/{repo}/issues", params=params, etag=conditional, op="pull")
        if answer.status == 304:
            return ChangedPage(tickets=(), next_cursor=state.encode(), more=False)
        issues = [i for i in answer.data or () if "pull_request" not in i]
        tickets = tuple(self._ticket(i) for i in issues)
        high = max([state.high or "", *(str(i["updated_at"]) for i in issues)]) or None
        if 'rel="next"' in str(answer.headers.get("link", "")):
            # The next page starts at this page's newest change, not at page + 1: an issue
            # updated between two requests moves to the end and every one after it moves up a
            # place, so a page number would skip one for good. Page numbers only while a whole
            # page shares one update time.
            moved = high is not None and high != state.since
            nxt = _PullCursor(since=high) if moved else _PullCursor(since=state.since, page=state.page + 1, high=high)
            return ChangedPage(tickets=tickets, next_cursor=nxt.encode(), more=True)
        if high is None or high == state.since:
            # Same request next time: keep its ETag, so an idle cycle is a 304.
            etag = answer.headers.get("etag") if state.page == 1 else None
            return ChangedPage(tickets, _PullCursor(since=state.since, etag=etag).encode(), more=False)
        # since moved: the boundary issue comes again once, and that answer's ETag is kept.
        return ChangedPage(tickets, _PullCursor(since=high).encode(), more=True)

    # --- creating -----------------------------------------------------------------------------

    def _create(self, draft: TicketDraft) -> TicketRef:
        repo = draft.scope or self._mapping.repo
        incident = draft.kind is TicketKind.INCIDENT
        # The planner's priority-* labels: GitHub carries the priority as its own mapped label.
        own = {x for x in draft.labels if not x.startswith(PLANNER_PRIORITY_PREFIX)}
        labels = {MANAGED_LABEL, draft.marker.label, *self._mapping.labels, *own}
        if incident:
            labels.add(INCIDENT_LABEL)
        if draft.priority is not None:
            labels.add(self._mapping.priorities.to_tracker(draft.priority))
        if draft.due is not None and self._mapping.due_labels:
            labels.add(_due_label(draft.due))
        footer = Footer(draft.marker, draft.due, draft.priority)
        body: dict[str, Any] = {
            "title": draft.title[: self.capabilities.title_limit],
            "body": render_body(draft.body, footer),
            "labels": sorted(labels),
        }
        if draft.assignee:
            body["assignees"] = [draft.assignee]
        issue_type = self._mapping.parent_issue_type if incident else self._mapping.issue_type
        if issue_type:
            body["type"] = issue_type
        if draft.due is not None:
            field_id = self._target_field(repo)
            if field_id is not None:
                body["issue_field_values"] = [{"field_id": field_id, "value": draft.due.isoformat()}]
            if self._mapping.due_milestones:
                body["milestone"] = self._milestone(repo, draft.due)
        # Marker labels are one per issue: GitHub creates them with the issue (grey), which saves
        # a write per create against the 500-an-hour budget. Shared labels get their colours.
        self._ensure_labels(repo, labels - {draft.marker.label})
        issue = self._http.request("POST", f"/repos/{repo}/issues", body=body, op="create").data
        ref = self._ref(issue)
        due, project = draft.due, self._mapping.project
        if due is not None and project is not None:
            self._settle(lambda: self._set_project_date(project, str(issue["node_id"]), due), ref, "project date")
        if draft.parent is not None and draft.kind is TicketKind.ITEM:
            # Apply hands the parent over with the draft: attach now. The issue exists, so a
            # failure here must not fail the create (that would invite a second issue).
            parent = draft.parent
            self._settle(lambda: self.attach(ref, parent), ref, "sub-issue")
        return ref

    def _settle(self, step: Callable[[], None], ref: TicketRef, what: str) -> None:
        """Run an idempotent follow-up write of a create that already happened, retried through
        the pacer on rate limits and 5xx; given up (and logged) when that fails too."""
        try:
            self._follow_up.retrying()(step)
        except (TrackerError, RunStopped) as error:
            # RunStopped: the run's budget is spent. The issue exists and must be recorded, so
            # the create still succeeds; the next write stops the run.
            log.warning("%s: %s not set: %s", ref.key, what, error)

    def _ensure_labels(self, repo: str, names: set[str]) -> None:
        """Create missing labels with stable colours (GitHub would create them grey)."""
        known = self._labels.get(repo)
        if known is None:
            known = {
                str(x["name"]).lower() for x in self._list(f"/repos/{repo}/labels", {"per_page": "100"}, op="labels")
            }
            self._labels[repo] = known
        for name in sorted(names):
            if name.lower() in known:
                continue
            body = {"name": name, "color": label_colour(name), "description": _label_description(name)}
            try:
                self._http.request("POST", f"/repos/{repo}/labels", body=body, op="labels")
            except TrackerError as error:
                if "already_exists" not in str(error) and "422" not in str(error):
                    raise
            known.add(name.lower())

    def _target_field(self, repo: str) -> int | None:
        """The organisation's "Target date" issue field, detected once per organisation."""
        org = repo.split("/")[0]
        if org not in self._target_fields:
            try:
                fields = self._http.request("GET", f"/orgs/{org}/issue-fields", op="issue fields").data
            except (TrackerNotFound, TrackerAuthError):
                fields = []
            ids = [
                int(f["id"])
                for f in fields or ()
                if f.get("name") == TARGET_DATE_FIELD and f.get("data_type") == "date"
            ]
            self._target_fields[org] = ids[0] if ids else None
        return self._target_fields[org]

    def _set_target_date(self, repo: str, number: int, due: dt.date | None) -> None:
        field_id = self._target_field(repo)
        if field_id is None or due is None:
            return
        values = {"issue_field_values": [{"field_id": field_id, "value": due.isoformat()}]}
        self._http.request("POST", f"/repos/{repo}/issues/{number}/issue-field-values", body=values, op="update")

    def _milestone(self, repo: str, due: dt.date) -> int:
        title = f"Due {due.isoformat()}"
        if (repo, title) not in self._milestones:
            for milestone in self._list(
                f"/repos/{repo}/milestones", {"state": "all", "per_page": "100"}, op="milestone"
            ):
                self._milestones[(repo, str(milestone["title"]))] = int(milestone["number"])
        if (repo, title) not in self._milestones:
            body = {"title": title, "due_on": f"{due.isoformat()}T00:00:00Z", "description": "Created by pmsync"}
            created = self._http.request("POST", f"/repos/{repo}/milestones", body=body, op="milestone").data
            self._milestones[(repo, title)] = int(created["number"])
        return self._milestones[(repo, title)]

    def project_field(self, project: ProjectField) -> tuple[str, str]:
        """The Projects v2 board's node id and its date field's id (looked up once);
        :class:`sync.errors.TrackerNotFound` when either is missing."""
        if self._project is None:
            query = (
                "query($org: String!, $number: Int!, $field: String!) { organization(login: $org) {"
                " projectV2(number: $number) { id field(name: $field) { ... on ProjectV2FieldCommon { id name } } } } }"
            )
            data = self._graphql(query, {"org": project.org, "number": project.number, "field": project.field})
            found = ((data.get("organization") or {}).get("projectV2")) or {}
            if not found.get("id") or not (found.get("field") or {}).get("id"):
                raise TrackerNotFound(
                    f"project {project.org}#{project.number} or its field {project.field!r} not found",
                    tracker=NAME,
                    op="project",
                )
            self._project = (str(found["id"]), str(found["field"]["id"]))
        return self._project

    def target_date_field(self, repo: str) -> int | None:
        """The id of the organisation's "Target date" issue field, or ``None`` without one."""
        return self._target_field(repo)

    def diagnose(self) -> list[Any]:
        """``pmsync doctor``'s findings for this connection (:func:`sync.trackers.github_doctor.diagnose`)."""
        from sync.trackers.github_doctor import diagnose

        return list(diagnose(self))

    def read(self, path: str, params: dict[str, str] | None = None) -> Any:
        """One GET through the tracker's transport (for ``pmsync doctor``)."""
        return self._http.request("GET", path, params=params, op="doctor").data

    def _set_project_date(self, project: ProjectField, content_id: str, due: dt.date) -> None:
        project_id, field_id = self.project_field(project)
        add = (
            "mutation($project: ID!, $contentId: ID!) { addProjectV2ItemById("
            "input: {projectId: $project, contentId: $contentId}) { item { id } } }"
        )
        item = self._graphql(add, {"project": project_id, "contentId": content_id}, write=True)
        item_id = item["addProjectV2ItemById"]["item"]["id"]
        update = (
            "mutation($project: ID!, $itemId: ID!, $fieldId: ID!, $date: Date!) { updateProjectV2ItemFieldValue("
            "input: {projectId: $project, itemId: $itemId, fieldId: $fieldId, value: {date: $date}})"
            " { projectV2Item { id } } }"
        )
        self._graphql(
            update, {"project": project_id, "itemId": item_id, "fieldId": field_id, "date": due.isoformat()}, write=True
        )

    def _graphql(self, query: str, variables: dict[str, Any], *, write: bool = False) -> dict[str, Any]:
        answer = self._http.request(
            "POST", self._http.graphql_url, body={"query": query, "variables": variables}, op="graphql", write=write
        )
        data = answer.data or {}
        if data.get("errors") and not data.get("data"):
            raise TrackerError(str(data["errors"][0].get("message", "GraphQL error")), tracker=NAME, op="graphql")
        result: dict[str, Any] = data.get("data") or {}
        return result

    # --- reading ---------------------------------------------------------------------------

    def _ref(self, issue: Mapping[str, Any]) -> TicketRef:
        repo = _repo_of(issue)
        return TicketRef(tracker=NAME, key=f"{repo}#{issue['number']}", url=str(issue["html_url"]), id=str(issue["id"]))

    def _ticket(self, issue: Mapping[str, Any]) -> Ticket:
        labels = tuple(str(x["name"]) for x in issue.get("labels") or ())
        text, footer = split_body(issue.get("body"))
        marker = footer.marker if footer else None
        mapped = self._mapping.statuses.to_canonical(str(issue["state"]), issue.get("state_reason"), labels)
        assignee = issue.get("assignee") or {}
        parent = None
        parent_url = issue.get("parent_issue_url")
        if parent_url:
            match = re.search(r"/repos/([^/]+/[^/]+)/issues/(\d+)$", str(parent_url))
            if match:
                parent = TicketRef(tracker=NAME, key=f"{match[1]}#{match[2]}")
        incident = INCIDENT_LABEL in labels or (marker is not None and "#" not in marker.key)
        return Ticket(
            ref=self._ref(issue),
            title=str(issue["title"]),
            status=mapped.status,
            status_raw=mapped.raw,
            updated_at=_parse_time(str(issue["updated_at"])),
            marker=marker,
            kind=TicketKind.INCIDENT if incident else TicketKind.ITEM,
            # Without pmsync's footer the whole body is a person's: reported as it is, so the
            # three-way check sees the edit instead of overwriting it.
            body=text,
            priority=(footer.priority if footer else None) or self._mapping.priorities.from_labels(labels),
            assignee=assignee.get("login") if isinstance(assignee, Mapping) else None,
            due=footer.due if footer else _due_from_labels(labels),
            labels=labels,
            parent=parent,
            scope=_repo_of(issue),
            created_at=_parse_time(str(issue["created_at"])),
            raw=issue,
        )

    # --- paging -------------------------------------------------------------------------------

    def _list(self, path: str, params: dict[str, str], *, op: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        url: str | None = path
        query: dict[str, str] | None = params
        while url is not None:
            answer = self._http.request("GET", url, params=query, op=op)
            items += list(answer.data or ())
            url = _next_link(str(answer.headers.get("link", "")))
            query = None  # the next link carries the query
        return items


@dataclass(frozen=True)
class IssueEdit:
    """What :meth:`GitHubTracker.update` sends, decided by :func:`plan_update`: the PATCH body,
    the due date whose milestone to set (its number is looked up then), the Target date to set,
    and the labels to add and to remove (each already checked against the issue's labels)."""

    patch: Mapping[str, Any]
    milestone: dt.date | None = None
    target_date: dt.date | None = None
    add: frozenset[str] = frozenset()
    remove: frozenset[str] = frozenset()


def plan_update(current: Mapping[str, Any], changes: TicketChanges, mapping: GitHubMapping) -> IssueEdit:
    """The edit that applies ``changes`` to the issue ``current`` (as GitHub returned it). Due date
    and priority live in pmsync's body footer and in labels, so they rewrite the footer (when the
    body has one) and swap their labels; pmsync's own labels are never removed."""
    text, footer = split_body(current.get("body"))
    marker = footer.marker if footer else _marker_of(current)
    due = _changed(changes.due, footer.due if footer else None)
    priority = changes.priority if changes.priority is not None else (footer.priority if footer else None)
    patch = _field_patch(changes)
    if changes.body is not None or changes.due is not None or changes.priority is not None:
        if marker is not None:
            new_footer = Footer(marker, due, priority, *((footer.tasks, footer.done) if footer else ()))
            patch["body"] = render_body(changes.body if changes.body is not None else text, new_footer)
        elif changes.body is not None:
            patch["body"] = changes.body
    milestone = None
    if mapping.due_milestones and changes.due is CLEAR:
        patch["milestone"] = None
    elif mapping.due_milestones and changes.due is not None:
        milestone = due
    labels = {str(x["name"]) for x in current.get("labels") or ()}
    add, remove = _label_swaps(labels, changes, mapping, due)
    if marker is not None:
        remove.discard(marker.label)
    return IssueEdit(
        patch=patch,
        milestone=milestone,
        target_date=due if changes.due is not None else None,
        add=frozenset(add - labels),
        remove=frozenset(remove & labels),
    )


def _changed(change: dt.date | Clearable | None, current: dt.date | None) -> dt.date | None:
    if change is CLEAR:
        return None
    return current if change is None else change


def _field_patch(changes: TicketChanges) -> dict[str, Any]:
    patch: dict[str, Any] = {}
    if changes.title is not None:
        patch["title"] = changes.title
    if changes.assignee is CLEAR:
        patch["assignees"] = []
    elif changes.assignee is not None:
        patch["assignees"] = [changes.assignee]
    return patch


def _label_swaps(
    labels: set[str], changes: TicketChanges, mapping: GitHubMapping, due: dt.date | None
) -> tuple[set[str], set[str]]:
    """Labels to add and remove: the delta's own (less the planner's ``priority-*`` labels, as
    GitHub carries the priority as its mapped label), the priority's and the due date's."""
    add = {x for x in changes.labels_add if not x.startswith(PLANNER_PRIORITY_PREFIX)}
    remove = {x for x in changes.labels_remove if not x.startswith(PLANNER_PRIORITY_PREFIX)} - {MANAGED_LABEL}
    if changes.priority is not None:
        wanted = mapping.priorities.to_tracker(changes.priority)
        remove |= {x for x in labels if x in mapping.priorities.labels} - {wanted}
        add.add(wanted)
    if changes.due is not None and mapping.due_labels:
        remove |= {x for x in labels if x.startswith(DUE_PREFIX)}
        if due is not None:
            add.add(_due_label(due))
            remove.discard(_due_label(due))
    return add, remove


def _next_link(link: str) -> str | None:
    match = re.search(r'<([^>]+)>;\s*rel="next"', link)
    return match[1] if match else None


def _repo_of(issue: Mapping[str, Any]) -> str:
    # ``repository_url`` is required in GitHub's issue schema: ``{api}/repos/{owner}/{repo}``.
    return "/".join(str(issue["repository_url"]).rstrip("/").split("/")[-2:])


def _marker_of(issue: Mapping[str, Any]) -> Marker | None:
    _text, footer = split_body(issue.get("body"))
    return footer.marker if footer else None


def _due_label(due: dt.date) -> str:
    return f"{DUE_PREFIX}{due.isoformat()}"


def _due_from_labels(labels: Sequence[str]) -> dt.date | None:
    for label in labels:
        if label.startswith(DUE_PREFIX):
            try:
                return dt.date.fromisoformat(label[len(DUE_PREFIX) :])
            except ValueError:
                continue
    return None


def _label_description(name: str) -> str:
    if name == MANAGED_LABEL:
        return "Managed by pmsync (post-mortem follow-up)"
    if name.startswith("pmsync-"):
        return "pmsync marker: identifies one action item"
    if name.startswith(DUE_PREFIX):
        return "Due date of a post-mortem action item"
    return "Added by pmsync"


def _parse_time(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
