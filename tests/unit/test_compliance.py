"""Compliance rules: which incidents trigger which regulatory tickets, and when they are due."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from mappings.calendar import BusinessCalendar
from mappings.compliance import (
    ComplianceRule,
    compliance_actions,
    default_rules,
    detection_date,
    industry_key,
    load_rules,
    parse_rules,
    rules_for,
)
from sync.core.model import Detection, Impact, PostMortem, Priority, Severity

D = dt.date
UTC = dt.UTC
RULES = default_rules()
START = dt.datetime(2026, 3, 4, 14, 2, tzinfo=UTC)


def _pm(**fields: Any) -> PostMortem:
    fields.setdefault("started_at", START)
    fields.setdefault("incident_id", "INC-7")
    return PostMortem(path="incidents/inc-7.md", content_sha256="0" * 64, **fields)


def _ids(pm: PostMortem, **kwargs: Any) -> list[str]:
    return [action.rule_id for action in compliance_actions(pm, RULES, **kwargs)]


def test_default_rules_cover_every_industry_of_the_template() -> None:
    assert {industry_key(rule.industry) for rule in RULES} == {
        "healthcare",
        "fintech",
        "ecommerce",
        "saas",
        "manufacturing",
    }
    assert len({rule.id for rule in RULES}) == len(RULES)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"industry": "healthcare", "impact": Impact(text="PHI of 2,000 patients exposed")},
            ["hipaa-breach-notification"],
        ),
        ({"industry": "Healthcare", "tags": ("phi", "database")}, ["hipaa-breach-notification"]),
        ({"industry": "healthcare", "metadata": {"data": ["Patient records"]}}, ["hipaa-breach-notification"]),
        ({"industry": "healthcare", "metadata": {"note": None, "PHI": True}}, ["hipaa-breach-notification"]),
        ({"industry": "healthcare", "impact": Impact(text="graphics pipeline down")}, []),  # no whole-word PHI
        ({"industry": "healthcare", "impact": Impact(text="appointments delayed")}, []),
        ({"industry": "fintech", "impact": Impact(text="ledger writes delayed")}, ["sox-audit-trail-review"]),
        (
            {"industry": "fintech", "impact": Impact(text="Cardholder data written to debug logs")},
            ["sox-audit-trail-review", "pci-dss-fintech-card-data"],
        ),
        ({"industry": "Financial Services", "tags": ("PAN",)}, ["sox-audit-trail-review", "pci-dss-fintech-card-data"]),
        ({"industry": "fintech", "impact": Impact(text="company-wide outage")}, ["sox-audit-trail-review"]),
        ({"industry": "e-commerce"}, ["pci-dss-ecommerce"]),
        ({"industry": "ECommerce"}, ["pci-dss-ecommerce"]),
        ({"industry": "SaaS"}, ["soc2-incident-record"]),
        ({"industry": "manufacturing", "impact": Impact(text="one worker injured")}, ["osha-safety-reporting"]),
        ({"industry": "manufacturing", "impact": Impact(text="line stopped for 3 hours")}, []),
        ({"metadata": {"industry": "saas"}}, ["soc2-incident-record"]),
        ({"impact": Impact(text="PHI exposed")}, []),  # no industry: no obligations assumed
        ({"industry": "gaming", "impact": Impact(text="PHI exposed")}, []),
    ],
)
def test_which_rules_fire(fields: dict[str, Any], expected: list[str]) -> None:
    assert _ids(_pm(**fields)) == expected


def test_hipaa_action_is_due_60_days_after_detection() -> None:
    pm = _pm(
        industry="healthcare",
        severity=Severity.SEV1,
        impact=Impact(text="PHI exposed via misconfigured bucket"),
        detection=Detection(delay_minutes=7),
    )
    [action] = compliance_actions(pm, RULES)
    assert action.due == D(2026, 5, 3)
    assert action.priority is Priority.P0
    assert action.title == "HIPAA breach notification for INC-7"
    assert "SEV-1" in action.body and "matched: PHI" in action.body and "2026-05-03" in action.body
    assert action.labels == ("compliance", "hipaa")


@pytest.mark.parametrize(
    ("fields", "tz", "expected"),
    [
        ({}, "UTC", D(2026, 3, 4)),
        (
            {"started_at": dt.datetime(2026, 3, 4, 23, 50, tzinfo=UTC), "detection": Detection(delay_minutes=20)},
            "UTC",
            D(2026, 3, 5),
        ),
        ({"started_at": dt.datetime(2026, 3, 4, 23, 50, tzinfo=UTC)}, "UTC", D(2026, 3, 4)),
        ({"started_at": dt.datetime(2026, 3, 4, 23, 50, tzinfo=UTC)}, "Europe/Berlin", D(2026, 3, 5)),
        ({"started_at": dt.datetime(2026, 3, 4, 23, 50)}, "Europe/Berlin", D(2026, 3, 4)),
        ({"started_at": None, "ended_at": dt.datetime(2026, 3, 6, 1, 0, tzinfo=UTC)}, "UTC", D(2026, 3, 6)),
        ({"started_at": None, "review_date": D(2026, 3, 9)}, "UTC", D(2026, 3, 9)),
        ({"started_at": None}, "UTC", None),
    ],
)
def test_detection_date(fields: dict[str, Any], tz: str, expected: dt.date | None) -> None:
    assert detection_date(_pm(**fields), tz) == expected


def test_unknown_detection_means_no_due_date() -> None:
    [action] = compliance_actions(_pm(started_at=None, industry="saas"), RULES)
    assert action.due is None
    assert "unknown" in action.body


def test_calendar_moves_a_weekend_deadline_earlier() -> None:
    pm = _pm(industry="healthcare", impact=Impact(text="ePHI exposure"))  # due Sunday 2026-05-03
    [action] = compliance_actions(pm, RULES, calendar=BusinessCalendar("US"))
    assert action.due == D(2026, 5, 1)


def test_calendar_never_moves_a_deadline_before_detection() -> None:
    # Detected on a Saturday; OSHA's next-day deadline is a Sunday and must not become the Friday before.
    pm = _pm(industry="manufacturing", tags=("safety",), started_at=dt.datetime(2026, 3, 7, 9, 0, tzinfo=UTC))
    [action] = compliance_actions(pm, RULES, calendar=BusinessCalendar(None))
    assert action.due == D(2026, 3, 8)


def test_incident_name_falls_back_to_title_then_file_name() -> None:
    rule = ComplianceRule("r", "saas", (), "Record {incident}: {title}", "", 1, Priority.P2)
    by_title = compliance_actions(_pm(incident_id=None, title="Checkout 502s", industry="saas"), [rule])
    by_path = compliance_actions(_pm(incident_id=None, industry="saas"), [rule])
    assert by_title[0].title == "Record Checkout 502s: Checkout 502s"
    assert by_path[0].title == "Record inc-7: inc-7"


def test_rules_for_industry() -> None:
    assert [rule.id for rule in rules_for("FinTech", RULES)] == ["sox-audit-trail-review", "pci-dss-fintech-card-data"]
    assert rules_for("gaming", RULES) == ()


VALID = {"id": "x", "industry": "saas", "title": "T {incident}", "due_days": 5, "priority": "P1"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rule": []}, "unknown top-level keys rule"),
        ({"rules": {"id": "x"}}, "array of tables"),
        ({"rules": ["x"]}, r"rules\[0\]: must be a table"),
        ({"rules": [{**VALID, "due": 3}]}, r"rules\[0\]: unknown keys due"),
        ({"rules": [{"id": "x", "industry": "saas"}]}, r"rules\[0\]: missing title, due_days, priority"),
        ({"rules": [VALID, VALID]}, r"rules\[1\]: duplicate id 'x'"),
        ({"rules": [{**VALID, "priority": "P9"}]}, "priority must be one of"),
        ({"rules": [{**VALID, "due_days": "5"}]}, "due_days must be an integer"),
        ({"rules": [{**VALID, "due_days": True}]}, "due_days must be an integer"),
        ({"rules": [{**VALID, "due_days": 0}]}, "due_days must be at least 1"),
        ({"rules": [{**VALID, "title": 3}]}, "title must be a string"),
        ({"rules": [{**VALID, "keywords": "PHI"}]}, r"rules\[0\].keywords: must be a list of strings"),
        ({"rules": [{**VALID, "labels": [1]}]}, r"rules\[0\].labels: must be a list of strings"),
        ({"rules": [{**VALID, "body": "see {ticket}"}]}, r"body uses unknown placeholder \{ticket\}"),
        ({"rules": [{**VALID, "title": "oops {"}]}, "malformed template"),
    ],
)
def test_parse_rules_errors(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_rules(data, "rules.toml")


def test_parse_rules_defaults() -> None:
    [rule] = parse_rules({"rules": [VALID]})
    assert (rule.keywords, rule.labels, rule.body) == ((), (), "")
    assert parse_rules({}) == ()


def test_load_rules_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(
        '[[rules]]\nid = "gdpr"\nindustry = "saas"\nkeywords = ["personal data"]\ntitle = "GDPR check {incident}"\n'
        'due_days = 3\npriority = "P0"\nlabels = ["gdpr"]\n',
        encoding="utf-8",
    )
    rules = load_rules(path)
    assert [rule.id for rule in rules] == ["gdpr"]
    pm = _pm(industry="saas", impact=Impact(text="Personal data of EU users leaked"))
    [action] = compliance_actions(pm, rules)
    assert (action.title, action.due, action.labels) == ("GDPR check INC-7", D(2026, 3, 7), ("gdpr",))


def test_load_rules_defaults_and_errors(tmp_path: Path) -> None:
    assert load_rules(None) == RULES
    with pytest.raises(ValueError, match="cannot read compliance rules"):
        load_rules(tmp_path / "missing.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[[rules]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"broken.toml: invalid TOML: .*line 1"):
        load_rules(broken)
