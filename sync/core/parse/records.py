"""Incident records written as fields: the field that names the resolution holds the item.

An incident log often writes each incident as a list of short labelled fields::

    - Duration: 1h 36m
    - Impact: 504 responses
    - Cause: retries after 429 responses
    - Resolution: applied an 8 s timeout to every external call
    - Fix
      - Introduced Turnstile
      - Split the middleware matcher

Its "Resolution" (해결, 対策, 解决, Lösung, Solución …) field is what was changed because of the
incident: its value is one item, or, when the label stands alone over sub-entries, each sub-entry is
one — unless it says how the incident ended ("Natural network recovery"). A mitigation field (조치,
"Workaround") tells how the incident was stopped and is no item. Only a list that is a record is read
so — three or more fields, each a short label, or a problem written beside its solution ("- Issue 3:
…" then "- Solution: …") — so that a stray "Fix:" line in a story stays the story's; and only in a
document that keeps no action list of its own: beside one, the field sums up how the incident ended.
A solution that is an order ("Always do a trial run …") states no outcome; any other is done unless
its words promise it or say it is under way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sync.core.parse.blocks import Inline, Node, first_line, node_text
from sync.core.parse.evidence import fix_status
from sync.core.parse.items import ItemReader, _Text

# The field's label, then its value after an ASCII or a full-width colon (a label alone has none).
_FIELD = re.compile(r"^(?P<label>[^\s:：][^:：]{0,29}?)\s*(?:[:：]\s*(?P<value>.*))?$", re.DOTALL)
_RESOLUTION = re.compile(
    r"^(?:resolution|resolved(?: by)?|(?:permanent |final )?fix(?:e[sd])?(?: by)?|solution|solved by"
    r"|해결(?:책| 방법| 방안)?|재발 ?방지(?: ?대책)?|대책"
    r"|(?:恒久)?対策|再発防止策?|解決策?"
    r"|解决(?:方案|办法|措施)?|改进措施|修复"
    r"|lösung|behebung|solución|resolución|solução|resolução|résolution|correctif|rozwiązanie|naprawa"
    r"|решение|исправление)$",
    re.IGNORECASE,
)
# "Resolution: Both incidents resolved successfully", "Fix: natural network recovery": how it ended, no change.
_OUTCOME = re.compile(
    r"\b(?:resolved|recover(?:ed|s|y)|succeed(?:s|ed)?|normal|stabili[sz]ed|self-healed|by itself|unknown|none|n/a)\b"
    r"|^\W*$|\?\s*$",
    re.IGNORECASE,
)
# "Fix: [frontend #398](…)": a reference to the change, which its own tracker holds.
_REFERENCE = re.compile(r"[:：]\s*(?:\[[^\]]*\]\(|<?https?://|#\d)")
# The field naming the problem a resolution answers: "Issue 2:", "Problem:", "Symptom:", 問題, 문제.
_PROBLEM = re.compile(
    r"^(?:issue|problem|symptom|bug|failure|what went wrong|probl[eè]me|problema|问题|問題|문제)(?:\s*#?\d{1,3})?$",
    re.IGNORECASE,
)
_MIN_FIELDS = 3
_MAX_LABEL_WORDS = 4


def _paragraph(entry: Node) -> Node | None:
    return next((child for child in entry.children if child.type == "paragraph"), None)


def _field(entry: Node, paragraph: Node) -> tuple[str, str, Node | None] | None:
    """(label, value, the sub-list) of a list entry (opened by ``paragraph``) that is one field of a record."""
    text = node_text(paragraph).text.strip()
    match = _FIELD.match(text)
    if match is None or len(match.group("label").split()) > _MAX_LABEL_WORDS:
        return None
    sublist = next((c for c in entry.children if c.type in ("bullet_list", "ordered_list")), None)
    value = (match.group("value") or "").strip()
    if match.group("value") is None and sublist is None:
        return None  # a plain line, not a label
    return match.group("label").strip(), value, sublist


def read_resolution_fields(reader: ItemReader, nodes: Sequence[Node]) -> list[Node]:
    """Read the resolution field of every list in ``nodes`` that is an incident's record of fields; the
    records read, which no other reading takes for a list of actions."""
    records: list[Node] = []
    for node in nodes:
        if node.type not in ("bullet_list", "ordered_list"):
            continue
        fields = [
            (entry, field)
            for entry in node.children
            if (paragraph := _paragraph(entry)) is not None and (field := _field(entry, paragraph)) is not None
        ]
        resolutions = [(entry, field) for entry, field in fields if _RESOLUTION.match(field[0])]
        # A problem written beside its solution ("- Issue 3: Echo in an untested scene" then "- Solution:
        # Always do a trial run …") is a record of two fields.
        paired = len(fields) == 2 and len(node.children) == 2 and any(_PROBLEM.match(f[0]) for _, f in fields)
        if (len(fields) < _MIN_FIELDS and not paired) or not resolutions:
            continue
        records.append(node)
        for entry, (label, value, sublist) in resolutions:
            if value:
                source = reader.lines[first_line(entry) - 1] if 0 < first_line(entry) <= len(reader.lines) else ""
                if not _REFERENCE.search(source):
                    _keep(reader, value, first_line(entry), label)
            elif sublist is not None:
                entries = [(sub, paragraph) for sub in sublist.children if (paragraph := _paragraph(sub)) is not None]
                for sub, paragraph in entries:
                    _keep(reader, node_text(paragraph).text.strip(), first_line(sub), label)
    return records


# A sentence ends at ".", "!" or "?" before a capital; a colon closing the paragraph introduces what follows.
_FIRST_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\u00C0-\u00DD])")


def read_resolution_heading(reader: ItemReader, label: str, nodes: Sequence[Node]) -> bool:
    """ "**Résolution**" alone on its line over a paragraph: the same record written as pseudo-headings
    ("**Symptôme**", "**Diagnostic**", "**Résolution**" under each incident's heading). The paragraph's first
    sentence is the item; True when ``label`` names the resolution and a paragraph follows it."""
    if not _RESOLUTION.match(label.strip().rstrip(":：").strip()) or not nodes or nodes[0].type != "paragraph":
        return False
    text = node_text(nodes[0]).text.strip()
    _keep(reader, _FIRST_SENTENCE.split(text, maxsplit=1)[0], first_line(nodes[0]), label)
    return True


def _keep(reader: ItemReader, text: str, line: int, label: str) -> None:
    if _OUTCOME.search(text) or any(draft.line == line for draft in reader.drafts):
        return  # how the incident ended, or an entry another pass already read
    draft = reader.read_text(_Text(Inline(text)), line)
    if not draft.text:
        return
    status = fix_status(draft.text) if draft.status is None else None
    if status is not None:
        draft.status, draft.status_raw, draft.status_guessed = status, label, True
    draft.confidence = "low"
    reader.drafts.append(draft)
