"""Which project (Jira project, GitHub repository, local prefix) an incident's tickets go to.

Rules are tried in order and the first whose every stated criterion matches wins, like a
firewall table: put specific rules first. A criterion may list alternatives. A post-mortem that
does not state a field never matches a rule that asks for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mappings.compliance import industry_key
from sync.core.model import PostMortem

__all__ = ["Route", "RouteMatch", "Router", "RoutingRule", "normalise_severity"]

_SEVERITY = re.compile(r"^(?:sev|severity|s)?[\s_-]*(\d)$", re.IGNORECASE)


def normalise_severity(text: str) -> str:
    """``SEV-1``, ``sev1``, ``Sev 1`` and ``1`` all compare equal (as ``SEV-1``)."""
    match = _SEVERITY.match(text.strip())
    return f"SEV-{match.group(1)}" if match else text.strip().casefold()


def _values(value: str | Iterable[str] | None) -> frozenset[str] | None:
    if value is None:
        return None
    items = (value,) if isinstance(value, str) else tuple(value)
    return frozenset(item.strip().casefold() for item in items)


@dataclass(frozen=True, init=False)
class RouteMatch:
    """The criteria of one rule; ``None`` means "any". Each is a set of accepted values."""

    team: frozenset[str] | None
    service: frozenset[str] | None
    severity: frozenset[str] | None
    industry: frozenset[str] | None

    def __init__(
        self,
        team: str | Iterable[str] | None = None,
        service: str | Iterable[str] | None = None,
        severity: str | Iterable[str] | None = None,
        industry: str | Iterable[str] | None = None,
    ) -> None:
        severities = _values(severity)
        industries = _values(industry)
        object.__setattr__(self, "team", _values(team))
        object.__setattr__(self, "service", _values(service))
        object.__setattr__(
            self, "severity", None if severities is None else frozenset(normalise_severity(s) for s in severities)
        )
        object.__setattr__(
            self, "industry", None if industries is None else frozenset(industry_key(i) for i in industries)
        )

    def matches(self, pm: PostMortem) -> bool:
        """Whether every stated criterion holds for ``pm``."""
        severity = pm.severity.value if pm.severity is not None else pm.severity_raw
        industry = pm.industry or _metadata_text(pm, "industry")
        checks = (
            (self.team, pm.team.casefold().strip() if pm.team else None),
            (self.service, pm.service.casefold().strip() if pm.service else None),
            (self.severity, normalise_severity(severity) if severity else None),
            (self.industry, industry_key(industry) if industry else None),
        )
        return all(accepted is None or (actual is not None and actual in accepted) for accepted, actual in checks)


def _metadata_text(pm: PostMortem, key: str) -> str | None:
    value = pm.metadata.get(key)
    return value if isinstance(value, str) and value.strip() else None


@dataclass(frozen=True)
class RoutingRule:
    """Send matching incidents to ``project`` (the default project when ``None``) with ``labels``."""

    match: RouteMatch
    project: str | None = None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Route:
    """Where one incident's tickets go. ``rule`` is the index of the rule that matched, if any."""

    project: str | None
    labels: tuple[str, ...]
    rule: int | None = None


class Router:
    """First matching rule wins; otherwise the default project and labels."""

    def __init__(
        self, rules: Iterable[RoutingRule], default_project: str | None = None, default_labels: Iterable[str] = ()
    ) -> None:
        self.rules = tuple(rules)
        self.default_project = default_project
        self.default_labels = tuple(default_labels)

    def route(self, pm: PostMortem) -> Route:
        """The project and labels for ``pm``'s tickets."""
        for index, rule in enumerate(self.rules):
            if rule.match.matches(pm):
                labels = tuple(dict.fromkeys((*self.default_labels, *rule.labels)))
                return Route(rule.project or self.default_project, labels, index)
        return Route(self.default_project, self.default_labels)
