"""Incident ids from a format, and the template filled from what ``pmsync new`` knows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sync.core.authoring import (
    NewDocument,
    check_template,
    duration_text,
    file_name,
    fill_template,
    format_id,
    id_fields,
    id_pattern,
    moment_text,
    next_sequence,
    slugify,
)
from sync.core.model import Severity
from sync.core.parse import parse_document

TODAY = dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    ("id_format", "expected"),
    [
        ("INC-{year}-{seq:04d}", "INC-2026-0007"),
        ("INC-{seq}", "INC-7"),
        ("{year}{month}{day}-{seq:03d}", "20260305-007"),
        ("PM-{year}-{month}-{seq}", "PM-2026-03-7"),
    ],
)
def test_format_id(id_format: str, expected: str) -> None:
    id_fields(id_format)
    assert format_id(id_format, TODAY, 7) == expected


@pytest.mark.parametrize(
    ("id_format", "problem"),
    [
        ("INC-{year}", "needs {seq} exactly once"),
        ("INC-{seq}-{seq}", "needs {seq} exactly once"),
        ("INC-{team}-{seq}", "unknown field {team}"),
        ("INC-{seq", "is not a format string"),
        ("INC-{seq!r}", "conversions"),
        ("INC-{seq:zz}", "Unknown format code"),
        # Only digits: any number in a document ("3000 users") would read as an id.
        ("{seq}", "needs a fixed part with a letter"),
        ("{seq:04d}", "needs a fixed part with a letter"),
        ("{year}-{seq}", "needs a fixed part with a letter"),
    ],
)
def test_unusable_id_formats_are_refused(id_format: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem.replace("{", r"\{").replace("}", r"\}")):
        id_fields(id_format)


def test_next_sequence_follows_the_highest_id_of_the_same_shape() -> None:
    texts = [
        "- **Incident ID:** INC-2026-0041",
        "see also INC-2026-0007 and inc-2026-0042",  # case-insensitive, anywhere in the text
        "INC-2025-0900 was last year",  # another year: another sequence
        "INC-2026-00043x and XINC-2026-0099 are other tokens",
        "inc-2026-0040-checkout-502s.md",  # a file name
    ]
    assert next_sequence("INC-{year}-{seq:04d}", TODAY, texts) == 43


def test_next_sequence_starts_at_one_and_without_year_never_resets() -> None:
    assert next_sequence("INC-{year}-{seq:04d}", TODAY, ["nothing here"]) == 1
    assert next_sequence("INC-{seq}", TODAY, ["INC-2025-0900", "INC-12", "INC-11-outage.md"]) == 13


def test_ids_beyond_the_padding_still_count() -> None:
    assert next_sequence("INC-{year}-{seq:04d}", TODAY, ["INC-2026-10000"]) == 10001
    assert id_pattern("INC-{year}-{seq:04d}", TODAY).fullmatch("INC-2026-0001")
    assert next_sequence("{seq:03d}-PM", TODAY, ["007-PM", "009-PMX"]) == 8


def test_moment_and_duration_texts_read_back_as_written() -> None:
    start = dt.datetime(2026, 3, 4, 14, 2, tzinfo=dt.UTC)
    berlin = dt.datetime(2026, 3, 4, 15, 2, tzinfo=ZoneInfo("Europe/Berlin"))
    assert moment_text(start) == "2026-03-04 14:02 UTC"
    assert moment_text(berlin) == "2026-03-04 15:02 +01:00"
    assert moment_text(None) == ""
    assert duration_text(start, start + dt.timedelta(hours=2, minutes=45)) == "2h 45m"
    assert duration_text(start, start + dt.timedelta(minutes=9)) == "9m"
    assert duration_text(start, None) == ""


TEMPLATE = """# Post-mortem: {{title}}
- **Incident ID:** {{ incident_id }}
- **Date/Time:** {{start}} → {{end}} (Duration: {{duration}})
- **Severity:** {{severity}}
- **Team:** {{team}}
- **Service:** {{service}}
- **Industry:** {{industry}}
- **Summary Completed:** {{today}}
Literal {braces} and {{ not a placeholder stay.

## Action Items
| # | Action | Owner |
|---|---|---|
"""


def test_fill_template_replaces_every_placeholder() -> None:
    document = NewDocument(
        title="Checkout 502s",
        incident_id="INC-2026-0007",
        today=TODAY,
        severity=Severity.SEV1,
        started_at=dt.datetime(2026, 3, 4, 14, 2, tzinfo=dt.UTC),
        ended_at=dt.datetime(2026, 3, 4, 16, 47, tzinfo=dt.UTC),
        team="payments",
        service="checkout-api",
        industry="fintech",
    )
    text = fill_template(TEMPLATE, document)
    assert "{{" not in text.replace("{{ not", "")
    result = parse_document(text.encode(), "new.md")
    pm = result.postmortem
    assert pm is not None
    assert (pm.title, pm.incident_id, pm.severity, pm.team, pm.service, pm.industry) == (
        "Post-mortem: Checkout 502s",
        "INC-2026-0007",
        Severity.SEV1,
        "payments",
        "checkout-api",
        "fintech",
    )
    assert (pm.started_at, pm.ended_at, pm.duration_minutes) == (document.started_at, document.ended_at, 165)
    assert pm.metadata["summary completed"] == "2026-03-05"
    assert "Literal {braces} and {{ not a placeholder stay." in text


def test_unknown_values_leave_the_prompt_without_trailing_space() -> None:
    text = fill_template(TEMPLATE, NewDocument(title="x", incident_id="INC-1", today=TODAY))
    assert "- **Team:**\n" in text and "- **Severity:**\n" in text


def test_check_template_names_unknown_placeholders_and_needs_the_id() -> None:
    with pytest.raises(ValueError, match=r"unknown placeholder \{\{titel\}\}; the known ones are \{\{duration\}\}"):
        check_template("{{titel}} {{incident_id}}")
    with pytest.raises(ValueError, match="no {{incident_id}} placeholder"):
        check_template("# {{title}}")
    check_template("{{incident_id}}")


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("Checkout API returned 502s!", 60, "checkout-api-returned-502s"),
        ("Ünïcödé & émoji 🚀 outage", 60, "unicode-emoji-outage"),
        ("alpha beta gamma", 10, "alpha-beta"),
        ("Supercalifragilistic", 5, "super"),
        ("🚀", 60, ""),
    ],
)
def test_slugify(text: str, limit: int, expected: str) -> None:
    assert slugify(text, limit) == expected


def test_file_name_starts_with_the_id() -> None:
    assert file_name("INC-2026-0007", "Checkout API returned 502s") == "inc-2026-0007-checkout-api-returned-502s.md"
    assert file_name("INC-2026-0007", "🚀") == "inc-2026-0007.md"
    assert file_name("", "") == "postmortem.md"
