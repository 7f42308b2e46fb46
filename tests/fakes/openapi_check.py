"""Hold a fake's traffic to an official OpenAPI description (``tests/fakes/specs``, see its README).

One openapi-core adapter for every fake: :class:`SpecRequest` / :class:`SpecResponse` (openapi-core's
protocols over a captured exchange) and :class:`Description` (one or more OpenAPI documents that
together describe an API; thread-safe, findings as short strings). The Jira fake validates with a
:class:`Description` directly; the GitHub fake through :class:`SpecChecker`, which adds GitHub's
exemptions below. Violations are collected (not raised inside the server thread) and a test asserts
there are none at teardown. GitHub sources: ``github-issues.prism-compat.openapi.json`` (the trimmed
GitHub description) plus ``github-extra.prism-compat.openapi.json`` (more paths trimmed from the
same full description by ``specs/build_github_extra.sh``).

Two documented exemptions for GitHub, both HTTP rules the description does not repeat per operation:

- a ``304 Not Modified`` answer to a conditional ``GET`` (``If-None-Match``) where the operation does not
  list 304: RFC 9110 allows it on any GET, and GitHub sends it (its rate-limit docs rely on it); the
  check is then that the request was a conditional GET and the answer has no body;
- an injected fault (403/429 secondary limit, 5xx), or GitHub's generic 401/403 for bad credentials
  or a missing permission, on an operation that does not list that status: the body must still be
  GitHub's ``basic-error`` shape (``message``, ``documentation_url``).
"""

from __future__ import annotations

import json
import threading
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import PathNotFound
from openapi_core.templating.responses.exceptions import ResponseNotFound
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPECS = Path(__file__).resolve().parent / "specs"
GITHUB_SPEC = SPECS / "github-issues.prism-compat.openapi.json"
GITHUB_EXTRA_SPEC = SPECS / "github-extra.prism-compat.openapi.json"
SPEC_HOST = "https://api.github.com"

# openapi-core keeps state while it validates: one validation at a time across every fake.
_LOCK = threading.Lock()


@dataclass
class SpecRequest:
    """openapi-core's ``Request`` protocol over a captured request."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes | None
    host_url: str = SPEC_HOST
    parameters: RequestParameters = field(init=False)

    def __post_init__(self) -> None:
        # openapi-core writes the resolved path parameters into this object: keep one instance.
        self.parameters = RequestParameters(query=ImmutableMultiDict(self.query), header=Headers(self.headers))

    @property
    def content_type(self) -> str:
        given = self.headers.get("Content-Type") or self.headers.get("content-type")
        return (given or ("application/json" if self.body else "")).lower()


@dataclass
class SpecResponse:
    status_code: int
    data: bytes | None
    headers: Headers = field(default_factory=lambda: Headers({"Content-Type": "application/json"}))
    content_type: str = "application/json"


@cache
def _load(path: Path) -> OpenAPI:
    return OpenAPI.from_dict(json.loads(path.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Findings:
    """What validating one exchange found: request and response problems, and whether the answer's
    status is one the operation does not list (``undeclared``; its body is then not checked)."""

    request: list[str]
    response: list[str]
    undeclared: bool = False


class Description:
    """One API as one or more OpenAPI documents; an operation is looked up in each in turn."""

    def __init__(self, *paths: Path) -> None:
        self._specs = [_load(p) for p in paths]

    def covers(self, request: SpecRequest) -> bool:
        with _LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self._spec_for(request) is not None

    def check(self, request: SpecRequest, response: SpecResponse | None = None) -> Findings:
        """Validate ``request`` and, when given, ``response``."""
        with _LOCK, warnings.catch_warnings():
            # openapi-core warns that it cannot check some security schemes (OAuth2): not our concern.
            warnings.simplefilter("ignore")
            spec = self._spec_for(request)
            if spec is None:
                return Findings(["no operation in the description"], [])
            found = [describe(e) for e in spec.iter_request_errors(request)]
            if response is None:
                return Findings(found, [])
            problems = list(spec.iter_response_errors(request, response))
        undeclared = any(isinstance(e, ResponseNotFound) for e in problems)
        return Findings(found, [describe(e) for e in problems if not isinstance(e, ResponseNotFound)], undeclared)

    def _spec_for(self, request: SpecRequest) -> OpenAPI | None:
        for spec in self._specs:
            try:
                spec.validate_request(request)
            except PathNotFound:
                continue
            except Exception:  # noqa: BLE001 - the path exists; validation proper happens in check()
                return spec
            return spec
        return None


@cache
def _basic_error_schema() -> dict[str, Any]:
    spec = json.loads(GITHUB_SPEC.read_text(encoding="utf-8"))
    schema: dict[str, Any] = spec["components"]["schemas"]["basic-error"]
    return schema


class SpecChecker:
    """Validates request/response pairs against the GitHub description; collects violations."""

    def __init__(self, specs: tuple[Path, ...] = (GITHUB_SPEC, GITHUB_EXTRA_SPEC)) -> None:
        self._description = Description(*specs)
        self._lock = threading.Lock()
        self.violations: list[str] = []
        self.checked = 0

    def _record(self, message: str) -> None:
        with self._lock:
            self.violations.append(message)

    def check(self, request: SpecRequest, response: SpecResponse, *, injected: bool = False) -> None:
        with self._lock:
            self.checked += 1
        where = f"{request.method.upper()} {request.path}"
        if not self._description.covers(request):
            self._record(f"{where}: no operation in the description")
            return
        findings = self._description.check(request, response)
        for problem in findings.request:
            self._record(f"{where}: request: {problem}")
        for problem in findings.response:
            self._record(f"{where} -> {response.status_code}: response: {problem}")
        if findings.undeclared:
            self._check_undeclared(where, request, response, injected)

    def _check_undeclared(self, where: str, request: SpecRequest, response: SpecResponse, injected: bool) -> None:
        if response.status_code == 304:
            conditional = any(k.lower() == "if-none-match" for k in request.headers)
            if request.method.lower() != "get" or not conditional or response.data:
                self._record(f"{where} -> 304 without a conditional GET, or with a body")
            return
        if injected:
            try:
                jsonschema.validate(json.loads(response.data or b"null"), _basic_error_schema())
            except (ValueError, jsonschema.ValidationError) as error:
                self._record(f"{where} -> {response.status_code}: injected error body: {error}")
            return
        self._record(f"{where} -> {response.status_code}: status not in the description")


def describe(error: BaseException) -> str:
    """The error's type and its schema errors (path and message), not the whole offending value."""
    found: list[str] = []
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        for sub in getattr(current, "schema_errors", None) or ():
            found.extend(_leaves(sub))
        pending.extend([current.__cause__, current.__context__])
    if found:
        return f"{type(error).__name__}: " + "; ".join(found)[:2000]
    return f"{type(error).__name__}: {str(error)[:300]}"


def _leaves(error: Any) -> list[str]:
    context = list(getattr(error, "context", None) or ())
    if context:
        return [x for sub in context for x in _leaves(sub)][:5]
    return [f"{'/'.join(str(p) for p in error.absolute_path)}: {str(error.message)[:200]}"]
