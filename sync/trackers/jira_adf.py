"""Ticket bodies as Jira wants them: ADF (Cloud, REST v3) and wiki markup (Data Center, REST v2).

pmsync's bodies are plain text, one fact per line (``sync.core.plan`` writes them). Both
conversions keep one line per paragraph and turn bare ``http(s)://`` URLs into links, and both
read back to exactly the text they were made from, so an unchanged body never looks edited
(the engine compares what it wrote with what the tracker holds). A body a person reshaped in
Jira (tables, lists, mentions) reads back as its text content, which differs, as it should.
"""

from __future__ import annotations

import re
from typing import Any

_URL = re.compile(r"https?://[^\s<>\"|\]\[]+")
# Wiki markup treats these as formatting at the start of a word or line; escaping them keeps a
# line such as "- rotate keys *now*" literal.
_WIKI_SPECIAL = re.compile(r"([\\*_+\-^~?{}\[\]|!#])")


def _inline(line: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    at = 0
    for match in _URL.finditer(line):
        if match.start() > at:
            nodes.append({"type": "text", "text": line[at : match.start()]})
        url = match.group(0)
        nodes.append({"type": "text", "text": url, "marks": [{"type": "link", "attrs": {"href": url}}]})
        at = match.end()
    if at < len(line):
        nodes.append({"type": "text", "text": line[at:]})
    return nodes


def to_adf(text: str) -> dict[str, Any]:
    """Plain text → an ADF document, one paragraph per line (an empty line → an empty paragraph)."""
    content: list[dict[str, Any]] = []
    for line in text.split("\n"):
        paragraph: dict[str, Any] = {"type": "paragraph"}
        inline = _inline(line)
        if inline:
            paragraph["content"] = inline
        content.append(paragraph)
    return {"type": "doc", "version": 1, "content": content}


def _text_of(node: Any) -> str:
    if not isinstance(node, dict):
        return ""
    if node.get("type") == "text":
        return str(node.get("text", ""))
    if node.get("type") == "hardBreak":
        return "\n"
    return "".join(_text_of(child) for child in node.get("content") or [])


def from_adf(doc: Any) -> str | None:
    """An ADF document → its text, one line per top-level block; ``None`` for no document."""
    if not isinstance(doc, dict):
        return None
    return "\n".join(_text_of(block) for block in doc.get("content") or [])


def to_wiki(text: str) -> str:
    """Plain text → wiki markup: special characters escaped, URLs kept as links (``[url]``)."""
    lines = []
    for line in text.split("\n"):
        out: list[str] = []
        at = 0
        for match in _URL.finditer(line):
            out.append(_WIKI_SPECIAL.sub(r"\\\1", line[at : match.start()]))
            out.append(f"[{match.group(0)}]")
            at = match.end()
        out.append(_WIKI_SPECIAL.sub(r"\\\1", line[at:]))
        lines.append("".join(out))
    return "\n".join(lines)


def from_wiki(markup: Any) -> str | None:
    """The inverse of :func:`to_wiki` for what it produces; ``None`` for no description."""
    if not isinstance(markup, str):
        return None
    unlinked = re.sub(r"\[(https?://[^\]\s|]+)\]", r"\1", markup)
    return re.sub(r"\\(.)", r"\1", unlinked)
