"""What depends on the tracker's kind lives on that kind's settings class (issue 25: it was an
isinstance dispatch in Settings and getattr in the runtime)."""

from __future__ import annotations

import re

from sync.config.models import GitHubTrackerSettings, JiraTrackerSettings, LocalTrackerSettings, Settings
from sync.core.model import Priority
from sync.runtime import policy_for

LOCAL = LocalTrackerSettings(project_prefix="OPS")
JIRA = JiraTrackerSettings(
    kind="jira", url="https://x.atlassian.net", project="SRE", email="a@b.c", priorities={Priority.P0: "Blocker"}
)
GITHUB = GitHubTrackerSettings(kind="github", repo="acme/ops", in_progress_labels=("doing",))


def test_each_kind_answers_for_itself() -> None:
    assert (LOCAL.default_project, JIRA.default_project, GITHUB.default_project) == ("OPS", "SRE", "acme/ops")
    assert JIRA.priority_map().to_tracker(Priority.P0) == "Blocker"
    assert LOCAL.priority_map().to_tracker(Priority.P0) == "P0"
    assert GITHUB.status_map().in_progress_label == "doing"
    assert not LOCAL.close_done and GITHUB.close_done and not JIRA.close_done
    assert re.fullmatch(LOCAL.ticket_key_pattern, "OPS-12") and not re.fullmatch(LOCAL.ticket_key_pattern, "SRE-1")
    assert re.fullmatch(JIRA.ticket_key_pattern, "ANY-7")


def test_routing_targets_are_the_default_then_the_rules_once_each() -> None:
    settings = Settings.model_validate(
        {
            "tracker": GITHUB,
            "routing": {"rules": [{"match": {"team": "web"}, "project": "acme/web"}, {"match": {"team": "x"}}]},
        }
    )
    assert settings.routed_projects() == ("acme/ops", "acme/web")
    assert policy_for(settings, "github").close_done
