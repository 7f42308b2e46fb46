"""The renderer's front matter and summary lines for fields a minimal document may or may not have."""

from __future__ import annotations

import datetime as dt

from sync.core.model import PostMortem
from sync.core.render import render_markdown


def minimal(**fields: object) -> PostMortem:
    return PostMortem.model_validate({"path": "r.md", "content_sha256": "0" * 64, "title": "Queue outage", **fields})


def test_team_service_and_tags_go_to_front_matter_and_the_review_date_to_the_summary() -> None:
    text = render_markdown(
        minimal(team="payments", service="checkout", tags=["db", "cache"], review_date=dt.date(2024, 3, 5))
    )
    assert text.startswith("---\nteam: payments\nservice: checkout\ntags:\n- db\n- cache\n---\n\n# Queue outage\n")
    assert "## 1. Incident Summary\n\n- **Review Date:** 2024-03-05\n" in text


def test_a_document_without_metadata_has_no_front_matter_and_no_summary() -> None:
    text = render_markdown(minimal())
    assert text.startswith("# Queue outage\n")
    assert "---" not in text
    assert "Incident Summary" not in text
    assert "## 6. Action Items\n\n_No action items._\n" in text
