"""Issue 23 on GitHub: authors' Done kept and followed, self-links, adoption fallbacks, task lists.

Whole syncs (with write-back) against the fake GitHub on its simulated clock, held to GitHub's
description (``assert_clean``)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.cli.syncing import summary_line
from tests.contract.github_fixtures import REPO, assert_clean, start
from tests.fakes.github_server import FakeGitHub
from tests.integration.github_project import sync, write_project

DOC = """\
---
incident_id: {incident}
team: payments
industry: fintech
---
# Post-mortem: Checkout API returned 502s after config push ({incident})

## 1. Incident Summary
- **Incident ID:** {incident}
- **Date/Time:** 2026-01-02 14:02 UTC → 2026-01-02 16:47 UTC (Duration: 2h 45m)
- **Severity:** SEV-1
- **Review Date:** 2026-01-05

## 6. Action Items
| # | Action | Owner | Deadline | Priority | Status | Ticket |
|---|---|---|---|---|---|---|
| 1 | Route config pushes through canary for {incident} | @dana | | P0 | Done | |
| 2 | Alert on connection-pool exhaustion per deployment | alice@example.com | 2026-03-20 | P1 | Open | acme/ops#999 |
| 3 | Runbook for config rollback | @dana | | P2 | Done | acme/ops#998 |
| 4 | Load-test the pool limits | @dana | | P2 | In progress | |
"""


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = start()
    try:
        yield server
    finally:
        server.close()


def project(tmp_path: Path, fake: FakeGitHub, incidents: int = 2, *, compliance: bool = False) -> Path:
    config = write_project(tmp_path, fake, incidents=incidents, extra="")
    text = config.read_text(encoding="utf-8")
    if not compliance:
        text += "\n[compliance]\nenabled = false\n"
    config.write_text(text, encoding="utf-8")
    for path in (tmp_path / "docs").glob("*.md"):
        incident = path.stem.upper()
        path.write_text(DOC.format(incident=incident), encoding="utf-8")
    return config


def cells(path: Path) -> dict[int, tuple[str, str]]:
    """Item number → (status cell, ticket cell)."""
    rows = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("| ") and "---" not in line
    ]
    found = {}
    for row in rows[1:]:
        parts = [c.strip() for c in row.strip("|").split("|")]
        found[int(parts[0])] = (parts[5], parts[6])
    return found


@pytest.mark.parametrize("web", ["https://github.com", "https://ghe.example.com"])
def test_done_followed_fallbacks_attached_and_a_sync_after_write_back_changes_nothing(
    fake: FakeGitHub, tmp_path: Path, web: str
) -> None:
    fake.web_url = web
    config = project(tmp_path, fake)
    first = sync(config, fake, write_back=True)
    assert first.applied is not None and not first.applied.failures, first.applied.failures
    issues = fake.repo_issues(REPO)
    parents = [i for i in issues if "pmsync-incident" in i.labels]
    items = [i for i in issues if "pmsync-incident" not in i.labels]
    assert len(parents) == 2 and len(items) == 8
    for parent in parents:
        children = [fake.issues[i] for i in parent.sub_issue_ids]
        assert len(children) == 4, "every item is a sub-issue, the adoption fallbacks' too"
        done = [c for c in children if "canary" in c.title or "Runbook" in c.title]
        assert all(c.state == "closed" for c in done), [(c.title, c.state) for c in done]
        # The parent's task list ticks the closed ones.
        for child in children:
            box = "[x]" if child.state == "closed" else "[ ]"
            assert f"- {box} acme/ops#{child.number}" in (parent.body or ""), (box, child.number, parent.body)
    for path in (tmp_path / "docs").glob("*.md"):
        written = cells(path)
        assert written[1][0] == "Done" and written[3][0] == "Done", written
        assert written[2][1] == "acme/ops#999", "the author's reference is kept (and reported)"
    assert all("Related:" not in (i.body or "") or "acme/ops#99" in (i.body or "") for i in items)

    # A sync right after write-back: nothing to update, one conditional request per repository.
    second = sync(config, fake, write_back=True)
    assert second.applied is not None and second.applied.updated == [], second.applied.updated
    fake.counter.clear()
    fake.statuses.clear()
    third = sync(config, fake, write_back=True)
    assert "failed 0" in summary_line(third)
    assert third.applied is not None and third.applied.updated == []
    assert fake.statuses == Counter({304: 1}), fake.counter
    assert sum(fake.counter.values()) == 1, fake.counter
    for item in items:
        assert f"{web}/acme/ops/issues/{item.number}" not in (item.body or ""), "never related to itself"
    assert_clean(fake)


def test_the_parent_counts_every_child_the_compliance_item_too(fake: FakeGitHub, tmp_path: Path) -> None:
    config = project(tmp_path, fake, incidents=1, compliance=True)
    report = sync(config, fake)
    assert report.applied is not None and not report.applied.failures, report.applied.failures
    (parent,) = [i for i in fake.repo_issues(REPO) if "pmsync-incident" in i.labels]
    assert len(parent.sub_issue_ids) == 5, "four items and the compliance notification"
    assert "Action items: 5" in (parent.body or "")
