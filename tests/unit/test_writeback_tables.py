"""Write-back into action-item tables: only ticket and status cells change, every other byte stays."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.core.model import Status
from sync.core.writeback import ItemWriteback, WritebackResult, plan_writeback, status_label
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


# --- the shared corpus, read in place ------------------------------------------------------------------------


def test_s01_table_gains_a_ticket_column_and_nothing_else_changes() -> None:
    text = (CORPUS / "s01-template-checkout-502.md").read_text(encoding="utf-8")
    lines = text.split("\n")
    result = apply(text, item(55, JIRA_12, "Done", 1), item(57, "LOC-3", "In progress", 3))

    changed = diff_lines(text, result.text)
    assert set(changed) == {53, 54, 55, 56, 57, 58, 59}  # the action table only; the factors table is untouched
    new = result.text.split("\n")
    assert new[52] == lines[52] + " Ticket |"
    assert new[53] == lines[53] + "---|"
    assert new[54] == f"| 1 | Route config pushes through the canary stage | @dana | | P0 | Done | {JIRA_12} |"
    assert new[56] == (
        "| 3 | Alert on connection-pool exhaustion per deployment | @sre-oncall | | P1 | In progress | LOC-3 |"
    )
    for untouched_item in (55, 57, 58):
        assert new[untouched_item] == lines[untouched_item] + " |"  # an empty cell in the new column
    assert result.skipped == ()


def test_s03_google_bug_column_fills_placeholders_and_keeps_human_bugs() -> None:
    text = (CORPUS / "s03-google-style.md").read_text(encoding="utf-8")
    result = apply(
        text,
        item(18, "PROJ-1", "Done", 1),
        item(19, "PROJ-2", "Open", 2),
        item(20, "PROJ-3", "Open", 3),
    )
    assert diff_lines(text, result.text) == {
        18: (
            "| Update playbook with instructions for responding to cascading failure | mitigate | jennifer | "
            "n/a **DONE** |",
            "| Update playbook with instructions for responding to cascading failure | mitigate | jennifer | "
            "PROJ-1 **DONE** |",
        ),
        20: (
            "| Schedule cascading failure test during next DiRT | process | docbrown | n/a **TODO** |",
            "| Schedule cascading failure test during next DiRT | process | docbrown | PROJ-3 **TODO** |",
        ),
    }
    assert result.skipped == ((2, "ticket cell already holds 'Bug 5554823 **TODO**'"),)


def test_s03_adopted_human_bug_is_the_same_ticket() -> None:
    text = (CORPUS / "s03-google-style.md").read_text(encoding="utf-8")
    result = apply(text, item(19, "Bug 5554823", "Done", 2))
    assert result == WritebackResult(text=text)


# --- finding the columns -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ticket_header", ["Ticket", "Tickets", "issue", "Issue", "Bug", "Bug #", "JIRA", "Link", "Reference", "**Ticket**"]
)
@pytest.mark.parametrize("status_header", ["Status", "state", "STATUS"])
def test_existing_empty_ticket_column_is_filled(ticket_header: str, status_header: str) -> None:
    text = f"| # | Action | {ticket_header} | {status_header} |\n|---|---|---|---|\n| 1 | Do it | | Open |\n"
    result = apply(text, item(3, JIRA_12, "In progress"))
    assert result.text.split("\n")[2] == f"| 1 | Do it | {JIRA_12} | In progress |"
    assert result.changed_lines == (3,)


def test_table_without_status_column_gets_no_status_column() -> None:
    text = "| # | Action |\n|---|---|\n| 1 | Do it |\n"
    result = apply(text, item(3, "LOC-3", "Done"))
    assert result.text == "| # | Action | Ticket |\n|---|---|---|\n| 1 | Do it | LOC-3 |\n"


def test_only_the_table_holding_the_item_changes() -> None:
    first = "| Factor | Score |\n|---|---|\n| Testing | 3 |\n"
    second = "| # | Action | Status |\n|---|---|---|\n| 1 | Do it | Open |\n"
    text = first + "\n" + second
    result = apply(text, item(7, "LOC-3", "Done"))
    assert set(result.changed_lines) == {5, 6, 7}
    assert result.text.startswith(first)


# --- what a ticket cell may already hold -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("", "LOC-3"),
        ("n/a", "LOC-3"),
        ("N/A", "LOC-3"),
        ("NA", "LOC-3"),
        ("-", "LOC-3"),
        ("—", "LOC-3"),
        ("TBD", "LOC-3"),
        ("none", "LOC-3"),
        ("n/a **DONE**", "LOC-3 **DONE**"),
        ("__TODO__", "LOC-3 __TODO__"),
    ],
)
def test_empty_or_placeholder_ticket_cell_counts_as_empty(cell: str, expected: str) -> None:
    text = f"| Action | Ticket |\n|---|---|\n| Do it | {cell} |\n"
    result = apply(text, item(3, "LOC-3"))
    assert result.text.split("\n")[2] == f"| Do it | {expected} |"
    assert result.skipped == ()


@pytest.mark.parametrize(
    ("cell", "ticket"),
    [
        ("PROJ-12", JIRA_12),  # the human wrote the key, pmsync would write a link: same ticket
        (JIRA_12, JIRA_12),
        ("<https://jira.example/browse/PROJ-12>", JIRA_12),
        ("see PROJ-12, PROJ-40", "PROJ-12"),
    ],
)
def test_cell_naming_the_same_ticket_is_untouched(cell: str, ticket: str) -> None:
    text = f"| Action | Ticket | Status |\n|---|---|---|\n| Do it | {cell} | Open |\n"
    result = apply(text, item(3, ticket, "Open"))
    assert result == WritebackResult(text=text, status_shown=(1,))


@pytest.mark.parametrize("cell", ["PROJ-123", "OTHER-12", "https://bugzilla.example/1", "see below"])
def test_cell_naming_another_ticket_wins_and_is_reported(cell: str) -> None:
    text = f"| Action | Ticket | Status |\n|---|---|---|\n| Do it | {cell} | Open |\n"
    result = apply(text, item(3, "PROJ-12", "Done", number=4))
    assert result.text == text  # neither the reference nor the status of that row is pmsync's to change
    assert result.skipped == ((4, f"ticket cell already holds {cell!r}"),)


# --- status cells --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "label", "expected"),
    [
        ("Open", "Done", "Done"),
        ("", "Open", "Open"),
        ("In progress", "Won't do", "Won't do"),
        ("Done (2026-03-01)", "Done", "Done (2026-03-01)"),  # already says it: the human's wording stays
        ("done", "Done", "done"),
        ("**Completed**", "Done", "**Completed**"),
        ("WIP", "In progress", "WIP"),
        ("won’t fix", "Won't do", "won’t fix"),
        ("Closed", "Open", "Closed"),  # the author's own: never reopened by pmsync (issue 23.2)
        ("Won't do", "In progress", "Won't do"),
        ("Won't do", "Done", "Won't do"),  # both closed: the author's words stay
        ("Not started", "In progress", "In progress"),
    ],
)
def test_status_cell(cell: str, label: str, expected: str) -> None:
    text = f"| Action | Ticket | Status |\n|---|---|---|\n| Do it | LOC-3 | {cell} |\n"
    result = apply(text, item(3, "LOC-3", label))
    assert result.text.split("\n")[2] == f"| Do it | LOC-3 | {expected} |"


def test_a_closed_status_pmsync_wrote_follows_a_reopened_ticket_and_an_authors_is_a_conflict() -> None:
    text = "| # | Action | Ticket | Status |\n|---|---|---|---|\n| 1 | A | LOC-1 | Done |\n| 2 | B | LOC-2 | Done |\n"
    ours = ItemWriteback(number=1, line=3, ticket_markdown="LOC-1", status_label="Open", last_status_label="Done")
    authors = ItemWriteback(number=2, line=4, ticket_markdown="LOC-2", status_label="Open")
    result = apply(text, ours, authors)
    assert result.text.split("\n")[2:4] == ["| 1 | A | LOC-1 | Open |", "| 2 | B | LOC-2 | Done |"]
    assert result.status_edited == ((2, "Done"),)
    assert result.status_shown == (1,)


# --- bytes that must survive ---------------------------------------------------------------------------------


def test_crlf_line_endings_are_kept() -> None:
    text = "# PM\r\n\r\n| # | Action | Status |\r\n|---|---|---|\r\n| 1 | A | Open |\r\n| 2 | B | Open |\r\n"
    result = apply(text, item(5, "LOC-1", "Done"))
    assert result.text == (
        "# PM\r\n\r\n| # | Action | Status | Ticket |\r\n|---|---|---|---|\r\n"
        "| 1 | A | Done | LOC-1 |\r\n| 2 | B | Open | |\r\n"
    )


def test_missing_final_newline_stays_missing() -> None:
    text = "| # | Action | Status |\n|---|---|---|\n| 1 | A | Open |"
    result = apply(text, item(3, "LOC-1", "Done"))
    assert result.text == "| # | Action | Status | Ticket |\n|---|---|---|---|\n| 1 | A | Done | LOC-1 |"


def test_trailing_whitespace_is_kept_byte_for_byte() -> None:
    text = "| # | Action | Status |  \n|---|---|---|\t\n| 1 | A | Open |   \n"
    result = apply(text, item(3, "LOC-1", "Done"))
    assert result.text == "| # | Action | Status | Ticket |  \n|---|---|---|---|\t\n| 1 | A | Done | LOC-1 |   \n"


def test_escaped_pipes_and_code_spans_do_not_split_cells() -> None:
    text = (
        "| Action | Ticket | Status |\n|---|---|---|\n"
        "| Split a \\| b | | Open |\n"
        "| Run `grep a|b` first | | Open |\n"
        "| Run ``x `|` y`` too | | Open |\n"
    )
    result = apply(text, item(3, "LOC-1", "Done", 1), item(4, "LOC-2", "Done", 2), item(5, "LOC-3", "Done", 3))
    assert result.text.split("\n")[2:5] == [
        "| Split a \\| b | LOC-1 | Done |",
        "| Run `grep a|b` first | LOC-2 | Done |",
        "| Run ``x `|` y`` too | LOC-3 | Done |",
    ]


def test_unmatched_backtick_is_literal_and_pipe_still_splits() -> None:
    text = "| Action | Ticket |\n|---|---|\n| a ` b | |\n"
    assert apply(text, item(3, "LOC-1")).text.split("\n")[2] == "| a ` b | LOC-1 |"


def test_pipe_in_ticket_markdown_is_escaped() -> None:
    text = "| Action | Ticket |\n|---|---|\n| a | |\n"
    assert apply(text, item(3, "[X|1](https://x/1)")).text.split("\n")[2] == "| a | [X\\|1](https://x/1) |"


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        pytest.param(
            "# | Action | Status\n--|---|--\n1 | A | Open\n2 | B | Open\n",
            "# | Action | Status | Ticket\n--|---|--|---\n1 | A | Done | LOC-1\n2 | B | Open |\n",
            id="no-outer-pipes",
        ),
        pytest.param(
            "| # | Action | Status\n|---|---|---\n| 1 | A | Open\n",
            "| # | Action | Status | Ticket\n|---|---|---|---\n| 1 | A | Done | LOC-1\n",
            id="leading-pipe-only",
        ),
        pytest.param(
            "# | Action | Status |\n---|---|---|\n1 | A | Open |\n",
            "# | Action | Status | Ticket |\n---|---|---|---|\n1 | A | Done | LOC-1 |\n",
            id="trailing-pipe-only",
        ),
        pytest.param(
            "|#|Action|Status|\n|-|-|-|\n|1|A|Open|\n|2|B|Open|\n",
            "|#|Action|Status|Ticket|\n|-|-|-|---|\n|1|A|Done|LOC-1|\n|2|B|Open||\n",
            id="unpadded",
        ),
        pytest.param(
            "| # | Action | Status |\n| :-- | :-: | --: |\n| 1 | A | Open |\n",
            "| # | Action | Status | Ticket |\n| :-- | :-: | --: | --- |\n| 1 | A | Done | LOC-1 |\n",
            id="alignment-colons",
        ),
        pytest.param(
            "| #   | Action | Status |\n| --- | ------ | ------ |\n| 1   | A      | Open   |\n",
            "| #   | Action | Status | Ticket |\n| --- | ------ | ------ | ------ |\n"
            "| 1   | A      | Done   | LOC-1 |\n",
            id="aligned-columns",
        ),
        pytest.param(
            "  | # | Action | Status |\n  |---|---|---|\n  | 1 | A | Open |\n",
            "  | # | Action | Status | Ticket |\n  |---|---|---|---|\n  | 1 | A | Done | LOC-1 |\n",
            id="indented",
        ),
        pytest.param(
            "| # | Action | Status |\n|---|---|---|\n| 1 | A | Open |\n| 2 |\n",
            "| # | Action | Status | Ticket |\n|---|---|---|---|\n| 1 | A | Done | LOC-1 |\n| 2 | | | |\n",
            id="short-row-padded-to-the-new-column",
        ),
    ],
)
def test_ticket_column_is_added_in_the_tables_own_style(table: str, expected: str) -> None:
    result = apply(table, item(3, "LOC-1", "Done"))
    assert result.text == expected
    assert apply(result.text, item(3, "LOC-1", "Done")).text == expected


def test_short_row_without_closing_pipe_gets_its_ticket_in_the_right_column() -> None:
    text = "# | Action | Status\n--|---|--\n1 | A\n"
    result = apply(text, item(3, "LOC-1", "Done"))
    assert result.text == "# | Action | Status | Ticket\n--|---|--|---\n1 | A | Done | LOC-1 |\n"


def test_status_cell_missing_from_a_short_row_is_created() -> None:
    text = "| Action | Ticket | Status |\n|---|---|---|\n| A |\n"
    result = apply(text, item(3, "LOC-1", "Done"))
    assert result.text == "| Action | Ticket | Status |\n|---|---|---|\n| A | LOC-1 | Done |\n"


# --- guards ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("```\n| # | Action |\n|---|---|\n| 1 | A |\n```\n", 4, "line 4 is inside a fenced code block"),
        ("~~~~md\n| # | Action |\n|---|---|\n| 1 | A |\n", 4, "line 4 is inside a fenced code block"),
        ("| # | Action |\n|---|---|\n| 1 | A |\n", 1, "line 1 is a table header, not an item row"),
        ("| # | Action |\n|---|---|\n| 1 | A |\n", 2, "line 2 is a table header, not an item row"),
        ("| # | Action |\n|---|---|\n| 1 | A |\n", 9, "line 9 is outside the document"),
        ("Just prose.\n", 1, "line 1 is neither a table row nor a list item"),
        ("a | b\nc | d\n", 2, "line 2 is neither a table row nor a list item"),  # no delimiter row: not a table
    ],
)
def test_lines_that_cannot_take_a_ticket_are_skipped(text: str, line: int, reason: str) -> None:
    result = apply(text, item(line, "LOC-1", "Done", number=7))
    assert result == WritebackResult(text=text, skipped=((7, reason),))


def test_fence_closes_only_on_a_matching_fence() -> None:
    text = "````\n```\n| a |\n````\n| # | Action |\n|---|---|\n| 1 | A |\n"
    result = apply(text, item(3, "LOC-1", "Done", 1), item(7, "LOC-2", "Done", 2))
    assert result.skipped == ((1, "line 3 is inside a fenced code block"),)
    assert result.changed_lines == (5, 6, 7)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"status_label": "Closed"}, "status_label must be one of"),
        ({"ticket_markdown": "  "}, "ticket_markdown must be one non-empty line"),
        ({"ticket_markdown": "A-1\nB-2"}, "ticket_markdown must be one non-empty line"),
    ],
)
def test_item_writeback_rejects_bad_values(kwargs: dict[str, str], message: str) -> None:
    values = {"ticket_markdown": "A-1", "status_label": "Open"} | kwargs
    with pytest.raises(ValueError, match=message):
        ItemWriteback(number=1, line=1, **values)


@pytest.mark.parametrize(
    ("status", "label"),
    [(Status.OPEN, "Open"), (Status.IN_PROGRESS, "In progress"), (Status.DONE, "Done"), (Status.WONT_DO, "Won't do")],
)
def test_status_label_matches_the_template(status: Status, label: str) -> None:
    assert status_label(status) == label
    ItemWriteback(number=1, line=1, ticket_markdown="A-1", status_label=status_label(status))


# --- property: nothing but the planned lines changes, and a second pass is a no-op --------------------------

_word = st.text(alphabet="abcXYZ019 -_.:", min_size=0, max_size=8)
_special = st.sampled_from(["\\|", "`a|b`", "**x**", "n/a", "PROJ-7", "Done", ""])
_cell = st.lists(st.one_of(_word, _special), max_size=3).map(" ".join)
_headers = st.sampled_from(["#", "Action", "Owner", "Ticket", "Bug", "Status", "State", "Notes"])


@st.composite
def tables(draw: st.DrawFn) -> tuple[str, list[ItemWriteback]]:
    headers = draw(st.lists(_headers, min_size=1, max_size=5, unique=True))
    leading, trailing, pad = draw(st.booleans()), draw(st.booleans()), draw(st.sampled_from(["", " ", "  "]))
    ending = draw(st.sampled_from(["\n", "\r\n"]))

    def row(cells: list[str]) -> str:
        body = "|".join(f"{pad}{c}{pad}" for c in cells)
        line = ("|" if leading or len(cells) == 1 else "") + body + ("|" if trailing or len(cells) == 1 else "")
        return line + draw(st.sampled_from(["", " ", "\t"]))

    body_rows = draw(st.lists(st.lists(_cell, min_size=len(headers), max_size=len(headers)), min_size=1, max_size=5))
    before = draw(st.lists(st.sampled_from(["# Title", "", "Some prose.", "- a list item"]), max_size=3))
    lines = [*before, "", row(headers), row(["---"] * len(headers)), *(row(r) for r in body_rows), "", "The end."]
    first_row = len(before) + 4
    picked = draw(st.lists(st.integers(0, len(body_rows) - 1), unique=True, max_size=len(body_rows)))
    updates = [
        ItemWriteback(
            number=n + 1,
            line=first_row + n,
            ticket_markdown=draw(st.sampled_from(["PROJ-7", JIRA_12, "LOC-3", "[A|1](https://x/1)"])),
            status_label=draw(st.sampled_from(["Open", "In progress", "Done", "Won't do"])),
        )
        for n in picked
    ]
    final = draw(st.sampled_from([ending, ""]))
    return ending.join(lines) + final, updates


@settings(max_examples=150, deadline=None)
@given(tables())
def test_only_changed_lines_differ_and_a_second_pass_is_a_no_op(case: tuple[str, list[ItemWriteback]]) -> None:
    text, updates = case
    first = plan_writeback(text, updates)
    old, new = text.splitlines(keepends=True), first.text.splitlines(keepends=True)
    assert len(old) == len(new)
    for number, (before, after) in enumerate(zip(old, new, strict=True), 1):
        if number not in first.changed_lines:
            assert before == after
        else:
            assert before != after
            assert before[len(before.rstrip("\r\n")) :] == after[len(after.rstrip("\r\n")) :]  # same line ending
    second = plan_writeback(first.text, updates)
    assert second.text == first.text
    assert second.changed_lines == ()
