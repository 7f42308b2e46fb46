"""parse_document as a whole: failure paths, front matter, summary fields, sections."""

from __future__ import annotations

import datetime as dt

import pytest

from sync.core.model import DetectionMethod, DiagnosticSeverity, Severity
from sync.core.parse import parse_document
from sync.core.parse.sections import classify_title, is_generic_title
from sync.core.parse.wording import is_placeholder_title


@pytest.mark.parametrize(
    ("source", "code"),
    [
        (b"\xff\xfe\x00#", "PM002"),
        (b"# caf\xe9 outage\n", "PM001"),
        (b"", "PM003"),
        ("  \n\t\n", "PM003"),
    ],
)
def test_unusable_input_is_an_error_value(source: str | bytes, code: str) -> None:
    result = parse_document(source, "x.md")
    assert result.postmortem is None
    assert [(d.severity, d.code) for d in result.diagnostics] == [(DiagnosticSeverity.ERROR, code)]
    assert result.diagnostics[0].format().startswith(f"x.md: error {code} ")


def test_bom_crlf_and_nul_characters_are_tolerated() -> None:
    result = parse_document("\ufeff# Outage\r\n\r\n## Action Items\r\n- Fix\x00 it\r\n", "x.md")
    assert result.ok and result.postmortem is not None
    assert result.postmortem.action_items[0].text == "Fix\ufffd it"
    assert result.postmortem.action_items[0].line == 4


def test_no_action_section_is_an_error_but_the_model_is_returned() -> None:
    result = parse_document("# Outage\n\nIncident ID: INC-9\n", "x.md")
    assert result.postmortem is not None and result.postmortem.incident_id == "INC-9"
    assert [d.code for d in result.diagnostics] == ["PM020"]
    assert not result.ok


@pytest.mark.parametrize(
    ("front", "line"),
    [
        ("---\n[not, a, mapping]\n---\n", 1),
        ("---\nkey: [unclosed\n---\n", 2),
        ("---\ntitle: Outage\nteam: a\nbad: : :\n---\n", 4),
        ('---\nteam: a\nservice: "unterminated\n---\n', 3),
    ],
)
def test_bad_front_matter_names_its_line_and_parsing_continues(front: str, line: int) -> None:
    result = parse_document(front + "# Outage\n\n## Follow-ups\n- Fix it (P1, @kim)\n", "x.md")
    assert result.postmortem is not None and len(result.postmortem.action_items) == 1
    assert [(d.code, d.line) for d in result.diagnostics] == [("PM010", line)]


def test_front_matter_fields_and_unknown_keys() -> None:
    result = parse_document(
        "---\nid: OPS-1\ntitle: Queue backlog\nseverity: major\ntags: [queue, sre]\nowner_team: core\n"
        "started: 2026-01-02 10:00:00\nduration: 95\n---\n\n## Next steps\n- Fix it\n",
        "x.md",
    )
    pm = result.postmortem
    assert pm is not None
    assert (pm.incident_id, pm.title, pm.severity, pm.severity_raw) == (
        "OPS-1",
        "Queue backlog",
        Severity.SEV2,
        "major",
    )
    assert pm.tags == ("queue", "sre") and pm.metadata == {"owner_team": "core"}
    assert pm.started_at == dt.datetime(2026, 1, 2, 10, 0, tzinfo=dt.UTC)
    assert pm.duration_minutes == 95


def test_unmapped_severity_keeps_raw_and_warns() -> None:
    result = parse_document("# Outage\n\nSeverity: purple\n\n## Action Items\n- Fix (P1, @kim)\n", "x.md")
    assert result.postmortem is not None
    assert (result.postmortem.severity, result.postmortem.severity_raw) == (None, "purple")
    assert [(d.code, d.line) for d in result.diagnostics] == [("PM032", 3)]


@pytest.mark.parametrize(
    ("line", "method", "delay"),
    [
        ("**Detection:** Borgmon paged on-call.", DetectionMethod.MONITORING, None),
        ("Detected by: customer report (35 minutes)", DetectionMethod.CUSTOMER, 35),
        ("- **Identified**: User reported that logs were missing", DetectionMethod.CUSTOMER, None),
        ("**Detection:** internal discovery (analyst noticed), delay 5h 40m.", DetectionMethod.INTERNAL, 340),
        ("Detection: gut feeling", None, None),
    ],
)
def test_detection_fields(line: str, method: DetectionMethod | None, delay: int | None) -> None:
    pm = parse_document(f"# Outage\n\n{line}\n\n## Action Items\n- Fix\n", "x.md").postmortem
    assert pm is not None
    assert (pm.detection.method, pm.detection.delay_minutes) == (method, delay)


def test_mo_j_style_key_events_and_durations() -> None:
    pm = parse_document(
        "# Incident on 2024-07-25\n\n- **Key events**\n  - First detected: 2024-07-25 12:10\n"
        "  - Resolved 2024-07-25 16:19\n\n- **Time to resolve**: 4h 9m\n\n- **Review actions**:\n"
        "  - [Alerts for disk](https://github.com/o/r/issues/1)\n",
        "x.md",
    ).postmortem
    assert pm is not None
    assert pm.started_at == dt.datetime(2024, 7, 25, 12, 10, tzinfo=dt.UTC)
    assert pm.ended_at == dt.datetime(2024, 7, 25, 16, 19, tzinfo=dt.UTC)
    assert pm.duration_minutes == 249
    assert [(i.text, i.tickets[0].key) for i in pm.action_items] == [("Alerts for disk", "o/r#1")]
    assert [s.title for s in pm.sections if s.level == 0] == ["Key events", "Review actions"]


def test_sections_are_flat_and_keep_source_text() -> None:
    text = "# T\n\nintro\n\n## Timeline\n\n14:00 - a\n\n### Detail\n\nmore\n\n## Unknown thing\n\nbody\n"
    pm = parse_document(text, "x.md").postmortem
    assert pm is not None
    lines = text.split("\n")
    assert [(s.title, s.level, s.kind, s.line, s.end_line) for s in pm.sections] == [
        ("T", 1, "title", 1, 3),
        ("Timeline", 2, "timeline", 5, 7),
        ("Detail", 3, "timeline", 9, 11),
        ("Unknown thing", 2, "other", 13, 15),
    ]
    for section in pm.sections:
        assert section.text == "\n".join(lines[section.line : section.end_line])


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("6. Action Items", "actions"),
        ("Action Items (should be achievable in short-medium term. immediately actionable):", "actions"),
        ("Action Items & Followups", "actions"),
        ("7. Follow-Up Actions & Tasks", "actions"),
        ("Root Cause Remediations", "actions"),
        ("Corrective and Preventative Measures", "actions"),
        ("Corrective Actions with Owners", "actions"),
        ("Next steps", "actions"),
        ("Recommendations", "actions"),
        ("Lessons Learned and Future Improvements", "actions"),
        ("Preventing the issue from happening again", "actions"),
        ("Lessons Learned", "lessons"),
        ("Lessons learnt", "lessons"),
        ("What went wrong", "went_wrong"),
        ("What Went Poorly", "went_wrong"),
        ("Insights", "lessons"),
        ("Further Mitigations and Learnings", "lessons"),
        ("Why It Wasn't Caught", "other"),
        ("Root Cause Analysis — 5 Whys", "whys"),
        ("Timeline [[167]](https://example.com)", "timeline"),
        ("Timeline (all times approximate)", "timeline"),
        ("4. Contributing Factors", "factors"),
        ("What Went Well", "went_well"),
        ("7. Recurrence Prevention", "prevention"),
        ("Incident Cost", "cost"),
        ("Issue Summary", "summary"),
        ("Responders", "other"),
    ],
)
def test_section_classification(title: str, kind: str) -> None:
    assert classify_title(title) == kind


@pytest.mark.parametrize(
    ("title", "generic", "placeholder"),
    [
        ("Example Postmortem", True, False),
        ("Postmortem Template", True, True),
        ("Incident Title", False, True),
        ("[Date]: [Title]", False, True),
        ("{{ incident date }}, {{ incident name }}", False, True),
        ("Title (incident #)", False, True),
        ("ISSUE NAME", False, True),
        ("Incident title - DD/MM/YYYY", False, True),
        ("Sushibar expired certificate postmortem", False, False),
    ],
)
def test_title_genre_and_placeholders(title: str, generic: bool, placeholder: bool) -> None:
    assert (is_generic_title(title), is_placeholder_title(title)) == (generic, placeholder)


def test_timeline_shapes_and_dates() -> None:
    pm = parse_document(
        "# Outage\n\n## Timeline (PST)\n\n2019-03-20 *(all times PST)*\n\n"
        "    - 11:16 ::::: deploy\n\n- **10:45** - bold time\n- [03-26 23:04] bracketed\n\n"
        "### 08:52 PM\n\nEvening report\n\n| Time | Event |\n|---|---|\n| 2019-03-21 01:00 | table row |\n\n"
        "## Appendix\n\n> liggitt [6:27 AM]\n\n## Action Items\n- Fix\n",
        "x.md",
    ).postmortem
    assert pm is not None
    got = [(e.time, e.text) for e in pm.timeline]
    assert got == [
        ("11:16", "deploy"),
        ("10:45", "bold time"),
        ("03-26 23:04", "bracketed"),
        ("08:52 PM", "Evening report"),
        ("2019-03-21 01:00", "table row"),
    ]
    pst = dt.timezone(dt.timedelta(hours=-8))
    assert pm.timeline[0].at == dt.datetime(2019, 3, 20, 11, 16, tzinfo=pst)
    assert pm.timeline[3].at == dt.datetime(2019, 3, 26, 20, 52, tzinfo=pst)
