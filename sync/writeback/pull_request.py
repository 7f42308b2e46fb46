"""Write-back as a pull request: the filled Ticket/Status cells go onto a branch of the docs repository on
GitHub, with ONE open pull request, instead of into the files on disk.

Only the GitHub REST API is used (git data, contents, pulls), so the machine needs no git remote
credentials. The new file contents come from the same pure planner as the on-disk write-back
(:func:`sync.core.writeback.plan_writeback`), applied to the document *as it is on the base branch*;
a base copy that differs from the one pmsync parsed is skipped (its line numbers may no longer match).

Idempotent: a run whose files equal the open pull request's branch sends no write. New cells add one
commit to that branch. When the base branch moved on (or the last pull request was merged or closed),
the branch is rebuilt from the current base (force-moved: it is pmsync's own branch) and a pull request
is opened if none is open; a stale edit is never pushed on top of an old base.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import httpx

from sync.clock import utc_now
from sync.config.models import GitHubTrackerSettings, Settings
from sync.core.writeback import ItemWriteback, plan_writeback
from sync.errors import ConfigError, PmsyncError, TrackerError, TrackerNotFound
from sync.logs import register_secret
from sync.retry import RetryPolicy
from sync.trackers.base import Clock, Pacer
from sync.trackers.github_http import TIMEOUT, GitHubHttp
from sync.trackers.github_pacing import GitHubWritePacer, WriteLedger, WriteLimits
from sync.writeback.files import WritebackOutcome

log = logging.getLogger(__name__)

NAME = "github"
_MAX_ANCESTRY = 50  # commits walked back from the branch head looking for the base


class GitHubRest(Protocol):
    """One JSON request; ``None`` for a 404."""

    def call(self, method: str, path: str, *, params: dict[str, str] | None = None, body: Any = None) -> Any: ...


class RetriedRest:
    """:class:`GitHubRest` on GitHub's one HTTP edge (:class:`sync.trackers.github_http.GitHubHttp`:
    paced, every answer observed, errors translated as for the tracker), each call retried on rate
    limits and 5xx by the run's :class:`sync.retry.RetryPolicy`. A retried write is harmless: trees
    and commits are addressed by content, moving a ref is idempotent, and a second branch or pull
    request is refused (422), which fails this publish and is found by the next run."""

    def __init__(self, http: GitHubHttp, retry: RetryPolicy) -> None:
        self._http = http
        self._retry = retry

    def call(self, method: str, path: str, *, params: dict[str, str] | None = None, body: Any = None) -> Any:
        op = f"{method} {path.split('?')[0]}"
        try:
            answer = self._retry.retrying()(self._http.request, method, path, op=op, params=params, body=body)
        except TrackerNotFound:
            return None
        return answer.data


@dataclass(frozen=True)
class PullRequestTarget:
    repo: str  # owner/name of the docs repository
    branch: str = "pmsync/write-back"
    base: str = "main"
    title: str = "pmsync: fill Ticket and Status cells"


@dataclass(frozen=True)
class PublishResult:
    """``pull_url`` of the open pull request (``None``: nothing to propose); ``commits`` pushed this run;
    ``opened`` when this run opened it; ``rebuilt`` when the branch was rebuilt from the base."""

    pull_url: str | None
    commits: int = 0
    opened: bool = False
    rebuilt: bool = False
    files: tuple[str, ...] = ()


@dataclass
class PullRequestWriter:
    """Collects each document's new content (:meth:`propose`), then commits them and opens or updates
    the pull request (:meth:`publish`). ``root`` is the local directory that is the repository's root."""

    rest: GitHubRest
    target: PullRequestTarget
    root: Path
    _base_sha: str | None = None
    _desired: dict[str, str] = field(default_factory=dict)

    def _repo(self, rest: str) -> str:
        return f"/repos/{self.target.repo}{rest}"

    def _ref(self, branch: str) -> str | None:
        data = self.rest.call("GET", self._repo(f"/git/ref/heads/{quote(branch, safe='/')}"))
        return None if data is None else str(data["object"]["sha"])

    def _content(self, path: str, ref: str) -> str | None:
        data = self.rest.call("GET", self._repo(f"/contents/{quote(path)}"), params={"ref": ref})
        if data is None:
            return None
        if not isinstance(data, dict) or data.get("encoding") != "base64":
            raise TrackerError(f"{path} is not a file GitHub can return inline", tracker=NAME, op="GET contents")
        return base64.b64decode(data["content"]).decode("utf-8")

    def repo_path(self, path: Path) -> str | None:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return None

    def propose(self, path: Path, expected_sha256: str, updates: Sequence[ItemWriteback]) -> WritebackOutcome:
        """Plan ``updates`` against the base branch's copy of ``path``; nothing is written yet."""
        where = self.repo_path(path)
        if where is None:
            return WritebackOutcome("failed", f"{path} is outside [writeback] root {self.root}")
        try:
            if self._base_sha is None:
                self._base_sha = self._ref(self.target.base)
                if self._base_sha is None:
                    return WritebackOutcome("failed", f"{self.target.repo} has no branch {self.target.base}")
            text = self._content(where, self._base_sha)
        except PmsyncError as exc:
            return WritebackOutcome("failed", f"{path}: {exc.message}")
        if text is None:
            return WritebackOutcome("failed", f"{where} is not on {self.target.repo}@{self.target.base}")
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != expected_sha256:
            return WritebackOutcome(
                "skipped-modified",
                f"{where} on {self.target.base} differs from {path}; update the checkout and run again",
            )
        plan = plan_writeback(text, updates)
        if plan.text == text:
            detail, status = f"{where} already up to date on {self.target.base}", "unchanged"
        else:
            self._desired[where] = plan.text
            detail, status = f"{where}: {len(plan.changed_lines)} line(s) proposed", "written"
        return WritebackOutcome(
            "written" if status == "written" else "unchanged",
            detail,
            changed_lines=plan.changed_lines,
            skipped=plan.skipped,
            status_shown=plan.status_shown,
            status_edited=plan.status_edited,
        )

    def publish(self) -> PublishResult:
        """Commit what :meth:`propose` collected and open or update the one pull request."""
        if not self._desired or self._base_sha is None:
            return PublishResult(None)
        owner = self.target.repo.split("/")[0]
        pulls = self.rest.call(
            "GET",
            self._repo("/pulls"),
            params={"state": "open", "head": f"{owner}:{self.target.branch}", "base": self.target.base},
        )
        open_pull = pulls[0] if pulls else None
        head = self._ref(self.target.branch)
        if open_pull is not None and head is not None and self._descends(head, self._base_sha):
            differing = {p: t for p, t in self._desired.items() if self._content(p, head) != t}
            if not differing:
                return PublishResult(str(open_pull["html_url"]))
            commit = self._commit(head, differing)
            self.rest.call("PATCH", self._repo(f"/git/refs/heads/{self.target.branch}"), body={"sha": commit})
            return PublishResult(str(open_pull["html_url"]), commits=1, files=tuple(sorted(differing)))
        # No open pull request, or the base moved on: rebuild the branch from the current base.
        commit = self._commit(self._base_sha, self._desired)
        if head is None:
            self.rest.call(
                "POST", self._repo("/git/refs"), body={"ref": f"refs/heads/{self.target.branch}", "sha": commit}
            )
        else:
            self.rest.call(
                "PATCH", self._repo(f"/git/refs/heads/{self.target.branch}"), body={"sha": commit, "force": True}
            )
        files = tuple(sorted(self._desired))
        if open_pull is not None:
            return PublishResult(str(open_pull["html_url"]), commits=1, rebuilt=True, files=files)
        created = self.rest.call(
            "POST",
            self._repo("/pulls"),
            body={
                "title": self.target.title,
                "head": self.target.branch,
                "base": self.target.base,
                "body": "Ticket and Status cells filled by `pmsync sync --write-back-pr`:\n\n"
                + "\n".join(f"- `{p}`" for p in files),
            },
        )
        return PublishResult(str(created["html_url"]), commits=1, opened=True, rebuilt=head is not None, files=files)

    def _descends(self, sha: str, ancestor: str) -> bool:
        """Whether ``ancestor`` is on the first-parent chain of ``sha`` (pmsync's commits have one parent)."""
        current: str | None = sha
        for _ in range(_MAX_ANCESTRY):
            if current is None:
                return False
            if current == ancestor:
                return True
            data = self.rest.call("GET", self._repo(f"/git/commits/{current}"))
            parents = data["parents"] if data else []
            current = str(parents[0]["sha"]) if len(parents) == 1 else None
        return False

    def _commit(self, parent: str, files: dict[str, str]) -> str:
        parent_commit = self.rest.call("GET", self._repo(f"/git/commits/{parent}"))
        tree = self.rest.call(
            "POST",
            self._repo("/git/trees"),
            body={
                "base_tree": parent_commit["tree"]["sha"],
                "tree": [
                    {"path": path, "mode": "100644", "type": "blob", "content": text}
                    for path, text in sorted(files.items())
                ],
            },
        )
        message = "pmsync: fill Ticket and Status cells\n\n" + "\n".join(sorted(files))
        commit = self.rest.call(
            "POST", self._repo("/git/commits"), body={"message": message, "tree": tree["sha"], "parents": [parent]}
        )
        log.info("Committed write-back of %d document(s) to %s", len(files), self.target.branch)
        return str(commit["sha"])


def pull_request_writer(
    settings: Settings,
    pacer: Pacer,
    environ: Mapping[str, str] | None = None,
    *,
    http: httpx.Client | None = None,
    retry: RetryPolicy | None = None,
    clock: Clock = utc_now,
    ledger: Callable[[str], WriteLedger] | None = None,
) -> PullRequestWriter:
    """The writer ``[writeback] mode = "pr"`` (or ``--write-back-pr``) uses, from the configuration,
    on the run's ``http`` client, pacer and ``retry`` policy (its own client without one).

    ``ledger`` gives the store's record of recent writes to a GitHub host: the branch, commit and
    pull-request writes then count against the same secondary-limit windows as the tracker's
    writes to that host, across runs (:mod:`sync.trackers.github_pacing`)."""
    section = settings.writeback
    tracker = settings.tracker if isinstance(settings.tracker, GitHubTrackerSettings) else None
    repo = section.repo or (tracker.repo if tracker else None)
    if repo is None:
        raise ConfigError(
            "[writeback] repo: field required for a pull request when the tracker is not GitHub",
            hint='set [writeback] repo = "owner/name" (the docs repository)',
        )
    token = _token(section.token_file, section.token_env, tracker, os.environ if environ is None else environ)
    register_secret(token)  # redacted from every log line from here on
    api_url = section.api_url or (tracker.api_url if tracker else "https://api.github.com")
    if ledger is not None:
        limits = (
            WriteLimits(tracker.writes_per_minute, tracker.writes_per_hour, tracker.write_interval_seconds)
            if tracker is not None
            else WriteLimits()
        )
        pacer = GitHubWritePacer(pacer, ledger(api_url), clock, limits)
    client = GitHubHttp(
        http or httpx.Client(timeout=TIMEOUT),
        api_url=api_url,
        token=token,
        pacer=pacer,
        clock=clock,
        rejected_hint="check [writeback] token_env or token_file (else the GitHub tracker's token is used)",
        forbidden_hint="the token needs contents and pull-request write",
    )
    target = PullRequestTarget(repo=repo, branch=section.branch, base=section.base)
    return PullRequestWriter(RetriedRest(client, retry or RetryPolicy(sleep=pacer.wait)), target, section.root)


def _token(
    token_file: Path | None, token_env: str | None, tracker: GitHubTrackerSettings | None, env: Mapping[str, str]
) -> str:
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"[writeback] token_file: cannot read {token_file}: {type(exc).__name__}") from None
    elif token_env is not None:
        token = (env.get(token_env) or "").strip()
    elif tracker is not None and tracker.token is not None:
        token = tracker.token.get_secret_value()
    else:
        token = ""
    if not token:
        raise ConfigError(
            "[writeback] token: field required for a pull request",
            hint="set [writeback] token_env or token_file, or use the GitHub tracker's token",
        )
    return token
