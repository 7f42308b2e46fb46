"""Write-back into list-style action items: append the ticket, follow the status with the checkbox."""

from __future__ import annotations

import pytest

from sync.core.writeback import ItemWriteback, WritebackResult, plan_writeback
from tests.conftest import CORPUS

JIRA_12 = "[PROJ-12](https://jira.example/browse/PROJ-12)"


def diff_lines(before: str, after: str) -> dict[int, tuple[str, str]]:
    """1-based line number → (old, new) for every line that differs; line counts must match."""
    old, new = before.split("\n"), after.split("\n")
    assert len(old) == len(new), "write-back must never add or remove lines"
    return {i: (a, b) for i, (a, b) in enumerate(zip(old, new, strict=True), 1) if a != b}


def apply(text: str, *updates: ItemWriteback) -> WritebackResult:
    result = plan_writeback(text, updates)
    assert tuple(diff_lines(text, result.text)) == result.changed_lines
    return result


def item(line: int, ticket: str = "LOC-3", status: str = "Open", number: int = 1) -> ItemWriteback:
    return ItemWriteback(number=number, line=line, ticket_markdown=ticket, status_label=status)


def test_s02_checkboxes_follow_the_status_and_get_their_tickets() -> None:
    text = (CORPUS / "s02-frontmatter-checkboxes.md").read_text(encoding="utf-8")
    updates = (item(19, "PROJ-1", "Done", 1), item(20, "PROJ-2", "Open", 2), item(21, "PROJ-3", "In progress", 3))
    result = apply(text, *updates)
    assert diff_lines(text, result.text) == {
        19: (
            "- [ ] P1: Time out loader lock waits after 15 minutes and page — @ravi",
            "- [x] P1: Time out loader lock waits after 15 minutes and page — @ravi (PROJ-1)",
        ),
        20: (
            "- [x] P2: Document how to run backfills without blocking the nightly load — @data-platform "
            "(done 2026-04-22)",
            # Issue 23.2: the author's tick stays while the ticket is open (a status conflict).
            "- [x] P2: Document how to run backfills without blocking the nightly load — @data-platform "
            "(done 2026-04-22) (PROJ-2)",
        ),
        21: (
            "- [ ] P2: Dashboard freshness alert for the finance views — owner: mei@example.com, due 2026-05-15",
            "- [ ] P2: Dashboard freshness alert for the finance views — owner: mei@example.com, due 2026-05-15 "
            "(PROJ-3)",
        ),
    }
    assert result.status_edited == ((2, "[x]"),)
    assert apply(result.text, *updates).text == result.text


def test_a_tick_pmsync_put_there_follows_a_reopened_ticket_and_an_authors_tick_stays() -> None:
    text = "## Action items\n\n- [x] Rotate the keys\n- [x] Page the owner\n- [ ] Add the alert\n"
    ours = ItemWriteback(number=1, line=3, ticket_markdown="OPS-1", status_label="Open", last_status_label="Done")
    authors = ItemWriteback(number=2, line=4, ticket_markdown="OPS-2", status_label="In progress")
    edited = ItemWriteback(number=3, line=5, ticket_markdown="OPS-3", status_label="Open", last_status_label="Open")
    result = apply(text, ours, authors, edited)
    assert result.text.splitlines()[2:] == [
        "- [ ] Rotate the keys (OPS-1)",
        "- [x] Page the owner (OPS-2)",
        "- [ ] Add the alert (OPS-3)",
    ]
    assert result.status_edited == ((2, "[x]"),)


def test_s04_numbered_remediation_items_get_their_tickets() -> None:
    text = (CORPUS / "s04-remediation-bullets.md").read_text(encoding="utf-8")
    result = apply(text, item(13, JIRA_12, "Done", 1), item(16, "LOC-4", "Open", 4))
    assert diff_lines(text, result.text) == {
        13: (
            "1. (P0, @kofi) Renew and deploy the certificate — done",
            f"1. (P0, @kofi) Renew and deploy the certificate — done ({JIRA_12})",
        ),
        16: (
            "4. (P2, @platform-docs) Runbook: manual certificate renewal",
            "4. (P2, @platform-docs) Runbook: manual certificate renewal (LOC-4)",
        ),
    }


def test_22_items_already_naming_their_bugzilla_bug_only_get_their_checkbox_set() -> None:
    text = (CORPUS / "22-taskcluster-2019-03-20-leaked-creds.md").read_text(encoding="utf-8")
    lines = text.split("\n")
    first = next(n for n, line in enumerate(lines, 1) if "bug 1537907" in line)
    third = next(n for n, line in enumerate(lines, 1) if "bug 1478941" in line)
    adopted = "[bug 1478941](https://bugzilla.mozilla.org/show_bug.cgi?id=1478941)"
    result = apply(text, item(first, "PROJ-1", "Open", 1), item(third, adopted, "Done", 3))
    changed = diff_lines(text, result.text)
    assert set(changed) == {first, third}
    # The author ticked it; the ticket is open: the tick stays, reported (issue 23.2).
    assert changed[first][1] == changed[first][0] + " (PROJ-1)"
    assert result.status_edited == ((1, "[x]"),)
    assert changed[third][1] == changed[third][0].replace("- [ ]", "- [x]", 1)  # the link is already there


@pytest.mark.parametrize(
    ("box", "status", "last", "expected"),
    [
        ("[ ]", "Open", None, "[ ]"),
        ("[ ]", "In progress", None, "[ ]"),
        ("[ ]", "Done", None, "[x]"),
        ("[ ]", "Won't do", None, "[x]"),
        ("[x]", "Done", None, "[x]"),
        ("[X]", "Won't do", None, "[X]"),  # already ticked: the human's capital X stays
        ("[x]", "Open", "Done", "[ ]"),  # pmsync ticked it, then the ticket was reopened
        ("[X]", "In progress", "Won't do", "[ ]"),
        ("[x]", "Open", None, "[x]"),  # the author's tick is never undone (issue 23.2)
        ("[x]", "In progress", "Open", "[x]"),  # nor a person's since pmsync wrote Open
    ],
)
def test_checkbox_follows_the_status(box: str, status: str, last: str | None, expected: str) -> None:
    text = f"## Action items\n- {box} Add an alert LOC-3\n"
    update = ItemWriteback(number=1, line=2, ticket_markdown="LOC-3", status_label=status, last_status_label=last)
    assert apply(text, update).text == f"## Action items\n- {expected} Add an alert LOC-3\n"


@pytest.mark.parametrize("marker", ["-", "*", "+", "1.", "12)", "  -", "\t*"])
def test_any_list_marker_gets_the_ticket_appended(marker: str) -> None:
    text = f"Intro\n{marker} Add an alert\n"
    assert apply(text, item(2, JIRA_12)).text == f"Intro\n{marker} Add an alert ({JIRA_12})\n"


@pytest.mark.parametrize(
    ("existing", "ticket"),
    [
        ("tracked in PROJ-12", JIRA_12),
        ("tracked in https://jira.example/browse/PROJ-12", JIRA_12),
        (f"see {JIRA_12}", "PROJ-12"),
        ("(LOC-3)", "LOC-3"),
    ],
)
def test_item_already_naming_the_ticket_is_not_appended(existing: str, ticket: str) -> None:
    text = f"- Add an alert {existing}\n"
    assert apply(text, item(1, ticket)) == WritebackResult(text=text)


def test_ticket_named_on_a_continuation_line_counts() -> None:
    text = "- Add an alert for the pool\n  exhaustion, tracked as PROJ-12\n- Next item\n"
    assert apply(text, item(1, JIRA_12)) == WritebackResult(text=text)


def test_ticket_named_only_by_the_next_item_does_not_count() -> None:
    text = "- Add an alert\n- Next item PROJ-12\n"
    assert apply(text, item(1, "PROJ-12")).text == "- Add an alert (PROJ-12)\n- Next item PROJ-12\n"


def test_longer_key_is_a_different_ticket() -> None:
    text = "- Add an alert (PROJ-123)\n"
    assert apply(text, item(1, "PROJ-12")).text == "- Add an alert (PROJ-123) (PROJ-12)\n"


def test_only_the_first_line_of_a_multi_line_item_changes() -> None:
    text = "1. Add an alert for the pool\n   and page the owner\n\n   More detail.\n2. Next\n"
    result = apply(text, item(1, "LOC-3"))
    assert diff_lines(text, result.text) == {
        1: ("1. Add an alert for the pool", "1. Add an alert for the pool (LOC-3)")
    }


@pytest.mark.parametrize("ending", ["\n", "\r\n"])
def test_line_endings_and_hard_break_spaces_are_kept(ending: str) -> None:
    text = f"- [ ] Add an alert  {ending}  with detail{ending}- [ ] Other\t{ending}"
    result = apply(text, item(1, "LOC-1", "Done", 1), item(3, "LOC-2", "Open", 2))
    assert result.text == f"- [x] Add an alert (LOC-1)  {ending}  with detail{ending}- [ ] Other (LOC-2)\t{ending}"


def test_last_line_without_newline() -> None:
    assert apply("- [ ] Add an alert", item(1, "LOC-1", "Done")).text == "- [x] Add an alert (LOC-1)"


def test_utf8_bom_is_kept_and_does_not_hide_a_first_line_item() -> None:
    result = apply("\ufeff- [ ] Add an alert\r\n", item(1, "LOC-1", "Done"))
    assert result.text == "\ufeff- [x] Add an alert (LOC-1)\r\n"


@pytest.mark.parametrize(
    "text",
    [
        "```\n- [ ] Add an alert\n```\n",
        "```md\n- [ ] Add an alert\n",  # an unclosed fence runs to the end of the document
        "- Steps:\n  ~~~\n  - [ ] Add an alert\n  ~~~\n",
        "````\n```\n- [ ] Add an alert\n````\n",
    ],
)
def test_items_inside_fenced_code_are_never_touched(text: str) -> None:
    line = next(n for n, content in enumerate(text.split("\n"), 1) if "Add an alert" in content)
    result = apply(text, item(line, "LOC-1", "Done", number=5))
    assert result == WritebackResult(text=text, skipped=((5, f"line {line} is inside a fenced code block"),))


def test_fence_with_backtick_in_info_string_is_not_a_fence() -> None:
    text = "``` a`b\n- [ ] Add an alert\n"
    assert apply(text, item(2, "LOC-1", "Done")).text == "``` a`b\n- [x] Add an alert (LOC-1)\n"


def test_items_after_a_closed_fence_are_written() -> None:
    text = "```\ncode\n```\n- [ ] Add an alert\n"
    assert apply(text, item(4, "LOC-1", "Done")).changed_lines == (4,)


def test_thematic_break_is_not_a_list_item() -> None:
    result = apply("---\n", item(1, "LOC-1"))
    assert result.skipped == ((1, "line 1 is neither a table row nor a list item"),)
