"""Write-back as a pull request (issue 16, build item 7) against the fake GitHub server: one PR with the
filled cells, no write when nothing is new, one more commit for a new cell, a fresh PR after a merge, the
branch rebuilt when the base moved, and a refused PR reported with the documents on disk untouched."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sync.config.loading import load_settings
from sync.core.model import Status
from sync.core.parse import ParseOptions
from sync.errors import LockLost
from sync.pacing import BudgetPacer
from sync.pipeline import SyncOptions, WritebackRun, read_documents, run_sync, write_back_documents
from sync.retry import NO_WAIT
from sync.store.repository import SqlStateStore
from sync.store.write_ledger import SqlWriteLedger
from sync.trackers.github_http import GitHubHttp
from sync.trackers.local_tracker import LocalTracker
from sync.writeback.pull_request import PullRequestTarget, PullRequestWriter, RetriedRest, pull_request_writer
from tests.cli.test_cli_sync import write_doc
from tests.contract.github_fixtures import assert_clean
from tests.fakes.github_server import FakeGitHub, SimClock
from tests.planning import TODAY, FixedPolicy

DOCS = "acme/docs"
TOKEN = "ghp_secretDocsToken123"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    server = FakeGitHub(SimClock(), token=TOKEN).serve()
    server.add_repo(DOCS)
    yield server
    server.close()
    assert_clean(server)


class Rig:
    def __init__(self, engine: Engine, fake: FakeGitHub, root: Path) -> None:
        self.fake = fake
        self.root = root
        self.store = SqlStateStore(engine, "local")
        self.local = LocalTracker(engine)
        self.doc = write_doc(root / "docs" / "inc-100.md")
        fake.commit_files(DOCS, "main", {"docs/inc-100.md": self.doc.read_text(encoding="utf-8")})
        clock = fake.clock
        assert isinstance(clock, SimClock)
        # One pacer across the runs: simulated time only passes while it spaces the writes.
        self.pacer = BudgetPacer(clock=clock.now, sleep=clock.sleep, min_write_interval=1.0, budget_seconds=3600)

    def sync(self) -> None:
        report = run_sync(
            [self.doc],
            tracker=self.local,
            store=self.store,
            policy=FixedPolicy(),
            parse_options=ParseOptions(),
            today=TODAY,
            options=SyncOptions(),
            retry=NO_WAIT,
        )
        assert report.failed == 0

    def write_back(self, fence: Callable[[], None] = lambda: None) -> WritebackRun:
        writer = PullRequestWriter(self.rest(), PullRequestTarget(DOCS), self.root)
        pms = [i.postmortem for i in read_documents([self.doc], ParseOptions()).inputs]
        return write_back_documents(
            self.store, pms, tracker=self.local, retry=NO_WAIT, pull_request=writer, fence=fence
        )

    def rest(self) -> RetriedRest:
        clock = self.fake.clock
        assert isinstance(clock, SimClock)
        http = GitHubHttp(self.fake.client(), api_url=self.fake.url, token=TOKEN, pacer=self.pacer, clock=clock.now)
        return RetriedRest(http, NO_WAIT)

    def writes(self) -> int:
        return sum(n for key, n in self.fake.counter.items() if not key.startswith("GET"))

    def pulls(self) -> list[dict[str, object]]:
        return self.fake.repos[("acme", "docs")].pulls

    def branch_doc(self) -> str:
        text = self.fake.file_at(DOCS, "pmsync/write-back", "docs/inc-100.md")
        assert text is not None
        return text


def test_first_run_opens_one_pull_request_and_leaves_the_disk_alone(
    engine: Engine, fake: FakeGitHub, tmp_path: Path
) -> None:
    rig = Rig(engine, fake, tmp_path)
    rig.sync()
    before = rig.doc.read_bytes()
    run = rig.write_back()
    assert run.outcomes[str(rig.doc)].status == "written"
    assert run.pull_request is not None and run.pull_request.opened and run.pull_request.commits == 1
    [pr] = rig.pulls()
    assert (pr["state"], pr["head"], pr["base"]) == ("open", "pmsync/write-back", "main")
    assert run.pull_request.pull_url == f"https://github.com/acme/docs/pull/{pr['number']}"
    assert "| LOC-2 |" in rig.branch_doc() and "| LOC-2 |" not in before.decode()
    assert rig.doc.read_bytes() == before  # the documents on disk are not edited in PR mode
    assert fake.file_at(DOCS, "main", "docs/inc-100.md") == before.decode()
    # Only the table changed (a Ticket column added: header, delimiter, 3 rows); the rest byte-identical.
    new, old = rig.branch_doc().split("\n"), before.decode().split("\n")
    assert len(new) == len(old) and sum(a != b for a, b in zip(new, old, strict=True)) == 5

    # Nothing new: no write at all, still one pull request.
    writes = rig.writes()
    again = rig.write_back()
    assert rig.writes() == writes and len(rig.pulls()) == 1
    assert again.pull_request is not None and again.pull_request.commits == 0

    # A ticket closed since: one more commit on the same branch and pull request.
    ref = rig.local.ref("LOC-4")
    rig.local.transition(ref, Status.DONE)
    rig.sync()
    head = fake.repos[("acme", "docs")].refs["heads/pmsync/write-back"]
    third = rig.write_back()
    assert third.pull_request is not None and (third.pull_request.commits, third.pull_request.opened) == (1, False)
    assert len(rig.pulls()) == 1
    repo = fake.repos[("acme", "docs")]
    assert repo.commits[repo.refs["heads/pmsync/write-back"]]["parents"] == [head]
    assert "| Done | LOC-4 |" in rig.branch_doc()


def test_a_merged_pull_request_leads_to_a_fresh_one(engine: Engine, fake: FakeGitHub, tmp_path: Path) -> None:
    rig = Rig(engine, fake, tmp_path)
    rig.sync()
    rig.write_back()
    [first] = rig.pulls()
    fake.merge_pull(DOCS, int(str(first["number"])))
    merged = fake.file_at(DOCS, "main", "docs/inc-100.md")
    assert merged is not None
    rig.doc.write_text(merged, encoding="utf-8")  # the checkout pulled the merge
    writes = rig.writes()
    assert rig.write_back().pull_request is not None and rig.writes() == writes  # merged: nothing to propose
    rig.local.transition(rig.local.ref("LOC-4"), Status.DONE)
    rig.sync()
    run = rig.write_back()
    assert run.pull_request is not None and run.pull_request.opened and run.pull_request.rebuilt
    assert [p["state"] for p in rig.pulls()] == ["closed", "open"]
    repo = fake.repos[("acme", "docs")]
    assert repo.commits[repo.refs["heads/pmsync/write-back"]]["parents"] == [repo.refs["heads/main"]]


def test_a_base_edit_rebuilds_the_branch_from_the_new_base(engine: Engine, fake: FakeGitHub, tmp_path: Path) -> None:
    rig = Rig(engine, fake, tmp_path)
    rig.sync()
    rig.write_back()
    edited = rig.doc.read_text(encoding="utf-8") + "\nA note added on main.\n"
    fake.commit_files(DOCS, "main", {"docs/inc-100.md": edited})
    # The checkout has not pulled yet: its copy is not the base's, so nothing stale is pushed.
    writes = rig.writes()
    stale = rig.write_back()
    assert stale.outcomes[str(rig.doc)].status == "skipped-modified" and rig.writes() == writes
    rig.doc.write_text(edited, encoding="utf-8")
    run = rig.write_back()
    assert run.pull_request is not None and run.pull_request.rebuilt and not run.pull_request.opened
    assert len(rig.pulls()) == 1
    repo = fake.repos[("acme", "docs")]
    assert repo.commits[repo.refs["heads/pmsync/write-back"]]["parents"] == [repo.refs["heads/main"]]
    assert rig.branch_doc().endswith("A note added on main.\n") and "| LOC-2 |" in rig.branch_doc()


def test_a_refused_pull_request_is_reported_and_nothing_leaks(
    engine: Engine, fake: FakeGitHub, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    rig = Rig(engine, fake, tmp_path)
    rig.sync()
    before = rig.doc.read_bytes()
    fake.fail_next(403, match="POST /repos/acme/docs/pulls", times=3)  # NO_WAIT's three attempts
    run = rig.write_back()
    outcome = run.outcomes[str(rig.doc)]
    assert outcome.status == "failed"
    assert "pull request not updated: github POST /repos/acme/docs/pulls: You have exceeded" in outcome.detail
    assert run.pull_request is None and rig.pulls() == []
    assert rig.doc.read_bytes() == before
    assert TOKEN not in caplog.text and TOKEN not in outcome.detail
    # The next run opens it (the branch is there, with no open pull request: rebuilt from base).
    retried = rig.write_back()
    assert retried.pull_request is not None and retried.pull_request.opened and len(rig.pulls()) == 1


def test_a_secondary_rate_limit_is_waited_out_through_the_pacer_and_retried(
    engine: Engine, fake: FakeGitHub, tmp_path: Path
) -> None:
    """Issue 25: the pull request's requests went through a caller of their own that never raised
    RateLimited, never fed the pacer and never retried; now they share the tracker's edge."""
    rig = Rig(engine, fake, tmp_path)
    rig.sync()
    clock = fake.clock
    assert isinstance(clock, SimClock)
    fake.fail_next(403, retry_after=30, match="POST /repos/acme/docs/pulls")
    slept = clock.slept
    run = rig.write_back()
    assert run.pull_request is not None and run.pull_request.opened and len(rig.pulls()) == 1
    assert clock.slept - slept >= 30, "the pacer learnt Retry-After from the refused answer"


def test_a_run_that_lost_its_lock_opens_no_pull_request(engine: Engine, fake: FakeGitHub, tmp_path: Path) -> None:
    rig = Rig(engine, fake, tmp_path)
    rig.sync()
    writes = rig.writes()

    def lost() -> None:
        raise LockLost("the run lock was lost", hint="another run holds it now")

    run = rig.write_back(fence=lost)
    assert run.outcomes[str(rig.doc)].status == "failed" and "lock was lost" in run.outcomes[str(rig.doc)].detail
    assert rig.writes() == writes and rig.pulls() == []


def test_a_document_outside_the_root_or_missing_on_base_fails_alone(
    engine: Engine, fake: FakeGitHub, tmp_path: Path
) -> None:
    rig = Rig(engine, fake, tmp_path / "checkout")
    rig.sync()
    outside = PullRequestWriter(
        rig.rest(),
        PullRequestTarget(DOCS),
        tmp_path / "elsewhere",
    )
    assert outside.propose(rig.doc, "0" * 64, []).status == "failed"
    fake.repos[("acme", "docs")].refs.pop("heads/main")
    run = rig.write_back()
    assert run.outcomes[str(rig.doc)].status == "failed" and "no branch main" in run.outcomes[str(rig.doc)].detail


def test_the_pull_request_writes_count_in_the_tracker_s_write_windows(
    engine: Engine, fake: FakeGitHub, tmp_path: Path
) -> None:
    """The branch, commit and pull-request writes share GitHub's secondary-limit windows with the
    tracker's writes to the same host (the store's ledger): a window the tracker filled is waited
    out before the first write-back write, and the write-back's writes are recorded for the next run."""
    rig = Rig(engine, fake, tmp_path)
    rig.sync()
    clock = fake.clock
    assert isinstance(clock, SimClock)
    config = tmp_path / "pmsync.toml"
    config.write_text(
        f'[tracker]\nkind = "github"\nrepo = "{DOCS}"\napi_url = "{fake.url}"\nwrites_per_minute = 3\n'
        '[writeback]\nmode = "pr"\n',
        encoding="utf-8",
    )
    settings = load_settings(config, {"PMSYNC_GITHUB_TOKEN": TOKEN})
    ledger = SqlWriteLedger.for_github(engine, fake.url)
    for _ in range(3):  # the tracker's writes fill this minute's window
        ledger.record(clock.now())
    writer = pull_request_writer(
        settings,
        rig.pacer,
        environ={},
        http=fake.client(),
        retry=NO_WAIT,
        clock=clock.now,
        ledger=lambda api_url: SqlWriteLedger.for_github(engine, api_url),
    )
    slept = clock.slept
    pms = [i.postmortem for i in read_documents([rig.doc], ParseOptions()).inputs]
    run = write_back_documents(rig.store, pms, tracker=rig.local, retry=NO_WAIT, pull_request=writer)
    assert run.pull_request is not None and run.pull_request.opened
    assert clock.slept - slept >= 59, "the first write waited for the tracker's full minute to pass"
    recorded = len(ledger.recent(clock.now() - dt.timedelta(hours=1)))
    writes = sum(n for key, n in fake.counter.items() if not key.startswith("GET"))
    assert recorded == 3 + writes, "every write-back write is in the ledger the tracker reads"
