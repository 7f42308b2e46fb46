"""Edge shapes of the parser's helpers (dates, fields, refs, options, blocks, retrospective sections,
timeline, front matter): the odd inputs real post-mortems contain, each with what the reader must get."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator, Mapping
from decimal import Decimal

import pytest

from sync.core.model import DiagnosticSeverity, FactorCategory, PostMortem, Priority, Status, TicketLink, TimelineEntry
from sync.core.parse import parse_document
from sync.core.parse.blocks import Inline, inline_source, inline_tokens, node_text, parse_tree
from sync.core.parse.codes import Collector
from sync.core.parse.dates import deadline_phrase, parse_time, period_end, timezone_for
from sync.core.parse.fields import impact_numbers
from sync.core.parse.options import ParseOptions
from sync.core.parse.refs import from_url, merge
from sync.core.parse.retrospective import read_checks, read_cost, read_factors, read_whys
from sync.core.parse.sections import pseudo_heading
from sync.core.parse.wording import reads_as_action

ACTIONS = "## Action Items\n\n- Fix the cache (P1, @ann)\n"


def postmortem(source: str) -> PostMortem:
    result = parse_document(source, "pm.md")
    assert result.postmortem is not None, result.diagnostics
    return result.postmortem


# -- dates ---------------------------------------------------------------------------------------


def test_unknown_zone_names_fall_back_to_utc() -> None:
    assert timezone_for("Nowhere/Zone", default="Bogus/Zone") == dt.UTC
    assert timezone_for(None, default="") == dt.UTC


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("paged at 2:30 pm", (dt.time(14, 30), None)),
        ("rolled back 12:05 am PST", (dt.time(0, 5), "PST")),
        ("12:40 pm all clear", (dt.time(12, 40), None)),
        ("build 25:10 failed", None),  # not a clock time: hour out of range
        ("at 10:61", None),
    ],
)
def test_twelve_hour_clocks_and_impossible_times(text: str, expected: tuple[dt.time, str | None] | None) -> None:
    assert parse_time(text) == expected


def test_a_quarter_without_a_year_is_no_deadline_until_the_year_is_known() -> None:
    assert period_end("in Q3", None) is None
    assert period_end("in Q3", 2025) == dt.date(2025, 9, 30)


# -- fields and front matter ---------------------------------------------------------------------


def test_unreadable_user_counts_and_costs_that_are_not_revenue() -> None:
    assert impact_numbers("1.2.3 users affected") == (None, None, None)
    # The first amount is spending, not lost revenue; the second one is.
    users, revenue, _ = impact_numbers("$5 spent on emergency cloud credit vouchers; $10k revenue lost")
    assert users is None
    assert revenue == Decimal("10000")


@pytest.mark.parametrize("front", ["---\n---\n", "---\n# filled in later\n---\n", "---\n~\n---\n"])
def test_empty_front_matter_is_no_metadata_and_no_error(front: str) -> None:
    result = parse_document(front + "# Outage\n\n" + ACTIONS, "pm.md")
    assert result.postmortem is not None
    assert result.postmortem.metadata == {}
    assert [d.code for d in result.diagnostics] == []


def test_front_matter_dates_mappings_and_binary_values() -> None:
    pm = postmortem(
        "---\n"
        "started: 2024-03-01\n"
        "review_date: 2024-03-05 10:00:00\n"
        "impact: {users: 5, revenue_lost: 10}\n"
        "blob: !!binary aGVsbG8=\n"
        "nested: {a: [2024-01-01, 1]}\n"
        "---\n# Outage\n\n" + ACTIONS
    )
    # A date-only start is midnight in the default zone, and the incident is not "timed".
    assert pm.started_at == dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    assert pm.review_date == dt.date(2024, 3, 5)
    assert pm.impact.users == 5
    assert pm.impact.revenue_lost == Decimal("10")
    # Unknown keys are kept as JSON-safe data: dates as ISO text, anything else as its text.
    assert pm.metadata == {"blob": "b'hello'", "nested": {"a": ["2024-01-01", 1]}}


def test_naive_front_matter_times_take_the_default_zone() -> None:
    pm = postmortem("---\nstarted: 2024-03-01 10:00:00\nended: 2024-03-01 11:30:00\n---\n# Outage\n\n" + ACTIONS)
    assert pm.started_at == dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.UTC)
    assert pm.ended_at == dt.datetime(2024, 3, 1, 11, 30, tzinfo=dt.UTC)


def test_a_start_field_without_a_date_is_not_a_start() -> None:
    pm = postmortem("# Outage\n\nStart: sometime last week\n\n" + ACTIONS)
    assert pm.started_at is None


# -- options and refs ----------------------------------------------------------------------------


def test_a_bold_status_word_maps_like_the_plain_word() -> None:
    assert ParseOptions().status("**Done**") == Status.DONE
    assert ParseOptions().status("**whatever**") is None


def test_bugzilla_links_keep_the_written_bug_number_or_name_it() -> None:
    url = "https://bugzilla.mozilla.org/show_bug.cgi?id=1234567"
    assert from_url(url, "Bug 1234567") == TicketLink(system="other", key="Bug 1234567", url=url)
    assert from_url(url, "the fix") == TicketLink(system="other", key="bug 1234567", url=url)


def test_gitlab_issue_links_are_named_by_project_path_and_number() -> None:
    url = "https://gitlab.com/acme/api/-/issues/42"
    assert from_url(url, "the fix") == TicketLink(system="other", key="acme/api#42", url=url)


def test_merge_keeps_the_linked_copy_of_a_ticket_named_twice() -> None:
    url = "https://x.atlassian.net/browse/OPS-1"
    merged = merge([TicketLink(system="jira", key="OPS-1"), TicketLink(system="jira", key="OPS-1", url=url)])
    assert merged == (TicketLink(system="jira", key="OPS-1", url=url),)


# -- blocks --------------------------------------------------------------------------------------


def test_blocks_without_inline_content_render_to_nothing() -> None:
    root, _ = parse_tree("# \n\n- a\n")
    heading, bullets = root.children
    assert (heading.type, bullets.type) == ("heading", "bullet_list")
    assert inline_tokens(heading) == []  # an empty heading has no inline tokens to parse
    assert inline_tokens(bullets) == []  # a list holds blocks, not inline content
    assert node_text(bullets) == Inline()
    assert inline_source(bullets) == ("", {})


# -- retrospective sections ----------------------------------------------------------------------


def test_empty_list_items_are_not_whys_factors_or_checks() -> None:
    whys = "-\n- Why 1: the cache expired\n"
    root, _ = parse_tree(whys)
    found = read_whys(root.children, whys.splitlines())
    assert [(w.number, w.text, w.line) for w in found] == [(1, "the cache expired", 2)]

    # An image-only bullet has no words to name a factor with.
    root, _ = parse_tree("- ![](diagram.png)\n-\n- Hard-coded timeout\n")
    factors = read_factors(root.children, Collector("pm.md"))
    assert [(f.name, f.category, f.line) for f in factors] == [("Hard-coded timeout", FactorCategory.TECH_DEBT, 3)]

    root, _ = parse_tree("-\n- [x] Monitoring added\n")
    assert [(c.text, c.checked, c.line) for c in read_checks(root.children)] == [("Monitoring added", True, 2)]


def test_a_factor_row_without_a_name_is_skipped_silently() -> None:
    root, _ = parse_tree("| Factor | Score | Notes |\n|---|---|---|\n|  | 2 | orphan note |\n| Legacy config | 1 | |\n")
    collector = Collector("pm.md")
    factors = read_factors(root.children, collector)
    assert [(f.name, f.score, f.notes, f.line) for f in factors] == [("Legacy config", 1, None, 4)]
    assert collector.items == []


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["Other: $5"], None),  # a label that names no cost input
        (["Engineering hours: 40"], {"engineering_hours": Decimal("40")}),  # hours without a rate
        (["Churn: 5%"], {"churn_probability": Decimal("0.05")}),
        (
            ["Churn: 200 users, 0.1, $5000"],
            {"churn_users": 200, "churn_probability": Decimal("0.1"), "lifetime_value": Decimal("5000")},
        ),
        (["Churn: 200 users"], {"churn_users": 200}),
        (["Churn: 200 users, 40, $5000"], {"churn_users": 200, "lifetime_value": Decimal("5000")}),
    ],
)
def test_cost_section_lines(lines: list[str], expected: dict[str, object] | None) -> None:
    cost = read_cost(lines)
    if expected is None:
        assert cost is None
        return
    assert cost is not None
    assert cost.model_dump(exclude_none=True) == expected


def test_a_factor_score_outside_0_to_3_is_kept_raw_and_warned_on_its_row() -> None:
    root, _ = parse_tree("| Factor | Score |\n|---|---|\n| Legacy config | high |\n")
    collector = Collector("pm.md")
    [factor] = read_factors(root.children, collector)
    assert (factor.name, factor.score, factor.score_raw, factor.line) == ("Legacy config", None, "high", 3)
    assert [(d.code, d.line, d.message) for d in collector.items] == [
        ("PM034", 3, "bad-score: score 'high' is not 0-3")
    ]


# -- pseudo headings -----------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["**<b></b>**", "**![logo](x.png)**:", "**not closed", "** spaced **"])
def test_bold_without_words_or_unclosed_bold_is_not_a_pseudo_heading(source: str) -> None:
    root, _ = parse_tree(source)
    assert pseudo_heading(root.children[0]) is None


# -- timeline ------------------------------------------------------------------------------------


def timeline(body: str) -> tuple[TimelineEntry, ...]:
    return postmortem(f"# Outage\n\nDate: 2024-03-03\n\n## Timeline\n\n{body}\n\n" + ACTIONS).timeline


PST = dt.timezone(dt.timedelta(hours=-8))


def test_a_zone_note_in_a_timeline_heading_applies_to_the_entries_below() -> None:
    entries = timeline("### March 3, all times in PST\n\n- 14:02 alert fired")
    assert [(e.text, e.at, e.line) for e in entries] == [("alert fired", dt.datetime(2024, 3, 3, 14, 2, tzinfo=PST), 9)]


def test_a_zone_note_in_a_timeline_table_header_applies_to_its_rows() -> None:
    entries = timeline("| Time (all times PST) | Event |\n|---|---|\n| 2024-03-03 14:02 | alert fired |")
    assert [(e.text, e.at, e.line) for e in entries] == [("alert fired", dt.datetime(2024, 3, 3, 14, 2, tzinfo=PST), 9)]


def test_a_time_heading_with_nothing_under_it_is_no_entry() -> None:
    entries = timeline("### 14:02\n\n### 14:05\n\nrolled back")
    assert [(e.time, e.text) for e in entries] == [("14:05", "rolled back")]


def test_an_impossible_month_day_keeps_the_previous_date() -> None:
    entries = timeline("- 03-04 10:00 good date\n- 02-30 11:00 bad date\n-")
    assert [(e.text, e.at) for e in entries] == [
        ("good date", dt.datetime(2024, 3, 4, 10, 0, tzinfo=dt.UTC)),
        ("bad date", dt.datetime(2024, 3, 4, 11, 0, tzinfo=dt.UTC)),
    ]


# -- action sections with sub-headings ----------------------------------------------------------


def test_items_under_a_non_action_sub_heading_and_its_children_are_not_action_items() -> None:
    pm = postmortem(
        "# Outage\n\n## Action Items\n\n- Fix the cache (P1, @ann)\n\n"
        "### Lessons learned\n\n- Caches need owners\n\n#### Details\n\n- keep TTLs short\n\n"
        "### Short term\n\n- Add an alert (P2, @bo)\n"
    )
    assert [(i.text, i.line) for i in pm.action_items] == [("Fix the cache", 5), ("Add an alert", 17)]


# -- the "never raises" contract -----------------------------------------------------------------


class _UnavailableSynonyms(Mapping[str, Priority]):
    """A priority table that fails on lookup, standing in for any defect inside the parser."""

    def __getitem__(self, key: str) -> Priority:
        raise RuntimeError("synonym table unavailable")

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def test_a_failure_inside_the_parser_is_reported_as_an_error_diagnostic(caplog: pytest.LogCaptureFixture) -> None:
    options = ParseOptions(priority_synonyms=_UnavailableSynonyms())
    with caplog.at_level(logging.ERROR, logger="sync.core.parse.document"):
        result = parse_document("# Outage\n\n" + ACTIONS, "pm.md", options)
    assert result.postmortem is None
    [diagnostic] = result.diagnostics
    assert (diagnostic.code, diagnostic.severity, diagnostic.line) == ("PM004", DiagnosticSeverity.ERROR, None)
    assert diagnostic.message == "internal-error: RuntimeError: synonym table unavailable"
    assert diagnostic.hint == "please report this document"
    assert [r.getMessage() for r in caplog.records] == ["parser failed on pm.md"]


# -- deadlines, wording, sections without content -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Finish the migration in H1", "in H1"),
        ("Finish the migration H1", None),  # a bare period without a preposition is too weak
        ("Finish the migration 2024-05-01", None),
    ],
)
def test_deadline_phrases_need_a_preposition(text: str, phrase: str | None) -> None:
    found = deadline_phrase(text)
    assert (found.group(0) if found else None) == phrase


@pytest.mark.parametrize("text", ["", "— …"])
def test_a_line_without_words_does_not_read_as_an_action(text: str) -> None:
    assert reads_as_action(text) is False


def test_an_empty_cost_section_states_no_cost() -> None:
    result = parse_document("# Outage\n\n## Cost\n\n" + ACTIONS, "pm.md")
    assert result.postmortem is not None
    assert result.postmortem.cost is None
    assert result.diagnostics == ()


def test_whys_in_a_paragraph_skip_continuation_lines() -> None:
    pm = postmortem(
        "# Outage\n\n## Five Whys\n\nWhy 1: the cache expired\nnobody noticed\nWhy 2: no alert\n\n" + ACTIONS
    )
    assert [(w.number, w.text, w.line) for w in pm.whys] == [(1, "the cache expired", 5), (2, "no alert", 7)]
