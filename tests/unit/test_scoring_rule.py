"""The corpus scoring rule (tests/corpus/scoring.py) reads ground truth written in more than one convention the
same way: a priority word, a code span without its backticks, a ticket key kept in the text, an inline link or bold."""

from __future__ import annotations

from typing import Any

from sync.core.model import ActionItem, Priority, Status, TicketLink
from tests.corpus.scoring import score_document


def _entry(*actions: dict[str, Any]) -> dict[str, Any]:
    full = [{"owner": None, "deadline": None, "priority": None, "status": None, "tickets": []} | a for a in actions]
    return {"file": "doc.md", "actions": full, "count_strict": len(full), "count_lenient": len(full)}


def test_a_priority_word_in_the_ground_truth_is_its_level() -> None:
    item = ActionItem(number=1, text="Add monitoring", priority=Priority.P1, status=Status.OPEN, line=3)
    assert score_document(_entry({"text": "Add monitoring", "priority": "High"}), [item]).right == 1
    wrong = score_document(_entry({"text": "Add monitoring", "priority": "Medium"}), [item])
    assert wrong.right == 0 and "priority 'P1' != 'P2'" in wrong.problems[0]


def test_backticks_are_markup_on_either_side() -> None:
    item = ActionItem(number=1, text="Create `/verify-fix` verification command", line=3)
    assert score_document(_entry({"text": "Create /verify-fix verification command"}), [item]).right == 1
    other = ActionItem(number=1, text="Create /verify-fix verification command", line=3)
    assert score_document(_entry({"text": "Create `/verify-fix` verification"}), [other]).right == 1


def test_a_leading_ticket_key_matches_the_item_that_holds_the_key() -> None:
    gt = _entry({"text": "#1294: Fix spawn queue activation", "tickets": ["#1294"]})
    linked = ActionItem(
        number=1, text="Fix spawn queue activation", tickets=(TicketLink(system="github", key="#1294"),), line=3
    )
    assert score_document(gt, [linked]).right == 1
    # The same words without the key are another item: the ticket is what ties them.
    unlinked = ActionItem(number=1, text="Fix spawn queue activation", line=3)
    missed = score_document(gt, [unlinked])
    assert missed.right == 0 and missed.extra == 1


def test_an_item_with_no_status_stated_is_open_work() -> None:
    unstated = ActionItem(number=1, text="Add monitoring", line=3)
    assert score_document(_entry({"text": "Add monitoring", "status": "open"}), [unstated]).right == 1
    wrong = score_document(_entry({"text": "Add monitoring", "status": "done"}), [unstated])
    assert wrong.right == 0 and "status None != 'done'" in wrong.problems[0]


def test_an_inline_link_in_the_ground_truth_is_its_text() -> None:
    item = ActionItem(number=1, text="Updated the deployment guide for the next rebuild", line=3)
    linked = {"text": "Updated the [deployment guide](/docs/deploy.md) for the next rebuild"}
    assert score_document(_entry(linked), [item]).right == 1
    assert score_document(_entry({"text": "Updated the [release guide](/docs/deploy.md)"}), [item]).right == 0


def test_a_label_the_parser_keeps_and_the_ground_truth_drops_names_the_same_item() -> None:
    item = ActionItem(number=1, text="Disk cleanup: Reclaimed 5 GB on the build server", line=3)
    assert score_document(_entry({"text": "Reclaimed 5 GB on the build server"}), [item]).right == 1
    assert score_document(_entry({"text": "Disk cleanup: Reclaimed 5 GB"}), [item]).right == 1
    assert score_document(_entry({"text": "Reclaimed 6 GB on the build server"}), [item]).right == 0


def test_bold_in_the_ground_truth_is_markup() -> None:
    item = ActionItem(number=1, text="Providers are imported without ssr: false in the layout", line=3)
    assert score_document(_entry({"text": "Providers are imported **without** ssr: false"}), [item]).right == 1
    assert score_document(_entry({"text": "Providers are imported __without__ ssr: false"}), [item]).right == 1
    assert score_document(_entry({"text": "Providers are imported **with** ssr: false"}), [item]).right == 0


def test_a_rank_with_a_ladder_word_in_the_ground_truth_is_that_word_s_level() -> None:
    item = ActionItem(number=1, text="Add monitoring", priority=Priority.P0, line=3)
    assert score_document(_entry({"text": "Add monitoring", "priority": "Priority 1 (Critical)"}), [item]).right == 1
    assert score_document(_entry({"text": "Add monitoring", "priority": "Priority 2 (High)"}), [item]).right == 0
    assert score_document(_entry({"text": "Add monitoring", "priority": "Priority 1"}), [item]).right == 0


def test_references_in_parentheses_in_the_ground_truth_are_the_items_tickets() -> None:
    tickets = (TicketLink(system="github", key="#716"), TicketLink(system="github", key="#717"))
    item = ActionItem(number=1, text="Pin the dind image to a patch tag", tickets=tickets, line=3)
    assert score_document(_entry({"text": "Pin the dind image to a patch tag (#716/#717)"}), [item]).right == 1
    linked = (TicketLink(system="github", key="#718"),)
    inside = ActionItem(number=1, text="Agree thresholds (#718). Values apply once", tickets=linked, line=3)
    assert score_document(_entry({"text": "Agree thresholds (#718). Values apply once"}), [inside]).right == 1
    # The same words without the reference read are another item: the ticket is what ties them.
    unlinked = ActionItem(number=1, text="Pin the dind image to a patch tag", line=3)
    assert score_document(_entry({"text": "Pin the dind image to a patch tag (#716/#717)"}), [unlinked]).right == 0


def test_an_owner_note_the_ground_truth_keeps_is_the_items_owner() -> None:
    item = ActionItem(number=1, text="Apply the migration in production and stage", owner="Platform", line=3)
    noted = {"text": "**Apply** the migration in production and stage (owner: Platform).", "owner": "Platform"}
    assert score_document(_entry(noted), [item]).right == 1
    # The note names the owner the truth gives: an item owned by someone else is wrong on its owner.
    other = ActionItem(number=1, text="Apply the migration in production and stage", owner="DevOps", line=3)
    wrong = score_document(_entry(noted), [other])
    assert wrong.right == 0 and "owner 'DevOps' != 'Platform'" in wrong.problems[0]
    # A note that names another owner than the truth's is words of the entry, to be matched as written.
    assert score_document(_entry(noted | {"owner": "QA"}), [item]).right == 0


def test_a_priority_written_with_the_word_priority_is_its_level() -> None:
    item = ActionItem(number=1, text="Crear ambiente de staging", priority=Priority.P1, line=3)

    def right(priority: str) -> int:
        return score_document(_entry({"text": "Crear ambiente de staging", "priority": priority}), [item]).right

    assert right("Alta Prioridad") == 1
    assert right("High priority") == 1
    assert right("Low priority") == 0


def test_a_shouted_label_the_ground_truth_keeps_names_the_same_item() -> None:
    item = ActionItem(number=1, text="Decidir plan de backups", line=3)
    assert score_document(_entry({"text": "**URGENTE**: Decidir plan de backups"}), [item]).right == 1
    # A label in ordinary case is words of the entry: the parser keeps those.
    assert score_document(_entry({"text": "Backups: Decidir plan de backups"}), [item]).right == 0


def test_a_status_mark_opening_the_entry_names_the_same_item() -> None:
    item = ActionItem(number=1, text="Documented the boot configuration", status=Status.DONE, line=3)
    marked = {"text": "✅ Documented the boot configuration", "status": "done"}
    assert score_document(_entry(marked), [item]).right == 1
    # The mark kept by the parser ("📅 Consider …") matches a truth that drops it, and the rest must still match.
    kept = ActionItem(number=1, text="📅 Consider a backup server", line=3)
    assert score_document(_entry({"text": "Consider a backup server"}), [kept]).right == 1
    assert score_document(_entry({"text": "✅ Documented the restore"}), [item]).right == 0


def test_a_status_word_after_the_mark_names_the_same_item() -> None:
    item = ActionItem(
        number=1, text="Build process: the handling of variables was updated.", status=Status.DONE, line=3
    )
    kept = {"text": "✅ Done - Build process: the handling of variables was updated.", "status": "done"}
    assert score_document(_entry(kept), [item]).right == 1
    todo = ActionItem(number=1, text="Automated scans: tools will be added.", status=Status.OPEN, line=4)
    assert (
        score_document(
            _entry({"text": "\\[TODO] Automated scans: tools will be added.", "status": "open"}), [todo]
        ).right
        == 1
    )
    # Without a mark before it, "Done - …" is the entry's own words.
    assert score_document(_entry({"text": "Done - Build process: the handling"}), [item]).right == 0


def test_strikethrough_is_markup_on_either_side() -> None:
    item = ActionItem(number=1, text="Add filesystem loading (Not needed with single binary)", line=3)
    assert score_document(_entry({"text": "~~Add filesystem loading~~ (Not needed with single binary)"}), [item]).right
    other = ActionItem(number=1, text="Add filesystem loading", line=3)
    assert not score_document(_entry({"text": "~~Add caching~~ (Not needed)"}), [other]).right


def test_a_priority_note_the_ground_truth_keeps_is_the_items_priority() -> None:
    item = ActionItem(number=1, text="Implement timeout guards", priority=Priority.P0, line=3)
    noted = {"text": "Implement timeout guards (Priority: P0)", "priority": "P0"}
    assert score_document(_entry(noted), [item]).right == 1
    assert score_document(_entry({"text": "Rotate all secrets (URGENT)", "priority": "P0"}), [item]).right == 0
    shouted = ActionItem(number=1, text="Rotate all secrets", priority=Priority.P0, line=3)
    assert score_document(_entry({"text": "Rotate all secrets (URGENT)", "priority": "P0"}), [shouted]).right == 1
    # The note is compared as the item's priority: an item read at another level is wrong on its priority.
    lower = ActionItem(number=1, text="Implement timeout guards", priority=Priority.P2, line=3)
    wrong = score_document(_entry(noted), [lower])
    assert wrong.right == 0 and "priority 'P2' != 'P0'" in wrong.problems[0]
