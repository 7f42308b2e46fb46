"""Write-back round trip on real documents: parse, write every item's ticket and status back, parse again.

The second parse must find the same items with the same fields; only the tickets gain the written one
(unless write-back left the item alone because a human's reference was already there) and the status
may change.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sync.core.model import ActionItem, PostMortem
from sync.core.parse import parse_document
from sync.core.writeback import ItemWriteback, plan_writeback

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus" / "shared"
DOCUMENTS = (
    sorted((ROOT / "examples" / "postmortems").glob("*.md"))
    + sorted(CORPUS.glob("s0*.md"))
    + sorted((ROOT / "tests" / "corpus" / "documents").glob("*.md"))  # real documents of every style
)
KEPT = ("number", "text", "owner", "priority", "priority_raw", "deadline", "deadline_raw", "kind", "group")

TicketStyle = Callable[[int], tuple[str, str]]  # item number → (markdown written, key expected)
STYLES: dict[str, TicketStyle] = {
    "bare": lambda n: (f"DEMO-{n}", f"DEMO-{n}"),
    "link": lambda n: (f"[PROJ-{n}](https://jira.example.com/browse/PROJ-{n})", f"PROJ-{n}"),
}


def parsed(text: str, path: Path) -> PostMortem:
    result = parse_document(text, str(path))
    assert result.postmortem is not None, [d.format() for d in result.diagnostics]
    return result.postmortem


def fields(item: ActionItem) -> dict[str, object]:
    return {name: getattr(item, name) for name in KEPT}


def test_the_round_trip_covers_documents_with_items() -> None:
    assert len(DOCUMENTS) >= 10
    with_items = [p for p in DOCUMENTS if parsed(p.read_text(encoding="utf-8"), p).action_items]
    assert len(with_items) >= 8


@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_written_back_document_parses_to_the_same_items(path: Path, style: str) -> None:
    text = path.read_text(encoding="utf-8")
    before = parsed(text, path).action_items
    updates = [
        ItemWriteback(number=i.number, line=i.line, ticket_markdown=STYLES[style](i.number)[0], status_label="Done")
        for i in before
    ]
    result = plan_writeback(text, updates)
    skipped = {number for number, _ in result.skipped}
    after = parsed(result.text, path).action_items
    assert [fields(i) for i in after] == [fields(i) for i in before]
    for old, new in zip(before, after, strict=True):
        keys = [t.key for t in new.tickets]
        if old.number not in skipped:
            assert STYLES[style](old.number)[1] in keys, (old.number, keys)
        for ticket in old.tickets:
            assert ticket.key in keys, (old.number, ticket.key, keys)
    # Applying it again changes nothing, and parses the same.
    again = plan_writeback(result.text, updates)
    assert again.text == result.text
