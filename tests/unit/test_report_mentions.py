"""Issue 28 §1: a document naming a known incident id anywhere — prose, a "Related incidents"
section, a link — is a repeat, reported with the place the id was found."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import Engine

from reports.facts import ReportData, ReportSettings, TextSource
from reports.mentions import IdMatcher, mentions_of
from reports.repeats import NAMED, NAMED_BACK, find_pairs, repeats_report
from sync.core.parse import parse_document
from sync.store.engine import make_engine
from sync.store.migrations import migrate
from sync.store.repository import SqlStateStore
from sync.store.snapshot import load_report_data
from tests.unit.report_fixtures import at, incident

SETTINGS = ReportSettings()


def places(text: str, ids: dict[str, int], line: int | None = None) -> list[tuple[int, str]]:
    return [(m.incident, m.place) for m in IdMatcher(ids).find(TextSource("here", text, line))]


def test_ids_match_whole_and_case_insensitively() -> None:
    ids = {"INC-2026-0001": 1, "PM-7": 2}
    assert places("see inc-2026-0001.", ids) == [(1, "here")]
    assert places("INC-2026-00012 and XINC-2026-0001 and INC-2026-0001b and INC-2026-0001-2", ids) == []
    assert places("pm-7, PM-7; (PM-7)", ids) == [(2, "here")] * 3
    assert places("PM-70 PM-7x", ids) == []
    assert places("nothing here", {}) == []


def test_ids_sharing_their_first_run_are_told_apart_by_the_rest() -> None:
    # Ids of one tracker share a prefix; each is found only where it is written whole.
    ids = {f"INC-{n}": n for n in range(1, 300)} | {"inc-7": 1000, "INC-7-b": 3000}
    assert places("INC-7 then INC-77, inc-299 and INC-7-b", ids) == [
        (7, "here"),
        (1000, "here"),
        (77, "here"),
        (299, "here"),
        (3000, "here"),
    ]
    assert places("42 then #42", {"#42": 5}) == [(5, "here")]  # the run starts inside the id


def test_the_place_names_the_line_and_a_link() -> None:
    ids = {"INC-2026-0001": 1}
    text = "first line\nsee [the outage](https://wiki.example/pm/INC-2026-0001.html)\n[INC-2026-0001](x)\n"
    assert places(text, ids, line=40) == [(1, "here, line 41 (link)"), (1, "here, line 42")]
    assert places("<https://w.example/INC-2026-0001>", ids) == [(1, "here (link)")]


def test_mentions_in_either_direction_are_pairs_with_their_places() -> None:
    earlier = incident("INC-2026-0001", start="2026-01-01 10:00", root_cause="disk full on the db host")
    later = incident("INC-2026-0090", start="2026-05-01 10:00", root_cause="queue backlog in the indexer")
    later = dataclasses.replace(
        later,
        texts=(
            TextSource('section "5 whys"', "Why 3: the same retry storm as inc-2026-0001, again.", 30),
            TextSource('section "Related incidents"', "- [INC-2026-0001](https://wiki/INC-2026-0001)", 52),
        ),
    )
    back = incident("INC-2026-0100", start="2026-06-01 10:00", root_cause="certificate expiry")
    edited = incident("INC-2026-0002", start="2026-01-02 10:00", mentions="This recurred as INC-2026-0100.")
    pairs = find_pairs([later, earlier, back, edited], SETTINGS)
    assert [(p.earlier.key, p.later.key, p.reason, p.found_in) for p in pairs] == [
        (
            "INC-2026-0001",
            "INC-2026-0090",
            NAMED,
            (
                'INC-2026-0090: section "5 whys", line 30',
                'INC-2026-0090: section "Related incidents", line 52',
                'INC-2026-0090: section "Related incidents", line 52 (link)',
            ),
        ),
        ("INC-2026-0002", "INC-2026-0100", NAMED_BACK, ("INC-2026-0002: text",)),
    ]
    assert mentions_of([earlier]) == {}


POSTMORTEM = """---
incident_id: INC-2026-0{n}
title: Checkout errors {n}
severity: SEV-2
started_at: 2026-0{month}-10T10:00:00Z
ended_at: 2026-0{month}-10T11:00:00Z
---

# Checkout errors {n}

## Summary

Checkout failed for an hour.

## 5 Whys

1. Why? {why}

## Action items

| # | Action | Owner | Due | Priority |
|---|---|---|---|---|
| 1 | Fix thing {n} | dana | 2026-12-01 | P1 |

## Related incidents

{related}
"""


def store_document(engine: Engine, n: int, month: int, why: str, related: str) -> None:
    text = POSTMORTEM.format(n=n, month=month, why=why, related=related)
    result = parse_document(text, f"postmortems/inc-{n}.md")
    assert result.postmortem is not None
    SqlStateStore(engine, "local").upsert_incident(f"INC-2026-0{n}", result.postmortem, [], seen_on=dt.date(2026, 6, 1))


def test_a_related_incidents_section_in_a_stored_document_links_the_repeat() -> None:
    """End to end through the state database: the sections are stored, and read back with lines."""
    engine = make_engine("sqlite://")
    migrate(engine)
    store_document(engine, 101, 1, "The primary ran out of disk.", "None.")
    store_document(
        engine,
        202,
        3,
        "A cron job filled the queue.",
        "- Same class of failure as [INC-2026-0101](https://wiki.example/INC-2026-0101).",
    )
    store_document(engine, 303, 4, "Nothing alike, see inc-2026-0202 for context.", "")
    data: ReportData = load_report_data(engine, "local")
    report = repeats_report(data, at("2026-06-01 00:00"), SETTINGS)
    links = [(link.earlier, link.later, link.found_in) for cluster in report.clusters for link in cluster.links]
    assert links == [
        (
            "INC-2026-0101",
            "INC-2026-0202",
            [
                'INC-2026-0202: section "Related incidents", line 27',
                'INC-2026-0202: section "Related incidents", line 27 (link)',
            ],
        ),
        ("INC-2026-0202", "INC-2026-0303", ['INC-2026-0303: section "5 Whys", line 17']),
    ]


def test_an_id_without_letters_or_digits_is_never_matched() -> None:
    assert places("--- and ---", {"---": 1}) == []
