"""Less common action-item shapes: group headings, trailing status words and notes, labelled
annotations, sub-bullets that explain an item. Each row says what the user must see in the item."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sync.core.model import ActionItem, Priority, Status, TicketLink
from sync.core.parse import ParseOptions, parse_document


def items_of(body: str) -> tuple[ActionItem, ...]:
    result = parse_document(f"# Outage at checkout\n\n## Action Items\n\n{body}\n", "t.md")
    assert result.postmortem is not None
    return result.postmortem.action_items


def only(body: str) -> ActionItem:
    items = items_of(body)
    assert len(items) == 1, [i.text for i in items]
    return items[0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A parenthetical that is neither a status, a deadline nor a link stays in the group's name.
        ("### Database work (phase two)\n\n- Fix the cache (P1, @ann)", {"group": "Database work (phase two)"}),
        # A relative link in a group heading is no ticket, but it is not part of the name either.
        (
            "### Follow-ups ([runbook](docs/runbook.md))\n\n- Fix the cache (P1, @ann)",
            {"group": "Follow-ups", "tickets": ()},
        ),
        # The item's own deadline wins over its group's.
        (
            "### Later (due 2024-09-01)\n\n- Fix the cache by 2024-05-01 (P1, @ann)",
            {"group": "Later", "deadline": dt.date(2024, 5, 1), "deadline_raw": "by 2024-05-01"},
        ),
    ],
)
def test_group_headings(body: str, expected: dict[str, Any]) -> None:
    item = only(body)
    assert item.text == "Fix the cache"
    for name, value in expected.items():
        assert getattr(item, name) == value, name


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- Fix the cache DONE", {"text": "Fix the cache", "status": Status.DONE, "status_raw": "DONE"}),
        ("- Fix the cache (P1, @ann) TODO", {"text": "Fix the cache", "status": Status.OPEN, "owner": "@ann"}),
        ("- Wontfix: Fix the cache (P1, @ann)", {"text": "Fix the cache", "status": Status.WONT_DO}),
        # "Blocked:" labels the item's status; it is not a past-tense verb that reports the work done.
        (
            "- Blocked: Fix the cache (P1, @ann)",
            {"text": "Fix the cache", "status": Status.OPEN, "status_raw": "Blocked"},
        ),
        (
            "- Fix the cache (<https://example.com/foo>)",
            {
                "text": "Fix the cache",
                "tickets": (TicketLink(system="other", key="https://example.com/foo", url="https://example.com/foo"),),
            },
        ),
        # A link to a page that is no tracker inside a trailing group is words of the item, not a ticket.
        ("- Fix the cache ([notes](https://example.com/notes))", {"text": "Fix the cache (notes)", "tickets": ()}),
        (
            "- Fix the cache ([OPS-1](https://x.atlassian.net/browse/OPS-1) and more)",
            {
                "text": "Fix the cache (OPS-1 and more)",
                "tickets": (TicketLink(system="jira", key="OPS-1", url="https://x.atlassian.net/browse/OPS-1"),),
            },
        ),
        (
            "- Fix the cache (P1, done 2024-03-01)",
            {"status": Status.DONE, "status_raw": "done 2024-03-01", "extra": {"done_on": "2024-03-01"}},
        ),
        ("- Fix the cache (P1, owner @ann)", {"text": "Fix the cache", "owner": "@ann", "priority": Priority.P1}),
        # A checkbox already marked the status: a later "status:" label does not overwrite it.
        ("- [x] Fix the cache — owner: @ann, status: blocked", {"status": Status.DONE, "owner": "@ann"}),
        (
            "- Fix the cache (owner: Ann Lee) and then rewrite the pipeline for the new caching layer",
            {"owner": "Ann Lee", "text": "Fix the cache and then rewrite the pipeline for the new caching layer"},
        ),
        ("- Fix the cache (, ;)", {"text": "Fix the cache (, ;)", "owner": None, "priority": None}),
    ],
)
def test_item_line_shapes(line: str, expected: dict[str, Any]) -> None:
    item = only(line)
    for name, value in expected.items():
        assert getattr(item, name) == value, name


def test_sub_bullets_without_words_add_no_description() -> None:
    item = only("- Fix the cache (@ann)\n  - ![](a.png)")
    assert item.owner == "@ann"
    assert "description" not in item.extra


def test_a_ticket_line_naming_no_ticket_is_kept_as_description() -> None:
    item = only("- **Migrate** (P1, @ann)\n  - Ticket: none yet\n  - Status: done 2024-03-01")
    assert item.tickets == ()
    assert item.extra == {"description": "Ticket: none yet"}
    assert (item.status, item.status_raw) == (Status.DONE, "done 2024-03-01")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # A ticket group peeled after a trailing owner clause.
        (
            "- Fix the cache (P1, @ann) (OPS-1) — @ravi",
            {"owner": "@ravi", "tickets": (TicketLink(system="jira", key="OPS-1"),)},
        ),
        # "bug 12" reads like a reference, but a bug number has at least three digits: the group stays text.
        ("- Fix the cache (bug 12)", {"text": "Fix the cache (bug 12)", "tickets": ()}),
        # A link that opens before a trailing group is not split by it.
        (
            "- Fix the cache [ (OPS-1](https://x.atlassian.net/browse/OPS-1))",
            {
                "text": "Fix the cache",
                "tickets": (TicketLink(system="jira", key="OPS-1", url="https://x.atlassian.net/browse/OPS-1"),),
            },
        ),
        # A link running into the punctuation trimmed off the end of the item.
        ("- Fix the cache [and more -](https://example.com/x)", {"text": "Fix the cache and more", "tickets": ()}),
        (
            "- Fix the cache [OPS-1 -](https://x.atlassian.net/browse/OPS-1)",
            {
                "text": "Fix the cache OPS-1",
                "tickets": (TicketLink(system="jira", key="OPS-1", url="https://x.atlassian.net/browse/OPS-1"),),
            },
        ),
        # Six leading markers in a row are all read.
        (
            "- TODO: P1: (@ann) OPS-1: #12: bug 1234: Fix the cache",
            {
                "text": "Fix the cache",
                "status": Status.OPEN,
                "priority": Priority.P1,
                "owner": "@ann",
                "tickets": (
                    TicketLink(system="jira", key="OPS-1"),
                    TicketLink(system="github", key="#12"),
                    TicketLink(system="other", key="bug 1234"),
                ),
            },
        ),
        # Labelled annotations: the first deadline label wins, a marked status is not overwritten.
        (
            "- Fix the cache, owner: @ann, eta: 2024-05-01, deadline: 2024-06-01",
            {"owner": "@ann", "deadline": dt.date(2024, 5, 1), "text": "Fix the cache"},
        ),
        ("- [x] Fix the cache, owner: @ann, status: wip", {"status": Status.DONE, "status_raw": "[x]"}),
        # A hard-wrapped first line ending in a parenthetical that is no ticket group.
        ("- (P1)\n  continued text", {"priority": Priority.P1, "text": "continued text"}),
        ("- Fix it (a (b (c)))\n  more", {"text": "Fix it (a (b (c))) more", "priority": None}),
    ],
)
def test_more_item_line_shapes(line: str, expected: dict[str, Any]) -> None:
    item = only(line)
    for name, value in expected.items():
        assert getattr(item, name) == value, name


def test_an_item_that_is_only_an_upper_case_status_word_is_a_dropped_placeholder() -> None:
    result = parse_document("# Outage\n\n## Action Items\n\n- TODO\n", "t.md")
    assert result.postmortem is not None
    assert result.postmortem.action_items == ()
    assert [(d.code, d.line) for d in result.diagnostics] == [("PM040", 5)]


def test_a_status_prefix_outside_the_teams_vocabulary_stays_in_the_text() -> None:
    options = ParseOptions(status_synonyms={"done": Status.DONE})
    result = parse_document("# Outage\n\n## Action Items\n\n- WIP: Fix the cache (P1, @ann)\n", "t.md", options)
    assert result.postmortem is not None
    [item] = result.postmortem.action_items
    assert (item.text, item.status) == ("WIP: Fix the cache", None)


def test_empty_sub_bullets_under_a_titled_item_add_nothing() -> None:
    item = only("1. **Monitoring** (P1, @ann)\n   - Add alerts\n     - page on-call\n     -\n   -\n   - tune")
    assert item.text == "Monitoring"
    assert item.extra == {"description": "Add alerts page on-call tune"}


def test_a_list_item_holding_only_a_nested_list_yields_the_nested_items() -> None:
    result = parse_document("# Outage\n\n## Action Items\n\n-\n  - Fix the cache (P1, @ann)\n", "t.md")
    assert result.postmortem is not None
    assert [(i.text, i.owner, i.line) for i in result.postmortem.action_items] == [("Fix the cache", "@ann", 6)]
    assert result.diagnostics == ()


def test_an_empty_list_item_is_dropped_with_an_info_on_its_line() -> None:
    result = parse_document("# Outage\n\n## Action Items\n\n-\n- Fix the cache (P1, @ann)\n", "t.md")
    assert result.postmortem is not None
    assert [(i.text, i.line) for i in result.postmortem.action_items] == [("Fix the cache", 6)]
    assert [(d.code, d.line) for d in result.diagnostics] == [("PM041", 5)]


def test_a_checkbox_wins_over_a_status_prefix_which_is_still_peeled_off() -> None:
    item = only("- [x] WIP: Fix the cache (P1, @ann)")
    assert (item.text, item.status, item.status_raw) == ("Fix the cache", Status.DONE, "[x]")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # The first column of an action table without an action header holds the action.
        ("| | Owner |\n|---|---|\n| Fix the cache | @ann |", {"text": "Fix the cache", "owner": "@ann", "line": 7}),
        # Two columns of one role: the first one is read.
        (
            "| Action | Owner | Assignee |\n|---|---|---|\n| Fix the cache | @ann | @bo |",
            {"text": "Fix the cache", "owner": "@ann", "extra": {}},
        ),
        # A done symbol beside a checked box is peeled off; the checkbox stays the status.
        ("- [x] ✅ Fix the cache (P1, @ann)", {"text": "Fix the cache", "status": Status.DONE, "status_raw": "[x]"}),
        # A leading owner is not overwritten by a later owner label or owner sentence.
        (
            "- (@ann) Fix the cache, owner: @bo, due: 2024-05-01",
            {"text": "Fix the cache", "owner": "@ann", "deadline": dt.date(2024, 5, 1)},
        ),
        (
            "- (@ann) Fix the cache and rewrite the pipeline for the new layer. Owner: Ann Lee",
            {"text": "Fix the cache and rewrite the pipeline for the new layer.", "owner": "@ann"},
        ),
        (
            "- Fix the cache and rewrite the pipeline for the new layer. Owner: Ann Lee",
            {"text": "Fix the cache and rewrite the pipeline for the new layer.", "owner": "Ann Lee"},
        ),
        # An owner sentence followed by more prose: the sentence goes, the prose stays; a leading owner wins.
        (
            "- Fix the cache; owner: Ann Lee — we should also rewrite the entire pipeline for the new layer soon",
            {
                "text": "Fix the cache — we should also rewrite the entire pipeline for the new layer soon",
                "owner": "Ann Lee",
            },
        ),
        (
            "- (@ann) Fix the cache; owner: Ann Lee — we should also rewrite the whole pipeline for the new layer soon",
            {
                "text": "Fix the cache — we should also rewrite the whole pipeline for the new layer soon",
                "owner": "@ann",
            },
        ),
        # A sub-bullet labelled with something that is no item field describes an owned item.
        (
            "- Fix the cache (P1, @ann)\n  - Cost: two days of work",
            {"extra": {"description": "Cost: two days of work"}},
        ),
        # An unclosed bold run opening a wrapped item is no title: the lines form one item.
        ("- **not closed\n  second line (P1, @ann)", {"text": "**not closed second line", "owner": "@ann"}),
        # A labelled sub-bullet whose label is no item field is kept under its label.
        (
            "- Fix the cache (P1, @ann)\n  - Note: check the TTL",
            {"text": "Fix the cache", "extra": {"note": "check the TTL"}},
        ),
    ],
)
def test_tables_symbols_owners_and_sub_bullets(body: str, expected: dict[str, Any]) -> None:
    item = only(body)
    for name, value in expected.items():
        assert getattr(item, name) == value, name
