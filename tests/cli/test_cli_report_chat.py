"""Issue 28 §6 end to end: `pmsync report overdue --nudge` posts chat nudges to Slack, Microsoft
Teams and Google Chat incoming webhooks (a loopback receiver checks each payload's shape), once
per cadence; `--publish` posts a summary, not Markdown tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli.main import cli
from tests.cli.chat_receiver import Receiver, check_google_chat, check_slack, check_teams, receiver

CHAT = """
[reports]
quiet_hours = [0, 0]
nudge_every_days = 7
escalate_after_days = 270
report_url = "https://pmsync.example/reports/"
formats = ["markdown", "html"]
webhook_url_env = "PMSYNC_TEST_PUBLISH_HOOK"
output_dir = "{out}"

[[reports.chat]]
kind = "slack"
url_env = "PMSYNC_TEST_SLACK_HOOK"

[[reports.chat]]
kind = "teams"
team = "patient-experience"
group = "team"
url_env = "PMSYNC_TEST_TEAMS_HOOK"

[[reports.chat]]
kind = "google_chat"
team = "identity"
url_env = "PMSYNC_TEST_GCHAT_HOOK"

[[owners.entries]]
name = "Amara Okafor"
handles = ["amara"]
slack = "U0AMARA01"
teams = "amara@example.com"
google_chat = "users/1111"

[[owners.entries]]
name = "Wei Chen"
handles = ["wei"]
slack = "U0WEICHEN"
teams = "wei@example.com"
google_chat = "users/2222"
"""


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    result = CliRunner().invoke(cli, ["demo", str(tmp_path / "demo")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    config = tmp_path / "demo" / "pmsync.toml"
    config.write_text(config.read_text(encoding="utf-8") + CHAT.format(out=tmp_path / "out"), encoding="utf-8")
    return config


def run(config: Path, hooks: Receiver, *args: str) -> tuple[int, str]:
    env = {
        "PMSYNC_TEST_SLACK_HOOK": hooks.url + "/slack",
        "PMSYNC_TEST_TEAMS_HOOK": hooks.url + "/teams",
        "PMSYNC_TEST_GCHAT_HOOK": hooks.url + "/gchat",
        "PMSYNC_TEST_PUBLISH_HOOK": hooks.url + "/publish",
    }
    result = CliRunner().invoke(cli, ["--config", str(config), *args], env=env, catch_exceptions=False)
    return result.exit_code, result.stderr


def test_nudges_reach_each_chat_in_its_format_once_per_cadence(demo: Path) -> None:
    with receiver() as hooks:
        code, err = run(demo, hooks, "report", "overdue", "--nudge", "--dry-run")
        assert code == 0, err
        assert "chat message(s) due" in err and hooks.posts == []  # a dry run posts nothing

        code, err = run(demo, hooks, "report", "overdue", "--nudge")
        assert code == 0, err
        slack, teams, gchat = hooks.bodies("/slack"), hooks.bodies("/teams"), hooks.bodies("/gchat")
        assert slack and teams and gchat
        slack_texts = [check_slack(body) for body in slack]
        teams_texts = [check_teams(body) for body in teams]
        gchat_texts = [check_google_chat(body) for body in gchat]
        # One message per owner in the default channel; Wei (no team) is mentioned by id.
        assert any("<@U0WEICHEN>" in text for text in slack_texts)
        assert all(text.count("Action items for ") + text.count("Escalation for team ") == 1 for text in slack_texts)
        # Overdue 270 days or more (the demo's oldest items): one message per team, in its channel.
        assert any("Escalation for team payments" in text for text in slack_texts)
        # Teams: one message for the whole team, Amara mentioned through a declared entity.
        (reminder,) = [n for n, text in enumerate(teams_texts) if "Action items for patient-experience" in text]
        entities = teams[reminder]["attachments"][0]["content"]["msteams"]["entities"]
        amara = {"id": "amara@example.com", "name": "Amara Okafor"}
        assert {"type": "mention", "text": "<at>Amara Okafor</at>", "mentioned": amara} in entities
        assert all("<https://pmsync.example/reports/|open>" in text for text in gchat_texts)
        assert "chat: sent to slack: " in err

        posted = len(hooks.posts)
        code, err = run(demo, hooks, "report", "overdue", "--nudge")
        assert code == 0, err
        assert len(hooks.posts) == posted  # reminded today: not again before nudge_every_days


def test_publish_posts_a_summary_with_a_link_not_markdown_tables(demo: Path) -> None:
    with receiver() as hooks:
        code, err = run(demo, hooks, "report", "weekly", "--publish")
        assert code == 0, err
        (body,) = hooks.bodies("/publish")
        text = check_slack(body)
        assert "Completion:" in text
        assert "/reports/weekly-" in text and ".html|open>" in text
        assert not any(line.lstrip("• ").startswith("|") for line in text.splitlines())
        assert json.dumps(body).count("|---") == 0
