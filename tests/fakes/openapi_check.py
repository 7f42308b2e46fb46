"""Hold a fake's traffic to an official OpenAPI description (``tests/fakes/specs``, see its README).

Every request the code under test sends and every answer a fake gives goes through
:meth:`SpecChecker.check`; violations are collected (not raised inside the server thread) and a test
asserts there are none at teardown. Sources: ``github-issues.prism-compat.openapi.json`` (the shared,
trimmed GitHub description) plus ``specs/github-extra.prism-compat.openapi.json`` beside this file
(more paths trimmed from the same full description by ``specs/build_github_extra.sh``).

Two documented exemptions, both HTTP rules the description does not repeat per operation:

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
GITHUB_EXTRA_SPEC = Path(__file__).resolve().parent / "specs" / "github-extra.prism-compat.openapi.json"
SPEC_HOST = "https://api.github.com"


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
        self.parameters = RequestParameters(query=ImmutableMultiDict(self.query), header=Headers(self.headers))

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or self.headers.get("content-type") or "application/json").lower()


@dataclass
class SpecResponse:
    status_code: int
    data: bytes | None
    headers: Headers
    content_type: str = "application/json"


@cache
def _load(path: Path) -> OpenAPI:
    return OpenAPI.from_dict(json.loads(path.read_text(encoding="utf-8")))


@cache
def _basic_error_schema() -> dict[str, Any]:
    spec = json.loads(GITHUB_SPEC.read_text(encoding="utf-8"))
    schema: dict[str, Any] = spec["components"]["schemas"]["basic-error"]
    return schema


class SpecChecker:
    """Validates request/response pairs against the GitHub description; collects violations."""

    def __init__(self, specs: tuple[Path, ...] = (GITHUB_SPEC, GITHUB_EXTRA_SPEC)) -> None:
        self._specs = [_load(p) for p in specs]
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
        spec = self._spec_for(request)
        if spec is None:
            self._record(f"{where}: no operation in the description")
            return
        try:
            spec.validate_request(request)
        except Exception as error:  # noqa: BLE001 - any validation failure is a finding
            self._record(f"{where}: request: {_describe(error)}")
        try:
            spec.validate_response(request, response)
        except ResponseNotFound:
            self._check_undeclared(where, request, response, injected)
        except Exception as error:  # noqa: BLE001
            self._record(f"{where} -> {response.status_code}: response: {_describe(error)}")

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


def _describe(error: Exception) -> str:
    """The schema errors (path and message), not the whole offending value."""
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
    return "; ".join(found or [f"{type(error).__name__}: {str(error)[:300]}"])[:2000]


def _leaves(error: Any) -> list[str]:
    context = list(getattr(error, "context", None) or ())
    if context:
        return [x for sub in context for x in _leaves(sub)][:5]
    return [f"{'/'.join(str(p) for p in error.absolute_path)}: {str(error.message)[:200]}"]
