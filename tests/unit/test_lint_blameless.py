"""Blameless language: a person next to a blame word in narrative text, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from sync.core.lint import DEFAULT_BLAME_WORDS, LintOptions, lint
from sync.core.lint.blameless import document_persons, find_blame
from sync.core.model import DiagnosticSeverity, PostMortem, Priority
from tests.unit.lint_samples import complete, item, section

NARRATIVE_LINE = 10  # the section heading; its body starts on line 11


def with_narrative(text: str, **fields: Any) -> PostMortem:
    sections = (section("summary", 3), section("other", NARRATIVE_LINE, text, title="What happened"))
    return complete(sections=sections, **fields)


def blamed_lines(pm: PostMortem) -> list[int]:
    return [d.line for d in find_blame(pm, DEFAULT_BLAME_WORDS) if d.line is not None]


# (id, narrative text, lines expected to be flagged)
CASES: list[tuple[str, str, list[int]]] = [
    ("handle-forgot", "@dana forgot to renew the certificate.\n", [11]),
    ("listed-owner-capitalised", "Dana forgot to renew the certificate.\n", [11]),
    ("owner-email-local-part", "Alice should have checked the rollout.\n", [11]),
    ("owner-as-written", "dana failed to update the status page.\n", [11]),
    ("capitalised-name-forgot", "Tim forgot the canary step.\n", [11]),
    ("capitalised-name-just-ignored", "Priya just ignored the page.\n", [11]),
    ("capitalised-name-was-careless", "Tim was careless with the flag.\n", [11]),
    ("email-in-text", "bob@example.com made a mistake in the config.\n", [11]),
    ("possessive", "It was Dana's fault that the pool was empty.\n", [11]),
    ("human-error", "The root cause was human error by @lee.\n", [11]),
    ("curly-apostrophe", "@lee didn’t bother to check the graphs.\n", [11]),
    ("phrase-wrapped-across-lines", "In the end @lee messed\nup the rollback.\n", [11]),
    (
        "mid-paragraph-on-later-line",
        "The push reached all pods at 14:02. Error rates rose within\n"
        "a minute. Later @dana ignored the\nsecond page.\n",
        [12],
    ),
    ("two-sentences-one-flagged", "Dana was paged at 14:05. The alert failed to fire.\n", []),
    ("person-and-blame-in-different-sentences", "@dana was on call. Nobody noticed the mistake.\n", []),
    ("system-failed-to", "The alert failed to fire for 40 minutes.\n", []),
    ("capitalised-system-failed-to", "Monitoring failed to page anyone.\n", []),
    ("capitalised-system-should-have", "Canary should have caught this.\n", []),
    ("passive-ignored", "Warnings were ignored for a week.\n", []),
    ("pronoun-start", "We forgot to add the check to the template.\n", []),
    ("unlisted-lowercase-word", "The deploy will fail, a mistake we repeat.\n", []),
    ("person-without-blame", "@dana rolled back the change at 16:20.\n", []),
    ("blame-word-inside-identifier", "@dana set faultless_mode and unblamed=1.\n", []),
    ("blame-in-code-span", "@dana ran `git blame` on the template.\n", []),
    ("blame-in-fenced-code", "```\n@dana forgot\n```\n", []),
    ("blame-in-comment", "<!-- @dana forgot -->\n", []),
    ("blame-word-in-quoted-error", '@kat is the "failed to prepare test environment" error related?\n', []),
    ("blame-word-in-curly-quotes", "@kat said “the job failed to start” at 10:02.\n", []),
    ("blame-word-in-unclosed-quote", '@kat saw "Error: failed to acquire project\n', []),
    ("blame-outside-quotes", '@kat forgot the "retry" flag.\n', [11]),
    ("timeline-entry", "14:02 - Config push\n14:05 - @dana ignored the first page\n", [12]),
    ("bullet-list", "- Good: rollback worked\n- Bad: Dana overlooked the lag\n", [12]),
    ("table-cell", "| Factor | Notes |\n|---|---|\n| Process | @dana skipped the checklist, a mistake |\n", [13]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_blame_sentences(text: str, expected: list[int]) -> None:
    assert blamed_lines(with_narrative(text)) == expected


def test_finding_is_a_warning_with_a_process_gap_suggestion() -> None:
    (finding,) = lint(with_narrative("All good.\nThen Dana forgot the canary step.\n"))
    assert (finding.code, finding.severity, finding.line) == ("LINT201", DiagnosticSeverity.WARNING, 12)
    assert finding.message.startswith('blame-language: "Then Dana forgot the canary step." puts Dana next to "forgot"')
    assert finding.hint is not None and "process gap" in finding.hint


def test_long_sentences_are_shortened_in_the_message() -> None:
    text = "@dana forgot " + "to check the very long list of things " * 5 + "before pushing.\n"
    (finding,) = find_blame(with_narrative(text), DEFAULT_BLAME_WORDS)
    quoted = finding.message.split('"')[1]
    assert quoted.endswith("…") and len(quoted) <= 70


def test_action_items_and_cost_sections_are_not_narrative() -> None:
    actions = "| # | Action | Owner |\n|---|---|---|\n| 1 | Fix what @dana forgot | @dana |\n"
    cost = "- Engineering hours: @dana's mistake cost 10 hrs × $150/hr\n"
    pm = complete(sections=(section("actions", 40, actions), section("cost", 60, cost)))
    assert blamed_lines(pm) == []


def test_nested_action_table_inside_a_narrative_section_is_skipped() -> None:
    # A parent section's text spans its sub-sections; the actions sub-section stays excluded.
    parent_text = "Intro.\n### Follow-ups\n| 1 | Fix what @dana forgot | @dana |\nAfter: @lee forgot.\n"
    parent = section("other", 10, parent_text)
    child = section("actions", 12, "| 1 | Fix what @dana forgot | @dana |\n")
    pm = complete(sections=(parent, child.model_copy(update={"end_line": 13})))
    assert blamed_lines(pm) == [14]


def test_overlapping_sections_report_each_sentence_once() -> None:
    text = "@dana forgot the canary.\n"
    pm = complete(sections=(section("other", 10, text), section("timeline", 10, text)))
    assert blamed_lines(pm) == [11]


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"metadata": {"authors": ["priya", "lee"]}}, "priya failed to scale the pool."),
        ({"metadata": {"Incident Commander": "Jordan Blake (IC)"}}, "Blake should have escalated."),
        ({"metadata": {"responders": "Sam Ortiz, @kofi and ops-team"}}, "Kofi made a mistake in the runbook."),
        ({}, "**Thanks:** Mei Chen\n\nMei should have escalated earlier."),
        ({}, "- Attendees: quinn, rory\n\nRory failed to escalate."),
    ],
    ids=["front-matter-list", "commander-full-name", "responders-mixed", "thanks-field", "attendees-field"],
)
def test_people_listed_by_the_document(fields: dict[str, Any], text: str) -> None:
    assert blamed_lines(with_narrative(text + "\n", **fields)) != []


def test_document_persons() -> None:
    pm = with_narrative(
        "**Authors:** Jordan Blake, the whole on-call team\n",
        metadata={"responders": ["@kofi", "mei@example.com"], "team": "payments"},
        action_items=(
            item(1, priority=Priority.P0, owner="@dana"),
            item(2, owner="first.last@example.com"),
            item(3, owner="platform-team"),
            item(4, owner="@sre-oncall"),
        ),
    )
    assert document_persons(pm) == {"dana", "first", "last", "Jordan", "Blake", "kofi", "mei"}


def test_team_owners_are_not_people() -> None:
    pm = with_narrative(
        "The platform-team runbook failed to mention the flag.\n",
        action_items=(item(1, priority=Priority.P0, owner="platform-team"),),
    )
    assert blamed_lines(pm) == []


def test_blame_words_are_configurable() -> None:
    pm = with_narrative("@dana botched the rollback.\n@lee forgot the canary.\n")
    assert blamed_lines(pm) == [12]
    assert [d.line for d in lint(pm, LintOptions(blame_words=("botched",)))] == [11]
    assert lint(pm, LintOptions(blame_words=())) == []


def test_rule_can_be_disabled_by_code_or_name() -> None:
    pm = with_narrative("@dana forgot the canary.\n")
    assert [d.code for d in lint(pm)] == ["LINT201"]
    assert lint(pm, LintOptions(disabled=frozenset({"LINT201"}))) == []
    assert lint(pm, LintOptions(disabled=frozenset({"blame-language"}))) == []


REALISTIC = """At 14:02 UTC a configuration push reached every checkout pod. The rendered connection-pool
size was 0 because the template fell back to a default when a variable was missing, and the
canary stage that code changes go through is not applied to configuration.

The 5xx alert fired at 14:09 and @dana, the on-call engineer, acknowledged it within three
minutes. Dana and Alice rolled back the change at 16:20 after the pool metrics pointed at the
config. Monitoring failed to distinguish pool exhaustion from database load, which cost us an
hour. The status page should have been updated within 15 minutes; the incident checklist did not
include it, so it was updated 40 minutes late.

Nobody made a mistake by following the documented process: the process itself had a gap. We
ignored no alerts; the pool alert simply did not exist.
"""


def test_a_realistic_blameless_narrative_is_clean() -> None:
    assert lint(with_narrative(REALISTIC)) == []
