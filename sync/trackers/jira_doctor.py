"""``pmsync doctor`` for Jira: everything a first sync needs, checked before it runs.

Reachability and deployment, credentials, each project routing can choose, the issue types and
whether ``issue_type`` can sit under ``parent_issue_type``, the create screen (createmeta) holding
``duedate``/``priority``/``labels``/``assignee``/``parent``, required custom fields without a
configured value, the configured priority names and link type, a done status category, and —
per project — whether the item issue type's workflow reaches done and won't do from the status
pmsync's issues are created in (:func:`_workflow`). Read-only: doctor never writes to Jira.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from mappings.statuses import JiraStatusMap
from sync.core.model import Status
from sync.errors import TrackerAuthError, TrackerError, TrackerNotFound
from sync.pacing import BudgetPacer
from sync.trackers.doctor import Finding, ok, problem
from sync.trackers.jira_http import JiraAuth, JiraHttp
from sync.trackers.jira_workflow import StatusNode, WorkflowGraph, parse_transitions

if TYPE_CHECKING:
    from sync.config.models import JiraTrackerSettings, Settings

# Fields pmsync sets on every item; ``parent`` only where it is how items hang under incidents.
_WANTED_FIELDS = ("duedate", "priority", "labels", "assignee")
# Required fields Jira fills itself or pmsync always sends.
_ALWAYS_SENT = {"summary", "issuetype", "project", "reporter", "description", "labels", "parent"}


def projects_of(settings: Settings) -> list[str]:
    """Every project key a document can be routed to, the default first."""
    found = [settings.default_project()] + [rule.project for rule in settings.routing.rules]
    return list(dict.fromkeys(p for p in found if p))


def diagnose(settings: Settings, *, http: httpx.Client) -> list[Finding]:
    """Run every check; stop early only when later checks cannot mean anything."""
    tracker: JiraTrackerSettings = settings.tracker  # type: ignore[assignment]
    if tracker.token is None:
        return [problem("credentials", "no token", f"export {tracker.token_env}=<token> or set token_file")]
    auth = JiraAuth(
        token=tracker.token.get_secret_value(),
        email=tracker.email if tracker.deployment == "cloud" or tracker.email else None,
    )
    client = JiraHttp(http, url=tracker.url, deployment=tracker.deployment, auth=auth, pacer=BudgetPacer())
    findings = _reachability(client, tracker)
    if not findings[-1].ok:
        return findings
    findings.append(_credentials(client, tracker))
    if not findings[-1].ok:
        return findings
    for project in projects_of(settings):
        findings += _project(client, tracker, project)
        findings.append(_workflow(client, tracker, project))
    findings.append(_priorities(client, tracker))
    findings.append(_link_type(client, tracker))
    findings.append(_done_category(client))
    return findings


def _reachability(client: JiraHttp, tracker: JiraTrackerSettings) -> list[Finding]:
    try:
        info = client.request("GET", "/serverInfo", op="doctor")
    except TrackerAuthError:
        # It answered: reachable. Whether the credentials work is the next check's business.
        return [ok("reachability", f"{tracker.url}: answers (server details need valid credentials)")]
    except TrackerNotFound:
        return [
            problem(
                "reachability",
                f"{tracker.url} answers, but has no {client.api} (REST {client.api[-1]})",
                "check [tracker] url (the site's base URL) and deployment (cloud: REST v3, datacenter: REST v2)",
            )
        ]
    except TrackerError as error:
        return [problem("reachability", f"{tracker.url}: {error.message}", "check [tracker] url and the network")]
    kind = str(info.get("deploymentType") or "")
    found = [ok("reachability", f"{tracker.url}: Jira {kind or '?'} {info.get('version', '?')}")]
    if (kind == "Cloud") != (tracker.deployment == "cloud"):
        found.append(
            problem(
                "deployment",
                f'the site is Jira {kind or "Data Center"} but [tracker] deployment = "{tracker.deployment}"',
                f'set deployment = "{"cloud" if kind == "Cloud" else "datacenter"}"',
            )
        )
    return found


def _credentials(client: JiraHttp, tracker: JiraTrackerSettings) -> Finding:
    try:
        me = client.request("GET", "/myself", op="doctor")
    except TrackerAuthError:
        fix = (
            f"create an API token for {tracker.email} at id.atlassian.com and export {tracker.token_env}"
            if tracker.deployment == "cloud"
            else f"create a personal access token in your Jira profile and export {tracker.token_env}"
        )
        return problem("credentials", "the token was rejected", fix)
    except TrackerError as error:
        return problem("credentials", error.message, "check [tracker] email and the token")
    return ok("credentials", f"signed in as {me.get('displayName') or me.get('emailAddress') or me.get('name')}")


def _issue_types(client: JiraHttp, project: str) -> list[dict[str, Any]]:
    answer = client.request("GET", f"/issue/createmeta/{project}/issuetypes", op="doctor", subject=project)
    return list(answer.get("issueTypes") or answer.get("values") or [])


def _project(client: JiraHttp, tracker: JiraTrackerSettings, project: str) -> list[Finding]:
    check = f"project {project}"
    try:
        kinds = _issue_types(client, project)
    except (TrackerNotFound, TrackerAuthError) as error:
        return [
            problem(
                check,
                f"not found, or not visible to this account ({error.message})",
                "fix the project key in [tracker] / [routing], or grant the account Browse projects and Create issues",
            )
        ]
    except TrackerError as error:
        return [problem(check, f"not usable ({error.message})", "fix the project key in [tracker] / [routing]")]
    by_name = {str(k.get("name")).casefold(): k for k in kinds}
    item = by_name.get(tracker.issue_type.casefold())
    parent = by_name.get(tracker.parent_issue_type.casefold())
    subtask = by_name.get(tracker.subtask_issue_type.casefold()) if tracker.subtask_issue_type else None
    names = ", ".join(str(k.get("name")) for k in kinds)
    found: list[Finding] = []
    for key, wanted, kind in (
        ("issue_type", tracker.issue_type, item),
        ("parent_issue_type", tracker.parent_issue_type, parent),
        ("subtask_issue_type", tracker.subtask_issue_type, subtask),
    ):
        if wanted and kind is None:
            found.append(
                problem(check, f"no issue type {wanted!r} (has: {names})", f"set [tracker] {key} to one of them")
            )
    if found or item is None or parent is None:
        return found
    found.append(_hierarchy(check, tracker, item, parent, subtask))
    found += _create_screen(client, tracker, project, subtask or item)
    return found


def _hierarchy(
    check: str,
    tracker: JiraTrackerSettings,
    item: dict[str, Any],
    parent: dict[str, Any],
    subtask: dict[str, Any] | None,
) -> Finding:
    if subtask is not None:
        if not subtask.get("subtask"):
            return problem(check, f"{subtask.get('name')!r} is not a sub-task type", "name a sub-task issue type")
        return ok(check, f"each item is {_a(subtask.get('name'))} under {_a(parent.get('name'))}")
    if tracker.deployment == "datacenter":
        if not tracker.epic_link_field:
            return problem(
                check,
                f"Data Center puts items under {_a(parent.get('name'))} through the Epic Link field, which is not set",
                'set [tracker] epic_link_field = "Epic Link" (or its customfield id), or use subtask_issue_type',
            )
        linked = f"linked to {_a(parent.get('name'))} by {tracker.epic_link_field}"
        return ok(check, f"each item is {_a(item.get('name'))} {linked}")
    levels = (item.get("hierarchyLevel"), parent.get("hierarchyLevel"))
    if None not in levels and levels[1] != levels[0] + 1:  # type: ignore[operator]
        return problem(
            check,
            f"{_a(item.get('name'))} (level {levels[0]}) cannot sit under {_a(parent.get('name'))} (level {levels[1]})",
            "choose a parent_issue_type one level above issue_type (e.g. Epic above Task)",
        )
    return ok(check, f"each item is {_a(item.get('name'))} under {_a(parent.get('name'))}")


def _a(name: object) -> str:
    """``an Epic``, ``a Task``: issue type names are nouns in the findings' sentences."""
    text = str(name)
    vowel = bool(text) and text[0].lower() in "aeiou"
    return f"{'an' if vowel else 'a'} {text}"


def _create_screen(client: JiraHttp, tracker: JiraTrackerSettings, project: str, kind: dict[str, Any]) -> list[Finding]:
    check = f"project {project} create screen"
    answer = client.request(
        "GET", f"/issue/createmeta/{project}/issuetypes/{kind.get('id')}", op="doctor", subject=project
    )
    fields = list(answer.get("fields") or answer.get("values") or [])
    present = {str(f.get("fieldId")) for f in fields}
    wanted = list(_WANTED_FIELDS)
    if tracker.deployment == "cloud" or tracker.subtask_issue_type:
        wanted.append("parent")
    missing = [name for name in wanted if name not in present]
    configured = {name.casefold() for name in tracker.fields}
    unfilled = [
        f"{f.get('name')} ({f.get('fieldId')})"
        for f in fields
        if f.get("required")
        and not f.get("hasDefaultValue")
        and f.get("fieldId") not in _ALWAYS_SENT
        and str(f.get("fieldId")).casefold() not in configured
        and str(f.get("name")).casefold() not in configured
    ]
    found: list[Finding] = []
    if missing:
        found.append(
            problem(
                check,
                f"{', '.join(missing)} not on the create screen of {kind.get('name')}",
                "add them to the project's create screen (Project settings > Screens)",
            )
        )
    if unfilled:
        found.append(
            problem(
                check,
                f"required fields without a value: {', '.join(unfilled)}",
                'set them in [tracker] fields, e.g. fields = { "customfield_10050" = "SRE" }',
            )
        )
    return found or [ok(check, f"{kind.get('name')}: {', '.join(wanted)} available, required fields covered")]


def _priorities(client: JiraHttp, tracker: JiraTrackerSettings) -> Finding:
    from mappings.priorities import PriorityMap

    names = {str(p.get("name")).casefold() for p in client.request("GET", "/priority", op="doctor") or []}
    mapping = PriorityMap.for_tracker("jira", tracker.priorities)
    unknown = [f"{p.value} = {n!r}" for p, n in mapping.names.items() if n.casefold() not in names]
    if unknown:
        return problem("priorities", f"not on this site: {', '.join(unknown)}", "fix [tracker] priorities")
    return ok("priorities", ", ".join(f"{p.value} = {n}" for p, n in mapping.names.items()))


def _link_type(client: JiraHttp, tracker: JiraTrackerSettings) -> Finding:
    answer = client.request("GET", "/issueLinkType", op="doctor") or {}
    names = [str(t.get("name")) for t in answer.get("issueLinkTypes") or []]
    if tracker.link_type.casefold() not in {n.casefold() for n in names}:
        return problem(
            "link type", f"no link type {tracker.link_type!r} (has: {', '.join(names)})", "fix [tracker] link_type"
        )
    return ok("link type", tracker.link_type)


def _done_category(client: JiraHttp) -> Finding:
    statuses = client.request("GET", "/status", op="doctor") or []
    done = [s.get("name") for s in statuses if (s.get("statusCategory") or {}).get("key") == "done"]
    if not done:
        return problem("workflow", "no status in the done category", "give the workflow a status in the Done category")
    return ok("workflow", f"done category: {', '.join(str(n) for n in done)}")


def _workflow(client: JiraHttp, tracker: JiraTrackerSettings, project: str) -> Finding:
    """Walk the item issue type's workflow from the status pmsync's issues are created in, over the
    transitions Jira offers (read, never taken: one issue per status pmsync's issues are in), and
    say whether a done status — and won't do, a done status with a won't-do resolution — is
    reachable. Jira shows a workflow only from where an issue stands, so statuses no pmsync issue
    is in are not explored; the answer then says so."""
    check = f"project {project} workflow"
    issuetype = tracker.subtask_issue_type or tracker.issue_type
    try:
        issues = _managed_issues(client, tracker, project)
    except TrackerError as error:
        return problem(check, f"pmsync's issues could not be searched ({error.message})", "check Browse projects")
    issues = [i for i in issues if ((i.get("fields") or {}).get("issuetype") or {}).get("name") == issuetype]
    if not issues:
        return ok(check, f"not walked yet: no pmsync {issuetype} in {project} (run doctor again after a first sync)")
    by_status: dict[str, dict[str, Any]] = {}
    for issue in sorted(issues, key=lambda i: str((i.get("fields") or {}).get("created") or "")):
        status = StatusNode.from_json((issue.get("fields") or {}).get("status") or {})
        by_status.setdefault(status.id, issue)
    nodes = {s: StatusNode.from_json((i.get("fields") or {}).get("status") or {}) for s, i in by_status.items()}
    graph = WorkflowGraph()
    for status_id, issue in by_status.items():
        answer = client.request(
            "GET",
            f"/issue/{issue.get('id')}/transitions",
            op="doctor",
            subject=str(issue.get("key")),
            params={"expand": "transitions.fields"},
        )
        graph.learn(nodes[status_id], parse_transitions(answer))
    statuses = JiraStatusMap(
        wont_do_resolutions=frozenset(tracker.wont_do_resolutions), status_overrides=tracker.statuses
    )
    # Issues are created in the workflow's initial status, a to-do one: the oldest issue's when it
    # is still there, else a to-do status the transitions lead back to.
    targets = [step.to for steps in graph.offered.values() for step in steps]
    start = next((n for n in [*nodes.values(), *targets] if n.category == "new"), next(iter(nodes.values())))
    if not graph.known(start.id):
        return ok(check, f"not walked yet: no pmsync {issuetype} is in {start.name!r}, where issues are created")

    def is_done(node: StatusNode) -> bool:
        return statuses.to_canonical(node.category, node.name, None).status is Status.DONE

    path = graph.path(start.id, is_done)
    if path is None:
        if graph.next_step(start.id, is_done, "done") is not None:
            unexplored = sorted({n for s, n in graph.names.items() if not graph.known(s)})
            return ok(
                check,
                f"no done status known to be reachable from {start.name!r} yet: no pmsync issue is in "
                f"{', '.join(unexplored)} to read its transitions (explored: {', '.join(graph.explored())})",
            )
        return problem(
            check,
            f"no done status is reachable from {start.name!r} (explored: {', '.join(graph.explored())}): "
            "items the documents mark done cannot be closed",
            "add a transition towards a done status to the workflow, or map a status with [tracker] statuses",
        )
    route = " → ".join([start.name, *(step.to.name for step in path)])
    last = path[-1]
    if last.resolution in (None, "none") or not any(statuses.is_wont_do(r) for r in last.resolutions):
        return problem(
            check,
            f"done is reachable ({route}), but won't do is not: the transition {last.name!r} offers no "
            "won't-do resolution, so items marked won't do are closed as done",
            "put the Resolution field (with a value such as \"Won't Do\") on that transition's screen",
        )
    return ok(check, f"done and won't do are reachable: {route} ({len(path)} transition(s))")


def _managed_issues(client: JiraHttp, tracker: JiraTrackerSettings, project: str) -> list[dict[str, Any]]:
    body: dict[str, Any] = {
        "jql": f'project = "{project}" AND labels = pmsync ORDER BY created ASC',
        "fields": ["status", "issuetype", "created"],
        "maxResults": 100,
    }
    if tracker.deployment == "cloud":
        answer = client.request("POST", "/search/jql", op="doctor", body=body)
    else:
        answer = client.request("POST", "/search", op="doctor", body={**body, "startAt": 0})
    return list((answer or {}).get("issues") or [])


# The entry point ``pmsync doctor`` calls (sync.trackers.doctor.CHECK_MODULES).
check = diagnose
