"""Classes of writing met in blind batches 75 onwards and in the classes left open before them (issue 27,
sixteenth round): each rule checked on made-up documents written the way those classes write, never on a
corpus document's text."""

from __future__ import annotations

from sync.core.model import Status
from tests.unit.test_parse_classes_round12 import _STORY, items


def test_a_list_written_flush_under_an_entry_ending_in_a_colon_spells_that_entry_out() -> None:
    found = items(
        f"{_STORY}## Recommendations\n\n1. **Review every generated migration**\nWatch for:\n- Dropped columns\n"
        "- Narrowed types\n\n2. **Test restores monthly**\n"
    )
    assert [item.text for item in found] == ["Review every generated migration", "Test restores monthly"]
    assert "Dropped columns" in found[0].extra.get("description", "")


def test_a_list_of_actions_after_an_entry_ending_in_a_colon_is_read() -> None:
    found = items(f"{_STORY}## Next steps\n\n1. **Harden the wiki**\nAs follows:\n- Add a disk alert\n- Move uploads\n")
    assert [item.text for item in found] == ["Harden the wiki", "Add a disk alert", "Move uploads"]


def test_a_list_of_what_a_thing_does_is_no_item() -> None:
    found = items(
        f"{_STORY}## Prevention\n\n- Add a disk alert\n\n### Nightly check\n\nIt runs every night:\n"
        "- Spins up a scratch database\n- Restores the dump\n- Fails the job when a table is missing\n"
    )
    assert [item.text for item in found] == ["Add a disk alert"]


def test_orders_beside_third_person_lines_are_still_items() -> None:
    found = items(f"{_STORY}## Next steps\n\n- Runs the restore test weekly\n- Add a disk alert\n")
    assert [item.text for item in found] == ["Runs the restore test weekly", "Add a disk alert"]


def test_a_title_naming_a_change_over_a_sentence_saying_it_is_in_place_is_that_sentence() -> None:
    found = items(
        f"{_STORY}## Future precautions\n\n### 1. Automated cleanup\n\nThe deploy script now includes a prune step "
        "so the disk cannot fill. It runs on every deploy.\n\n### 2. Better alerts\n\nWe think alerts matter.\n"
    )
    assert found[0].text == "The deploy script now includes a prune step so the disk cannot fill."
    assert found[0].status is Status.DONE


def test_a_priority_column_in_another_language_with_a_coloured_mark_is_read() -> None:
    found = items(
        f"{_STORY}## Acciones correctivas\n\n| Acción | Prioridad | Responsable |\n|---|---|---|\n"
        "| Rotar backups | 🔴 Crítica | Ana |\n| Alertas de disco | 🟡 Alta | Ana |\n| Runbook | 🟢 Baja | Ana |\n"
        "| Revisar el VPS | 🟣 Quizás | Ana |\n"
    )
    assert [item.priority.value if item.priority else None for item in found] == ["P0", "P1", "P2", None]
