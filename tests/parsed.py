"""The action items the parser reads from a made-up document, for the tests of each class of writing."""

from __future__ import annotations

from sync.core.model import ActionItem
from sync.core.parse import parse_document


def items_of(title: str, body: str) -> tuple[ActionItem, ...]:
    """The action items of a document titled ``title`` holding ``body``, which must read as a post-mortem."""
    result = parse_document(f"# {title}\n\n{body}\n", "t.md")
    assert result.postmortem is not None
    return result.postmortem.action_items
