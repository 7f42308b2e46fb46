"""``[tracker] link_items`` (issue 26): item tickets are chained with links only on request.

Items already hang under their incident's parent, so a chain of "relates" links between siblings adds
no information and costs one request per item: off by default; the links that mean something (a repeat
incident's parents) are made either way (``test_cli_sync_repeats.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli.main import cli
from sync.store.engine import make_engine
from sync.store.repository import SqlStateStore
from sync.trackers.local_tracker import LocalTracker

DOC = """# Checkout pool exhausted

**Incident ID:** INC-2026-0001
**Severity:** SEV-2
**Start Time:** 2026-02-03 10:00 UTC
**End Time:** 2026-02-03 11:30 UTC

## Action Items
| # | Action | Owner | Deadline | Priority | Status |
|---|---|---|---|---|---|
| 1 | Tie the pool size to the worker count | @kim | 2026-02-10 | P1 | Open |
| 2 | Alert on pool saturation per deployment | @kim | 2026-02-12 | P1 | Open |
| 3 | Review capacity settings in every deploy | @kim | 2026-02-20 | P2 | Open |
"""


def _sync(tmp_path: Path, tracker_section: str) -> tuple[list[list[str]], str]:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "inc-1.md").write_text(DOC, encoding="utf-8")
    db = tmp_path / "state.db"
    config = tmp_path / "pmsync.toml"
    config.write_text(
        f'[sources]\npaths = ["docs/*.md"]\n\n[state]\nurl = "sqlite:///{db}"\n\n{tracker_section}', encoding="utf-8"
    )
    outputs = []
    for _ in range(2):  # the second run plans no link either way
        result = CliRunner().invoke(cli, ["--config", str(config), "sync"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    engine = make_engine(f"sqlite:///{db}")
    try:
        store = SqlStateStore(engine, "local")
        tracker = LocalTracker(engine)
        links = []
        for number in (1, 2, 3):
            ref = store.ticket_for(f"INC-2026-0001#{number}")
            assert ref is not None
            links.append(sorted(other.key for other in tracker.links_of(ref.key)))
    finally:
        engine.dispose()
    return links, outputs[1]


def test_item_tickets_are_not_chained_by_default(tmp_path: Path) -> None:
    links, _second = _sync(tmp_path, "")
    assert links == [[], [], []]


@pytest.mark.parametrize("section", ['[tracker]\nkind = "local"\nlink_items = true\n'])
def test_link_items_chains_consecutive_items_once(tmp_path: Path, section: str) -> None:
    links, second = _sync(tmp_path, section)
    assert [len(found) for found in links] == [1, 2, 1]  # 1-2, 2-3
    assert "linked" not in second  # nothing new on the second run


def test_link_items_must_be_a_boolean(tmp_path: Path) -> None:
    config = tmp_path / "pmsync.toml"
    config.write_text('[tracker]\nkind = "local"\nlink_items = "sometimes"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "plan", str(tmp_path)])
    assert result.exit_code == 2
    assert "[tracker] link_items" in result.output
