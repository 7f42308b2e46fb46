"""Properties: documents written in each common style (table, bullets with inline annotations,
numbered items with a bold title and elaboration, checkboxes, plain lines) give back exactly the
items they were generated from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.core.model import Priority, Status
from sync.core.parse import parse_document

STYLES = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_VERBS = ["Add", "Rotate", "Document", "Alert on", "Shard", "Cap", "Review", "Migrate", "Test", "Split"]
_NOUNS = ["cache", "queue", "runbook", "canary", "replica", "dashboard", "quota", "gateway", "backups", "schema"]
_PEOPLE = ["kim", "ravi", "dana", "mei", "kofi", "li"]


@dataclass(frozen=True)
class Spec:
    """One generated action item: what the document states about it."""

    text: str
    owner: str | None
    priority: Priority | None
    deadline: dt.date | None
    status: Status | None


def specs(*, status: bool = True, owner_prefix: str = "@") -> st.SearchStrategy[list[Spec]]:
    text = st.builds(
        lambda verb, nouns: f"{verb} {' '.join(nouns)}",
        st.sampled_from(_VERBS),
        st.lists(st.sampled_from(_NOUNS), min_size=1, max_size=4),
    )
    one = st.builds(
        Spec,
        text=text,
        owner=st.none() | st.sampled_from(_PEOPLE).map(lambda p: owner_prefix + p),
        priority=st.none() | st.sampled_from(list(Priority)),
        deadline=st.none() | st.dates(dt.date(2024, 1, 1), dt.date(2028, 12, 31)),
        status=(st.none() | st.sampled_from([Status.OPEN, Status.IN_PROGRESS, Status.DONE])) if status else st.none(),
    )
    return st.lists(one, min_size=1, max_size=6)


def parsed(body: str, heading: str = "## Action Items") -> list[Spec]:
    result = parse_document(f"# Outage 2026-03-04\n\n{heading}\n\n{body}", "styles.md")
    assert result.postmortem is not None
    assert not [d for d in result.diagnostics if d.severity.value == "error"]
    return [Spec(i.text, i.owner, i.priority, i.deadline, i.status) for i in result.postmortem.action_items]


def with_list_status(items: list[Spec]) -> list[Spec]:
    """A list that marks some items' status marks them all: the unmarked ones are open."""
    marked = any(s.status is not None for s in items)
    return [Spec(s.text, s.owner, s.priority, s.deadline, s.status or (Status.OPEN if marked else None)) for s in items]


_WORDS = {Status.OPEN: "Open", Status.IN_PROGRESS: "In progress", Status.DONE: "Done"}


@STYLES
@given(specs(owner_prefix=""))
def test_table_style(items: list[Spec]) -> None:
    rows = [
        f"| {s.text} | {s.owner or ''} | {s.priority or ''} | {s.deadline or ''} | {_WORDS.get(s.status, '')} |"  # type: ignore[arg-type]
        for s in items
    ]
    body = "| Action | Owner | Priority | Deadline | Status |\n|---|---|---|---|---|\n" + "\n".join(rows) + "\n"
    assert parsed(body) == items


def _annotations(s: Spec, status_word: bool = True) -> str:
    parts = [p for p in (s.priority, s.owner, f"due {s.deadline}" if s.deadline else None) if p]
    if status_word and s.status is not None:
        parts.append(_WORDS[s.status].lower())
    return f" ({', '.join(parts)})" if parts else ""


@STYLES
@given(specs())
def test_bullet_style_with_inline_annotations(items: list[Spec]) -> None:
    body = "".join(f"- {s.text}{_annotations(s)}\n" for s in items)
    assert parsed(body) == with_list_status(items)


@STYLES
@given(specs(), st.lists(st.sampled_from(_NOUNS), min_size=1, max_size=3))
def test_numbered_style_with_bold_title_and_elaboration(items: list[Spec], words: list[str]) -> None:
    blocks = []
    for number, s in enumerate(items, 1):
        lines = [f"{number}. **{s.text}**", f"   The {' '.join(words)} needs care."]
        lines += [f"   - Detail about the {word}" for word in words]
        if s.owner:
            lines.append(f"   - **Owner:** {s.owner}")
        if s.priority:
            lines.append(f"   - **Priority:** {s.priority}")
        if s.deadline:
            lines.append(f"   - **Due:** {s.deadline}")
        if s.status:
            lines.append(f"   - **Status:** {_WORDS[s.status]}")
        blocks.append("\n".join(lines))
    assert parsed("\n".join(blocks) + "\n") == with_list_status(items)


@STYLES
@given(specs(), st.lists(st.booleans(), min_size=6, max_size=6))
def test_checkbox_style(items: list[Spec], ticks: list[bool]) -> None:
    lines = []
    expected = []
    for s, ticked in zip(items, ticks, strict=False):
        prefix = f"{s.priority}: " if s.priority else ""
        deadline = f" by {s.deadline}" if s.deadline else ""
        owner = f" — {s.owner}" if s.owner else ""
        lines.append(f"- [{'x' if ticked else ' '}] {prefix}{s.text}{deadline}{owner}")
        expected.append(Spec(s.text, s.owner, s.priority, s.deadline, Status.DONE if ticked else Status.OPEN))
    assert parsed("\n".join(lines) + "\n") == expected


@STYLES
@given(specs(status=False))
def test_plain_line_style(items: list[Spec]) -> None:
    lines = []
    for s in items:
        notes = [
            f"{label}: {value}"
            for label, value in (("Owner", s.owner), ("Priority", s.priority), ("Due", s.deadline))
            if value
        ]
        lines.append(f"{s.text}." + (f" {', '.join(notes)}" if notes else ""))
    got = parsed("\n".join(lines) + "\n", heading="## Next steps")
    assert got == [Spec(f"{s.text}.", s.owner, s.priority, s.deadline, None) for s in items]
