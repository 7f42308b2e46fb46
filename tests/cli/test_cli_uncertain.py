"""Issue 27 from the command line: low-confidence items are listed by plan, sync and lint as uncertain
(file and line) and ticketed only with ``[parse] uncertain = "ticket"``."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from sync.cli.main import cli

DOC = """\
---
incident_id: INC-300
severity: SEV-2
started: 2026-03-05T13:20:00Z
ended: 2026-03-05T14:02:00Z
review_date: 2026-03-06
---
# Cache outage on the checkout path

## What comes next?
- Alert on cache evictions (P1, @dana, due 2026-04-01)
- Review the cache sizing
"""


def project(tmp_path: Path, uncertain: str | None = None) -> Path:
    parse = f'\n[parse]\nuncertain = "{uncertain}"\n' if uncertain else ""
    (tmp_path / "pmsync.toml").write_text(
        f'[sources]\npaths = ["docs/*.md"]\n\n[state]\nurl = "sqlite:///{tmp_path / "state.db"}"\n\n'
        f'[tracker]\nkind = "local"\n{parse}',
        encoding="utf-8",
    )
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "inc-300.md").write_text(DOC, encoding="utf-8")
    return tmp_path / "pmsync.toml"


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def test_plan_lists_the_uncertain_item_and_plans_only_the_certain_one(tmp_path: Path) -> None:
    result = run(project(tmp_path), "plan")
    assert result.exit_code == 0, result.output
    assert "INC-300#1" in result.output and "INC-300#2" not in result.output
    assert "inc-300.md:12: warning PM051 uncertain: item 2 'Review the cache sizing' (line 12), add it to the" in (
        result.output
    )
    assert "(not ticketed)" in result.output


def test_sync_tickets_only_certain_items_and_says_so(tmp_path: Path) -> None:
    config = project(tmp_path)
    for _ in range(2):  # twice: the uncertain item is asked about again, and nothing is duplicated
        result = run(config, "sync")
        assert result.exit_code == 0, result.output
        assert "PM051 uncertain" in result.output
        tickets = json.dumps(json.loads(run(config, "tickets", "list", "--format", "json").output))
        assert tickets.count("Alert on cache evictions") == 1
        assert "Review the cache sizing" not in tickets


def test_uncertain_ticket_setting_tickets_them_too(tmp_path: Path) -> None:
    result = run(project(tmp_path, "ticket"), "plan")
    assert result.exit_code == 0, result.output
    assert "INC-300#2" in result.output
    assert "(not ticketed)" not in result.output


def test_bad_uncertain_value_names_the_key(tmp_path: Path) -> None:
    result = run(project(tmp_path, "maybe"), "plan")
    assert result.exit_code == 2
    assert "[parse] uncertain" in result.output


def test_lint_asks_about_the_uncertain_item_and_holds_only_certain_ones_to_the_item_rules(tmp_path: Path) -> None:
    project(tmp_path)
    result = CliRunner().invoke(cli, ["lint", str(tmp_path / "docs" / "inc-300.md")], catch_exceptions=False)
    assert "inc-300.md:12: warning PM051 uncertain" in result.output
    # The uncertain item states no owner: that is a question (PM051), not a missing-owner error.
    assert "LINT101" not in result.output
