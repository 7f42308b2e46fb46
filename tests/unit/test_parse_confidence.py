"""Issue 27: candidates with evidence, ``confidence`` on every item, uncertain items asked about; and the
two parser defects of issue 22 (a bundled example's title, a half table row)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.core.model import ActionItem, DiagnosticSeverity, ParseResult, Status
from sync.core.parse import ParseOptions, parse_document
from sync.core.parse.evidence import (
    LEANING,
    NARRATIVE,
    NEUTRAL,
    STRONG,
    commits_in_prose,
    heading_strength,
    prose_status,
)
from sync.pipeline import planned_items
from tests.corpus.scoring import bounded

ROOT = Path(__file__).resolve().parents[2]


def parse(text: str, options: ParseOptions | None = None) -> ParseResult:
    return parse_document(text, "pm.md", options)


def items(text: str) -> tuple[ActionItem, ...]:
    result = parse(text)
    assert result.postmortem is not None
    return result.postmortem.action_items


def codes(result: ParseResult) -> list[tuple[str, int | None]]:
    return [(d.code, d.line) for d in result.diagnostics]


# -- issue 22 ------------------------------------------------------------------------------------------


def test_bundled_example_without_front_matter_title_takes_its_h1() -> None:
    path = ROOT / "examples/postmortems/inc-2026-0305-sso-logins-rejected.md"
    pm = parse_document(path.read_bytes(), str(path)).postmortem
    # The H1 holds "metadata", a section word; a sentence-long H1 is still the incident's name.
    assert pm is not None and pm.title == "SSO logins rejected after identity-provider metadata refresh"


def test_a_short_h1_naming_a_section_is_not_the_title() -> None:
    pm = parse("# Summary\n\nThe cache fell over.\n\n## Action Items\n\n- Fix the cache (P1, @kim)\n").postmortem
    assert pm is not None and pm.title is None


def test_unterminated_table_row_is_no_item_and_is_located() -> None:
    text = "# Outage\n\n## Action Items\n\n| Action | Owner |\n|---|---|\n| Fix x | @a |\n| unterminated\n"
    result = parse(text)
    assert result.postmortem is not None
    assert [i.text for i in result.postmortem.action_items] == ["Fix x"]
    assert ("PM044", 8) in codes(result)


def test_a_table_written_without_closing_pipes_keeps_its_rows() -> None:
    text = "# Outage\n\n## Action Items\n\nAction | Owner\n---|---\nFix x | @a\nFix y\n"
    assert [i.text for i in items(text)] == ["Fix x", "Fix y"]


# -- heading and phrasing evidence ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "strength"),
    [
        ("Action Items", STRONG),
        ("Acton Items", STRONG),  # a typo
        ("Actions planned", STRONG),
        ("Remidiation", LEANING),  # a typo of a stem
        ("What comes next?", LEANING),
        ("How are we going to do better in the future?", LEANING),
        ("Our Response", LEANING),
        ("Mitigations", LEANING),  # the plural's suffix is no reason to miss the stem
        ("Mitigation", LEANING),
        ("Recovery and next steps", STRONG),  # combined: as strong as its stronger part
        ("Timeline", NARRATIVE),
        ("Are you affected?", NARRATIVE),  # guidance for readers
        ("Recurrence Prevention", NARRATIVE),  # the house template's checklist
        ("Responders", NEUTRAL),
        ("Lack of vendor, product, vulnerability and fixed data", NEUTRAL),  # a topic, not a section name
    ],
)
def test_heading_strength(title: str, strength: int) -> None:
    assert heading_strength(title) == strength


@pytest.mark.parametrize(
    ("sentence", "commits"),
    [
        ("Over the next month we will add a circuit breaker to the checkout client.", True),
        ("Before any fetching, we\u2019ll be making use of a GitHub API.", True),
        ("Therefore, we are no longer going to shallow clone spec-repos.", True),
        ("The PSF is exploring the transfer of domain names.", True),
        ("The tag will move and the old manifest is collected.", False),  # no promise by anyone
        ("We will continue to take security seriously.", False),  # too general to ticket
        ("We will be more careful.", False),
        # The subject left out, as notes are written; a question is no promise.
        ("Will follow up with the vendor on the quota.", True),
        ("To make up for the outage, will be crediting every paid plan with a week.", True),
        ("Will this happen again?", False),
        ("To be honest, will be more careful.", False),
        ("Once deployed, will restart automatically.", False),  # what a system does, not a promise
    ],
)
def test_commitment_in_prose(sentence: str, commits: bool) -> None:
    assert commits_in_prose(sentence) is commits


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("We will add monitoring for replica lag.", "open"),
        ("We are going to update the patched gem within the next days.", "open"),  # future, not under way
        ("We apologize for the downtime we have caused.", None),
        ("We've observed errors in the upload path, the logs point to a full disk.", None),  # a symptom, no work
        ("As detailed below, we have begun retooling our token system.", "in_progress"),
        ("I have revoked the token and will audit the rest.", "done"),
        ("Our incident response documentation is now easier to locate.", "done"),
        ("It rained.", None),
    ],
)
def test_status_from_tense(text: str, status: str | None) -> None:
    assert prose_status(text) == status


# -- confidence --------------------------------------------------------------------------------------


def test_items_of_an_action_table_are_high() -> None:
    path = ROOT / "tests/corpus/shared/s01-template-checkout-502.md"
    pm = parse_document(path.read_bytes(), str(path)).postmortem
    assert pm is not None and {i.confidence for i in pm.action_items} == {"high"}


LEANING_DOC = """\
# Cache outage on the checkout path

## Summary
The cache fell over.

## What comes next?
- Alert on cache evictions (P1, @dana, due 2026-04-01)
- Review the cache sizing
"""


def test_candidates_under_a_leaning_heading_carry_their_confidence() -> None:
    result = parse(LEANING_DOC)
    assert result.postmortem is not None
    got = [(i.number, i.text, i.confidence) for i in result.postmortem.action_items]
    assert got == [(1, "Alert on cache evictions", "high"), (2, "Review the cache sizing", "low")]
    uncertain = [d for d in result.diagnostics if d.code == "PM051"]
    assert [(d.line, d.severity) for d in uncertain] == [(8, DiagnosticSeverity.WARNING)]
    assert "add it to the action table or mark it (not ticketed)" in uncertain[0].message
    # Items were found, so the document is not reported as lacking an action section.
    assert "PM020" not in {d.code for d in result.diagnostics}


def test_the_message_says_when_uncertain_items_are_ticketed() -> None:
    result = parse(LEANING_DOC, ParseOptions(uncertain="ticket"))
    message = next(d.message for d in result.diagnostics if d.code == "PM051")
    assert "not ticketed" not in message


def test_prose_commitment_is_a_low_item_with_its_status() -> None:
    text = (
        "# Relay outage\n\n## What happened\nThe relays fell over at 10:00.\n\n## Lessons\n"
        "Over the next month we will add load shedding to the relays. We have begun migrating the Asia node.\n"
    )
    got = [(i.text, i.status, i.confidence) for i in items(text)]
    assert got == [
        ("Over the next month we will add load shedding to the relays.", Status.OPEN, "low"),
        ("We have begun migrating the Asia node.", Status.IN_PROGRESS, "low"),
    ]


def test_narrative_prose_yields_no_candidate() -> None:
    text = "# Outage\n\n## Timeline\nWe will restart the database, we decided at 10:02.\n"
    result = parse(text)
    assert result.postmortem is not None and result.postmortem.action_items == ()


def test_candidates_are_numbered_after_the_action_section() -> None:
    # A candidate never shifts the number (the ticket key) of an item of the action section.
    text = (
        "# Outage\n\n## Prevention\n- Add a canary stage (P1, @kim, due 2026-05-01)\n\n"
        "## Action Items\n| # | Action | Owner |\n|---|---|---|\n| 1 | Fix the cache | @ana |\n"
    )
    got = [(i.number, i.text, i.confidence) for i in items(text)]
    assert got == [(1, "Fix the cache", "high"), (2, "Add a canary stage", "high")]


def test_planning_leaves_low_items_out_unless_asked() -> None:
    pm = parse(LEANING_DOC).postmortem
    assert pm is not None
    assert [i.number for i in planned_items(pm, ParseOptions()).action_items] == [1]
    assert [i.number for i in planned_items(pm, ParseOptions(uncertain="ticket")).action_items] == [1, 2]


# -- status and owner from context -------------------------------------------------------------------


def test_label_line_before_a_list_gives_its_status() -> None:
    text = (
        "# Outage\n\n## Action Items\n\nThe following action items are already completed:\n\n"
        "- Disable the chart for anonymous users\n- Remove the auto refresh\n"
    )
    assert {i.status for i in items(text)} == {Status.DONE}


def test_in_progress_refines_an_unchecked_box() -> None:
    (item,) = items("# Outage\n\n## Action Items\n\n- [ ] Split the RPC traffic (in progress)\n")
    assert (item.text, item.status) == ("Split the RPC traffic", Status.IN_PROGRESS)


def test_planned_group_keeps_an_item_that_says_it_is_under_way() -> None:
    text = "# Outage\n\n**Actions planned:**\n\n- We will add tests.\n- We are redesigning our review process.\n"
    assert [i.status for i in items(text)] == [Status.OPEN, Status.IN_PROGRESS]


def test_name_to_verb_is_the_owner_but_an_order_is_not() -> None:
    text = "# Outage\n\n## Action Items\n\n- Nóva to send the list of domains\n- Patch Majora to skip the test\n"
    assert [i.owner for i in items(text)] == ["Nóva", None]


def test_sub_headings_over_prose_are_the_items_of_an_action_section() -> None:
    text = (
        "# Outage\n\n# Action items\n\n### 1) Streaming processes reduces `@nova` [mitigation]\n\n"
        "We moved streaming to its own host.\n\n### 2) Better alerting on CPU load `@dma`\n\n"
        "We should implement better CPU load alerting on every host.\n"
    )
    got = [(i.text, i.owner, i.status) for i in items(text)]
    assert got == [
        ("Streaming processes reduces", "@nova", Status.DONE),
        ("Better alerting on CPU load", "@dma", Status.OPEN),
    ]


# -- what is not an item ------------------------------------------------------------------------------


def test_advice_to_readers_is_no_item() -> None:
    text = (
        "# Outage\n\n## Recommendations\n\n* Package maintainers should enable two-factor authentication.\n"
        "* Application developers should use a lockfile.\n"
    )
    result = parse(text)
    assert result.postmortem is not None and result.postmortem.action_items == ()
    assert [c for c, _ in codes(result)].count("PM045") == 2


def test_the_documents_completion_checklist_is_no_item() -> None:
    text = (
        "# Outage\n\n## Actions\n\n- [x] Incident has been dealt with or is over\n"
        "- [x] Sections above are filled out\n- [ ] All actionable items above have linked issues\n"
    )
    result = parse(text)
    assert result.postmortem is not None and result.postmortem.action_items == ()
    assert ("PM045", 5) in codes(result)


def test_braced_template_text_around_an_item_is_kept() -> None:
    text = (
        "# Outage\n\n## Action items\n\n1. {{ Start writing after action reports for future outages }}\n"
        "2. {{ summary }}\n"
    )
    assert [i.text for i in items(text)] == ["{{ Start writing after action reports for future outages }}"]


def test_a_parenthetical_of_many_links_does_not_hang_the_parser() -> None:
    # A real post-mortem (batch 10) hung the parser: masked links in a row split in exponentially many
    # ways when the trailing group was tried as a list of ticket references.
    links = ", ".join(f"[idea {n}](http://example.com/{n})" for n in range(12))
    text = f"# Outage\n\n## Action Items\n\n- research migration tests ( {links} and more )\n"
    result = bounded(lambda: parse(text))
    assert result.postmortem is not None
    assert result.postmortem.action_items[0].text.startswith("research migration tests")


def test_a_team_announcing_the_list_owns_its_items() -> None:
    text = (
        "# Halt\n\n## Next steps\n\nThe development team will conduct the following actions to improve the\n"
        "incident response:\n\n- Build a status page\n- Spin up chain monitoring (@ops)\n"
    )
    assert [i.owner for i in items(text)] == ["development team", "@ops"]


def test_status_inside_a_leading_reference_and_an_already_planned_note() -> None:
    text = (
        "# Outage\n\n### Remediation Items\n\n- [GH-101 (Done)](https://github.com/o/r/issues/101): create a domain\n"
        "- [Done](https://example.com/pr/7): move the store\n- (Already planned) Set up on-call rotations\n"
    )
    got = [(i.text, i.status) for i in items(text)]
    assert got == [
        ("create a domain", Status.DONE),
        ("move the store", Status.DONE),
        ("Set up on-call rotations", Status.OPEN),
    ]


def test_a_time_frame_in_words_is_the_group_deadline() -> None:
    text = "# Outage\n\n## Actions\n\n### Immediate (this week)\n\n- Rotate the keys\n"
    (item,) = items(text)
    assert (item.deadline_raw, item.group) == ("this week", "Immediate")


def test_fix_labels_under_a_bugs_heading_state_work_done() -> None:
    text = (
        "# Outage\n\n## Bug 1 — hair spaces in the title\n\nThe title held U+200A.\n\n"
        "**Fix:** `Card.vue` now sanitizes titles. It strips zero-width characters.\n\n"
        "## Bug 2 — gas limit\n\n**Fixes:**\n- `VGL_BASE` raised 3.2M → 4M\n- We will add a retry on AA24\n"
        "- Reorder the rules so the cache rule comes first\n"
    )
    got = [(i.text, i.status, i.confidence) for i in items(text)]
    assert got == [
        ("`Card.vue` now sanitizes titles.", Status.DONE, "low"),
        ("`VGL_BASE` raised 3.2M → 4M", Status.DONE, "low"),
        ("We will add a retry on AA24", Status.OPEN, "low"),
        ("Reorder the rules so the cache rule comes first", None, "low"),  # an order states no outcome
    ]


def test_what_the_evidence_does_not_support_is_left_out() -> None:
    text = (
        "# Outage\n\n## How are we going to do better?\n\n### 1) Faster revert\n\nIt rained that day.\n\n"
        "### 2) `@nova`\n\nWe need to revert faster.\n\n## Notes\n\n**Fix:** —\n\n"
        "We will `rotate every key in the cluster before the next release, all of them`.\n\n"
        "We learned that we will need more disks.\n"
    )
    # Prose that neither commits nor reports names no action; a title or a fix of nothing but a handle
    # holds no text; a sentence quoting code or stating a lesson is below the bar.
    assert items(text) == ()


def test_a_sentence_keeps_its_own_source_line() -> None:
    text = "# Outage\n\n## Summary\n\nThe cache fell over.\nLater, we will add a circuit breaker (P1, @kim).\n"
    (item,) = items(text)
    assert (item.line, item.owner, item.confidence) == (6, "@kim", "low")
