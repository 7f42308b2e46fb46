"""The candidate pass: items outside the sections that name actions in so many words.

The structural pass (``document._Parser._action_items``) has read every block of the action sections.
This pass segments the rest of the document into candidate blocks — list items, table rows, checkbox
lines, plain lines and the sentences of paragraphs — and keeps those the evidence supports
(:mod:`sync.core.parse.evidence`):

- under a heading that leans towards actions ("Prevention", "What comes next?", "Remidiation"), a list
  item, row or line is kept when it reads as an action or states a field (owner, date, priority, ticket,
  status); it is ``high`` when the evidence is ample, else ``low``;
- anywhere but the narrative (timeline, what happened, root cause, impact, lessons), a sentence that
  commits to an action ("Over the next month we will …", "We have started to …") is a ``low`` candidate.

Candidates are numbered after the items of the structural pass, so that a document's numbering (the
key of its tickets) does not move when a candidate appears or goes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sync.core.parse.blocks import Inline, Node, first_line, inline_source, last_line, node_text, render_source
from sync.core.parse.evidence import (
    LEANING,
    NARRATIVE,
    NEUTRAL,
    STRONG,
    commits_in_prose,
    heading_strength,
    item_evidence,
)
from sync.core.parse.items import Draft, ItemReader, _Text
from sync.core.parse.sections import Header
from sync.core.parse.wording import reads_as_done

# Enough evidence for a ticket without asking: e.g. an order with an owner and a date, or a checkbox
# with an owner.
_HIGH = 3
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(\[])")
_INTRODUCES = re.compile(r":\s*$")


@dataclass
class _Region:
    header: Header | None
    strength: int
    blocks: list[int]


def read_candidates(
    reader: ItemReader,
    blocks: Sequence[Node],
    headers: Sequence[Header],
    covered: set[int],
) -> None:
    """Add the candidates of every block outside ``covered`` (the blocks the structural pass read)."""
    # A document's own action list is its record: beside it, a leaning section's bullets are discussion
    # ("How can we improve" in a retrospective) unless they state a field, and prose commitments repeat
    # what the list holds.
    listed = bool(reader.drafts)
    for region in _regions(blocks, headers):
        if region.strength == NARRATIVE:
            continue
        nodes = [(index, blocks[index]) for index in region.blocks]
        if region.strength >= LEANING and not any(index in covered for index, _ in nodes):
            _read_leaning(reader, region, [node for _, node in nodes], listed)
        if listed:
            continue
        for _, node in nodes:
            if node.type == "paragraph":
                _read_sentences(reader, node)


def _regions(blocks: Sequence[Node], headers: Sequence[Header]) -> list[_Region]:
    """The direct blocks of each heading (up to the next heading of any depth), with the heading's
    strength; a neutral sub-heading takes its parent's ("### Monitoring" under "## Prevention")."""
    starts = [h for h in headers if h.block is not None]
    regions: list[_Region] = []
    first = starts[0].block if starts else len(blocks)
    assert first is not None
    regions.append(_Region(None, NEUTRAL, list(range(first))))
    stack: list[tuple[Header, int]] = []
    for position, header in enumerate(starts):
        while stack and stack[-1][0].depth >= header.depth:
            stack.pop()
        own = heading_strength(header.title)
        if header.effective_kind == "title":
            own = NEUTRAL
        elif header.effective_kind == "actions":
            own = STRONG
        strength = own if own != NEUTRAL or not stack else stack[-1][1]
        stack.append((header, strength))
        assert header.block is not None
        end = starts[position + 1].block if position + 1 < len(starts) else len(blocks)
        assert end is not None
        regions.append(_Region(header, strength, list(range(header.block + 1, end))))
    return regions


def _read_leaning(reader: ItemReader, region: _Region, nodes: list[Node], listed: bool) -> None:
    structured = any(node.type in ("bullet_list", "ordered_list", "table") for node in nodes)
    done_heading = region.header is not None and _reports_work(region.header.title)
    for node in nodes:
        if node.type == "paragraph" and structured:
            continue  # beside a list, a paragraph introduces or comments on it
        before = len(reader.drafts)
        if node.type == "paragraph":
            reader.read_plain(node, None)
        else:
            reader.read_block(node, None)
        fresh = reader.drafts[before:]
        del reader.drafts[before:]
        for draft in fresh:
            score = _score(draft)
            if done_heading and reads_as_done(draft.text):
                score += 1
            if score < 1 or (listed and not _states_field(draft)):
                continue
            draft.confidence = "high" if score >= _HIGH else "low"
            reader.drafts.append(draft)


def _reports_work(title: str) -> bool:
    lowered = title.lower()
    return bool(re.search(r"\bwhat (?:we|was|has been|have been)\b.*\b(?:did|done|changed)\b|\bresol|\bfix", lowered))


def _states_field(draft: Draft) -> bool:
    return (
        draft.owner is not None
        or draft.deadline_raw is not None
        or draft.priority_raw is not None
        or bool(draft.tickets)
        or draft.status_marked
    )


def _score(draft: Draft) -> int:
    return item_evidence(
        draft.text,
        owner=draft.owner is not None,
        date=draft.deadline_raw is not None,
        priority=draft.priority_raw is not None,
        ticket=bool(draft.tickets),
        marked=draft.status_marked,
    )


def _read_sentences(reader: ItemReader, node: Node) -> None:
    """Committing sentences of a paragraph no item was read from."""
    start, end = first_line(node), last_line(node)
    if any(start <= draft.line <= end for draft in reader.drafts):
        return
    content, env = inline_source(node)
    rendered = render_source(content, env) if content else node_text(node)
    if _INTRODUCES.search(rendered.text):
        return  # "We will do the following:" introduces a list, it is no item itself
    for sentence in _SENTENCE.split(rendered.text):
        if not commits_in_prose(sentence) or item_evidence(sentence) < 1:
            continue
        draft = reader.read_text(_Text(Inline(sentence.strip())), _line_of(content, sentence, start))
        if not draft.text:
            continue
        draft.confidence = "low"
        reader.drafts.append(draft)


def _line_of(content: str, sentence: str, start: int) -> int:
    """The source line a sentence starts on (its first words located in the paragraph's source)."""
    probe = " ".join(sentence.split()[:3])
    for offset, raw in enumerate(content.split("\n")):
        if probe and probe.split()[0] in raw:
            return start + offset
    return start
