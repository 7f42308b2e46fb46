"""Routing rules: first match wins, else the default project."""

from __future__ import annotations

from typing import Any

import pytest

from mappings.routing import Route, RouteMatch, Router, RoutingRule, normalise_severity
from sync.core.model import PostMortem, Severity


def _pm(**fields: Any) -> PostMortem:
    return PostMortem(path="pm.md", content_sha256="0" * 64, **fields)


ROUTER = Router(
    [
        RoutingRule(RouteMatch(team="payments", severity="SEV-1"), project="PAYCRIT", labels=("sev1", "payments")),
        RoutingRule(RouteMatch(team="payments"), project="PAY", labels=("payments",)),
        RoutingRule(RouteMatch(service=["checkout-api", "cart-api"]), project="SHOP"),
        RoutingRule(RouteMatch(industry="e-commerce"), labels=("ecommerce",)),
        RoutingRule(RouteMatch(severity=["sev1", "2"]), project="INCIDENT"),
        RoutingRule(RouteMatch(industry="fintech"), project="FIN"),
    ],
    default_project="OPS",
    default_labels=("postmortem",),
)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"team": "payments", "severity": Severity.SEV1}, Route("PAYCRIT", ("postmortem", "sev1", "payments"), 0)),
        ({"team": "Payments", "severity": Severity.SEV2}, Route("PAY", ("postmortem", "payments"), 1)),
        ({"team": "payments"}, Route("PAY", ("postmortem", "payments"), 1)),  # no severity: rule 0 cannot match
        ({"service": "CART-API", "team": "web"}, Route("SHOP", ("postmortem",), 2)),
        ({"industry": "E-Commerce"}, Route("OPS", ("postmortem", "ecommerce"), 3)),  # label-only rule
        ({"metadata": {"industry": "ecommerce"}}, Route("OPS", ("postmortem", "ecommerce"), 3)),
        ({"industry": "Financial Services"}, Route("FIN", ("postmortem",), 5)),  # same aliases as compliance
        ({"severity": Severity.SEV2}, Route("INCIDENT", ("postmortem",), 4)),
        ({"severity_raw": "Sev 1"}, Route("INCIDENT", ("postmortem",), 4)),
        ({"severity": Severity.SEV3}, Route("OPS", ("postmortem",), None)),
        ({}, Route("OPS", ("postmortem",), None)),
    ],
)
def test_route(fields: dict[str, Any], expected: Route) -> None:
    assert ROUTER.route(_pm(**fields)) == expected


def test_empty_match_catches_everything() -> None:
    router = Router([RoutingRule(RouteMatch(), project="ALL")], default_project="OPS")
    assert router.route(_pm()).project == "ALL"


def test_no_rules_and_no_default() -> None:
    assert Router([]).route(_pm(team="x")) == Route(None, (), None)


def test_rule_labels_are_deduplicated_after_defaults() -> None:
    router = Router([RoutingRule(RouteMatch(team="a"), labels=("pm", "a"))], default_labels=("pm",))
    assert router.route(_pm(team="a")).labels == ("pm", "a")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("SEV-1", "SEV-1"), ("sev1", "SEV-1"), ("Sev 2", "SEV-2"), ("3", "SEV-3"), ("S1", "SEV-1"), ("major", "major")],
)
def test_normalise_severity(text: str, expected: str) -> None:
    assert normalise_severity(text) == expected
