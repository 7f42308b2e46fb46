"""Edges of the parser's readers that no corpus document happens to reach: a numbered sub-heading
with no title, a placeholder why, a factor row without a score, a ticket link's status beside a
checkbox's, and a ticket link followed by text without a separator."""

from __future__ import annotations

from sync.core.model import PostMortem, Status
from sync.core.parse import parse_document


def _pm(text: str) -> PostMortem:
    result = parse_document(text, "edge.md")
    assert result.postmortem is not None
    return result.postmortem


def test_a_sub_heading_that_names_only_an_owner_is_no_item() -> None:
    pm = _pm(
        "# Outage\n\n## Action Items\n\n### 1) Alerts configured `@dma`\n\nWe configured the alerts.\n\n"
        "### 2) `@kim`\n\nWe will also review the runbook.\n"
    )
    assert [(item.text, item.owner) for item in pm.action_items] == [("Alerts configured", "@dma")]


def test_a_placeholder_why_is_skipped_and_a_factor_without_a_score_is_kept_unscored() -> None:
    pm = _pm(
        "# Outage\n\n## 5 Whys\n\n1. Why did checkout fail? The pool was exhausted.\n2. ...\n\n"
        "## Contributing Factors\n\n| Category | Score | Notes |\n|---|---|---|\n| Monitoring |  | no alert |\n"
    )
    assert [why.text for why in pm.whys] == ["Why did checkout fail? The pool was exhausted."]
    [factor] = pm.factors
    assert factor.score is None and factor.notes == "no alert"


def test_a_checkbox_status_beats_the_status_in_a_ticket_link_and_a_link_needs_no_separator() -> None:
    pm = _pm(
        "# Outage\n\n## Action Items\n\n"
        "- [x] [OPS-12 (In Progress)](https://example.atlassian.net/browse/OPS-12) Add the canary stage\n"
        "- [OPS-13](https://example.atlassian.net/browse/OPS-13) Alert on pool saturation\n"
    )
    first, second = pm.action_items
    assert first.status is Status.DONE and first.text == "Add the canary stage"
    assert [t.key for t in first.tickets] == ["OPS-12"]
    assert second.text == "Alert on pool saturation" and [t.key for t in second.tickets] == ["OPS-13"]


def test_a_pile_of_trailing_annotations_is_read_within_a_bound() -> None:
    # The trailing reader takes at most eight suffixes per pass: a pile of them cannot loop long.
    pm = _pm("# Outage\n\n## Action Items\n\n- Fix it" + " (P1)" * 10 + "\n")
    [item] = pm.action_items
    assert item.text.startswith("Fix it") and item.priority is not None and item.priority.value == "P1"
