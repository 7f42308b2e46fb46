"""A stateful fake Jira served on a real loopback HTTP server.

Two flavours:

- ``cloud``: Jira Cloud platform REST v3 (``/rest/api/3``), email + API token as HTTP basic,
  ADF descriptions, users by ``accountId``, ``/search/jql`` paged by ``nextPageToken``/``isLast``
  (no ``total``; only ids unless ``fields`` is given), ``/issue/bulkfetch``, ``parent`` for every
  hierarchy level. **Every request and every answer is validated with openapi-core against
  ``tests/fakes/specs/jira-platform.prism-compat.openapi.json``** (Atlassian's ``swagger-v3.v3.json``);
  each violation is collected in :attr:`FakeJira.violations` and the ``fake_jira`` fixtures assert
  there are none at teardown. Injected faults (429, 503, 5xx, dropped connections) are answers
  the description does not list for most operations, so only their *requests* are validated.
- ``datacenter``: Jira Data Center REST v2 (``/rest/api/2``), validated the same way against
  ``tests/fakes/specs/jira-datacenter-v2.openapi.json`` (Atlassian publishes no machine-readable
  description of it: that file is the subset pmsync uses, written from Atlassian's Jira Data Center
  REST reference, 10.x/11.x, "Jira Server platform REST API"): ``description`` is a wiki-markup
  string, users are ``{"name": ...}``, ``/rest/api/2/search`` pages with ``startAt``/``total``,
  the personal access token travels as ``Authorization: Bearer``, there is no ``bulkfetch``, and
  ``parent`` is only accepted for sub-tasks (epics take the "Epic Link" custom field). The rules
  the description cannot say are checked by hand and reported as violations the same way.

Index lag: ``/search/jql`` (and DC ``/search``) serves each issue as it was ``index_lag`` seconds
ago, measured on the injectable ``clock`` (no real waiting in tests): a new issue is not found for
that long, and a changed one is found with its old fields — status and ``updated`` included — a
stale snapshot. ``reconcileIssues`` ids are read-after-write consistent, as on Jira Cloud.

Workflows (``workflow=``, see :data:`WORKFLOWS`): ``any`` (every status to every status), ``linear``
(To Do → In Progress → Done), ``no_done`` (Done unreachable) and ``resolution_screen`` (linear,
the transition into Done requires a resolution). Transitions are offered per status, with their
screen's fields under ``expand=transitions.fields``.

Faults: :meth:`FakeJira.inject` queues a fault for the next matching request; :meth:`chaos`
turns a share of all answers into faults at random (seeded). ``drop`` closes the connection
without an answer (what a client sees after its read time-out); ``commit_drop`` does the work
(a create commits) and then drops. ``latency`` sleeps before every answer (benchmarks, and tests
that need requests to overlap). :attr:`FakeJira.requests` counts requests per ``METHOD
/route/template``; :attr:`FakeJira.in_flight` how many are answered at once (its ``peak``), and
:attr:`FakeJira.exchanges` lists each request's arrival on ``clock``, route and answer status.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from tests.fakes.in_flight import InFlight
from tests.fakes.openapi_check import Description, SpecRequest, SpecResponse

SPEC = Path(__file__).resolve().parent / "specs" / "jira-platform.prism-compat.openapi.json"
DC_SPEC = Path(__file__).resolve().parent / "specs" / "jira-datacenter-v2.openapi.json"
SPEC_HOST = "https://your-domain.atlassian.net"
DC_SPEC_HOST = "https://jira.example.com"

Flavour = Literal["cloud", "datacenter"]
FaultKind = Literal["429", "503", "500", "403", "drop", "commit_drop"]
Clock = Callable[[], dt.datetime]

EPIC_LINK_FIELD = "customfield_10014"
"""The DC "Epic Link" custom field (its id differs per site; doctor/config name it)."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def jira_time(moment: dt.datetime) -> str:
    """Jira's timestamp format: ``2026-11-30T23:13:00.000+0000``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


# --- spec validation --------------------------------------------------------------------------

DESCRIPTIONS: dict[Flavour, tuple[Description, str]] = {
    "cloud": (Description(SPEC), SPEC_HOST),
    "datacenter": (Description(DC_SPEC), DC_SPEC_HOST),
}


def spec_errors(flavour: Flavour, request: SpecRequest, response: SpecResponse | None) -> list[str]:
    """openapi-core's findings for one exchange (``response`` None: the request only)."""
    findings = DESCRIPTIONS[flavour][0].check(request, response)
    found = [f"request {problem}" for problem in findings.request]
    found += [f"response {problem}" for problem in findings.response]
    if findings.undeclared:
        found.append(f"response: status {response.status_code if response else '?'} not in the description")
    return found


# --- state ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeStatus:
    id: str
    name: str
    category: str  # new | indeterminate | done


STATUSES = {
    "To Do": FakeStatus("10000", "To Do", "new"),
    "In Progress": FakeStatus("3", "In Progress", "indeterminate"),
    "In Review": FakeStatus("10002", "In Review", "indeterminate"),
    "Done": FakeStatus("10001", "Done", "done"),
}
_CATEGORY_IDS = {"new": 2, "indeterminate": 4, "done": 3}
_CATEGORY_NAMES = {"new": "To Do", "indeterminate": "In Progress", "done": "Done"}
RESOLUTIONS = ("Done", "Won't Do", "Duplicate", "Cannot Reproduce", "Declined")


@dataclass(frozen=True)
class FakeTransition:
    """One workflow transition. Ids are strings on the wire; names are deliberately not the status
    names, so an adapter that picks transitions by name instead of by target category is caught.
    ``resolution``: whether the transition shows a screen with the Resolution field, and whether
    it is required there (Jira answers 400 when a transition request leaves a required field out,
    or sets a field its screen does not show)."""

    id: str
    name: str
    to: str
    resolution: Literal["none", "optional", "required"] = "none"


# Workflows: ``from status -> transitions offered there``; the key ``None`` holds global
# transitions (offered from every status but their own target).
Workflow = dict[str | None, tuple[FakeTransition, ...]]
WORKFLOWS: dict[str, Workflow] = {
    # Jira's simplified (team-managed) workflow: any status to any status.
    "any": {
        None: (
            FakeTransition("11", "Back to backlog", "To Do"),
            FakeTransition("21", "Start work", "In Progress"),
            FakeTransition("31", "Ship it", "Done", resolution="optional"),
        )
    },
    # The classic company-managed one: To Do -> In Progress -> Done, and back.
    "linear": {
        "To Do": (FakeTransition("11", "Start work", "In Progress"),),
        "In Progress": (FakeTransition("21", "Stop work", "To Do"), FakeTransition("31", "Ship it", "Done")),
        "Done": (FakeTransition("41", "Reopen", "To Do"),),
    },
    # Done cannot be reached at all (a review step that only a plugin may leave).
    "no_done": {
        "To Do": (FakeTransition("11", "Start work", "In Progress"),),
        "In Progress": (FakeTransition("21", "Stop work", "To Do"), FakeTransition("51", "Review", "In Review")),
        "In Review": (FakeTransition("61", "Rework", "In Progress"),),
    },
    # Linear, with a screen on the way to Done that requires a resolution.
    "resolution_screen": {
        "To Do": (FakeTransition("11", "Start work", "In Progress"),),
        "In Progress": (
            FakeTransition("21", "Stop work", "To Do"),
            FakeTransition("31", "Resolve", "Done", resolution="required"),
        ),
        "Done": (FakeTransition("41", "Reopen", "To Do"),),
    },
}
PRIORITIES = ("Highest", "High", "Medium", "Low", "Lowest")


@dataclass(frozen=True)
class FakeIssueType:
    id: str
    name: str
    hierarchy: int
    subtask: bool = False


ISSUE_TYPES = (
    FakeIssueType("10001", "Task", 0),
    FakeIssueType("10002", "Epic", 1),
    FakeIssueType("10003", "Sub-task", -1, subtask=True),
    FakeIssueType("10004", "Incident", 0),
)


@dataclass
class FakeUser:
    account_id: str
    name: str
    email: str
    display_name: str


@dataclass
class FakeIssue:
    id: str
    key: str
    project: str
    issuetype: FakeIssueType
    summary: str
    description: Any
    labels: list[str]
    duedate: str | None
    priority: str | None
    assignee: str | None
    status: str
    resolution: str | None
    parent_id: str | None
    created: dt.datetime
    updated: dt.datetime
    custom: dict[str, Any] = field(default_factory=dict)
    properties: dict[str, Any] = field(default_factory=dict)
    remote_links: list[dict[str, Any]] = field(default_factory=list)
    comments: list[Any] = field(default_factory=list)
    old_keys: list[str] = field(default_factory=list)


@dataclass
class Fault:
    """One injected fault. ``route`` is ``"METHOD /template"`` (None: any request)."""

    kind: FaultKind
    route: str | None = None
    retry_after: float = 1.0
    reason: str = "jira-burst-based"


@dataclass(frozen=True)
class Exchange:
    """One request as the fake saw it: when it arrived (on the fake's clock), where, the answer's status."""

    arrived: dt.datetime
    route: str
    status: int


class HttpError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


def _error(status: int, *messages: str, **fields: str) -> HttpError:
    return HttpError(status, {"errorMessages": list(messages), "errors": dict(fields)})


@dataclass
class Answer:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


Route = tuple[str, re.Pattern[str], str, Callable[..., Answer]]


class FakeJira:
    """The fake's state and request handling; :func:`serve` puts it on a loopback port."""

    def __init__(
        self,
        flavour: Flavour = "cloud",
        *,
        clock: Clock = _utcnow,
        index_lag: float = 0.0,
        projects: tuple[str, ...] = ("OPS", "PAY"),
        email: str = "bot@example.com",
        token: str = "secret-token",
        latency: float = 0.0,
        validate: bool = True,
        workflow: str = "any",
    ) -> None:
        self.flavour: Flavour = flavour
        self.api = "/rest/api/3" if flavour == "cloud" else "/rest/api/2"
        self.clock = clock
        self.index_lag = index_lag
        self.email = email
        self.token = token
        self.latency = latency
        self.validate = validate
        self.base_url = "http://127.0.0.1"
        self.projects = {key: str(10000 + n) for n, key in enumerate(projects)}
        self.issues: dict[str, FakeIssue] = {}
        self.workflow: Workflow = WORKFLOWS[workflow]
        self.transitions_made: list[tuple[str, str]] = []  # (issue key, transition id) in order
        self._snapshots: dict[str, list[FakeIssue]] = {}  # issue id -> what the search index holds
        self.links: list[tuple[str, str, str]] = []  # (type name, outward issue id, inward issue id)
        # Account ids of every shape Atlassian hands out: 24 hex digits (older accounts), the
        # ``557058:<uuid>`` and ``712020:<uuid>`` prefixed forms, and the description's own example
        # (not hex at all). pmsync must pass them on as written, never judge them by their shape.
        self.users = [
            FakeUser("5b10ac8d82e05b22cc7d4ef5", "alice", "alice@example.com", "Alice Jones"),
            FakeUser("5b10a2844c20165700ede21g", "bob", "bob@example.com", "Bob Stone"),
            FakeUser("557058:f58131cb-b67d-43c7-b30d-6b58d40bd077", "carol", "carol@example.com", "Carol Diaz"),
            FakeUser("712020:0e3c1c44-7a0e-4d5e-9a57-3b1a8b7c2f10", "carol2", "carol.d@example.com", "Carol Diaz"),
            FakeUser("qm:6f3b2a1c-0d4e-4f5a-8b9c-1d2e3f4a5b6c:1a2b3c4d", "dana.ext", "dana@partner.example", "Dana"),
        ]
        self.required_fields: dict[str, str] = {}  # custom field id -> name, required on create
        self.custom_fields: dict[str, str] = {EPIC_LINK_FIELD: "Epic Link", "customfield_10050": "Team"}
        self.create_screen_missing: set[str] = set()  # system fields absent from the create screen
        self.time_zone = "UTC"  # the API account's profile zone, in which JQL reads dates
        self.requests: Counter[str] = Counter()
        self.in_flight = InFlight()
        self.exchanges: list[Exchange] = []
        # Called with the route after each request was handled, before its answer is sent: a test
        # can SIGKILL the client at a chosen request, e.g. right after a create committed.
        self.on_request: Callable[[str], None] | None = None
        self.violations: list[str] = []
        self._faults: list[Fault] = []
        self._chaos: tuple[float, random.Random, tuple[FaultKind, ...]] | None = None
        self.faults_injected = 0
        self._next_id = 10000
        self._next_number: Counter[str] = Counter()
        self._next_link = 20000
        self._lock = threading.RLock()
        self._routes = self._build_routes()

    # --- test controls ---------------------------------------------------------------------------

    def inject(self, fault: Fault, times: int = 1) -> None:
        """Answer the next ``times`` requests matching ``fault.route`` with ``fault``."""
        with self._lock:
            self._faults.extend([fault] * times)

    def chaos(self, rate: float, *, seed: int = 7, kinds: tuple[FaultKind, ...] = ("429", "503", "drop")) -> None:
        """Turn ``rate`` of all answers into faults of ``kinds`` (``drop`` on a create commits first
        half the time, like a real time-out after the server did the work)."""
        with self._lock:
            self._chaos = (rate, random.Random(seed), kinds) if rate else None

    def total_requests(self) -> int:
        return sum(self.requests.values())

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.exchanges.clear()
            self.in_flight.reset()

    def issue(self, key_or_id: str) -> FakeIssue:
        with self._lock:
            found = self._find(key_or_id)
            if found is None:
                raise KeyError(key_or_id)
            return found

    def issues_with_label(self, label: str) -> list[FakeIssue]:
        with self._lock:
            return [i for i in self.issues.values() if label in i.labels]

    def human_transition(self, key: str, status: str, resolution: str | None = None) -> None:
        """A person moves the issue in Jira's UI."""
        self.human_transitions({key: status}, resolution)

    def human_transitions(self, moves: Mapping[str, str], resolution: str | None = None) -> None:
        """People move issues (key → status) at once, as a bulk change does: one re-index for all,
        where one per issue made a benchmark's 10,000 changes take minutes to prepare."""
        with self._lock:
            self._reindex()  # the index holds the issues as they were until it catches up
            for key, status in moves.items():
                issue = self.issue(key)
                issue.status = status
                issue.resolution = resolution if STATUSES[status].category == "done" else None
                if STATUSES[status].category == "done" and issue.resolution is None:
                    issue.resolution = "Done"
                issue.updated = self.clock()

    def human_edit(self, key: str, **fields: Any) -> None:
        """A person edits fields (``summary``, ``labels``, ``priority``, ``duedate``, ``assignee``)."""
        with self._lock:
            self._reindex()  # the index holds the issue as it was until it catches up
            issue = self.issue(key)
            for name, value in fields.items():
                setattr(issue, name, value)
            issue.updated = self.clock()

    def move(self, key: str, project: str) -> str:
        """Move an issue to another project: new key, same id; the old key keeps resolving."""
        with self._lock:
            self._reindex()  # the index holds the issue as it was until it catches up
            issue = self.issue(key)
            self._next_number[project] += 1
            issue.old_keys.append(issue.key)
            issue.key = f"{project}-{self._next_number[project]}"
            issue.project = project
            issue.updated = self.clock()
            return issue.key

    # --- lookups ---------------------------------------------------------------------------------

    def _find(self, key_or_id: str) -> FakeIssue | None:
        if key_or_id in self.issues:
            return self.issues[key_or_id]
        for issue in self.issues.values():
            if issue.key == key_or_id or key_or_id in issue.old_keys:
                return issue
        return None

    def _get_issue(self, key_or_id: str) -> FakeIssue:
        found = self._find(key_or_id)
        if found is None:
            raise _error(404, "Issue does not exist or you do not have permission to see it.")
        return found

    def _user(self, account: str | None) -> FakeUser | None:
        for user in self.users:
            if account in (user.account_id, user.name):
                return user
        return None

    def _user_json(self, user: FakeUser) -> dict[str, Any]:
        common = {"displayName": user.display_name, "emailAddress": user.email, "active": True}
        if self.flavour == "cloud":
            return {"accountId": user.account_id, "accountType": "atlassian", **common}
        return {"name": user.name, "key": user.name, **common}

    def _issue_type(self, ref: dict[str, Any]) -> FakeIssueType:
        for kind in ISSUE_TYPES:
            if ref.get("id") == kind.id or ref.get("name") == kind.name:
                return kind
        raise _error(400, issuetype="Specify a valid issue type")

    # --- serialisation ---------------------------------------------------------------------------

    def _status_json(self, name: str) -> dict[str, Any]:
        status = STATUSES[name]
        return {
            "id": status.id,
            "name": status.name,
            "self": f"{self.base_url}{self.api}/status/{status.id}",
            "statusCategory": {
                "id": _CATEGORY_IDS[status.category],
                "key": status.category,
                "name": _CATEGORY_NAMES[status.category],
                "colorName": "blue-gray",
            },
        }

    def _all_fields(self, issue: FakeIssue) -> dict[str, Any]:
        parent = self.issues.get(issue.parent_id) if issue.parent_id else None
        user = self._user(issue.assignee)
        links = []
        for type_name, outward, inward in self.links:
            if issue.id in (outward, inward):
                other = self.issues[inward if issue.id == outward else outward]
                direction = "inwardIssue" if issue.id == outward else "outwardIssue"
                links.append({"type": {"name": type_name}, direction: {"id": other.id, "key": other.key}})
        fields: dict[str, Any] = {
            "summary": issue.summary,
            "description": issue.description,
            "labels": list(issue.labels),
            "duedate": issue.duedate,
            "priority": {"name": issue.priority, "id": str(PRIORITIES.index(issue.priority) + 1)}
            if issue.priority
            else None,
            "assignee": self._user_json(user) if user else None,
            "status": self._status_json(issue.status),
            "resolution": {"name": issue.resolution} if issue.resolution else None,
            "issuetype": {
                "id": issue.issuetype.id,
                "name": issue.issuetype.name,
                "subtask": issue.issuetype.subtask,
                "hierarchyLevel": issue.issuetype.hierarchy,
            },
            "project": {"id": self.projects[issue.project], "key": issue.project},
            "created": jira_time(issue.created),
            "updated": jira_time(issue.updated),
            "issuelinks": links,
            **issue.custom,
        }
        if parent is not None and (self.flavour == "cloud" or issue.issuetype.subtask):
            fields["parent"] = {"id": parent.id, "key": parent.key}
        return fields

    def _issue_json(self, issue: FakeIssue, fields: list[str] | None, properties: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"id": issue.id, "key": issue.key, "self": f"{self.base_url}{self.api}/issue/{issue.id}"}
        if fields is not None:
            everything = self._all_fields(issue)
            if "*all" in fields or "*navigable" in fields:
                out["fields"] = everything
            else:
                out["fields"] = {name: everything.get(name) for name in fields if not name.startswith("-")}
        if properties:
            out["properties"] = {k: issue.properties[k] for k in properties if k in issue.properties}
        return out

    # --- create ----------------------------------------------------------------------------------

    def _create_one(self, update: dict[str, Any]) -> FakeIssue:
        raw = update.get("fields")
        if not isinstance(raw, dict):
            raise _error(400, "fields: required")
        fields: dict[str, Any] = dict(raw)
        project_ref = fields.pop("project", None) or {}
        project = project_ref.get("key") or next(
            (k for k, v in self.projects.items() if v == project_ref.get("id")), None
        )
        if project not in self.projects:
            raise _error(400, project="valid project is required")
        kind = self._issue_type(fields.pop("issuetype", None) or {})
        summary = fields.pop("summary", None)
        if not isinstance(summary, str) or not summary.strip():
            raise _error(400, summary="You must specify a summary of the issue.")
        if len(summary) > 255:
            raise _error(400, summary="Summary must be less than 255 characters.")
        for name in self.create_screen_missing:
            if name in fields:
                raise _error(
                    400, **{name: f"Field '{name}' cannot be set. It is not on the appropriate screen, or unknown."}
                )
        for field_id, name in self.required_fields.items():
            if not fields.get(field_id):
                raise _error(400, **{field_id: f"{name} is required."})
        description = fields.pop("description", None)
        if self.flavour == "datacenter" and description is not None and not isinstance(description, str):
            self.violations.append("DC create: description must be a wiki-markup string")
        if (
            self.flavour == "cloud"
            and description is not None
            and not (isinstance(description, dict) and description.get("type") == "doc")
        ):
            raise _error(400, description="Operation value must be an Atlassian Document")
        priority = (fields.pop("priority", None) or {}).get("name")
        if priority is not None and priority not in PRIORITIES:
            raise _error(400, priority=f"Priority name '{priority}' is not valid")
        assignee = self._assignee_from(fields.pop("assignee", None))
        parent_id = self._parent_from(kind, fields)
        labels = fields.pop("labels", None) or []
        if any(" " in label for label in labels):
            raise _error(400, labels="The label must not contain spaces.")
        duedate = fields.pop("duedate", None)
        if duedate is not None:
            dt.date.fromisoformat(duedate)
        for name in list(fields):
            if name.startswith("customfield_") and name not in self.custom_fields:
                raise _error(
                    400, **{name: f"Field '{name}' cannot be set. It is not on the appropriate screen, or unknown."}
                )
            if not name.startswith("customfield_"):
                raise _error(
                    400, **{name: f"Field '{name}' cannot be set. It is not on the appropriate screen, or unknown."}
                )
        now = self.clock()
        self._next_id += 1
        self._next_number[project] += 1
        issue = FakeIssue(
            id=str(self._next_id),
            key=f"{project}-{self._next_number[project]}",
            project=project,
            issuetype=kind,
            summary=summary,
            description=description,
            labels=list(labels),
            duedate=duedate,
            priority=priority,
            assignee=assignee,
            status="To Do",
            resolution=None,
            parent_id=parent_id,
            created=now,
            updated=now,
            custom={k: v for k, v in fields.items() if k.startswith("customfield_")},
        )
        for prop in update.get("properties") or []:
            issue.properties[prop["key"]] = prop["value"]
        self.issues[issue.id] = issue
        # The index learns of the issue as created, whatever writes follow before the next search:
        # it is found (as it was then) once the lag has passed since its creation, as on Jira.
        self._snapshots[issue.id] = [copy.deepcopy(issue)]
        return issue

    def _assignee_from(self, ref: Any) -> str | None:
        if ref is None:
            return None
        if self.flavour == "cloud":
            if "name" in ref:
                raise _error(400, assignee="The query parameter 'accountId' is required; 'name' is not supported")
            wanted = ref.get("accountId") or ref.get("id")
        else:
            if "accountId" in ref:
                self.violations.append("DC: assignee must be {name}, not {accountId}")
            wanted = ref.get("name")
        user = self._user(wanted)
        if user is None:
            raise _error(400, assignee=f"User '{wanted}' does not exist.")
        return user.account_id if self.flavour == "cloud" else user.name

    def _parent_from(self, kind: FakeIssueType, fields: dict[str, Any]) -> str | None:
        parent_ref = fields.pop("parent", None)
        # DC keeps the Epic Link as a field value (the epic's key) and shows no ``parent`` for it.
        epic_key = fields.get(EPIC_LINK_FIELD) if self.flavour == "datacenter" else None
        if parent_ref is not None:
            parent = self._find(parent_ref.get("id") or parent_ref.get("key") or "")
            if parent is None:
                raise _error(400, parent="Could not find issue by id or key.")
            if self.flavour == "datacenter" and not kind.subtask:
                raise _error(
                    400, parent="Field 'parent' cannot be set. It is not on the appropriate screen, or unknown."
                )
            if kind.subtask and parent.issuetype.subtask:
                raise _error(400, parent="A sub-task cannot be the parent of a sub-task.")
            if not kind.subtask and parent.issuetype.hierarchy != kind.hierarchy + 1:
                raise _error(400, parent=f"Issue type {kind.name} cannot sit under {parent.issuetype.name}.")
            return parent.id
        if kind.subtask:
            raise _error(400, parent="Sub-tasks need a parent.")
        if epic_key is not None:
            epic = self._find(str(epic_key))
            if epic is None or epic.issuetype.name != "Epic":
                raise _error(400, **{EPIC_LINK_FIELD: f"Epic {epic_key} does not exist."})
            return epic.id
        return None

    # --- search ----------------------------------------------------------------------------------

    def _reindex(self) -> None:
        """Queue a snapshot of every issue changed since its last one: search serves the newest
        snapshot at least ``index_lag`` old, so a changed issue is found *as it was* for a while."""
        for issue in self.issues.values():
            history = self._snapshots.setdefault(issue.id, [])
            if not history or history[-1] != issue:
                history.append(copy.deepcopy(issue))

    def _indexed(self, issue: FakeIssue, now: dt.datetime, reconciled: set[str]) -> FakeIssue | None:
        """The issue as search sees it: current when reconciled (read-after-write) or without lag,
        else its newest snapshot old enough to be indexed, else not at all (created too lately)."""
        if issue.id in reconciled or not self.index_lag:
            return issue
        horizon = now - dt.timedelta(seconds=self.index_lag)
        indexed = [snap for snap in self._snapshots.get(issue.id, []) if snap.updated <= horizon]
        return indexed[-1] if indexed else None

    def _jql(self, jql: str, reconciled: set[str]) -> list[FakeIssue]:
        text = jql.strip()
        order = "created"
        descending = False
        match = re.search(r"\s+ORDER\s+BY\s+(\w+)(?:\s+(ASC|DESC))?(?:\s*,.*)?$", text, re.IGNORECASE)
        if match:
            order = match.group(1).lower()
            descending = (match.group(2) or "ASC").upper() == "DESC"
            text = text[: match.start()]
        predicates = [self._clause(part) for part in re.split(r"\s+AND\s+", text, flags=re.IGNORECASE) if part]
        now = self.clock()
        self._reindex()
        views = (self._indexed(i, now, reconciled) for i in list(self.issues.values()))
        hits = [i for i in views if i is not None and all(p(i) for p in predicates)]
        keyfunc: Callable[[FakeIssue], Any] = {
            "created": lambda i: (i.created, int(i.id)),
            "updated": lambda i: (i.updated, int(i.id)),
            "key": lambda i: (i.project, int(i.key.split("-")[1])),
            "id": lambda i: int(i.id),
        }.get(order) or (lambda i: int(i.id))
        return sorted(hits, key=keyfunc, reverse=descending)

    def _clause(self, clause: str) -> Callable[[FakeIssue], bool]:
        clause = clause.strip().strip("()").strip()
        match = re.fullmatch(r"(\w+)\s*(=|in|>=|>)\s*(.+)", clause, re.IGNORECASE)
        if not match:
            raise _error(400, f"Error in the JQL Query: cannot read '{clause}'.")
        name, op, raw = match.group(1).lower(), match.group(2).lower(), match.group(3).strip()
        values = [v.strip().strip('"') for v in raw.strip("()").split(",")] if op == "in" else [raw.strip('"')]
        if name == "labels" and op in ("=", "in"):
            return lambda i: bool(set(values) & set(i.labels))
        if name == "project" and op in ("=", "in"):
            return lambda i: i.project in values
        if name in ("key", "issue", "issuekey") and op in ("=", "in"):
            return lambda i: i.key in values or bool(set(values) & set(i.old_keys))
        if name == "id" and op in ("=", "in"):
            return lambda i: i.id in values
        if name == "updated" and op in (">=", ">"):
            try:
                since = dt.datetime.strptime(values[0], "%Y-%m-%d %H:%M").replace(tzinfo=ZoneInfo(self.time_zone))
            except ValueError as exc:
                raise _error(400, f"Date value '{values[0]}' for field 'updated' is invalid.") from exc
            # JQL compares at minute precision: an issue updated during the named minute matches '>='.
            return lambda i: i.updated.replace(second=0, microsecond=0) >= since
        raise _error(400, f"Error in the JQL Query: unsupported clause '{clause}'.")

    # --- routes ----------------------------------------------------------------------------------

    def _build_routes(self) -> list[Route]:
        api = self.api
        table: list[tuple[str, str, Callable[..., Answer]]] = [
            ("GET", "/serverInfo", self._server_info),
            ("GET", "/myself", self._myself),
            ("POST", "/issue/bulk", self._bulk_create),
            ("POST", "/issue/bulkfetch", self._bulk_fetch),
            ("POST", "/issue", self._create),
            ("GET", "/issue/createmeta/{projectIdOrKey}/issuetypes", self._createmeta_types),
            ("GET", "/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}", self._createmeta_fields),
            ("GET", "/issue/{issueIdOrKey}", self._get),
            ("PUT", "/issue/{issueIdOrKey}", self._edit),
            ("GET", "/issue/{issueIdOrKey}/transitions", self._transitions),
            ("POST", "/issue/{issueIdOrKey}/transitions", self._do_transition),
            ("POST", "/issue/{issueIdOrKey}/comment", self._comment),
            ("GET", "/issue/{issueIdOrKey}/remotelink", self._remote_links),
            ("POST", "/issue/{issueIdOrKey}/remotelink", self._add_remote_link),
            ("GET", "/issue/{issueIdOrKey}/properties/{propertyKey}", self._get_property),
            ("PUT", "/issue/{issueIdOrKey}/properties/{propertyKey}", self._put_property),
            ("POST", "/issueLink", self._link),
            ("GET", "/issueLinkType", self._link_types),
            ("GET", "/user/search", self._user_search),
            ("GET", "/priority", self._priorities),
            ("GET", "/status", self._statuses),
            ("GET", "/field", self._fields),
        ]
        if self.flavour == "cloud":
            table += [("POST", "/search/jql", self._search_jql), ("GET", "/search/jql", self._search_jql)]
        else:
            table += [("POST", "/search", self._search_dc), ("GET", "/search", self._search_dc)]
        routes: list[Route] = []
        for method, template, handler in table:
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(api + template))
            routes.append((method, re.compile(f"^{pattern}$"), api + template, handler))
        return routes

    def route_of(self, method: str, path: str) -> tuple[str, Callable[..., Answer], dict[str, str]] | None:
        for verb, pattern, template, handler in self._routes:
            match = pattern.match(path)
            if verb == method and match:
                return f"{method} {template}", handler, match.groupdict()
        return None

    # --- the one entry point ----------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes | None) -> Answer:
        """Answer one HTTP request (called by the server thread)."""
        arrived = self.clock()
        with self.in_flight:
            answer = self._handle(method, target, headers, body)
        found = self.route_of(method, urlsplit(target).path)
        route = found[0] if found else f"{method} {target}"
        with self._lock:
            self.exchanges.append(Exchange(arrived, route, answer.status))
        if self.on_request is not None:
            self.on_request(route)
        return answer

    def _handle(self, method: str, target: str, headers: dict[str, str], body: bytes | None) -> Answer:
        split = urlsplit(target)
        query = parse_qsl(split.query, keep_blank_values=True)
        path = split.path
        found = self.route_of(method, path)
        route = found[0] if found else f"{method} {path}"
        lowered = {k.lower(): v for k, v in headers.items()}
        host = DESCRIPTIONS[self.flavour][1]
        spec_request = SpecRequest(method.lower(), path, query, lowered, body or None, host_url=host)
        if self.latency:
            time.sleep(self.latency)
        with self._lock:
            self.requests[route] += 1
            if self.validate and found:
                self.violations += [f"{route}: {e}" for e in spec_errors(self.flavour, spec_request, None)]
            self._check_dc_request(route, lowered, body)
            fault = self._take_fault(route)
            if fault is not None and fault.kind != "commit_drop":
                self.faults_injected += 1
                return self._fault_answer(fault)
            if not self._authorised(lowered):
                answer = Answer(401, {"errorMessages": ["Client must be authenticated to access this resource."]})
            elif found is None:
                answer = Answer(404, {"errorMessages": [f"No route {method} {path}"]})
            else:
                try:
                    payload = json.loads(body) if body else None
                    answer = found[1](payload=payload, query=dict(query), **found[2])
                except HttpError as error:
                    answer = Answer(error.status, error.body)
                except (ValueError, KeyError, TypeError, AttributeError) as error:
                    answer = Answer(400, {"errorMessages": [f"Bad request: {error}"], "errors": {}})
            if self.validate and found and not answer.drop:
                data = json.dumps(answer.body).encode() if answer.body is not None else None
                response = SpecResponse(answer.status, data)
                self.violations += [
                    f"{route} -> {answer.status}: {e}"
                    for e in spec_errors(self.flavour, spec_request, response)
                    # Jira answers 201/204 without a body although the description lists `schema: {}`
                    # for them; an empty body is what HTTP 204 means, so it is no violation.
                    if not e.startswith("request ") and not (data is None and "MissingData" in e)
                ]
            self._reindex()
            if fault is not None:  # commit_drop: the work is done, the answer is lost
                self.faults_injected += 1
                return Answer(0, drop=True)
            return answer

    def _take_fault(self, route: str) -> Fault | None:
        for n, fault in enumerate(self._faults):
            if fault.route is None or fault.route == route:
                return self._faults.pop(n)
        if self._chaos is not None:
            rate, rng, kinds = self._chaos
            if rng.random() < rate:
                kind = rng.choice(kinds)
                if kind == "drop" and route.startswith("POST") and rng.random() < 0.5:
                    kind = "commit_drop"
                return Fault(kind, retry_after=rng.choice((1.0, 2.0, 5.0)))
        return None

    def _fault_answer(self, fault: Fault) -> Answer:
        if fault.kind == "drop":
            return Answer(0, drop=True)
        if fault.kind == "429":
            reset = self.clock() + dt.timedelta(seconds=fault.retry_after)
            return Answer(
                429,
                {"errorMessages": ["Rate limit exceeded."]},
                {
                    "Retry-After": str(int(fault.retry_after)),
                    "X-RateLimit-Reset": reset.strftime("%Y-%m-%dT%H:%MZ"),
                    "RateLimit-Reason": fault.reason,
                },
            )
        if fault.kind == "503":
            return Answer(
                503, {"errorMessages": ["Service unavailable."]}, {"Retry-After": str(int(fault.retry_after))}
            )
        if fault.kind == "403":
            return Answer(403, {"errorMessages": ["You do not have permission to create issues in this project."]})
        return Answer(500, {"errorMessages": ["Internal server error."]})

    def _authorised(self, headers: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        basic = "Basic " + base64.b64encode(f"{self.email}:{self.token}".encode()).decode()
        if self.flavour == "cloud":
            return auth == basic
        return auth in (f"Bearer {self.token}", basic)

    def _check_dc_request(self, route: str, headers: dict[str, str], body: bytes | None) -> None:
        if self.flavour != "datacenter" or not body:
            return
        if "/rest/api/3" in route:
            self.violations.append(f"{route}: Data Center has no REST v3")

    # --- handlers --------------------------------------------------------------------------------

    def _server_info(self, **_: Any) -> Answer:
        info = {
            "baseUrl": self.base_url,
            "version": "1001.0.0-SNAPSHOT" if self.flavour == "cloud" else "10.3.1",
            "versionNumbers": [1001, 0, 0] if self.flavour == "cloud" else [10, 3, 1],
            "deploymentType": "Cloud" if self.flavour == "cloud" else "Server",
            "buildNumber": 100270,
            "serverTitle": "Fake Jira",
        }
        return Answer(200, info)

    def _myself(self, **_: Any) -> Answer:
        user = FakeUser("5b10bot0000000000000000", "pmsync-bot", self.email, "pmsync bot")
        return Answer(200, {**self._user_json(user), "timeZone": self.time_zone})

    def _bulk_create(self, payload: dict[str, Any], **_: Any) -> Answer:
        updates = payload.get("issueUpdates") or []
        if len(updates) > 50:
            raise _error(400, "Bulk create takes at most 50 issues.")
        created: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for n, update in enumerate(updates):
            try:
                issue = self._create_one(update)
            except HttpError as error:
                errors.append(
                    {"status": error.status, "failedElementNumber": n, "elementErrors": {**error.body, "status": 400}}
                )
                continue
            created.append({"id": issue.id, "key": issue.key, "self": f"{self.base_url}{self.api}/issue/{issue.id}"})
        return Answer(201 if created or not errors else 400, {"issues": created, "errors": errors})

    def _create(self, payload: dict[str, Any], **_: Any) -> Answer:
        issue = self._create_one(payload)
        return Answer(201, {"id": issue.id, "key": issue.key, "self": f"{self.base_url}{self.api}/issue/{issue.id}"})

    @staticmethod
    def _list_param(value: Any) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            return [v for v in value.split(",") if v]
        return [str(v) for v in value]

    def _get(self, issueIdOrKey: str, query: dict[str, str], **_: Any) -> Answer:  # noqa: N803
        issue = self._get_issue(issueIdOrKey)
        fields = self._list_param(query.get("fields")) or ["*all"]
        return Answer(200, self._issue_json(issue, fields, self._list_param(query.get("properties"))))

    def _bulk_fetch(self, payload: dict[str, Any], **_: Any) -> Answer:
        wanted = payload.get("issueIdsOrKeys") or []
        if len(wanted) > 100:
            raise _error(400, "issueIdsOrKeys: at most 100")
        fields = self._list_param(payload.get("fields")) or ["*navigable"]
        properties = self._list_param(payload.get("properties"))
        issues, errors = [], []
        for ident in wanted:
            issue = self._find(ident)
            if issue is None:
                errors.append({"id": ident, "errorMessage": "Issue does not exist or you do not have permission."})
            else:
                issues.append(self._issue_json(issue, fields, properties))
        return Answer(200, {"issues": issues, "issueErrors": errors})

    def _edit(self, issueIdOrKey: str, payload: dict[str, Any], **_: Any) -> Answer:  # noqa: N803
        issue = self._get_issue(issueIdOrKey)
        fields = dict(payload.get("fields") or {})
        for name, value in fields.items():
            if name == "summary":
                issue.summary = value
            elif name == "description":
                issue.description = value
            elif name == "duedate":
                issue.duedate = value
            elif name == "priority":
                issue.priority = value["name"] if value else None
            elif name == "assignee":
                issue.assignee = self._assignee_from(value) if value else None
            elif name == "labels":
                issue.labels = list(value or [])
            elif name.startswith("customfield_"):
                issue.custom[name] = value
            else:
                raise _error(400, **{name: f"Field '{name}' cannot be set."})
        for op in (payload.get("update") or {}).get("labels", []):
            if "add" in op and op["add"] not in issue.labels:
                issue.labels.append(op["add"])
            if "remove" in op and op["remove"] in issue.labels:
                issue.labels.remove(op["remove"])
        issue.updated = self.clock()
        return Answer(204)

    def offered(self, status: str) -> list[FakeTransition]:
        """The transitions the workflow offers from ``status``."""
        local = self.workflow.get(status, ())
        shared = tuple(t for t in self.workflow.get(None, ()) if t.to != status)
        return [*local, *shared]

    def _transition_fields(self, transition: FakeTransition) -> dict[str, Any]:
        if transition.resolution == "none":
            return {}
        resolution = {
            "key": "resolution",
            "name": "Resolution",
            "required": transition.resolution == "required",
            "operations": ["set"],
            "schema": {"type": "resolution", "system": "resolution"},
            "allowedValues": [{"id": str(10000 + n), "name": name} for n, name in enumerate(RESOLUTIONS)],
        }
        return {"resolution": resolution}

    def _transitions(self, issueIdOrKey: str, query: dict[str, str], **_: Any) -> Answer:  # noqa: N803
        issue = self._get_issue(issueIdOrKey)
        expand = "transitions.fields" in self._list_param(query.get("expand"))
        offered = []
        for transition in self.offered(issue.status):
            item: dict[str, Any] = {
                "id": transition.id,
                "name": transition.name,
                "to": self._status_json(transition.to),
                "hasScreen": transition.resolution != "none",
                "isGlobal": transition in self.workflow.get(None, ()),
                "isInitial": False,
                "isAvailable": True,
                "isConditional": False,
            }
            if expand:
                item["fields"] = self._transition_fields(transition)
            offered.append(item)
        return Answer(200, {"transitions": offered})

    def _do_transition(self, issueIdOrKey: str, payload: dict[str, Any], **_: Any) -> Answer:  # noqa: N803
        issue = self._get_issue(issueIdOrKey)
        wanted = (payload.get("transition") or {}).get("id")
        if not isinstance(wanted, str):
            self.violations.append(f"transition id must be a string, got {wanted!r}")
        chosen = next((t for t in self.offered(issue.status) if t.id == str(wanted)), None)
        if chosen is None:
            raise _error(400, transition=f"Transition id '{wanted}' is not valid for this issue.")
        fields = payload.get("fields") or {}
        resolution = (fields.get("resolution") or {}).get("name")
        if "resolution" in fields and chosen.resolution == "none":
            # Jira refuses a field that is not on the transition's screen (or there is none).
            raise _error(400, resolution="Field 'resolution' cannot be set. It is not on the appropriate screen.")
        if chosen.resolution == "required" and not resolution:
            raise _error(400, resolution="Resolution is required.")
        if resolution is not None and resolution not in RESOLUTIONS:
            raise _error(400, resolution=f"Resolution '{resolution}' is not valid.")
        issue.status = chosen.to
        # Without a screen, the workflow's post function sets "Done" on the way into a done status.
        issue.resolution = (resolution or "Done") if STATUSES[chosen.to].category == "done" else None
        issue.updated = self.clock()
        self.transitions_made.append((issue.key, chosen.id))
        return Answer(204)

    def _comment(self, issueIdOrKey: str, payload: dict[str, Any], **_: Any) -> Answer:  # noqa: N803
        issue = self._get_issue(issueIdOrKey)
        issue.comments.append(payload.get("body"))
        issue.updated = self.clock()
        comment_id = str(len(issue.comments))
        return Answer(
            201,
            {
                "id": comment_id,
                "body": payload.get("body"),
                # The description types this as RFC 3339 date-time (issue fields use Jira's own format).
                "created": self.clock().isoformat(timespec="milliseconds"),
                "self": f"{self.base_url}{self.api}/issue/{issue.id}/comment/{comment_id}",
            },
        )

    def _remote_links(self, issueIdOrKey: str, **_: Any) -> Answer:  # noqa: N803
        return Answer(200, list(self._get_issue(issueIdOrKey).remote_links))

    def _add_remote_link(self, issueIdOrKey: str, payload: dict[str, Any], **_: Any) -> Answer:  # noqa: N803
        issue = self._get_issue(issueIdOrKey)
        global_id = payload.get("globalId")
        for link in issue.remote_links:
            if global_id and link.get("globalId") == global_id:
                link["object"] = payload["object"]
                return Answer(200, {"id": link["id"], "self": link["self"]})
        self._next_link += 1
        link = {
            "id": self._next_link,
            "self": f"{self.base_url}{self.api}/issue/{issue.key}/remotelink/{self._next_link}",
            "globalId": global_id,
            "object": payload["object"],
        }
        issue.remote_links.append(link)
        return Answer(201, {"id": link["id"], "self": link["self"]})

    def _get_property(self, issueIdOrKey: str, propertyKey: str, **_: Any) -> Answer:  # noqa: N803
        issue = self._get_issue(issueIdOrKey)
        if propertyKey not in issue.properties:
            raise _error(404, f"The property with key '{propertyKey}' does not exist.")
        return Answer(200, {"key": propertyKey, "value": issue.properties[propertyKey]})

    def _put_property(self, issueIdOrKey: str, propertyKey: str, payload: Any, **_: Any) -> Answer:  # noqa: N803
        issue = self._get_issue(issueIdOrKey)
        existed = propertyKey in issue.properties
        issue.properties[propertyKey] = payload
        return Answer(200 if existed else 201, {})

    def _link(self, payload: dict[str, Any], **_: Any) -> Answer:
        if "comment" in payload and payload["comment"] is None:
            self.violations.append('issueLink: "comment": null is not a Comment')
        type_name = (payload.get("type") or {}).get("name")
        if type_name not in ("Relates", "Blocks"):
            raise _error(404, f"No issue link type with name '{type_name}' found.")
        outward = self._get_issue(payload["outwardIssue"].get("key") or payload["outwardIssue"].get("id"))
        inward = self._get_issue(payload["inwardIssue"].get("key") or payload["inwardIssue"].get("id"))
        link = (type_name, outward.id, inward.id)
        if link not in self.links:  # Jira keeps one link per type and pair
            self.links.append(link)
        return Answer(201)

    def _link_types(self, **_: Any) -> Answer:
        return Answer(
            200,
            {
                "issueLinkTypes": [
                    {"id": "10000", "name": "Blocks", "inward": "is blocked by", "outward": "blocks"},
                    {"id": "10003", "name": "Relates", "inward": "relates to", "outward": "relates to"},
                ]
            },
        )

    def _user_search(self, query: dict[str, str], **_: Any) -> Answer:
        wanted = (query.get("query") if self.flavour == "cloud" else query.get("username")) or ""
        if not wanted:
            raise _error(400, "The query parameter 'query' is required." if self.flavour == "cloud" else "username")
        folded = wanted.casefold()
        hits = [
            u
            for u in self.users
            if folded == u.email.casefold() or u.display_name.casefold().startswith(folded) or folded == u.name
        ]
        return Answer(200, [self._user_json(u) for u in hits])

    def _priorities(self, **_: Any) -> Answer:
        return Answer(200, [{"id": str(n + 1), "name": name} for n, name in enumerate(PRIORITIES)])

    def _statuses(self, **_: Any) -> Answer:
        return Answer(200, [self._status_json(name) for name in STATUSES])

    def _fields(self, **_: Any) -> Answer:
        system = ["summary", "description", "duedate", "priority", "labels", "assignee", "parent", "issuetype"]
        out: list[dict[str, Any]] = [{"id": f, "key": f, "name": f.title(), "custom": False} for f in system]
        out += [
            {"id": fid, "key": fid, "name": name, "custom": True, "schema": {"type": "string"}}
            for fid, name in self.custom_fields.items()
        ]
        return Answer(200, out)

    def _project_key(self, ident: str) -> str:
        for key, pid in self.projects.items():
            if ident in (key, pid):
                return key
        # The description lists no 404 for createmeta: an unknown project is a 400 there.
        raise _error(400, f"No project could be found with key '{ident}'.")

    def _createmeta_types(self, projectIdOrKey: str, **_: Any) -> Answer:  # noqa: N803
        self._project_key(projectIdOrKey)
        kinds = [{"id": k.id, "name": k.name, "subtask": k.subtask, "hierarchyLevel": k.hierarchy} for k in ISSUE_TYPES]
        return Answer(200, {"issueTypes": kinds, "maxResults": 50, "startAt": 0, "total": len(kinds)})

    def _createmeta_fields(self, projectIdOrKey: str, issueTypeId: str, **_: Any) -> Answer:  # noqa: N803
        self._project_key(projectIdOrKey)
        system = ["summary", "description", "duedate", "priority", "labels", "assignee", "parent", "issuetype"]
        if self.flavour == "datacenter":
            system.remove("parent")
        out = [
            {
                "fieldId": f,
                "key": f,
                "name": f.title(),
                "required": f in ("summary", "issuetype"),
                "operations": ["set"],
                "schema": {"type": "string"},
            }
            for f in system
            if f not in self.create_screen_missing
        ]
        out += [
            {
                "fieldId": fid,
                "key": fid,
                "name": name,
                "required": fid in self.required_fields,
                "operations": ["set"],
                "schema": {"type": "string", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:textfield"},
            }
            for fid, name in self.custom_fields.items()
        ]
        return Answer(200, {"fields": out, "maxResults": 50, "startAt": 0, "total": len(out)})

    def _search_jql(self, payload: dict[str, Any] | None, query: dict[str, str], **_: Any) -> Answer:
        request = payload if payload is not None else query
        if "startAt" in request:
            raise _error(400, "startAt is not supported; use nextPageToken")
        reconciled = {str(i) for i in self._list_param(request.get("reconcileIssues"))}
        hits = self._jql(str(request.get("jql") or ""), reconciled)
        fields = self._list_param(request.get("fields")) or None
        limit = min(int(request.get("maxResults") or 50), 100 if fields else 5000)
        token = request.get("nextPageToken")
        offset = int(base64.urlsafe_b64decode(token).decode()) if token else 0
        page = hits[offset : offset + limit]
        body: dict[str, Any] = {
            "issues": [self._issue_json(i, fields, self._list_param(request.get("properties"))) for i in page],
            "isLast": offset + limit >= len(hits),
        }
        if not body["isLast"]:
            body["nextPageToken"] = base64.urlsafe_b64encode(str(offset + limit).encode()).decode()
        return Answer(200, body)

    def _search_dc(self, payload: dict[str, Any] | None, query: dict[str, str], **_: Any) -> Answer:
        request = payload if payload is not None else query
        hits = self._jql(str(request.get("jql") or ""), set())
        fields = self._list_param(request.get("fields")) or ["*navigable"]
        limit = min(int(request.get("maxResults") or 50), 1000)
        offset = int(request.get("startAt") or 0)
        page = hits[offset : offset + limit]
        issues = [self._issue_json(i, fields, self._list_param(request.get("properties"))) for i in page]
        return Answer(200, {"startAt": offset, "maxResults": limit, "total": len(hits), "issues": issues})


# --- the HTTP server ----------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # One write per answer (flushed by http.server after each request) and no Nagle: otherwise
    # headers and body go out as two segments and every request waits for a delayed ACK.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    fake: FakeJira  # set on the subclass made per server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        return  # keep test output clean

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        answer = self.fake.handle(self.command, self.path, dict(self.headers.items()), body)
        if answer.drop:
            self.close_connection = True
            return
        data = json.dumps(answer.body).encode() if answer.body is not None else b""
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        if data:
            self.send_header("Content-Type", "application/json;charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815 - http.server's names


@dataclass
class RunningFake:
    fake: FakeJira
    url: str
    server: ThreadingHTTPServer
    thread: threading.Thread

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve(fake: FakeJira) -> RunningFake:
    """Serve ``fake`` on a free loopback port in a daemon thread."""
    handler = type("FakeJiraHandler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    url = f"http://127.0.0.1:{server.server_address[1]}"
    fake.base_url = url
    thread = threading.Thread(target=server.serve_forever, name="fake-jira", daemon=True)
    thread.start()
    return RunningFake(fake, url, server, thread)


def running(fake: FakeJira) -> Iterator[RunningFake]:
    """A generator for fixtures: serves, yields, shuts down."""
    served = serve(fake)
    try:
        yield served
    finally:
        served.close()
