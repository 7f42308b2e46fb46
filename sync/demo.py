"""``pmsync demo``: the whole loop on the embedded tracker, no account and no network.

Copies the bundled example post-mortems into a directory, writes a ``pmsync.toml`` there, syncs
(with write-back), plays the team by moving some tickets along, pulls the statuses back, writes
them into the documents and summarises completion. Rerunning it in the same directory creates
nothing new: it is an ordinary pmsync project.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import sync
from sync.core.model import Status
from sync.errors import UsageError
from sync.pipeline import SyncReport, write_back_documents
from sync.pull import PullResult, pull
from sync.runtime import Runtime, open_runtime, source_paths
from sync.store.lock import run_lock
from sync.trackers.local_tracker import LocalTracker

CONFIG = """\
# Written by `pmsync demo`. Every key is documented in config.example.toml.
[sources]
paths = ["postmortems/*.md"]

[state]
url = "sqlite:///{db}"

[tracker]
kind = "local"
project_prefix = "DEMO"

[calendar]
country = "US"
"""

# How the demo's "team" works the tickets: (position among an incident's items, new status).
MOVES = ((0, Status.DONE), (1, Status.IN_PROGRESS), (2, Status.WONT_DO))


@dataclass(frozen=True)
class DemoResult:
    directory: Path
    config: Path
    database: Path
    documents: list[Path]
    first: SyncReport
    moved: list[tuple[str, Status]]
    pulled: PullResult


SOURCE_ROOT = Path(sync.__file__).resolve().parents[1]


def examples_dir(environ: Mapping[str, str] | None = None, source_root: Path = SOURCE_ROOT) -> Path:
    """The bundled examples: ``$PMSYNC_EXAMPLES``, else ``examples/postmortems`` of the source tree."""
    env = (os.environ if environ is None else environ).get("PMSYNC_EXAMPLES")
    candidates = [Path(env)] if env else []
    candidates.append(source_root / "examples" / "postmortems")
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.glob("*.md")):
            return candidate
    raise UsageError(
        "the example post-mortems were not found",
        hint="run the demo from a source checkout (pip install -e .) or set PMSYNC_EXAMPLES",
    )


def prepare(directory: Path | None, examples: Path) -> Path:
    # Absolute, so that every path the demo prints works from wherever the next command runs.
    target = Path(os.path.abspath(directory or tempfile.mkdtemp(prefix="pmsync-demo-")))
    docs = target / "postmortems"
    docs.mkdir(parents=True, exist_ok=True)
    for source in sorted(examples.glob("*.md")):
        destination = docs / source.name
        if not destination.exists():  # a rerun keeps the written-back documents
            shutil.copyfile(source, destination)
    config = target / "pmsync.toml"
    if not config.exists():
        config.write_text(CONFIG.format(db=target / "pmsync.db"), encoding="utf-8")
    return target


def _work_tickets(rt: Runtime) -> list[tuple[str, Status]]:
    """Move a few open tickets along, as a team would between two syncs."""
    tracker = rt.tracker
    assert isinstance(tracker, LocalTracker)
    moved: list[tuple[str, Status]] = []
    by_incident: dict[str, list[str]] = {}
    for row in rt.store.status_rows():
        if row.ticket is not None and row.present and row.status is Status.OPEN:
            by_incident.setdefault(row.incident_key, []).append(row.ticket.key)
    for keys in by_incident.values():
        for position, status in MOVES:
            if position < len(keys):
                tracker.set_status(keys[position], status)
                moved.append((keys[position], status))
    return moved


def run_demo(directory: Path | None) -> DemoResult:
    target = prepare(directory, examples_dir())
    config = target / "pmsync.toml"
    rt = open_runtime(config)
    try:
        documents = source_paths(rt.settings, (), target)
        first = rt.sync(documents, rt.sync_options(write_back=True, command="demo"))
        moved = _work_tickets(rt)
        with run_lock(rt.engine):
            pulled = pull(rt.tracker, rt.store, retry=rt.retry)
        # Parse again: the first write-back changed the documents.
        reread = rt.sync(documents, rt.sync_options(dry_run=True, command="demo"))
        write_back_documents(rt.store, (r.postmortem for r in reread.documents if r.ok and r.postmortem))
    finally:
        rt.close()
    return DemoResult(
        directory=target,
        config=config,
        database=target / "pmsync.db",
        documents=documents,
        first=first,
        moved=moved,
        pulled=pulled,
    )
