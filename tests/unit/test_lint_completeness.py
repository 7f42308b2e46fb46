"""Completeness rules: each has a failing and a passing case, against a document that is otherwise clean."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from sync.core import lint as lint_package
from sync.core.lint import LintOptions
from sync.core.model import (
    ContributingFactor,
    Diagnostic,
    DiagnosticSeverity,
    PostMortem,
    PreventionCheck,
    Priority,
    Severity,
    Status,
    Why,
)
from tests.unit.lint_samples import WHYS, complete, item, section

ERROR = DiagnosticSeverity.ERROR
WARNING = DiagnosticSeverity.WARNING


def lint(pm: PostMortem, options: LintOptions | None = None) -> list[Diagnostic]:
    """The completeness findings: the items here often lack a deadline on purpose, and the info
    that names their due date (LINT107) has its own tests (test_lint_template_rules.py)."""
    options = options or LintOptions()
    return lint_package.lint(pm, replace(options, disabled=options.disabled | {"LINT107"}))


def test_the_baseline_document_is_clean() -> None:
    assert lint(complete()) == []


# (id, overrides of the clean document, expected (code, severity, line) findings)
CASES: list[tuple[str, dict[str, Any], list[tuple[str, DiagnosticSeverity, int]]]] = [
    # -- action items ------------------------------------------------------------------------
    ("owner-missing", {"action_items": (item(1, priority=Priority.P0, owner=None),)}, [("LINT101", ERROR, 41)]),
    ("owner-blank", {"action_items": (item(1, priority=Priority.P0, owner="  "),)}, [("LINT101", ERROR, 41)]),
    ("owner-team-ok", {"action_items": (item(1, priority=Priority.P0, owner="platform-team"),)}, []),
    (
        "priority-missing-with-deadline",
        {
            "action_items": (
                item(1, priority=Priority.P0),
                item(2, priority=None, priority_raw=None, deadline=dt.date(2026, 3, 20)),
            )
        },
        [("LINT102", WARNING, 42)],
    ),
    (
        "priority-missing-with-unparsed-deadline",
        {
            "action_items": (
                item(1, priority=Priority.P0),
                item(2, priority=None, priority_raw=None, deadline_raw="next sprint"),
            )
        },
        [("LINT102", WARNING, 42), ("LINT106", WARNING, 42)],
    ),
    (
        "neither-priority-nor-deadline",
        {"action_items": (item(1, priority=Priority.P0), item(2, priority=None, priority_raw=None))},
        [("LINT103", WARNING, 42)],
    ),
    (
        "priority-unmapped",
        {"action_items": (item(1, priority=Priority.P0), item(2, priority=None, priority_raw="urgent"))},
        [("LINT104", WARNING, 42)],
    ),
    (
        "status-unmapped",
        {"action_items": (item(1, priority=Priority.P0, status=None, status_raw="blocked"),)},
        [("LINT105", WARNING, 41)],
    ),
    ("status-absent-ok", {"action_items": (item(1, priority=Priority.P0, status=None, status_raw=None),)}, []),
    (
        "deadline-unparsed",
        {"action_items": (item(1, priority=Priority.P0, deadline_raw="end of Q2"),)},
        [("LINT106", WARNING, 41)],
    ),
    (
        "deadline-parsed-ok",
        {"action_items": (item(1, priority=Priority.P0, deadline=dt.date(2026, 4, 1), deadline_raw="2026-04-01"),)},
        [],
    ),
    # -- summary fields ----------------------------------------------------------------------
    ("incident-id-missing", {"incident_id": None}, [("LINT111", ERROR, 3)]),
    ("severity-missing", {"severity": None, "severity_raw": None}, [("LINT112", ERROR, 3)]),
    ("severity-unmapped", {"severity": None, "severity_raw": "major"}, [("LINT112", ERROR, 3)]),
    ("start-missing", {"started_at": None}, [("LINT113", ERROR, 3)]),
    ("end-missing", {"ended_at": None}, [("LINT114", ERROR, 3)]),
    ("review-date-missing", {"review_date": None}, [("LINT115", WARNING, 3)]),
    # -- 5 whys ------------------------------------------------------------------------------
    ("whys-missing", {"whys": (), "sections": (section("summary", 3),)}, [("LINT121", WARNING, 3)]),
    ("whys-three", {"whys": WHYS[:3]}, [("LINT122", WARNING, 20)]),
    (
        "whys-placeholders",
        {"whys": (*WHYS[:3], Why(number=4, text="...", line=24), Why(number=5, text=" TBD ", line=25))},
        [("LINT122", WARNING, 20)],
    ),
    ("whys-without-section-heading", {"whys": WHYS[:4], "sections": ()}, [("LINT122", WARNING, 21)]),
    ("whys-six-ok", {"whys": (*WHYS, Why(number=6, text="Extra depth.", line=26))}, []),
    # -- contributing factors ----------------------------------------------------------------
    (
        "factor-unscored",
        {"factors": (ContributingFactor(name="Technical debt", line=31),)},
        [("LINT131", WARNING, 31)],
    ),
    (
        "factor-score-text",
        {"factors": (ContributingFactor(name="Technical debt", score_raw="high", line=31),)},
        [("LINT131", WARNING, 31)],
    ),
    (
        "factor-list-without-any-score",
        {"factors": tuple(ContributingFactor(name=f"Free-text factor {n}", line=30 + n) for n in range(3))},
        [("LINT131", WARNING, 30)],
    ),
    (
        "factor-list-one-unscored",
        {"factors": (ContributingFactor(name="Testing", score=2, line=30), ContributingFactor(name="Debt", line=31))},
        [("LINT131", WARNING, 31)],
    ),
    ("factor-zero-ok", {"factors": (ContributingFactor(name="Technical debt", score=0, line=31),)}, []),
    # -- SEV-1 needs a P0 --------------------------------------------------------------------
    (
        "sev1-without-p0",
        {"severity": Severity.SEV1, "action_items": (item(1, text="Add a test"),)},
        [("LINT141", ERROR, 40)],
    ),
    ("sev1-without-items", {"severity": Severity.SEV1, "action_items": (), "prevention": ()}, [("LINT141", ERROR, 40)]),
    (
        "sev1-without-action-section",
        {"severity": Severity.SEV1, "action_items": (), "prevention": (), "sections": (section("summary", 3),)},
        [("LINT141", ERROR, 3)],
    ),
    ("sev1-with-p0", {"severity": Severity.SEV1}, []),
    ("sev2-without-p0-ok", {"action_items": (item(1, text="Add a test"),)}, []),
]


@pytest.mark.parametrize(("overrides", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_completeness_rule(overrides: dict[str, Any], expected: list[tuple[str, DiagnosticSeverity, int]]) -> None:
    found = lint(complete(**overrides))
    assert [(d.code, d.severity, d.line) for d in found] == expected
    assert all(d.path == "pm/inc.md" for d in found)


def test_default_priority_message_names_the_configured_priority() -> None:
    pm = complete(action_items=(item(1, priority=Priority.P0), item(2, priority=None, priority_raw=None)))
    (default,) = lint(pm)
    assert "default priority P2" in default.message
    (configured,) = lint(pm, LintOptions(default_priority=Priority.P1))
    assert "default priority P1" in configured.message
    assert configured.message.startswith("default-priority: action item #2")


def test_unscored_factor_messages() -> None:
    one = complete(factors=(ContributingFactor(name="Debt", line=31),))
    assert [d.message for d in lint(one)] == ['unscored-factor: factor "Debt" has no score (0-3)']
    many = complete(factors=tuple(ContributingFactor(name=f"F{n}", line=30 + n) for n in range(3)))
    assert [d.message for d in lint(many)] == ["unscored-factor: none of the 3 contributing factors has a score (0-3)"]


def test_unmapped_values_are_quoted_in_the_message() -> None:
    pm = complete(
        action_items=(item(1, priority=Priority.P0, status=None, status_raw="blocked"),),
        severity=None,
        severity_raw="major",
    )
    messages = [d.message for d in lint(pm)]
    assert 'missing-severity: severity "major" is not SEV-1, SEV-2 or SEV-3' in messages
    assert any('status "blocked"' in m for m in messages)


def test_every_finding_of_a_bare_document() -> None:
    pm = complete(
        incident_id=None,
        severity=None,
        severity_raw=None,
        started_at=None,
        ended_at=None,
        review_date=None,
        whys=(),
        factors=(),
        action_items=(),
        prevention=(),
        sections=(),
    )
    assert [(d.code, d.line) for d in lint(pm)] == [
        ("LINT111", 1),
        ("LINT112", 1),
        ("LINT113", 1),
        ("LINT114", 1),
        ("LINT115", 1),
        ("LINT121", 1),
    ]


# -- recurrence prevention: unchecked boxes need a matching action item ----------------------
PREVENTION = [
    ("Runbook created/updated", "Write a runbook for config rollback", True),
    ("Runbook created/updated", "Update the playbook for cascading failure", True),
    ("Runbook created/updated", "Alert on pool exhaustion", False),
    ("Test coverage added", "Add an integration test for template rendering", True),
    ("Test coverage added", "Attest the vendor contract", False),
    ("Monitoring added/improved for this failure mode", "Alert on 5xx ratio per deployment", True),
    ("Monitoring added/improved for this failure mode", "Dashboard for replication lag", True),
    ("Monitoring added/improved for this failure mode", "Monitor certificate expiry", True),
    ("Monitoring added/improved for this failure mode", "Rewrite the config loader", False),
    ("Architecture change needed? (If yes, create RFC)", "RFC: split the checkout database", True),
    ("Architecture change needed? (If yes, create RFC)", "Review the architecture of the loader", True),
    ("Architecture change needed? (If yes, create RFC)", "Add a test", False),
    ("Training needed for team?", "Add the failover drill to on-call onboarding", True),
    ("Training needed for team?", "Run a training session on the template engine", True),
    ("Training needed for team?", "Add a runbook", False),
    ("Automate certificate renewal", "Automation for renewal of wildcard certificates", True),
    ("Automate certificate renewal", "Add a runbook", False),
    ("Needed? (yes/no)", "Add a runbook", True),  # no meaningful keyword: nothing to demand
]


@pytest.mark.parametrize(("box", "action", "addressed"), PREVENTION)
def test_unchecked_prevention_needs_a_matching_item(box: str, action: str, addressed: bool) -> None:
    pm = complete(
        action_items=(item(1, priority=Priority.P0, text=action),),
        prevention=(PreventionCheck(text=box, checked=False, line=55),),
    )
    found = [(d.code, d.line) for d in lint(pm)]
    assert found == ([] if addressed else [("LINT151", 55)])


def test_checked_prevention_box_needs_no_item() -> None:
    pm = complete(
        action_items=(item(1, priority=Priority.P0, text="Alert on pool exhaustion"),),
        prevention=(PreventionCheck(text="Runbook created/updated", checked=True, line=55),),
    )
    assert lint(pm) == []


def test_prevention_matches_done_items_too() -> None:
    pm = complete(
        action_items=(item(1, priority=Priority.P0, text="Runbook for rollback", status=Status.DONE),),
        prevention=(PreventionCheck(text="Runbook created/updated", checked=False, line=55),),
    )
    assert lint(pm) == []
