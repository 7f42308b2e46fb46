"""The example post-mortems parse into the items they were written with, and lint clean under --strict."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sync.core.lint import LintOptions, lint_result, strict
from sync.core.model import ActionItem, DiagnosticSeverity, PostMortem, Priority, Severity, Status
from sync.core.parse import parse_document
from tests.conftest import EXAMPLES

P0, P1, P2 = Priority.P0, Priority.P1, Priority.P2
OPEN, IN_PROGRESS, DONE = Status.OPEN, Status.IN_PROGRESS, Status.DONE

# file -> (incident id, severity, start, end, review date, items as (owner, priority, status, deadline))
EXPECTED: dict[str, tuple[str, Severity, dt.datetime, dt.datetime, dt.date, list[tuple[Any, ...]]]] = {
    "inc-2026-0201-card-authorizations-declined.md": (
        "INC-2026-0201",
        Severity.SEV1,
        dt.datetime(2026, 2, 3, 9, 41, tzinfo=dt.UTC),
        dt.datetime(2026, 2, 3, 11, 6, tzinfo=dt.UTC),
        dt.date(2026, 2, 5),
        [
            ("@nadia", P0, DONE, None),
            ("@sre-payments", P1, IN_PROGRESS, dt.date(2026, 2, 10)),
            ("oskar@example.com", P1, OPEN, None),
            ("@payments-qa", P2, OPEN, None),
            ("platform-docs", P2, OPEN, dt.date(2026, 2, 27)),
        ],
    ),
    "inc-2026-0214-patient-portal-phi-exposure.md": (
        "INC-2026-0214",
        Severity.SEV2,
        dt.datetime(2026, 2, 14, 16, 20, tzinfo=dt.UTC),
        dt.datetime(2026, 2, 14, 17, 55, tzinfo=dt.UTC),
        dt.date(2026, 2, 16),
        [
            ("@amara", P0, DONE, None),
            ("privacy-office", P0, IN_PROGRESS, dt.date(2026, 4, 10)),
            ("@jonas", P1, OPEN, dt.date(2026, 2, 27)),
            ("compliance-eng", P1, OPEN, None),
            ("@sre-portal", P1, OPEN, None),
            ("@amara", P2, OPEN, None),
        ],
    ),
    "inc-2026-0227-search-index-backlog.md": (
        "INC-2026-0227",
        Severity.SEV3,
        dt.datetime(2026, 2, 27, 2, 15, tzinfo=dt.UTC),
        dt.datetime(2026, 2, 27, 7, 40, tzinfo=dt.UTC),
        dt.date(2026, 3, 2),
        [
            ("@search-oncall", P1, OPEN, None),
            ("@wei", P1, OPEN, dt.date(2026, 3, 20)),
            ("infra-security", P2, DONE, None),
            ("@search-qa", P2, OPEN, None),
        ],
    ),
    "inc-2026-0305-sso-logins-rejected.md": (
        "INC-2026-0305",
        Severity.SEV2,
        dt.datetime(2026, 3, 5, 13, 20, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 5, 14, 2, tzinfo=dt.UTC),
        dt.date(2026, 3, 9),
        [
            ("@tomas", P0, DONE, None),
            ("@lucia", P1, OPEN, None),
            ("identity-oncall", P1, OPEN, dt.date(2026, 3, 20)),
            ("ana@example.com", P2, OPEN, dt.date(2026, 4, 3)),
        ],
    ),
    "inc-2026-0318-image-upload-failures.md": (
        "INC-2026-0318",
        Severity.SEV2,
        dt.datetime(2026, 3, 18, 8, 5, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 18, 9, 52, tzinfo=dt.UTC),
        dt.date(2026, 3, 20),
        [
            ("@rafael", P0, DONE, None),
            ("@media-sre", P1, OPEN, None),
            ("ines@example.com", P1, OPEN, None),
            ("storage-team", P2, OPEN, None),
        ],
    ),
    "inc-2026-0402-webhook-delivery-delays.md": (
        "INC-2026-0402",
        Severity.SEV1,
        dt.datetime(2026, 4, 2, 10, 10, tzinfo=dt.UTC),
        dt.datetime(2026, 4, 2, 12, 25, tzinfo=dt.UTC),
        dt.date(2026, 4, 6),
        [
            ("@ingrid", P0, DONE, None),
            ("@webhooks-oncall", P1, OPEN, dt.date(2026, 4, 10)),
            ("@ingrid", P1, OPEN, None),
            ("@platform-docs", P2, OPEN, dt.date(2026, 4, 30)),
            ("@architecture-guild", P2, OPEN, None),
        ],
    ),
}


# The examples were written before the template's writing rules (timeline cadence, 3-5 things
# that went well, the cost section) were linted; they show parsing and syncing, and those rules
# have their own failing and passing examples in examples/lint/.
WRITING_RULES = frozenset({"LINT116", "LINT161", "LINT171", "LINT181"})


def parse(name: str) -> tuple[PostMortem, list[str]]:
    path = EXAMPLES / name
    result = parse_document(path.read_bytes(), str(path))
    assert result.postmortem is not None, result.diagnostics
    findings = strict(lint_result(result, LintOptions(disabled=WRITING_RULES)))
    return result.postmortem, [d.format() for d in findings if d.severity is not DiagnosticSeverity.INFO]


def test_every_example_is_covered() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.md")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_is_lint_clean_under_strict(name: str) -> None:
    _, findings = parse(name)
    assert findings == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_parses_with_the_items_it_was_written_with(name: str) -> None:
    incident_id, severity, start, end, review, items = EXPECTED[name]
    pm, _ = parse(name)
    assert (pm.incident_id, pm.severity, pm.started_at, pm.ended_at, pm.review_date) == (
        incident_id,
        severity,
        start,
        end,
        review,
    )
    assert [(i.owner, i.priority, i.status, i.deadline) for i in pm.action_items] == items
    assert len(pm.whys) == 5


def _item(pm: PostMortem, number: int) -> ActionItem:
    return next(i for i in pm.action_items if i.number == number)


def test_house_template_examples_carry_factors_prevention_and_cost() -> None:
    for name in sorted(EXPECTED)[:3]:
        pm, _ = parse(name)
        assert len(pm.factors) == 10 and all(f.score is not None for f in pm.factors), name
        assert len(pm.prevention) == 5, name
        assert pm.cost is not None and pm.cost.total > 0, name


def test_healthcare_example_records_the_phi_exposure() -> None:
    pm, _ = parse("inc-2026-0214-patient-portal-phi-exposure.md")
    assert pm.industry == "healthcare"
    assert pm.impact.users == 312
    assert "PHI" in (pm.impact.text or "")
    assert "HIPAA" in _item(pm, 2).text


def test_variant_details() -> None:
    google, _ = parse("inc-2026-0318-image-upload-failures.md")
    assert [i.kind for i in google.action_items] == ["mitigate", "prevent", "prevent", "process"]
    assert [t.key for t in _item(google, 2).tickets] == ["Bug 7712"]
    assert google.metadata["root causes"].endswith("once the migration reached the busiest buckets.")
    remediation, _ = parse("inc-2026-0402-webhook-delivery-delays.md")
    assert _item(remediation, 4).text == "Runbook: draining hot partitions safely"
    front_matter, _ = parse("inc-2026-0305-sso-logins-rejected.md")
    assert front_matter.team == "identity"
    assert "sso" in front_matter.tags
