"""Where a document names another incident: every mention of a known incident id anywhere in its
text — a paragraph under the whys, a "Related incidents" list, a link's text or its address —
with the place it was found.

An id matches as a whole, case-insensitively: ``INC-2026-0001`` is found in "see inc-2026-0001."
and in ``https://wiki/pm/INC-2026-0001.html``, never inside ``INC-2026-00012`` or ``XINC-2026-0001``.
The ids are indexed by their first run of letters and digits and their shape (where that run
starts, how long the id is), so a text is read once whatever the number of known ids.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from reports.facts import IncidentFacts, TextSource

_RUN = re.compile(r"[^\W_]+")  # letters and digits


@dataclass(frozen=True, slots=True)
class Mention:
    """``incident`` (its index in the list the matcher was built from) named at ``place``."""

    incident: int
    place: str


class IdMatcher:
    """Finds the known ids in a text."""

    def __init__(self, ids: Mapping[str, int]) -> None:
        # first run of the id → its shape (where that run starts in it, its length) → the id
        # lower-cased → incident indexes. One look-up per shape, not one comparison per id: the
        # ids of a tracker share their first run ("inc"), and 200 of them made every "inc" in a
        # document cost 200 comparisons (issue 26).
        self._by_run: dict[str, dict[tuple[int, int], dict[str, list[int]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(list))
        )
        for incident_id, index in ids.items():
            lowered = incident_id.lower()
            first = _RUN.search(lowered)
            if first is not None:
                self._by_run[first.group()][(first.start(), len(lowered))][lowered].append(index)

    def find(self, source: TextSource) -> Iterator[Mention]:
        text = source.text.lower()
        for run in _RUN.finditer(text):
            shapes = self._by_run.get(run.group())
            if shapes is None:
                continue
            for (offset, length), by_id in shapes.items():
                start = run.start() - offset
                end = start + length
                if start < 0:
                    continue
                indexes = by_id.get(text[start:end])
                if indexes is None:
                    continue
                if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and _joins(text, end)):
                    continue
                place = _place(source, text, start)
                for index in indexes:
                    yield Mention(index, place)


def _joins(text: str, end: int) -> bool:
    """Whether the id found would run on into the next character (so it is part of a longer id)."""
    return text[end].isalnum() or (text[end] in "-_" and end + 1 < len(text) and text[end + 1].isalnum())


def _place(source: TextSource, text: str, position: int) -> str:
    where = source.place
    if source.line is not None:
        where += f", line {source.line + text.count(chr(10), 0, position)}"
    line_start = text.rfind("\n", 0, position) + 1
    before = text[line_start:position]
    word_start = max(before.rfind(" "), before.rfind("("), before.rfind("<")) + 1
    in_address = "://" in before[word_start:] or before.rstrip().endswith("](") or _in_link_target(before)
    return where + (" (link)" if in_address else "")


def _in_link_target(before: str) -> bool:
    """Inside the ``(…)`` of a Markdown link ``[text](…)`` that is not closed yet."""
    opening = before.rfind("](")
    return opening >= 0 and ")" not in before[opening + 2 :]


def mentions_of(incidents: list[IncidentFacts]) -> dict[int, dict[int, list[str]]]:
    """``{naming incident: {named incident: [places]}}`` (indexes into ``incidents``); a document
    naming its own id is not a mention."""
    matcher = IdMatcher({i.incident_id: n for n, i in enumerate(incidents) if i.incident_id})
    found: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for n, incident in enumerate(incidents):
        for source in incident.texts:
            for mention in matcher.find(source):
                if mention.incident != n and mention.place not in found[n][mention.incident]:
                    found[n][mention.incident].append(mention.place)
    return found
