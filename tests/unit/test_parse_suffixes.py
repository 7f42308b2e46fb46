"""Item-text suffixes: trailing ticket references are peeled off first, then owner/status/deadline suffixes.

Write-back appends `` (<ticket>)`` to a list item's first line, after whatever the author wrote, so every
suffix shape must still be read when a reference follows it.
"""

from __future__ import annotations

from typing import Any

import pytest

from sync.core.model import ActionItem, Status
from sync.core.parse import parse_document

PROJ_12 = "[PROJ-12](https://jira.example.com/browse/PROJ-12)"


def only(line: str) -> ActionItem:
    result = parse_document(f"# Outage\n\n## Action Items\n\n{line}\n", "t.md")
    assert result.postmortem is not None
    items = result.postmortem.action_items
    assert len(items) == 1, [i.text for i in items]
    return items[0]


SHAPES: list[tuple[str, dict[str, Any]]] = [
    (
        "- [x] P0: Keep old signing certificates for 7 days — @tomas (done 2026-03-06)",
        {"text": "Keep old signing certificates for 7 days", "owner": "@tomas", "priority_raw": "P0"},
    ),
    (
        "- [ ] P1: Alert when the certificate set shrinks — owner: identity-oncall, due 2026-03-20",
        {"text": "Alert when the certificate set shrinks", "owner": "identity-oncall", "deadline_raw": "2026-03-20"},
    ),
    (
        "1. (P1, @kofi, due 2025-12-05) Alert 21 days before any certificate expires",
        {"text": "Alert 21 days before any certificate expires", "owner": "@kofi", "deadline_raw": "2025-12-05"},
    ),
    (
        "1. (P0, @kofi) Renew and deploy the certificate — done",
        {"text": "Renew and deploy the certificate", "owner": "@kofi", "status": Status.DONE},
    ),
    (
        "5. (P2, architecture-guild) RFC: design review for queue topology changes",
        {"text": "RFC: design review for queue topology changes", "owner": "architecture-guild", "priority_raw": "P2"},
    ),
    ("- Add a canary stage [Rick]", {"text": "Add a canary stage", "owner": "Rick"}),
    ("- Add a canary stage by 2026-04-01", {"text": "Add a canary stage", "deadline_raw": "by 2026-04-01"}),
    ("- Add a canary stage. Owner: @lucas", {"text": "Add a canary stage.", "owner": "@lucas"}),
]

# What write-back (or a human) appends, with the tickets each must yield.
REFERENCES: list[tuple[str, list[str]]] = [
    (" (DEMO-22)", ["DEMO-22"]),
    (f" ({PROJ_12})", ["PROJ-12"]),
    (" (#123)", ["#123"]),
    (" (acme/app#7)", ["acme/app#7"]),
    (" (DEMO-1, DEMO-2)", ["DEMO-1", "DEMO-2"]),
    (" (DEMO-1) (DEMO-2)", ["DEMO-1", "DEMO-2"]),
    (" ([#5](https://github.com/o/r/issues/5)) (DEMO-3)", ["o/r#5", "DEMO-3"]),
    (" (https://github.com/o/r/issues/9)", ["o/r#9"]),
    (" (<https://github.com/o/r/pull/4>)", ["o/r#4"]),
    (" (bug 1537907)", ["bug 1537907"]),
]


@pytest.mark.parametrize(("line", "expected"), SHAPES, ids=[s[0][:40] for s in SHAPES])
@pytest.mark.parametrize(("suffix", "keys"), REFERENCES, ids=[r[0].strip() for r in REFERENCES])
def test_trailing_references_are_peeled_before_other_suffixes(
    line: str, expected: dict[str, Any], suffix: str, keys: list[str]
) -> None:
    plain = only(line)
    for name, value in expected.items():
        assert getattr(plain, name) == value, (name, plain)
    referenced = only(line + suffix)
    for name in ("text", "owner", "priority", "priority_raw", "deadline", "deadline_raw", "status", "kind"):
        assert getattr(referenced, name) == getattr(plain, name), name
    found = [t.key for t in referenced.tickets]
    assert found[-len(keys) :] == keys
    assert [t.key for t in plain.tickets] == found[: -len(keys)]


@pytest.mark.parametrize(
    ("line", "text", "keys"),
    [
        # Not (only) references: the parenthetical belongs to the sentence.
        ("- Bump severity handling (SEV-1)", "Bump severity handling (SEV-1)", []),
        ("- Follow RFC guidance (RFC-7231)", "Follow RFC guidance (RFC-7231)", []),
        ("- Clean up the queue (see DEMO-4)", "Clean up the queue (see DEMO-4)", ["DEMO-4"]),
        ("- Read the guide ([docs](https://example.com/guide))", "Read the guide (docs)", []),
        ("- Scale the pool (2x) — @ana", "Scale the pool (2x)", []),
        ("- Read the guide (<https://example.com/guide>)", "Read the guide", ["https://example.com/guide"]),
        # A reference that is the whole text stays the text, not an empty item.
        ("- (DEMO-4)", "(DEMO-4)", ["DEMO-4"]),
    ],
)
def test_parentheticals_that_are_not_just_references_stay_in_the_text(line: str, text: str, keys: list[str]) -> None:
    item = only(line)
    assert item.text == text
    assert [t.key for t in item.tickets] == keys


def test_peeled_link_keeps_its_url_and_the_owner_suffix_is_still_read() -> None:
    item = only(f"- [x] Rotate the keys — @ravi (done 2026-04-22) ({PROJ_12})")
    assert (item.text, item.owner, item.status) == ("Rotate the keys", "@ravi", Status.DONE)
    assert [(t.system, t.key, t.url) for t in item.tickets] == [
        ("jira", "PROJ-12", "https://jira.example.com/browse/PROJ-12")
    ]
