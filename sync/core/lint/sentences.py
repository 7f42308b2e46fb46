"""Split a section's raw Markdown into sentences, each with the source line it starts on.

Blame findings must point at the exact line a sentence starts on, also when the sentence begins in
the middle of a wrapped paragraph, so the text is split into blocks (paragraphs, list items, table
cells, headings) that remember where each source line starts, and blocks into sentences.
Fenced code, HTML comments and inline code are blanked out: they are not prose.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Container, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sentence:
    """A sentence of prose (emphasis markers removed) and the line it starts on."""

    line: int
    text: str


_FENCE = re.compile(r"^\s*(```|~~~)")
# Lines that begin a new block rather than continue a wrapped paragraph: headings, quotes, list
# items and checkboxes (the marker is dropped), and lines opening with a bold label, a "Label:"
# field, a time or a date (timelines and summary fields are written one per line).
_BLOCK_MARKER = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+(?:\[[ xX]\]\s+)?|\d{1,3}[.)]\s+)")
_BLOCK_OPENER = re.compile(
    r"^\s*(?:\*\*|__|[A-Z][A-Za-z0-9 /()&'-]{0,40}:(?:\s|$)|\d{1,2}:\d{2}\b|\d{4}-\d{2}-\d{2}\b)"
)
# Possessive quantifiers: neighbouring optional blanks must not be re-split on a long line.
_TABLE_RULE = re.compile(r"^\s*+\|?+\s*+:?+-{2,}+:?+\s*+(?:\|\s*+:?+-{2,}+:?+\s*+)*+\|?+\s*+$")
_SETEXT_RULE = re.compile(r"^\s*(=+|-+)\s*$")
_INLINE_CODE = re.compile(r"(`+)[^`]*?\1")
_LINK_TARGET = re.compile(r"(?<=\])\([^)\s]*\)")
_EMPHASIS = re.compile(r"\*+|(?<!\w)_+|_+(?!\w)")
# A sentence ends at . ! or ? (optionally followed by closing quotes or brackets) and whitespace,
# when what follows looks like the start of a new sentence.
_BOUNDARY = re.compile(r"([.!?][\"'”’)\]]*)\s+(?=[\"'“‘(\[]*[A-Z@0-9])")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "vs", "mr", "mrs", "ms", "dr", "approx", "incl", "no", "cf", "st"})


def _blank(match: re.Match[str]) -> str:
    # Same length, newlines kept: offsets and line numbers stay valid.
    return re.sub(r"[^\n]", " ", match.group(0))


def _without_comments(text: str) -> str:
    """``text`` with HTML comments blanked. Scanned with ``str.find`` rather than a lazy regex, which
    rescans to the end from every ``<!--`` when no ``-->`` follows (quadratic)."""
    pieces: list[str] = []
    position = 0
    while True:
        start = text.find("<!--", position)
        end = text.find("-->", start + 4) if start >= 0 else -1
        if end < 0:
            pieces.append(text[position:])
            return "".join(pieces)
        end += 3
        pieces.append(text[position:start])
        pieces.append(re.sub(r"[^\n]", " ", text[start:end]))
        position = end


def _prose(text: str) -> str:
    text = _without_comments(text)
    text = _INLINE_CODE.sub(_blank, text)
    return _LINK_TARGET.sub(_blank, text)


@dataclass
class _Block:
    """Consecutive source lines of one paragraph, list item or cell, joined by single spaces.

    Parts are collected in lists and looked up by bisection: a paragraph of thousands of wrapped
    lines costs time linear in its length, not quadratic."""

    parts: list[str] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)  # offset in text where each source line starts
    lines: list[int] = field(default_factory=list)  # that source line
    length: int = 0
    _text: str | None = None

    def add(self, line: int, content: str) -> None:
        if self.parts:
            self.parts.append(" ")
            self.length += 1
        self.offsets.append(self.length)
        self.lines.append(line)
        self.parts.append(content)
        self.length += len(content)
        self._text = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = "".join(self.parts)
        return self._text

    def line_at(self, offset: int) -> int:
        return self.lines[max(bisect.bisect_right(self.offsets, offset) - 1, 0)]


def _blocks(text: str, first_line: int, skip_lines: Container[int]) -> Iterator[_Block]:
    block = _Block()
    in_fence = False
    for index, raw in enumerate(_prose(text).splitlines()):
        line = first_line + index
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence or line in skip_lines or not raw.strip() or _TABLE_RULE.match(raw) or _SETEXT_RULE.match(raw):
            if block.text:
                yield block
            block = _Block()
            continue
        if raw.lstrip().startswith("|"):
            if block.text:
                yield block
            block = _Block()
            for cell in raw.strip().strip("|").split("|"):
                if cell.strip():
                    cell_block = _Block()
                    cell_block.add(line, _EMPHASIS.sub("", cell).strip())
                    yield cell_block
            continue
        marker = _BLOCK_MARKER.match(raw)
        if marker or _BLOCK_OPENER.match(raw):
            if block.text:
                yield block
            block = _Block()
            raw = raw[marker.end() :] if marker else raw
        block.add(line, _EMPHASIS.sub("", raw).strip())
        if marker and marker.group(0).lstrip().startswith("#"):
            # A heading is one line: the next line starts a new block.
            yield block
            block = _Block()
    if block.text:
        yield block


_LONGEST_ABBREVIATION = max(len(word) for word in _ABBREVIATIONS)
_WORD_TAIL = re.compile(r"[\w.]*$")


def _ends_in_abbreviation(text: str, dot: int) -> bool:
    """Whether the word (``[\\w.]`` run) before ``text[dot]`` is an abbreviation, dots after it
    aside. Only a short window before the dot is examined: a longer word is no abbreviation, and
    searching the whole text before every full stop would be quadratic."""
    end = dot
    while end > 0 and text[end - 1] == ".":
        end -= 1
    window = text[max(0, end - _LONGEST_ABBREVIATION - 1) : end]
    word = _WORD_TAIL.search(window)
    assert word is not None  # the pattern also matches the empty tail
    return len(word.group(0)) <= _LONGEST_ABBREVIATION and word.group(0).lower() in _ABBREVIATIONS


def sentences(text: str, first_line: int, skip_lines: Container[int] = ()) -> Iterator[Sentence]:
    """Yield the sentences of Markdown ``text`` whose first line is source line ``first_line``.

    Lines in ``skip_lines`` (for example a nested action-item table) are treated as blank.
    """
    for block in _blocks(text, first_line, skip_lines):
        begin = 0
        for boundary in _BOUNDARY.finditer(block.text):
            if _ends_in_abbreviation(block.text, boundary.start()):
                continue
            yield from _sentence(block, begin, boundary.end(1))
            begin = boundary.end()
        yield from _sentence(block, begin, len(block.text))


def _sentence(block: _Block, begin: int, end: int) -> Iterator[Sentence]:
    chunk = block.text[begin:end]
    stripped = chunk.lstrip()
    if stripped.strip():
        offset = begin + len(chunk) - len(stripped)
        yield Sentence(line=block.line_at(offset), text=" ".join(stripped.split()))
