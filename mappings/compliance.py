"""Regulatory follow-ups an incident triggers, by industry, beyond the team's own action items.

Rules live in TOML (the defaults in ``mappings/compliance.toml``, shipped as package data). A rule
applies when the post-mortem's industry matches and — unless its keyword list is empty — one of
its keywords occurs as a whole word in the impact text, the tags or the metadata. Deadlines are
regulators' calendar days counted from detection (the incident start plus the detection delay,
else the start), because that is when the clock starts for e.g. HIPAA's 60-day notification; a
deadline on a non-business day moves earlier, never later.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from mappings.calendar import BusinessCalendar
from mappings.due_dates import time_zone
from sync.core.model import PostMortem, Priority

__all__ = [
    "ComplianceAction",
    "ComplianceRule",
    "compliance_actions",
    "default_rules",
    "detection_date",
    "industry_key",
    "load_rules",
    "parse_rules",
    "rules_for",
]

PLACEHOLDERS = frozenset({"incident", "title", "severity", "industry", "detected_on", "due", "matched"})
_RULE_KEYS = frozenset({"id", "industry", "keywords", "title", "body", "due_days", "priority", "labels"})
_REQUIRED = ("id", "industry", "title", "due_days", "priority")
_ALIASES = {
    "finance": "fintech",
    "financialservices": "fintech",
    "banking": "fintech",
    "health": "healthcare",
    "healthtech": "healthcare",
    "medical": "healthcare",
}


def industry_key(text: str) -> str:
    """Normalise an industry name: ``E-Commerce`` → ``ecommerce``, ``Financial services`` → ``fintech``."""
    key = re.sub(r"[^a-z0-9]", "", text.casefold())
    return _ALIASES.get(key, key)


@dataclass(frozen=True)
class ComplianceRule:
    """One regulatory obligation. ``title`` and ``body`` may use the placeholders in
    :data:`PLACEHOLDERS` (``{incident}``, ``{due}``…)."""

    id: str
    industry: str
    keywords: tuple[str, ...]
    title: str
    body: str
    due_days: int
    priority: Priority
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.due_days < 1:
            raise ValueError(f"rule {self.id}: due_days must be at least 1")
        for name, template in (("title", self.title), ("body", self.body)):
            for field in _template_fields(template):
                if field not in PLACEHOLDERS:
                    allowed = ", ".join(sorted(PLACEHOLDERS))
                    raise ValueError(
                        f"rule {self.id}: {name} uses unknown placeholder {{{field}}} (allowed: {allowed})"
                    )

    def keyword_hits(self, text: str) -> tuple[str, ...]:
        """The rule's keywords that occur in ``text`` as whole words, case-insensitively."""
        return tuple(kw for kw in self.keywords if _keyword_pattern(kw).search(text))


@dataclass(frozen=True)
class ComplianceAction:
    """A compliance ticket to create for one incident."""

    rule_id: str
    title: str
    body: str
    due: dt.date | None
    priority: Priority
    labels: tuple[str, ...]


def _template_fields(template: str) -> Iterator[str]:
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"malformed template {template!r}: {exc}") from exc
    for _, field, _, _ in parsed:
        if field is not None:
            yield field


def _keyword_pattern(keyword: str) -> re.Pattern[str]:
    # Whole words only: "PHI" must not fire on "graphics", "PAN" not on "company".
    return re.compile(r"(?<!\w)" + re.escape(keyword.strip()) + r"(?!\w)", re.IGNORECASE)


def _flatten(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _flatten(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _flatten(item)
    elif value is not None:
        yield str(value)


def _searchable_text(pm: PostMortem) -> str:
    parts = [pm.impact.text or "", *pm.tags, *_flatten(pm.metadata)]
    return "\n".join(parts)


def detection_date(pm: PostMortem, tz: str | dt.tzinfo = "UTC") -> dt.date | None:
    """When the incident was detected, as a date in ``tz``: start + detection delay, else the
    start, else the end, else the review date."""
    moment = pm.started_at
    if moment is not None and pm.detection.delay_minutes is not None:
        moment += dt.timedelta(minutes=pm.detection.delay_minutes)
    moment = moment or pm.ended_at
    if moment is None:
        return pm.review_date
    if moment.tzinfo is not None and moment.utcoffset() is not None:
        moment = moment.astimezone(time_zone(tz))
    return moment.date()


def _incident_name(pm: PostMortem) -> str:
    return pm.incident_id or pm.title or Path(pm.path).stem


def compliance_actions(
    pm: PostMortem,
    rules: Iterable[ComplianceRule],
    *,
    calendar: BusinessCalendar | None = None,
    tz: str | dt.tzinfo = "UTC",
) -> list[ComplianceAction]:
    """The compliance tickets ``pm`` calls for, in rule order. Without an industry there are none."""
    industry = pm.industry or (pm.metadata.get("industry") if isinstance(pm.metadata.get("industry"), str) else None)
    if not industry:
        return []
    key = industry_key(industry)
    text = _searchable_text(pm)
    detected = detection_date(pm, tz)
    actions: list[ComplianceAction] = []
    for rule in rules:
        if industry_key(rule.industry) != key:
            continue
        hits = rule.keyword_hits(text)
        if rule.keywords and not hits:
            continue
        due = None
        if detected is not None:
            due = detected + dt.timedelta(days=rule.due_days)
            if calendar is not None and not calendar.is_business_day(due):
                earlier = calendar.previous_business_day(due)
                # Earlier keeps the promise, but not to a day before the clock even started.
                due = earlier if earlier >= detected else due
        values = {
            "incident": _incident_name(pm),
            "title": pm.title or _incident_name(pm),
            "severity": pm.severity.value if pm.severity else (pm.severity_raw or "unknown"),
            "industry": industry,
            "detected_on": detected.isoformat() if detected else "unknown",
            "due": due.isoformat() if due else "unknown",
            "matched": ", ".join(hits) if hits else "(applies to every incident in this industry)",
        }
        actions.append(
            ComplianceAction(
                rule_id=rule.id,
                title=rule.title.format_map(values),
                body=rule.body.format_map(values),
                due=due,
                priority=rule.priority,
                labels=rule.labels,
            )
        )
    return actions


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: must be a list of strings")
    return tuple(value)


def parse_rules(data: Mapping[str, Any], source: str = "compliance rules") -> tuple[ComplianceRule, ...]:
    """Build rules from parsed TOML (``[[rules]]`` tables). Raises :class:`ValueError` naming the
    rule and key for unknown keys, missing keys, wrong types and duplicate ids."""
    unknown = set(data) - {"rules"}
    if unknown:
        raise ValueError(f"{source}: unknown top-level keys {', '.join(sorted(unknown))} (expected [[rules]])")
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise ValueError(f"{source}: rules must be an array of tables ([[rules]])")
    rules: list[ComplianceRule] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_rules):
        where = f"{source}: rules[{index}]"
        if not isinstance(raw, Mapping):
            raise ValueError(f"{where}: must be a table")
        extra = set(raw) - _RULE_KEYS
        if extra:
            raise ValueError(f"{where}: unknown keys {', '.join(sorted(extra))}")
        missing = [key for key in _REQUIRED if key not in raw]
        if missing:
            raise ValueError(f"{where}: missing {', '.join(missing)}")
        rule_id = raw["id"]
        for key in ("id", "industry", "title", "body"):
            if not isinstance(raw.get(key, ""), str):
                raise ValueError(f"{where}: {key} must be a string")
        if rule_id in seen:
            raise ValueError(f"{where}: duplicate id {rule_id!r}")
        seen.add(rule_id)
        due_days = raw["due_days"]
        if not isinstance(due_days, int) or isinstance(due_days, bool):
            raise ValueError(f"{where}: due_days must be an integer")
        try:
            priority = Priority(raw["priority"])
        except ValueError:
            raise ValueError(f"{where}: priority must be one of P0, P1, P2") from None
        rules.append(
            ComplianceRule(
                id=rule_id,
                industry=raw["industry"],
                keywords=_strings(raw.get("keywords", []), f"{where}.keywords"),
                title=raw["title"],
                body=raw.get("body", ""),
                due_days=due_days,
                priority=priority,
                labels=_strings(raw.get("labels", []), f"{where}.labels"),
            )
        )
    return tuple(rules)


def _parse_text(text: str, source: str) -> tuple[ComplianceRule, ...]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{source}: invalid TOML: {exc}") from None
    return parse_rules(data, source)


def default_rules() -> tuple[ComplianceRule, ...]:
    """The rules shipped in ``mappings/compliance.toml``."""
    text = resources.files("mappings").joinpath("compliance.toml").read_text(encoding="utf-8")
    return _parse_text(text, "mappings/compliance.toml")


def load_rules(path: Path | None = None) -> tuple[ComplianceRule, ...]:
    """Rules from ``path``, or the shipped defaults when ``path`` is ``None``."""
    if path is None:
        return default_rules()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read compliance rules: {exc.strerror or exc}") from None
    return _parse_text(text, str(path))


def rules_for(industry: str, rules: Sequence[ComplianceRule]) -> tuple[ComplianceRule, ...]:
    """The rules that concern ``industry`` (for ``pmsync`` to list them)."""
    key = industry_key(industry)
    return tuple(rule for rule in rules if industry_key(rule.industry) == key)
