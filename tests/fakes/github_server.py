"""A stateful fake of the GitHub REST API (the parts pmsync uses), on a real loopback HTTP server.

Real sockets, so any HTTP client talks to it unchanged and a ``pmsync`` subprocess can be SIGKILLed mid-call.
It keeps issues, labels, milestones, sub-issues, comments, org issue fields and issue types; answers
``If-None-Match`` with 304 (which does not count against the rate limit); pages with ``Link`` headers;
serves a minimal GraphQL endpoint for one Projects v2 date field.

Test levers:

- :class:`SimClock` — the fake's time (``created_at``/``updated_at``, rate windows). Share it with the
  adapter's pacer in-process so nothing sleeps for real; a subprocess run uses ``enforce_pacing=False``.
- ``fail_next(...)`` / ``fault_rate`` — 403/429 secondary-limit answers with or without ``retry-after``,
  5xx, and ``drop`` (the request is carried out, then the connection is closed without an answer: a
  time-out after commit).
- ``search_lag_seconds`` — ``/search/issues`` only sees issues older than this (GitHub's search index
  lags); the issues list filtered by label is served from the database and never lags.
- Secondary limits: a content-creating request less than 1 s after the previous one, or beyond 80 a
  minute / 500 an hour, is recorded in ``pacing_violations`` and answered 403 like GitHub.
- ``counter`` — requests by ``"METHOD /route"``; ``statuses`` — answers by status.

Every request and answer is checked by :class:`tests.fakes.openapi_check.SpecChecker`.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import random
import re
import threading
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import httpx
from werkzeug.datastructures import Headers

from tests.fakes.in_flight import InFlight
from tests.fakes.openapi_check import SpecChecker, SpecRequest, SpecResponse

UTC = dt.UTC
DOCS = "https://docs.github.com/rest"
SECONDARY_DOCS = (
    "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits"
)


class SimClock:
    """Simulated wall clock shared by the fake and the code under test; ``sleep`` advances it."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        self._lock = threading.Lock()
        self.slept = 0.0

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        return self.now().timestamp()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            if seconds > 0:
                self._now += dt.timedelta(seconds=seconds)
                self.slept += seconds

    def advance(self, seconds: float) -> None:
        self.sleep(seconds)


class RealClock:
    """For subprocess tests: the fake follows the wall clock (pacing is not enforced then)."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(UTC)


@dataclass
class Fault:
    status: int  # 403, 429, 500, 502, 503, or 0 for "drop the connection after doing the work"
    retry_after: int | None = None
    match: str = ""  # substring of "METHOD /path"; empty matches everything


@dataclass
class FakeIssue:
    id: int
    number: int
    owner: str
    repo: str
    title: str
    body: str | None
    labels: list[str]
    assignees: list[str]
    created_at: dt.datetime
    updated_at: dt.datetime
    state: str = "open"
    state_reason: str | None = None
    closed_at: dt.datetime | None = None
    milestone: int | None = None
    type: str | None = None
    field_values: dict[int, str] = field(default_factory=dict)
    parent_id: int | None = None
    sub_issue_ids: list[int] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class FakeRepo:
    owner: str
    name: str
    id: int
    push: bool = True
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)  # lower-case name -> label
    milestones: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_number: int = 1
    # Git data for write-back as a pull request: trees are {path: text}, addressed by a content hash.
    trees: dict[str, dict[str, str]] = field(default_factory=dict)
    commits: dict[str, dict[str, Any]] = field(default_factory=dict)  # sha -> {"tree", "parents", "message"}
    refs: dict[str, str] = field(default_factory=dict)  # "heads/main" -> commit sha
    pulls: list[dict[str, Any]] = field(default_factory=list)


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


WRITE_METHODS = {"POST", "PATCH", "PUT", "DELETE"}
Route = Callable[["FakeGitHub", "Call"], tuple[int, Any, dict[str, str]]]


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, str]
    body: Any
    headers: dict[str, str]
    groups: dict[str, str]


class FakeGitHub:
    """State and behaviour; :meth:`serve` puts it on a loopback port."""

    def __init__(
        self,
        clock: SimClock | RealClock | None = None,
        *,
        enforce_pacing: bool = True,
        per_minute: int = 80,
        per_hour: int = 500,
        search_lag_seconds: float = 60.0,
        issue_fields_orgs: tuple[str, ...] = (),
        issue_types: dict[str, tuple[str, ...]] | None = None,
        token: str = "ghp_fake",
        path_prefix: str = "",
        seed: int = 7,
    ) -> None:
        self.clock = clock or SimClock()
        self.enforce_pacing = enforce_pacing
        self.per_minute = per_minute
        self.per_hour = per_hour
        self.search_lag_seconds = search_lag_seconds
        self.token = token
        self.path_prefix = path_prefix.rstrip("/")
        # Where people see issues: github.com, or a GitHub Enterprise Server's own host.
        self.web_url = "https://github.com"
        self.lock = threading.RLock()
        self.repos: dict[tuple[str, str], FakeRepo] = {}
        self.issues: dict[int, FakeIssue] = {}
        self.issue_fields: dict[str, list[dict[str, Any]]] = {
            org: [
                {"id": 9001, "node_id": "IF_start", "name": "Start date", "data_type": "date"},
                {"id": 9002, "node_id": "IF_target", "name": "Target date", "data_type": "date"},
            ]
            for org in issue_fields_orgs
        }
        self.issue_types: dict[str, list[dict[str, Any]]] = {
            org: [{"id": 500 + i, "node_id": f"IT_{n}", "name": n, "description": None} for i, n in enumerate(names)]
            for org, names in (issue_types or {}).items()
        }
        self.project_items: dict[str, dict[str, str]] = {}  # issue node id -> {field id: date}
        self.projects: dict[tuple[str, int], dict[str, Any]] = {}
        self.next_id = 1000
        self.writes: deque[float] = deque()
        self.last_write: float | None = None
        self.pacing_violations: list[str] = []
        self.in_flight = InFlight()  # its peak stays 1: pmsync never has two requests out at once
        self.counter: Counter[str] = Counter()
        self.statuses: Counter[int] = Counter()
        self.faults: deque[Fault] = deque()
        self.fault_rate = 0.0
        self.fault_kinds: tuple[Fault, ...] = (
            Fault(403, retry_after=1),
            Fault(403),
            Fault(429, retry_after=2),
            Fault(429),
            Fault(502),
            Fault(503),
            Fault(0),
        )
        self.injected = 0
        self.per_page_cap = 100  # lower it to make the adapter page
        # Called after a request took effect, before it is answered (e.g. to SIGKILL the client).
        self.after_commit: Callable[[str], None] | None = None
        self.random = random.Random(seed)
        self.rate_remaining = 5000
        self.checker = SpecChecker()
        self._server: ThreadingHTTPServer | None = None
        self._clients: list[httpx.Client] = []
        self.base = SPEC_API  # the served URL once serve() ran; API URLs in answers point back here
        self._thread: threading.Thread | None = None

    # --- set-up -------------------------------------------------------------------------------

    def add_repo(self, full_name: str, *, push: bool = True) -> FakeRepo:
        owner, name = full_name.split("/")
        with self.lock:
            repo = FakeRepo(owner, name, self._new_id(), push=push)
            self.repos[(owner, name)] = repo
            return repo

    def add_project(self, org: str, number: int, field_name: str = "Due") -> None:
        self.projects[(org, number)] = {"id": f"PVT_{org}_{number}", "field": {"id": "PVTF_due", "name": field_name}}

    def commit_files(self, full_name: str, branch: str, files: dict[str, str], message: str = "edit") -> str:
        """A person pushes ``files`` (path -> text) onto ``branch`` (created from nothing if missing)."""
        owner, name = full_name.split("/")
        with self.lock:
            repo = self.repos[(owner, name)]
            parent = repo.refs.get(f"heads/{branch}")
            tree = dict(repo.trees[repo.commits[parent]["tree"]]) if parent else {}
            tree.update(files)
            sha = _new_commit(repo, _store_tree(repo, tree), [parent] if parent else [], message)
            repo.refs[f"heads/{branch}"] = sha
            return sha

    def file_at(self, full_name: str, ref: str, path: str) -> str | None:
        owner, name = full_name.split("/")
        repo = self.repos[(owner, name)]
        return repo.trees[repo.commits[repo.refs[f"heads/{ref}"]]["tree"]].get(path)

    def merge_pull(self, full_name: str, number: int) -> None:
        """A person merges the pull request (its head's files land on the base branch as a merge commit)."""
        owner, name = full_name.split("/")
        with self.lock:
            repo = self.repos[(owner, name)]
            pr = next(p for p in repo.pulls if p["number"] == number)
            head = repo.refs[f"heads/{pr['head']}"]
            base = repo.refs[f"heads/{pr['base']}"]
            tree = dict(repo.trees[repo.commits[base]["tree"]])
            tree.update(repo.trees[repo.commits[head]["tree"]])
            repo.refs[f"heads/{pr['base']}"] = _new_commit(repo, _store_tree(repo, tree), [base, head], "Merge")
            pr.update(state="closed", merged_at=self.clock.now())

    def fail_next(self, status: int, *, retry_after: int | None = None, match: str = "", times: int = 1) -> None:
        for _ in range(times):
            self.faults.append(Fault(status, retry_after, match))

    # --- inspection -----------------------------------------------------------------------------

    def repo_issues(self, full_name: str) -> list[FakeIssue]:
        owner, name = full_name.split("/")
        return sorted((i for i in self.issues.values() if (i.owner, i.repo) == (owner, name)), key=lambda i: i.number)

    def issue(self, full_name: str, number: int) -> FakeIssue:
        owner, name = full_name.split("/")
        for issue in self.issues.values():
            if (issue.owner, issue.repo, issue.number) == (owner, name, number):
                return issue
        raise KeyError(number)

    def human_edit(self, full_name: str, number: int, **changes: Any) -> None:
        """A person changes an issue in GitHub's UI (labels, state, state_reason, title...)."""
        with self.lock:
            issue = self.issue(full_name, number)
            for key, value in changes.items():
                setattr(issue, key, value)
            if changes.get("state") == "closed":
                issue.closed_at = self.clock.now()
            elif changes.get("state") == "open":
                issue.closed_at = None
                issue.state_reason = "reopened"
            issue.updated_at = self._tick()

    # --- serving --------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{self.path_prefix}"

    def serve(self) -> FakeGitHub:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet test output
                pass

            def _handle(self) -> None:
                fake.handle(self)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle  # noqa: N815

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.base = self.url
        return self

    def client(self, timeout: float = 10.0) -> httpx.Client:
        """An HTTP client for the code under test, closed with the fake."""
        client = httpx.Client(timeout=timeout)
        self._clients.append(client)
        return client

    def close(self) -> None:
        for client in self._clients:
            client.close()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # --- request handling -------------------------------------------------------------------

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        with self.in_flight:
            self._answer(h)

    def _answer(self, h: BaseHTTPRequestHandler) -> None:
        split = urlsplit(h.path)
        path = split.path  # still percent-encoded: a label name may hold a '/'
        if self.path_prefix and path.startswith(self.path_prefix):
            path = path[len(self.path_prefix) :]
        elif self.path_prefix and path == self.path_prefix.removesuffix("/v3") + "/graphql":
            path = "/graphql"  # GitHub Enterprise Server: REST under /api/v3, GraphQL at /api/graphql
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        headers = dict(h.headers.items())
        query = parse_qsl(split.query, keep_blank_values=True)
        method = h.command.upper()
        spec_request = SpecRequest(method.lower(), _one_segment(path), query, headers, raw or None)
        status, payload, extra, injected, drop = self._dispatch(method, path, dict(query), raw, headers)
        data = b"" if payload is None else json.dumps(payload).encode()
        if path != "/graphql":
            response_headers = Headers(extra)
            ctype = "application/json; charset=utf-8" if data else "application/json"
            self.checker.check(
                spec_request, SpecResponse(status, data or None, response_headers, ctype), injected=injected
            )
        with self.lock:
            self.statuses[status if not drop else 0] += 1
        if drop:
            # The work is done; the client never hears about it (a time-out after commit).
            h.close_connection = True
            with contextlib.suppress(OSError):
                h.connection.shutdown(2)
            return
        h.send_response(status)
        for key, value in extra.items():
            h.send_header(key, value)
        h.send_header("Content-Length", str(len(data)))
        if data:
            h.send_header("Content-Type", "application/json; charset=utf-8")
        h.end_headers()
        if data:
            h.wfile.write(data)

    def _dispatch(
        self, method: str, path: str, params: dict[str, str], raw: bytes, headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str], bool, bool]:
        lower = {k.lower(): v for k, v in headers.items()}
        with self.lock:
            route_name, route, groups = self._route(method, path)
            self.counter[f"{method} {route_name}"] += 1
            if lower.get("authorization", "") not in (f"token {self.token}", f"Bearer {self.token}"):
                return 401, _error("Bad credentials"), self._rate_headers(False), True, False
            fault = self._take_fault(f"{method} {path}")
            if fault is not None and fault.status:
                self.injected += 1
                return fault.status, *self._fault_answer(fault), True, False
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                return 400, _error("Problems parsing JSON"), self._rate_headers(True), False, False
            if route is None:
                return 404, _error("Not Found"), self._rate_headers(True), False, False
            if method in WRITE_METHODS and route_name != "/graphql":
                violation = self._record_write(f"{method} {path}")
                if violation:
                    return (
                        403,
                        _error(violation, SECONDARY_DOCS),
                        {"retry-after": "60", **self._rate_headers(True)},
                        False,
                        False,
                    )
            try:
                status, payload, extra = route(self, Call(method, path, params, body, lower, groups))
                if self.after_commit is not None:
                    self.after_commit(f"{method} {route_name}")
            except ApiError as error:
                # GitHub answers 403 for a missing permission on any endpoint, listed or not.
                generic = error.status == 403
                return (
                    error.status,
                    _error(error.message),
                    {**error.headers, **self._rate_headers(True)},
                    generic,
                    False,
                )
            counted = status != 304
            extra = {**extra, **self._rate_headers(counted)}
            if fault is not None:  # status 0: commit, then drop the connection
                self.injected += 1
                return status, payload, extra, False, True
            return status, payload, extra, False, False

    def _take_fault(self, where: str) -> Fault | None:
        for i, fault in enumerate(self.faults):
            if fault.match in where:
                del self.faults[i]
                return fault
        if self.fault_rate and self.random.random() < self.fault_rate:
            return self.random.choice(self.fault_kinds)
        return None

    def _fault_answer(self, fault: Fault) -> tuple[Any, dict[str, str]]:
        extra = self._rate_headers(True)
        if fault.retry_after is not None:
            extra["retry-after"] = str(fault.retry_after)
        if fault.status in (403, 429):
            return _error("You have exceeded a secondary rate limit. Please wait a few minutes.", SECONDARY_DOCS), extra
        return _error("Server Error"), extra

    def _record_write(self, where: str) -> str | None:
        if not self.enforce_pacing:
            return None
        now = self.clock.now().timestamp()
        problem = None
        if self.last_write is not None and now - self.last_write < 1.0:
            problem = f"{where}: {now - self.last_write:.2f}s after the previous write (< 1 s)"
        while self.writes and self.writes[0] <= now - 3600:
            self.writes.popleft()
        if sum(1 for t in self.writes if t > now - 60) >= self.per_minute:
            problem = f"{where}: more than {self.per_minute} content-creating requests in a minute"
        if len(self.writes) >= self.per_hour:
            problem = f"{where}: more than {self.per_hour} content-creating requests in an hour"
        self.last_write = now
        self.writes.append(now)
        if problem:
            self.pacing_violations.append(problem)
            return "You have exceeded a secondary rate limit. " + problem
        return None

    def _rate_headers(self, counted: bool) -> dict[str, str]:
        if counted:
            self.rate_remaining = max(0, self.rate_remaining - 1)
        reset = int(self.clock.now().timestamp()) // 3600 * 3600 + 3600
        return {
            "x-ratelimit-limit": "5000",
            "x-ratelimit-remaining": str(self.rate_remaining),
            "x-ratelimit-used": str(5000 - self.rate_remaining),
            "x-ratelimit-reset": str(reset),
            "x-ratelimit-resource": "core",
        }

    def _route(self, method: str, path: str) -> tuple[str, Route | None, dict[str, str]]:
        for pattern, methods in ROUTES:
            match = pattern.fullmatch(path)
            if match:
                handler = methods.get(method)
                groups = {k: unquote(v) for k, v in match.groupdict().items()}
                return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern.pattern), handler, groups
        return path, None, {}

    # --- helpers -------------------------------------------------------------------------------

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _tick(self) -> dt.datetime:
        return self.clock.now()

    def _repo(self, call: Call) -> FakeRepo:
        repo = self.repos.get((call.groups["owner"], call.groups["repo"]))
        if repo is None:
            raise ApiError(404, "Not Found")
        return repo

    def _issue(self, call: Call) -> FakeIssue:
        repo = self._repo(call)
        number = int(call.groups["number"])
        for issue in self.issues.values():
            if (issue.owner, issue.repo, issue.number) == (repo.owner, repo.name, number):
                return issue
        raise ApiError(404, "Not Found")

    def _ensure_label(self, repo: FakeRepo, name: str) -> dict[str, Any]:
        label = repo.labels.get(name.lower())
        if label is None:  # GitHub creates unknown labels on the fly, grey
            label = self._label_json(repo, name, "ededed", None)
            repo.labels[name.lower()] = label
        return label

    def _label_json(self, repo: FakeRepo, name: str, color: str, description: str | None) -> dict[str, Any]:
        return {
            "id": self._new_id(),
            "node_id": f"LA_{name}",
            "url": f"{self.base}/repos/{repo.owner}/{repo.name}/labels/{name}",
            "name": name,
            "description": description,
            "color": color,
            "default": False,
        }

    def issue_json(self, issue: FakeIssue) -> dict[str, Any]:
        repo = self.repos[(issue.owner, issue.repo)]
        base = f"{self.base}/repos/{issue.owner}/{issue.repo}"
        milestone = repo.milestones.get(issue.milestone) if issue.milestone else None
        out: dict[str, Any] = {
            "id": issue.id,
            "node_id": f"I_{issue.id}",
            "url": f"{base}/issues/{issue.number}",
            "repository_url": base,
            "labels_url": f"{base}/issues/{issue.number}/labels{{/name}}",
            "comments_url": f"{base}/issues/{issue.number}/comments",
            "events_url": f"{base}/issues/{issue.number}/events",
            "html_url": f"{self.web_url}/{issue.owner}/{issue.repo}/issues/{issue.number}",
            "number": issue.number,
            "state": issue.state,
            "title": issue.title,
            "body": issue.body,
            "user": _user("pmsync-bot"),
            "labels": [self._ensure_label(repo, name) for name in issue.labels],
            "assignee": _user(issue.assignees[0]) if issue.assignees else None,
            "assignees": [_user(a) for a in issue.assignees],
            "milestone": milestone,
            "locked": False,
            "comments": len(issue.comments),
            "closed_at": _iso(issue.closed_at),
            "created_at": _iso(issue.created_at),
            "updated_at": _iso(issue.updated_at),
            "author_association": "MEMBER",
            "sub_issues_summary": {
                "total": len(issue.sub_issue_ids),
                "completed": sum(1 for i in issue.sub_issue_ids if self.issues[i].state == "closed"),
                "percent_completed": 0,
            },
        }
        if issue.state_reason is not None:
            # GitHub sends null on open issues, but the description's enum (OpenAPI 3.0.3) has no null: omit it.
            out["state_reason"] = issue.state_reason
        if issue.parent_id is not None:
            parent = self.issues[issue.parent_id]
            out["parent_issue_url"] = f"{self.base}/repos/{parent.owner}/{parent.repo}/issues/{parent.number}"
        if issue.type is not None:
            types = {t["name"]: t for t in self.issue_types.get(issue.owner, [])}
            out["type"] = types[issue.type]
        if issue.field_values:
            fields = {f["id"]: f for f in self.issue_fields.get(issue.owner, [])}
            out["issue_field_values"] = [
                {
                    "issue_field_id": fid,
                    "issue_field_name": fields[fid]["name"],
                    "node_id": fields[fid]["node_id"],
                    "data_type": "date",
                    "value": value,
                }
                for fid, value in issue.field_values.items()
            ]
        return out

    def _apply_fields(self, issue: FakeIssue, repo: FakeRepo, body: dict[str, Any]) -> None:
        if "labels" in body:
            names = [x if isinstance(x, str) else x["name"] for x in body["labels"] or []]
            for name in names:
                self._ensure_label(repo, name)
            issue.labels = list(dict.fromkeys(repo.labels[n.lower()]["name"] for n in names))
        if "assignees" in body:
            issue.assignees = list(body["assignees"] or [])
        if "milestone" in body:
            number = body["milestone"]
            if number is not None and int(number) not in repo.milestones:
                raise ApiError(422, "Validation Failed: milestone")
            issue.milestone = int(number) if number is not None else None
        if "type" in body and repo.push:  # without push access GitHub drops the type silently
            name = body["type"]
            known = {t["name"] for t in self.issue_types.get(repo.owner, [])}
            if name is not None and name not in known:
                raise ApiError(422, f"Validation Failed: type {name!r} does not exist")
            issue.type = name
        if "issue_field_values" in body and repo.owner in self.issue_fields:  # dropped when the feature is off
            known_ids = {f["id"] for f in self.issue_fields[repo.owner]}
            for value in body["issue_field_values"]:
                if value["field_id"] not in known_ids:
                    raise ApiError(422, "Validation Failed: issue field")
                issue.field_values[value["field_id"]] = value["value"]


SPEC_API = "https://api.github.com"


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client killed mid-request (the SIGKILL tests) resets the connection: expected here.
        pass


def _user(login: str) -> dict[str, Any]:
    base = f"{SPEC_API}/users/{login}"
    return {
        "login": login,
        "id": int(hashlib.sha256(login.encode()).hexdigest()[:6], 16),
        "node_id": f"U_{login}",
        "avatar_url": f"https://avatars.githubusercontent.com/{login}",
        "gravatar_id": "",
        "url": base,
        "html_url": f"https://github.com/{login}",
        "followers_url": f"{base}/followers",
        "following_url": f"{base}/following{{/other_user}}",
        "gists_url": f"{base}/gists{{/gist_id}}",
        "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{base}/subscriptions",
        "organizations_url": f"{base}/orgs",
        "repos_url": f"{base}/repos",
        "events_url": f"{base}/events{{/privacy}}",
        "received_events_url": f"{base}/received_events",
        "type": "User",
        "site_admin": False,
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


def _parse_iso(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _error(message: str, docs: str = DOCS) -> dict[str, Any]:
    return {"message": message, "documentation_url": docs}


def _page(fake: FakeGitHub, call: Call, items: list[Any], path: str) -> tuple[int, Any, dict[str, str]]:
    """Paginate with a ``Link`` header and answer ``If-None-Match`` with 304 when nothing changed."""
    per_page = min(int(call.params.get("per_page", 30)), 100, fake.per_page_cap)
    page = int(call.params.get("page", 1))
    chunk = items[(page - 1) * per_page : page * per_page]
    etag = 'W/"' + hashlib.sha256(json.dumps(chunk, sort_keys=True).encode()).hexdigest()[:32] + '"'
    headers = {"ETag": etag}
    last = max(1, -(-len(items) // per_page))
    links = []
    base = f"{fake.base}{path}"
    for rel, number in (("next", page + 1), ("last", last), ("first", 1), ("prev", page - 1)):
        if (rel in ("next", "last") and page < last) or (rel in ("first", "prev") and page > 1):
            query = {**call.params, "page": str(number)}
            links.append(f'<{base}?{urlencode(query)}>; rel="{rel}"')
    if links:
        headers["Link"] = ", ".join(links)
    if call.headers.get("if-none-match") == etag:
        return 304, None, headers
    return 200, chunk, headers


# --- routes -------------------------------------------------------------------------------------


def list_issues(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    state = call.params.get("state", "open")
    wanted = [x for x in call.params.get("labels", "").split(",") if x]
    since = _parse_iso(call.params["since"]) if "since" in call.params else None
    selected = []
    for issue in fake.issues.values():
        if (issue.owner, issue.repo) != (repo.owner, repo.name):
            continue
        if state != "all" and issue.state != state:
            continue
        lowered = {name.lower() for name in issue.labels}
        if any(w.lower() not in lowered for w in wanted):
            continue
        if since is not None and issue.updated_at < since:
            continue
        selected.append(issue)
    key = (lambda i: i.updated_at) if call.params.get("sort") == "updated" else (lambda i: i.created_at)
    selected.sort(key=lambda i: (key(i), i.id), reverse=call.params.get("direction", "desc") == "desc")
    return _page(fake, call, [fake.issue_json(i) for i in selected], call.path)


def create_issue(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    body = call.body or {}
    if not body.get("title"):
        raise ApiError(422, "Validation Failed: title")
    now = fake._tick()
    issue = FakeIssue(
        id=fake._new_id(),
        number=repo.next_number,
        owner=repo.owner,
        repo=repo.name,
        title=str(body["title"]),
        body=body.get("body"),
        labels=[],
        assignees=[],
        created_at=now,
        updated_at=now,
    )
    fake._apply_fields(issue, repo, body)
    repo.next_number += 1
    fake.issues[issue.id] = issue
    return 201, fake.issue_json(issue), {"Location": fake.issue_json(issue)["url"]}


def get_issue(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    payload = fake.issue_json(fake._issue(call))
    etag = 'W/"' + hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32] + '"'
    if call.headers.get("if-none-match") == etag:
        return 304, None, {"ETag": etag}
    return 200, payload, {"ETag": etag}


def patch_issue(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    issue = fake._issue(call)
    repo = fake._repo(call)
    body = call.body or {}
    for key in ("title", "body"):
        if key in body:
            setattr(issue, key, body[key])
    if "state" in body and body["state"] != issue.state:
        issue.state = body["state"]
        issue.closed_at = fake.clock.now() if issue.state == "closed" else None
        issue.state_reason = body.get("state_reason") or ("completed" if issue.state == "closed" else "reopened")
    elif "state_reason" in body:
        issue.state_reason = body["state_reason"]
    fake._apply_fields(issue, repo, body)
    issue.updated_at = fake._tick()
    return 200, fake.issue_json(issue), {}


def add_labels(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    issue = fake._issue(call)
    repo = fake._repo(call)
    body = call.body
    names = body if isinstance(body, list) else (body or {}).get("labels", [])
    names = [x if isinstance(x, str) else x["name"] for x in names]
    for name in names:
        label = fake._ensure_label(repo, name)
        if label["name"].lower() not in {n.lower() for n in issue.labels}:
            issue.labels.append(label["name"])
    issue.updated_at = fake._tick()
    return 200, [fake._ensure_label(repo, n) for n in issue.labels], {}


def remove_label(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    issue = fake._issue(call)
    repo = fake._repo(call)
    name = call.groups["name"].lower()
    if name not in {n.lower() for n in issue.labels}:
        raise ApiError(404, "Label does not exist")
    issue.labels = [n for n in issue.labels if n.lower() != name]
    issue.updated_at = fake._tick()
    return 200, [fake._ensure_label(repo, n) for n in issue.labels], {}


def list_labels(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    return _page(fake, call, list(repo.labels.values()), call.path)


def create_label(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    if not repo.push:
        raise ApiError(403, "Resource not accessible by personal access token")
    body = call.body or {}
    name = body["name"]
    if name.lower() in repo.labels:
        raise ApiError(422, "Validation Failed: already_exists")
    color = str(body.get("color", "ededed")).lstrip("#")
    label = fake._label_json(repo, name, color, body.get("description"))
    repo.labels[name.lower()] = label
    return 201, label, {}


def get_label(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    label = fake._repo(call).labels.get(call.groups["name"].lower())
    if label is None:
        raise ApiError(404, "Not Found")
    return 200, label, {}


def list_milestones(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    state = call.params.get("state", "open")
    items = [m for m in repo.milestones.values() if state == "all" or m["state"] == state]
    return _page(fake, call, items, call.path)


def create_milestone(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    body = call.body or {}
    if any(m["title"] == body["title"] for m in repo.milestones.values()):
        raise ApiError(422, "Validation Failed: already_exists")
    number = len(repo.milestones) + 1
    now = _iso(fake._tick())
    base = f"{fake.base}/repos/{repo.owner}/{repo.name}"
    milestone = {
        "url": f"{base}/milestones/{number}",
        "html_url": f"https://github.com/{repo.owner}/{repo.name}/milestone/{number}",
        "labels_url": f"{base}/milestones/{number}/labels",
        "id": fake._new_id(),
        "node_id": f"MI_{number}",
        "number": number,
        "state": body.get("state", "open"),
        "title": body["title"],
        "description": body.get("description"),
        "creator": _user("pmsync-bot"),
        "open_issues": 0,
        "closed_issues": 0,
        "created_at": now,
        "updated_at": now,
        "closed_at": None,
        "due_on": body.get("due_on"),
    }
    repo.milestones[number] = milestone
    return 201, milestone, {}


def add_sub_issue(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    parent = fake._issue(call)
    body = call.body or {}
    child = fake.issues.get(int(body.get("sub_issue_id", 0)))
    if child is None or child.owner != parent.owner:
        raise ApiError(422, "Validation Failed: sub_issue_id must be an issue id of the same owner")
    if child.id == parent.id:
        raise ApiError(422, "Validation Failed: an issue cannot be its own sub-issue")
    if child.parent_id is not None and not body.get("replace_parent"):
        raise ApiError(422, "Validation Failed: the issue already has a parent issue")
    if len(parent.sub_issue_ids) >= 100:
        raise ApiError(422, "Validation Failed: an issue can have at most 100 sub-issues")
    if child.parent_id is not None:
        fake.issues[child.parent_id].sub_issue_ids.remove(child.id)
    child.parent_id = parent.id
    parent.sub_issue_ids.append(child.id)
    parent.updated_at = child.updated_at = fake._tick()
    return 201, fake.issue_json(parent), {"Location": fake.issue_json(child)["url"]}


def list_sub_issues(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    parent = fake._issue(call)
    return _page(fake, call, [fake.issue_json(fake.issues[i]) for i in parent.sub_issue_ids], call.path)


def get_parent(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    child = fake._issue(call)
    if child.parent_id is None:
        raise ApiError(404, "Not Found")
    return 200, fake.issue_json(fake.issues[child.parent_id]), {}


def create_comment(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    issue = fake._issue(call)
    now = _iso(fake._tick())
    cid = fake._new_id()
    base = fake.issue_json(issue)
    comment = {
        "id": cid,
        "node_id": f"IC_{cid}",
        "url": f"{base['repository_url']}/issues/comments/{cid}",
        "html_url": f"{base['html_url']}#issuecomment-{cid}",
        "issue_url": base["url"],
        "body": (call.body or {}).get("body", ""),
        "user": _user("pmsync-bot"),
        "created_at": now,
        "updated_at": now,
        "author_association": "MEMBER",
    }
    issue.comments.append(comment)
    issue.updated_at = fake._tick()
    return 201, comment, {"Location": comment["url"]}


def list_comments(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    return _page(fake, call, list(fake._issue(call).comments), call.path)


def search_issues(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    """A lagging index: only issues older than ``search_lag_seconds`` are found."""
    query = call.params.get("q", "")
    labels = re.findall(r'label:"?([^"\s]+)"?', query)
    repo_match = re.search(r"repo:(\S+)/(\S+)", query)
    horizon = fake.clock.now() - dt.timedelta(seconds=fake.search_lag_seconds)
    found = [
        i
        for i in fake.issues.values()
        if i.created_at <= horizon
        and all(label.lower() in {n.lower() for n in i.labels} for label in labels)
        and (repo_match is None or (i.owner, i.repo) == repo_match.groups())
    ]
    items = [{**fake.issue_json(i), "score": 1.0} for i in found]
    return 200, {"total_count": len(found), "incomplete_results": False, "items": items, "search_type": "lexical"}, {}


def rate_limit(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    reset = int(fake.clock.now().timestamp()) // 3600 * 3600 + 3600
    core = {"limit": 5000, "used": 5000 - fake.rate_remaining, "remaining": fake.rate_remaining, "reset": reset}
    return 200, {"resources": {"core": core, "search": {**core, "limit": 30}}, "rate": core}, {}


def get_repo(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    return 200, _repo_json(fake._repo(call)), {}


def list_issue_fields(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    fields = fake.issue_fields.get(call.groups["org"])
    if fields is None:
        raise ApiError(404, "Not Found")
    return 200, [{**f, "visibility": "all"} for f in fields], {}


def list_issue_types(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    types = fake.issue_types.get(call.groups["org"])
    if types is None:
        raise ApiError(404, "Not Found")
    return 200, types, {}


def post_field_values(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    issue = fake._issue(call)
    repo = fake._repo(call)
    fake._apply_fields(issue, repo, call.body or {})
    issue.updated_at = fake._tick()
    return 200, fake.issue_json(issue).get("issue_field_values", []), {}


def graphql(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    """Just enough of GraphQL for one Projects v2 date field: look the project/field up, add an
    issue to the project, set the date. The request must be ``{"query": str, "variables": object}``."""
    body = call.body
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        fake.checker.violations.append("POST /graphql: body must be an object with a string 'query'")
        return 400, {"message": "Problems parsing JSON"}, {}
    query, variables = body["query"], body.get("variables") or {}
    if "updateProjectV2ItemFieldValue" in query:
        item = fake.project_items.setdefault(variables["itemId"], {})
        item[variables["fieldId"]] = variables["date"]
        return 200, {"data": {"updateProjectV2ItemFieldValue": {"projectV2Item": {"id": variables["itemId"]}}}}, {}
    if "addProjectV2ItemById" in query:
        item_id = f"PVTI_{variables['contentId']}"
        fake.project_items.setdefault(item_id, {})
        return 200, {"data": {"addProjectV2ItemById": {"item": {"id": item_id}}}}, {}
    if "projectV2(" in query:
        project = fake.projects.get((variables.get("org", ""), int(variables.get("number", 0))))
        if project is None:
            return 200, {"data": {"organization": {"projectV2": None}}, "errors": [{"message": "not found"}]}, {}
        fld = project["field"]
        return (
            200,
            {
                "data": {
                    "organization": {
                        "projectV2": {
                            "id": project["id"],
                            "field": {"id": fld["id"], "name": fld["name"], "dataType": "DATE"},
                        }
                    }
                }
            },
            {},
        )
    return 200, {"errors": [{"message": "unsupported query in the fake"}]}, {}


def _repo_json(repo: FakeRepo) -> dict[str, Any]:
    # Built from the description's required fields of ``full-repository``.
    full = f"{repo.owner}/{repo.name}"
    base = f"{SPEC_API}/repos/{full}"
    now = "2025-01-01T00:00:00Z"
    urls = {
        k: f"{base}/{k.removesuffix('_url')}"
        for k in [
            "archive_url",
            "assignees_url",
            "blobs_url",
            "branches_url",
            "collaborators_url",
            "comments_url",
            "commits_url",
            "compare_url",
            "contents_url",
            "contributors_url",
            "deployments_url",
            "downloads_url",
            "events_url",
            "forks_url",
            "git_commits_url",
            "git_refs_url",
            "git_tags_url",
            "hooks_url",
            "issue_comment_url",
            "issue_events_url",
            "issues_url",
            "keys_url",
            "labels_url",
            "languages_url",
            "merges_url",
            "milestones_url",
            "notifications_url",
            "pulls_url",
            "releases_url",
            "stargazers_url",
            "statuses_url",
            "subscribers_url",
            "subscription_url",
            "tags_url",
            "teams_url",
            "trees_url",
        ]
    }
    return {
        **urls,
        "id": repo.id,
        "node_id": f"R_{repo.id}",
        "name": repo.name,
        "full_name": full,
        "owner": {**_user(repo.owner), "type": "Organization"},
        "private": True,
        "html_url": f"https://github.com/{full}",
        "description": None,
        "fork": False,
        "url": base,
        "clone_url": f"https://github.com/{full}.git",
        "git_url": f"git://github.com/{full}.git",
        "ssh_url": f"git@github.com:{full}.git",
        "svn_url": f"https://github.com/{full}",
        "mirror_url": None,
        "license": None,
        "homepage": None,
        "language": None,
        "forks_count": 0,
        "stargazers_count": 0,
        "watchers_count": 0,
        "size": 1,
        "default_branch": "main",
        "open_issues_count": 0,
        "has_issues": True,
        "has_projects": True,
        "has_wiki": False,
        "has_pages": False,
        "has_downloads": False,
        "has_discussions": False,
        "archived": False,
        "disabled": False,
        "visibility": "private",
        "pushed_at": now,
        "created_at": now,
        "updated_at": now,
        "permissions": {"admin": False, "maintain": False, "push": repo.push, "triage": repo.push, "pull": True},
        "network_count": 0,
        "subscribers_count": 0,
        "forks": 0,
        "open_issues": 0,
        "watchers": 0,
    }


# --- git data and pulls (write-back as a pull request) ----------------------------------------------


# GitHub's ``{ref}`` (``heads/<branch>``) and contents ``{path}`` span several URL segments, which an
# OpenAPI path template cannot say: the spec check sees those slashes encoded, as one segment.
_MULTI_SEGMENT = re.compile(r"^(?P<head>/repos/[^/]+/[^/]+/(?:git/refs?|contents)/)(?P<rest>.+)$")


def _one_segment(path: str) -> str:
    match = _MULTI_SEGMENT.match(path)
    return match["head"] + match["rest"].replace("/", "%2F") if match else path


def _store_tree(repo: FakeRepo, files: dict[str, str]) -> str:
    sha = hashlib.sha1(json.dumps(sorted(files.items())).encode()).hexdigest()  # noqa: S324 - an id, as git
    repo.trees[sha] = dict(files)
    return sha


def _new_commit(repo: FakeRepo, tree: str, parents: list[str], message: str) -> str:
    sha = hashlib.sha1(json.dumps([tree, parents, message, len(repo.commits)]).encode()).hexdigest()  # noqa: S324
    repo.commits[sha] = {"tree": tree, "parents": parents, "message": message}
    return sha


def _api(fake: FakeGitHub, repo: FakeRepo, rest: str) -> str:
    return f"{fake.base}/repos/{repo.owner}/{repo.name}{rest}"


def _ref_json(fake: FakeGitHub, repo: FakeRepo, ref: str) -> dict[str, Any]:
    sha = repo.refs[ref]
    return {
        "ref": f"refs/{ref}",
        "node_id": f"REF_{ref}",
        "url": _api(fake, repo, f"/git/refs/{ref}"),
        "object": {"type": "commit", "sha": sha, "url": _api(fake, repo, f"/git/commits/{sha}")},
    }


def _commit_json(fake: FakeGitHub, repo: FakeRepo, sha: str) -> dict[str, Any]:
    commit = repo.commits[sha]
    person = {"name": "pmsync", "email": "pmsync@example.com", "date": _iso(fake.clock.now())}
    return {
        "sha": sha,
        "node_id": f"C_{sha[:8]}",
        "url": _api(fake, repo, f"/git/commits/{sha}"),
        "html_url": f"https://github.com/{repo.owner}/{repo.name}/commit/{sha}",
        "author": person,
        "committer": person,
        "message": commit["message"],
        "tree": {"sha": commit["tree"], "url": _api(fake, repo, f"/git/trees/{commit['tree']}")},
        "parents": [
            {"sha": p, "url": _api(fake, repo, f"/git/commits/{p}"), "html_url": f"https://github.com/c/{p}"}
            for p in commit["parents"]
        ],
        "verification": {
            "verified": False,
            "reason": "unsigned",
            "signature": None,
            "payload": None,
            "verified_at": None,
        },
    }


def get_git_ref(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    if call.groups["ref"] not in repo.refs:
        raise ApiError(404, "Not Found")
    return 200, _ref_json(fake, repo, call.groups["ref"]), {}


def _writable(repo: FakeRepo) -> None:
    if not repo.push:
        raise ApiError(403, "Resource not accessible by integration")


def create_git_ref(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    _writable(repo)
    ref = call.body["ref"].removeprefix("refs/")
    if ref in repo.refs:
        raise ApiError(422, "Reference already exists")
    if call.body["sha"] not in repo.commits:
        raise ApiError(422, "Object does not exist")
    repo.refs[ref] = call.body["sha"]
    return 201, _ref_json(fake, repo, ref), {}


def _descends(repo: FakeRepo, sha: str, ancestor: str) -> bool:
    todo = [sha]
    while todo:
        current = todo.pop()
        if current == ancestor:
            return True
        todo.extend(repo.commits[current]["parents"])
    return False


def update_git_ref(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    _writable(repo)
    ref = call.groups["ref"]
    if ref not in repo.refs or call.body["sha"] not in repo.commits:
        raise ApiError(422, "Reference does not exist")
    if not call.body.get("force") and not _descends(repo, call.body["sha"], repo.refs[ref]):
        raise ApiError(422, "Update is not a fast forward")
    repo.refs[ref] = call.body["sha"]
    return 200, _ref_json(fake, repo, ref), {}


def get_git_commit(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    if call.groups["sha"] not in repo.commits:
        raise ApiError(404, "Not Found")
    return 200, _commit_json(fake, repo, call.groups["sha"]), {}


def create_git_commit(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    _writable(repo)
    if call.body["tree"] not in repo.trees or any(p not in repo.commits for p in call.body.get("parents", [])):
        raise ApiError(422, "Tree or parent does not exist")
    sha = _new_commit(repo, call.body["tree"], list(call.body.get("parents", [])), call.body["message"])
    return 201, _commit_json(fake, repo, sha), {}


def create_git_tree(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    _writable(repo)
    base = call.body.get("base_tree")
    files = dict(repo.trees[base]) if base else {}
    for entry in call.body["tree"]:
        if entry.get("type") != "blob" or "content" not in entry:
            raise ApiError(422, "the fake only takes blob entries with content")
        files[entry["path"]] = entry["content"]
    sha = _store_tree(repo, files)
    entries = [
        {"path": path, "mode": "100644", "type": "blob", "sha": hashlib.sha1(text.encode()).hexdigest()}  # noqa: S324
        for path, text in sorted(files.items())
    ]
    return 201, {"sha": sha, "url": _api(fake, repo, f"/git/trees/{sha}"), "tree": entries, "truncated": False}, {}


def get_contents(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    ref = call.params.get("ref") or "main"
    sha = ref if ref in repo.commits else repo.refs.get(f"heads/{ref}")
    path = call.groups["path"]
    text = repo.trees[repo.commits[sha]["tree"]].get(path) if sha else None
    if text is None:
        raise ApiError(404, "Not Found")
    data = text.encode()
    blob = hashlib.sha1(data).hexdigest()  # noqa: S324
    url = _api(fake, repo, f"/contents/{path}")
    html = f"https://github.com/{repo.owner}/{repo.name}/blob/{ref}/{path}"
    return (
        200,
        {
            "type": "file",
            "encoding": "base64",
            "size": len(data),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "content": base64.b64encode(data).decode(),
            "sha": blob,
            "url": url,
            "git_url": _api(fake, repo, f"/git/blobs/{blob}"),
            "html_url": html,
            "download_url": None,
            "_links": {"git": _api(fake, repo, f"/git/blobs/{blob}"), "html": html, "self": url},
        },
        {},
    )


def _pull_json(fake: FakeGitHub, repo: FakeRepo, pr: dict[str, Any], *, full: bool) -> dict[str, Any]:
    url = _api(fake, repo, f"/pulls/{pr['number']}")
    issue = _api(fake, repo, f"/issues/{pr['number']}")
    html = f"https://github.com/{repo.owner}/{repo.name}/pull/{pr['number']}"
    user = _user(repo.owner)

    def side(ref: str) -> dict[str, Any]:
        sha = repo.refs.get(f"heads/{ref}", "0" * 40)
        return {"label": f"{repo.owner}:{ref}", "ref": ref, "repo": _repo_json(repo), "sha": sha, "user": user}

    body: dict[str, Any] = {
        "_links": {
            name: {"href": href}
            for name, href in {
                "comments": issue + "/comments",
                "commits": url + "/commits",
                "statuses": url + "/statuses",
                "html": html,
                "issue": issue,
                "review_comments": url + "/comments",
                "review_comment": _api(fake, repo, "/pulls/comments{/number}"),
                "self": url,
            }.items()
        },
        "assignee": None,
        "labels": [],
        "base": side(pr["base"]),
        "head": side(pr["head"]),
        "body": pr["body"],
        "closed_at": _iso(pr["merged_at"]),
        "comments_url": issue + "/comments",
        "commits_url": url + "/commits",
        "created_at": _iso(pr["created_at"]),
        "diff_url": html + ".diff",
        "html_url": html,
        "id": pr["id"],
        "node_id": f"PR_{pr['id']}",
        "issue_url": issue,
        "merge_commit_sha": None,
        "merged_at": _iso(pr["merged_at"]),
        "milestone": None,
        "number": pr["number"],
        "patch_url": html + ".patch",
        "review_comment_url": _api(fake, repo, "/pulls/comments{/number}"),
        "review_comments_url": url + "/comments",
        "statuses_url": _api(fake, repo, "/statuses/" + side(pr["head"])["sha"]),
        "state": pr["state"],
        "locked": False,
        "title": pr["title"],
        "updated_at": _iso(pr["created_at"]),
        "url": url,
        "user": user,
        "author_association": "OWNER",
        "auto_merge": None,
    }
    if full:
        body.update(
            additions=0,
            changed_files=0,
            comments=0,
            commits=1,
            deletions=0,
            mergeable=None,
            mergeable_state="unknown",
            merged=pr["merged_at"] is not None,
            maintainer_can_modify=False,
            merged_by=None,
            review_comments=0,
        )
    return body


def list_pulls(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    state = call.params.get("state", "open")
    head = call.params.get("head")
    base = call.params.get("base")
    found = [
        _pull_json(fake, repo, pr, full=False)
        for pr in repo.pulls
        if state in ("all", pr["state"])
        and (head is None or head == f"{repo.owner}:{pr['head']}")
        and (base is None or base == pr["base"])
    ]
    return _page(fake, call, found, f"/repos/{repo.owner}/{repo.name}/pulls")


def create_pull(fake: FakeGitHub, call: Call) -> tuple[int, Any, dict[str, str]]:
    repo = fake._repo(call)
    _writable(repo)
    head, base = call.body["head"].split(":")[-1], call.body["base"]
    if f"heads/{head}" not in repo.refs or f"heads/{base}" not in repo.refs:
        raise ApiError(422, "Validation Failed")
    if any(pr["state"] == "open" and pr["head"] == head and pr["base"] == base for pr in repo.pulls):
        raise ApiError(422, f"A pull request already exists for {repo.owner}:{head}.")
    pr = {
        "number": repo.next_number,
        "id": fake._new_id(),
        "head": head,
        "base": base,
        "title": call.body["title"],
        "body": call.body.get("body"),
        "state": "open",
        "created_at": fake.clock.now(),
        "merged_at": None,
    }
    repo.next_number += 1
    repo.pulls.append(pr)
    return 201, _pull_json(fake, repo, pr, full=True), {}


_R = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"
_I = _R + r"/issues/(?P<number>\d+)"
ROUTES: list[tuple[re.Pattern[str], dict[str, Route]]] = [
    (re.compile(_R + r"/issues"), {"GET": list_issues, "POST": create_issue}),
    (re.compile(_I), {"GET": get_issue, "PATCH": patch_issue}),
    (re.compile(_I + r"/labels"), {"POST": add_labels}),
    (re.compile(_I + r"/labels/(?P<name>[^/]+)"), {"DELETE": remove_label}),
    (re.compile(_I + r"/sub_issues"), {"GET": list_sub_issues, "POST": add_sub_issue}),
    (re.compile(_I + r"/parent"), {"GET": get_parent}),
    (re.compile(_I + r"/comments"), {"GET": list_comments, "POST": create_comment}),
    (re.compile(_I + r"/issue-field-values"), {"POST": post_field_values}),
    (re.compile(_R + r"/labels"), {"GET": list_labels, "POST": create_label}),
    (re.compile(_R + r"/labels/(?P<name>[^/]+)"), {"GET": get_label}),
    (re.compile(_R + r"/milestones"), {"GET": list_milestones, "POST": create_milestone}),
    (re.compile(_R + r"/git/ref/(?P<ref>heads/.+)"), {"GET": get_git_ref}),
    (re.compile(_R + r"/git/refs"), {"POST": create_git_ref}),
    (re.compile(_R + r"/git/refs/(?P<ref>heads/.+)"), {"PATCH": update_git_ref}),
    (re.compile(_R + r"/git/commits"), {"POST": create_git_commit}),
    (re.compile(_R + r"/git/commits/(?P<sha>[0-9a-f]{40})"), {"GET": get_git_commit}),
    (re.compile(_R + r"/git/trees"), {"POST": create_git_tree}),
    (re.compile(_R + r"/contents/(?P<path>.+)"), {"GET": get_contents}),
    (re.compile(_R + r"/pulls"), {"GET": list_pulls, "POST": create_pull}),
    (re.compile(_R), {"GET": get_repo}),
    (re.compile(r"/orgs/(?P<org>[^/]+)/issue-fields"), {"GET": list_issue_fields}),
    (re.compile(r"/orgs/(?P<org>[^/]+)/issue-types"), {"GET": list_issue_types}),
    (re.compile(r"/search/issues"), {"GET": search_issues}),
    (re.compile(r"/rate_limit"), {"GET": rate_limit}),
    (re.compile(r"/graphql"), {"POST": graphql}),
]
