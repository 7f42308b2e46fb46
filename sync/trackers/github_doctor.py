"""``pmsync doctor`` for GitHub: what works, what does not, and the fix for each problem.

Read-only: it never creates a label or an issue. Checks, in order: the token (``/rate_limit``),
each repository pmsync writes to (exists, issues enabled, the token may write issues and create
labels), pmsync's labels, and which optional features answer — sub-issues, issue types (and the
configured ones), the organisation's "Target date" issue field, a configured Projects v2 date field.
An optional feature that is missing is a note, not a problem: pmsync then keeps the due date in
the body and labels only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx

from sync.clock import utc_now
from sync.config.models import GitHubTrackerSettings, Settings
from sync.errors import TrackerAuthError, TrackerError, TrackerNotFound
from sync.pacing import BudgetPacer
from sync.trackers import doctor
from sync.trackers.github_tracker import INCIDENT_LABEL, MANAGED_LABEL, GitHubTracker

__all__ = ["Finding", "Level", "check", "diagnose"]


class Level(StrEnum):
    OK = "ok"
    NOTE = "note"  # an optional feature is unavailable: pmsync works without it
    PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    check: str
    level: Level
    detail: str
    fix: str | None = None


def diagnose(tracker: GitHubTracker) -> list[Finding]:
    """Every finding about ``tracker``'s GitHub connection (see the module docstring)."""
    findings: list[Finding] = []
    try:
        rate = tracker.read("/rate_limit")
    except TrackerAuthError:
        return [
            Finding(
                "token",
                Level.PROBLEM,
                "GitHub rejected the token",
                "create a fine-grained token with Issues: read and write on the repositories, "
                "and export it under the name [tracker] token_env gives",
            )
        ]
    except TrackerError as error:
        return [Finding("connection", Level.PROBLEM, str(error), "check [tracker] api_url and the network")]
    core = (rate or {}).get("resources", {}).get("core", {})
    findings.append(Finding("token", Level.OK, f"accepted; {core.get('remaining', '?')} requests left this hour"))
    orgs: list[str] = []
    for repo in tracker.mapping.all_repos:
        findings += _repository(tracker, repo)
        org = repo.split("/")[0]
        if org not in orgs:
            orgs.append(org)
    for org in orgs:
        findings += _organisation(tracker, org)
    findings += _project(tracker)
    return findings


def problems(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.level is Level.PROBLEM]


def _repository(tracker: GitHubTracker, repo: str) -> list[Finding]:
    check = f"repository {repo}"
    try:
        info = tracker.read(f"/repos/{repo}")
    except TrackerNotFound:
        return [
            Finding(
                check,
                Level.PROBLEM,
                "not found, or the token cannot see it",
                f"check the name, and give the token access to {repo}",
            )
        ]
    out: list[Finding] = []
    permissions: dict[str, Any] = info.get("permissions") or {}
    if not info.get("has_issues", True):
        out.append(Finding(check, Level.PROBLEM, "issues are disabled", f"enable Issues in {repo}'s settings"))
    if permissions and not (permissions.get("push") or permissions.get("triage")):
        out.append(
            Finding(
                check,
                Level.PROBLEM,
                "the token may read but not write issues",
                "give the token Issues: read and write on this repository",
            )
        )
    else:
        out.append(Finding(check, Level.OK, "issues can be written"))
    labels = {str(x["name"]).lower() for x in tracker.read(f"/repos/{repo}/labels", {"per_page": "100"}) or ()}
    wanted = [MANAGED_LABEL, INCIDENT_LABEL, *tracker.mapping.labels, tracker.mapping.statuses.in_progress_label]
    missing = [name for name in dict.fromkeys(wanted) if name.lower() not in labels]
    if not missing:
        out.append(Finding(f"{check} labels", Level.OK, "pmsync's labels exist"))
    elif permissions.get("push"):
        out.append(Finding(f"{check} labels", Level.NOTE, f"created on first use: {', '.join(missing)}"))
    else:
        out.append(
            Finding(
                f"{check} labels",
                Level.PROBLEM,
                f"missing, and the token cannot create them: {', '.join(missing)}",
                f"create them in {repo}, or give the token write access",
            )
        )
    sample = tracker.read(f"/repos/{repo}/issues", {"state": "all", "per_page": "1"}) or []
    if sample:
        try:
            tracker.read(f"/repos/{repo}/issues/{sample[0]['number']}/sub_issues", {"per_page": "1"})
            out.append(Finding(f"{check} sub-issues", Level.OK, "available: items hang under their incident's issue"))
        except TrackerNotFound:
            out.append(
                Finding(
                    f"{check} sub-issues",
                    Level.PROBLEM,
                    "not available (GitHub Enterprise Server before 3.16?)",
                    "upgrade GitHub Enterprise Server; until then items are not attached to their parent",
                )
            )
    return out


def _organisation(tracker: GitHubTracker, org: str) -> list[Finding]:
    out: list[Finding] = []
    try:
        types = {str(t["name"]) for t in tracker.read(f"/orgs/{org}/issue-types") or ()}
    except (TrackerNotFound, TrackerAuthError):
        types = set()
    configured = [t for t in (tracker.mapping.issue_type, tracker.mapping.parent_issue_type) if t]
    unknown = [t for t in configured if t not in types]
    if unknown:
        out.append(
            Finding(
                f"organisation {org} issue types",
                Level.PROBLEM,
                f"not defined in {org}: {', '.join(unknown)}",
                "define them in the organisation's settings, or unset [tracker] issue_type / parent_issue_type",
            )
        )
    elif types:
        out.append(Finding(f"organisation {org} issue types", Level.OK, f"available: {', '.join(sorted(types))}"))
    else:
        out.append(Finding(f"organisation {org} issue types", Level.NOTE, "none (a personal account, or none defined)"))
    field = tracker.target_date_field(f"{org}/-")
    if field is None:
        out.append(
            Finding(
                f"organisation {org} Target date field",
                Level.NOTE,
                "not available: due dates stay in the issue body and the due/ label",
            )
        )
    else:
        out.append(Finding(f"organisation {org} Target date field", Level.OK, "due dates also go into Target date"))
    return out


def _project(tracker: GitHubTracker) -> list[Finding]:
    project = tracker.mapping.project
    if project is None:
        return []
    check = f"project {project.org}#{project.number}"
    try:
        tracker.project_field(project)
    except TrackerError as error:
        return [
            Finding(
                check,
                Level.PROBLEM,
                str(error),
                f"check [tracker] project_org/project_number/project_date_field, and give the token "
                f"Projects: read and write on {project.org}",
            )
        ]
    return [Finding(check, Level.OK, f"due dates also go into the field {project.field!r}")]


def check(settings: Settings, *, http: httpx.Client | None = None) -> list[doctor.Finding]:
    """``pmsync doctor``'s entry point (:data:`sync.trackers.doctor.CHECK_MODULES`): the findings
    of :func:`diagnose` for the configured connection, in the doctor's vocabulary. A missing
    optional feature stays a note (not a problem): pmsync works without it."""
    tracker = settings.tracker
    assert isinstance(tracker, GitHubTrackerSettings)
    # Read-only checks never write, so the write pacing of a sync is not needed here.
    pacer = BudgetPacer()
    github = GitHubTracker.from_settings(
        tracker, http=http, pacer=pacer, clock=utc_now, repos=settings.routed_projects()
    )
    return [_as_doctor_finding(finding) for finding in diagnose(github)]


def _as_doctor_finding(finding: Finding) -> doctor.Finding:
    if finding.level is Level.PROBLEM:
        return doctor.problem(finding.check, finding.detail, finding.fix or "see the README's GitHub section")
    note = "note: " if finding.level is Level.NOTE else ""
    return doctor.ok(finding.check, f"{note}{finding.detail}")
