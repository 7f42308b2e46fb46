"""Write-back and a person's edit of a Status cell (issue 18.4): an edit since pmsync's last write wins and is
reported; cells that show the item's status are listed so the caller can remember what it wrote."""

from __future__ import annotations

import pytest

from sync.core.writeback import ItemWriteback, plan_writeback

TABLE = "| # | Action | Status | Ticket |\n|---|---|---|---|\n| 1 | Do it | {cell} | LOC-3 |\n"


def update(label: str | None, last: str | None, *, line: int = 3) -> ItemWriteback:
    return ItemWriteback(number=1, line=line, ticket_markdown="LOC-3", status_label=label, last_status_label=last)


@pytest.mark.parametrize(
    ("cell", "label", "last", "written", "shown", "edited"),
    [
        # Never written before: pmsync writes, as it always did.
        ("Open", "Done", None, "Done", (1,), ()),
        # The cell still says what pmsync wrote: the tracker's change is written.
        ("Open", "Done", "Open", "Done", (1,), ()),
        ("In progress (since Monday)", "Done", "In progress", "Done", (1,), ()),
        # A person changed it: left alone and reported, whatever the tracker says now.
        ("Done", "Open", "Open", "Done", (), ((1, "Done"),)),
        ("Blocked on vendor", "In progress", "Open", "Blocked on vendor", (), ((1, "Blocked on vendor"),)),
        ("", "Open", "Open", "", (), ((1, ""),)),
        # The person and the tracker agree: nothing to report, the cell shows the status.
        ("Done", "Done", "Open", "Done", (1,), ()),
    ],
)
def test_status_cell_edits(
    cell: str, label: str, last: str | None, written: str, shown: tuple[int, ...], edited: tuple[tuple[int, str]]
) -> None:
    text = TABLE.format(cell=cell)
    result = plan_writeback(text, [update(label, last)])
    assert result.text == TABLE.format(cell=written)
    assert result.status_shown == shown
    assert result.status_edited == edited


def test_no_status_label_leaves_the_status_alone_but_fills_the_ticket() -> None:
    text = "| # | Action | Status | Ticket |\n|---|---|---|---|\n| 1 | Do it | Open | |\n"
    result = plan_writeback(text, [update(None, None)])
    assert result.text == text.replace("| Open | |", "| Open | LOC-3 |")
    assert (result.status_shown, result.status_edited) == ((), ())
    listed = "- [ ] Do it\n"
    assert plan_writeback(listed, [update(None, "Open", line=1)]).text == "- [ ] Do it (LOC-3)\n"


def test_a_table_without_a_status_column_shows_no_status() -> None:
    text = "| # | Action |\n|---|---|\n| 1 | Do it |\n"
    result = plan_writeback(text, [update("Done", "Open")])
    assert result.status_shown == () and result.status_edited == ()
    assert result.text.endswith("| 1 | Do it | LOC-3 |\n")


def test_list_items_are_not_status_cells() -> None:
    # A checkbox shows only open/closed: it is written as before and never counted as a cell.
    result = plan_writeback("- [ ] Do it\n", [update("Done", "Open", line=1)])
    assert result.text == "- [x] Do it (LOC-3)\n"
    assert (result.status_shown, result.status_edited) == ((), ())


def test_an_unknown_last_label_is_refused() -> None:
    with pytest.raises(ValueError, match="status_label must be one of"):
        update("Open", "Parked")
