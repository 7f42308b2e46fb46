"""What pmsync writes into GitHub issues, end to end through the fake (validated against GitHub's
description): bodies with the document link, severity and team labels without a second priority
label, ``close_done`` once per document change, and a person-edited body left alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.trackers.github_body import split_body
from tests.contract.github_fixtures import REPO, assert_clean, start
from tests.fakes.github_server import FakeGitHub, FakeIssue
from tests.integration.github_project import sync, write_project

URL = "https://github.com/acme/postmortems/blob/main/{path}"
DOC_URL = "https://github.com/acme/postmortems/blob/main/docs/inc-1000.md"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = start()
    try:
        yield server
        assert_clean(server)
    finally:
        server.close()


def project(tmp_path: Path, fake: FakeGitHub, *, close_done: bool | None = None) -> Path:
    extra = "" if close_done is None else f"close_done = {str(close_done).lower()}"
    config = write_project(tmp_path, fake, incidents=1, extra=extra)
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('paths = ["docs/*.md"]', f'paths = ["docs/*.md"]\ndocument_url = "{URL}"'))
    return config


def issue(fake: FakeGitHub, start_of_title: str) -> FakeIssue:
    (found,) = [i for i in fake.repo_issues(REPO) if i.title.startswith(start_of_title)]
    return found


def text(found: FakeIssue) -> list[str]:
    return split_body(found.body)[0].splitlines()


def edit_doc(config: Path, old: str, new: str) -> None:
    doc = config.parent / "docs" / "inc-1000.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_bodies_and_labels(fake: FakeGitHub, tmp_path: Path) -> None:
    config = project(tmp_path, fake)
    sync(config, fake)
    parent = issue(fake, "INC-1000:")
    assert f"Post-mortem: {DOC_URL}" in text(parent) and "Severity: SEV-1" in text(parent)
    item = issue(fake, "Alert on connection-pool")
    lines = text(item)
    for line in (
        "Incident: INC-1000 — Post-mortem: Checkout API returned 502s after config push (INC-1000)",
        "Owner (as written): alice@example.com",
        "Due: 2026-03-20 (given by the document)",
        f"Post-mortem: {DOC_URL}",
    ):
        assert line in lines
    assert any(line.startswith("Due: ") and "(derived from priority P0)" in line for line in text(issue(fake, "Route")))
    assert {"pmsync", "severity-sev-1", "team-payments", "priority:P1"} <= set(item.labels)
    assert not any(label.startswith("priority-") for label in item.labels), "one priority label, GitHub's own"
    again = sync(config, fake)
    assert again.applied is not None and again.applied.updated == []


def test_a_person_edited_body_is_left_alone_and_reported(fake: FakeGitHub, tmp_path: Path) -> None:
    config = project(tmp_path, fake)
    sync(config, fake)
    edited = issue(fake, "Runbook")
    fake.human_edit(REPO, edited.number, body="A person's own words")
    edit_doc(config, "SEV-1", "SEV-2")
    report = sync(config, fake)
    assert report.applied is not None
    assert "Severity: SEV-2" in text(issue(fake, "Route"))
    assert fake.issue(REPO, edited.number).body == "A person's own words"
    assert any("INC-1000#3" in c for c in report.applied.conflicts), report.applied.conflicts


@pytest.mark.parametrize(("close_done", "closed"), [(None, True), (True, True), (False, False)])
def test_close_done_once_per_document_change(
    fake: FakeGitHub, tmp_path: Path, close_done: bool | None, closed: bool
) -> None:
    config = project(tmp_path, fake, close_done=close_done)
    sync(config, fake)
    edit_doc(config, "| P1 | Open |", "| P1 | Done |")
    sync(config, fake, pull=False)
    done = issue(fake, "Alert on connection-pool")
    assert (done.state, done.state_reason) == (("closed", "completed") if closed else ("open", None))
    assert issue(fake, "Route").state == "open"
    if closed:
        fake.human_edit(REPO, done.number, state="open")
        sync(config, fake, pull=False)
        assert fake.issue(REPO, done.number).state == "open", "a reopened issue is not closed again"
