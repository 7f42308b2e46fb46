"""Timelines of bare times across midnight: the day follows the clock, so lint's gap rule and the
timeline's moments are right for night incidents."""

from __future__ import annotations

import datetime as dt

import pytest

from sync.core.parse import parse_document

UTC = dt.UTC


def moments(start: str, end: str, entries: list[str]) -> list[dt.datetime | None]:
    body = "\n".join(f"- {entry}" for entry in entries)
    text = (
        f"# Night outage\n\n- **Incident ID:** INC-5\n- **Severity:** SEV-1\n- **Start:** {start}\n"
        f"- **End:** {end}\n\n## Timeline (UTC)\n\n{body}\n\n## Action Items\n\n- Fix it (@x, P0)\n"
    )
    result = parse_document(text, "t.md")
    assert result.postmortem is not None
    return [entry.at for entry in result.postmortem.timeline]


def test_bare_times_after_midnight_are_the_next_day() -> None:
    found = moments("2026-03-01 23:50 UTC", "2026-03-02 00:10 UTC", ["23:50 alert", "23:58 paged", "00:02 fixed"])
    assert found == [
        dt.datetime(2026, 3, 1, 23, 50, tzinfo=UTC),
        dt.datetime(2026, 3, 1, 23, 58, tzinfo=UTC),
        dt.datetime(2026, 3, 2, 0, 2, tzinfo=UTC),
    ]


@pytest.mark.parametrize(
    ("start", "entries", "expected"),
    [
        # The first entry is already past midnight.
        ("2026-03-01 23:50 UTC", ["00:02 fixed"], [dt.datetime(2026, 3, 2, 0, 2, tzinfo=UTC)]),
        # A start just after midnight, the first entry the evening before.
        (
            "2026-03-02 00:05 UTC",
            ["23:50 deploy", "00:05 alert"],
            [dt.datetime(2026, 3, 1, 23, 50, tzinfo=UTC), dt.datetime(2026, 3, 2, 0, 5, tzinfo=UTC)],
        ),
        # Events hours before the start on the same day, and two entries a little out of order.
        (
            "2026-03-01 14:00 UTC",
            ["01:00 deploy", "14:10 alert", "14:05 page"],
            [
                dt.datetime(2026, 3, 1, 1, 0, tzinfo=UTC),
                dt.datetime(2026, 3, 1, 14, 10, tzinfo=UTC),
                dt.datetime(2026, 3, 1, 14, 5, tzinfo=UTC),
            ],
        ),
        # An explicit date is taken as written.
        ("2026-03-01 23:50 UTC", ["2026-03-01 00:02 earlier"], [dt.datetime(2026, 3, 1, 0, 2, tzinfo=UTC)]),
    ],
)
def test_the_first_entry_is_placed_against_the_start(
    start: str, entries: list[str], expected: list[dt.datetime]
) -> None:
    assert moments(start, "2026-03-02 01:00 UTC", entries) == expected


def test_without_a_start_bare_times_keep_their_order_and_cross_midnight() -> None:
    text = (
        "# Outage\n\n## Timeline\n\n### 2026-03-01\n\n- 22:00 deploy\n- 23:59 alert\n- 00:30 fixed\n\n"
        "## Action Items\n\n- Fix it (@x, P0)\n"
    )
    result = parse_document(text, "t.md")
    assert result.postmortem is not None
    assert [entry.at for entry in result.postmortem.timeline] == [
        dt.datetime(2026, 3, 1, 22, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 1, 23, 59, tzinfo=UTC),
        dt.datetime(2026, 3, 2, 0, 30, tzinfo=UTC),
    ]


def test_lint_sees_no_gap_in_a_minute_by_minute_night_timeline() -> None:
    from sync.core.lint import lint

    entries = ["23:50 alert", "23:54 paged", "23:58 rollback", "00:02 done", "00:06 verified", "00:10 closed"]
    body = "\n".join(f"- {entry}" for entry in entries)
    text = (
        "# Night outage\n\n- **Incident ID:** INC-5\n- **Severity:** SEV-1\n- **Start:** 2026-03-01 23:50 UTC\n"
        f"- **End:** 2026-03-02 00:10 UTC\n\n## Timeline (UTC)\n\n{body}\n\n## Action Items\n\n- Fix it (@x, P0)\n"
    )
    result = parse_document(text, "t.md")
    assert result.postmortem is not None
    assert [d for d in lint(result.postmortem) if d.code == "LINT161"] == []


def test_a_date_heading_names_the_day_of_the_times_after_it() -> None:
    # The headings decide, whatever the entries before them or the start say.
    text = (
        "# Outage\n\n- **Start:** 2026-03-02 10:00 UTC\n\n## Timeline\n\n### 2026-03-02\n\n- 10:00 alert\n\n"
        "### 2026-03-01\n\n- 09:00 the change that caused it\n- 23:50 second change\n- 00:10 next day\n\n"
        "## Action Items\n\n- Fix it (@x, P0)\n"
    )
    result = parse_document(text, "t.md")
    assert result.postmortem is not None
    assert [entry.at for entry in result.postmortem.timeline] == [
        dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
        dt.datetime(2026, 3, 1, 23, 50, tzinfo=UTC),
        dt.datetime(2026, 3, 2, 0, 10, tzinfo=UTC),
    ]
