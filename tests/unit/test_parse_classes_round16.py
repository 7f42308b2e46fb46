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


def test_a_rank_beside_the_word_of_the_ladder_gives_the_group_its_priority() -> None:
    found = items(
        f"{_STORY}## Fixes required\n\n### Priority 1 (Critical):\n- [ ] Add a disk alert\n\n"
        "### Priority 2 (High):\n- [ ] Move uploads\n\n### Priority 4 (Nice to have):\n- [ ] Add a dashboard\n\n"
        "### Priority 3:\n- [ ] Write the runbook\n"
    )
    assert [(item.text, item.priority.value if item.priority else None) for item in found] == [
        ("Add a disk alert", "P0"),
        ("Move uploads", "P1"),
        ("Add a dashboard", "P2"),
        ("Write the runbook", None),  # a rank alone is no level of the ladder
    ]
    assert all(item.confidence == "high" for item in found)  # "Fixes required" names the actions


def test_today_beside_a_group_name_is_its_time_frame() -> None:
    found = items(f"{_STORY}## Action plan\n\n### Immediate (Today):\n1. Switch the wiki to read-only\n")
    assert [(item.text, item.deadline_raw) for item in found] == [("Switch the wiki to read-only", "Today")]


def test_a_group_said_to_be_applied_holds_work_done() -> None:
    found = items(
        f"{_STORY}## Remediation\n\n### Immediate fixes (applied in this branch)\n"
        "1. **Fix the nil check** — return early\n\n"
        "### Short-term\n- Add a disk alert\n"
    )
    assert [(item.text.split(" — ")[0], item.status) for item in found] == [
        ("Fix the nil check", Status.DONE),
        ("Add a disk alert", None),
    ]


def test_what_we_built_to_fix_it_holds_work_done_under_its_sub_headings() -> None:
    found = items(
        f"{_STORY}## What We Built to Fix It\n\n### Day 1 — Survival\n- Nightly dump to a second disk — survives a "
        "full disk\n\n### Day 2 — Detection\n- Disk alert at 80 % — pages the on-call\n"
    )
    assert [(item.text.split(" — ")[0], item.status, item.confidence) for item in found] == [
        ("Nightly dump to a second disk", Status.DONE, "high"),
        ("Disk alert at 80 %", Status.DONE, "high"),
    ]
