"""The analysis sections: 5 whys, contributing factors, what went well, the recurrence-prevention
checklist, and the cost inputs of the house template's "Incident Cost" section."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from sync.core.model import ContributingFactor, CostInputs, FactorCategory, PreventionCheck, Why
from sync.core.parse import codes
from sync.core.parse.blocks import Node, first_line, node_text
from sync.core.parse.codes import Collector
from sync.core.parse.fields import clean_line, number
from sync.core.parse.memo import short_text_cache

_WHY = re.compile(r"^(?:\d+[.)]\s*)?why\s*#?\s*(?P<n>\d+)\s*(?:\([^)]*\))?\s*[:.)-]\s*(?P<text>.+)$", re.IGNORECASE)
_CHECK = re.compile(r"^\[(?P<mark>[ xX✓✔]?)\]\s*(?P<text>.*)$")

# Ordered: earlier categories win when a name mentions several ("Monitoring of capacity" →
# monitoring). Patterns are matched against the lower-cased factor name.
_CATEGORY_RULES: tuple[tuple[FactorCategory, re.Pattern[str]], ...] = tuple(
    (category, re.compile(pattern))
    for category, pattern in (
        (
            FactorCategory.BUS_FACTOR,
            r"bus factor|knowledge concentration|single point of knowledge|only one (?:person|engineer)"
            r"|nobody (?:else )?knows|no one (?:else )?knows",
        ),
        (FactorCategory.MONITORING, r"monitor|alert|observab|detection|no visibility|dashboards?"),
        (FactorCategory.TESTING, r"test|\bqa\b|validation|canary coverage"),
        (FactorCategory.DOCUMENTATION, r"document|runbook|playbook|\bdocs?\b"),
        (
            FactorCategory.CHANGE_MANAGEMENT,
            r"change management|change control|unintended (?:change|upgrade)|rollout|deploy|release process"
            r"|config(?:uration)? change",
        ),
        (FactorCategory.CAPACITY, r"capacity|scaling|scale|quota|exhaust|starvation|out of (?:disk|memory)|limit"),
        (FactorCategory.THIRD_PARTY, r"third[- ]party|vendor|upstream|provider|dependency|external service"),
        (FactorCategory.COMMUNICATION, r"communicat|status page|notif|escalat"),
        (FactorCategory.TECH_DEBT, r"technical debt|tech debt|legacy|latent|hard-?coded|workaround"),
        (FactorCategory.PROCESS, r"process|procedure|not followed|prioriti|support hours|24/7|on-?call"),
    )
)


@short_text_cache(maxsize=1024)  # pure; a template's factor names recur in every document
def factor_category(name: str) -> FactorCategory | None:
    """The canonical category a factor name falls into, or None."""
    lower = name.lower()
    for category, pattern in _CATEGORY_RULES:
        if pattern.search(lower):
            return category
    return None


def read_whys(blocks: Sequence[Node], lines: Sequence[str]) -> list[Why]:
    """Whys from "Why N: …" lines or the items of a list in a whys section."""
    whys: list[Why] = []
    for node in blocks:
        if node.type in ("bullet_list", "ordered_list"):
            for item in node.children:
                paragraphs = [c for c in item.children if c.type == "paragraph"]
                if not paragraphs:
                    continue
                text = node_text(paragraphs[0]).text
                match = _WHY.match(text)
                body = match.group("text") if match else text
                if body.strip() and body.strip() not in ("...", "…"):
                    whys.append(Why(number=len(whys) + 1, text=body.strip(), line=first_line(item)))
        elif node.type == "paragraph" and node.map:
            for offset, raw in enumerate(lines[node.map[0] : node.map[1]]):
                match = _WHY.match(clean_line(raw))
                if match:
                    whys.append(
                        Why(number=len(whys) + 1, text=match.group("text").strip(), line=node.map[0] + offset + 1)
                    )
    return whys


def read_factors(blocks: Sequence[Node], diagnostics: Collector) -> list[ContributingFactor]:
    """Factors from a Factor/Score/Notes table, or one per bullet (score unknown)."""
    factors: list[ContributingFactor] = []
    for node in blocks:
        if node.type == "table":
            factors.extend(_factor_table(node, diagnostics))
        elif node.type in ("bullet_list", "ordered_list"):
            for item in node.children:
                paragraphs = [c for c in item.children if c.type == "paragraph"]
                if not paragraphs:
                    continue
                text = node_text(paragraphs[0]).text.strip()
                if text:
                    factors.append(ContributingFactor(name=text, category=factor_category(text), line=first_line(item)))
    return factors


def _factor_table(node: Node, diagnostics: Collector) -> list[ContributingFactor]:
    # A table always has its header row (markdown-it makes no table without one).
    rows = [r for section in node.children for r in section.children if r.type == "tr"]
    header = [node_text(c).text.lower() for c in rows[0].children]
    name_col = next((i for i, h in enumerate(header) if re.search(r"factor|name|category|cause", h)), 0)
    score_col = next((i for i, h in enumerate(header) if re.search(r"score|rating|weight|severity", h)), None)
    notes_col = next((i for i, h in enumerate(header) if re.search(r"note|comment|detail|why|evidence", h)), None)
    found: list[ContributingFactor] = []
    for row in rows[1:]:
        cells = [node_text(c).text.strip() for c in row.children]
        if name_col >= len(cells) or not cells[name_col]:
            continue
        line = first_line(row)
        score_raw = cells[score_col] if score_col is not None and score_col < len(cells) else ""
        score: int | None = None
        if score_raw:
            if re.fullmatch(r"[0-3]", score_raw):
                score = int(score_raw)
            else:
                diagnostics.add(codes.BAD_SCORE, line, f"score {score_raw!r} is not 0-3")
        notes = cells[notes_col] if notes_col is not None and notes_col < len(cells) else ""
        found.append(
            ContributingFactor(
                name=cells[name_col],
                category=factor_category(cells[name_col]),
                score=score,
                score_raw=score_raw or None,
                notes=notes or None,
                line=line,
            )
        )
    return found


def read_bullets(blocks: Sequence[Node]) -> list[str]:
    """The bullet texts of a section (paragraph texts when it has no list)."""
    texts = [
        node_text(p).text
        for node in blocks
        if node.type in ("bullet_list", "ordered_list")
        for item in node.children
        for p in item.children[:1]
        if p.type == "paragraph"
    ]
    if not texts:
        texts = [node_text(n).text for n in blocks if n.type == "paragraph"]
    return [t for t in texts if t.strip() and t.strip() not in ("...", "…")]


def read_checks(blocks: Sequence[Node]) -> list[PreventionCheck]:
    """Checkbox items: ``- [x] Monitoring added`` → checked."""
    checks: list[PreventionCheck] = []
    for node in blocks:
        if node.type not in ("bullet_list", "ordered_list"):
            continue
        for item in node.children:
            paragraphs = [c for c in item.children if c.type == "paragraph"]
            if not paragraphs:
                continue
            match = _CHECK.match(node_text(paragraphs[0]).text)
            if match and match.group("text").strip():
                checks.append(
                    PreventionCheck(
                        text=match.group("text").strip(),
                        checked=bool(match.group("mark").strip()),
                        line=first_line(item),
                    )
                )
    return checks


_AMOUNT = re.compile(r"\$?\s?(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>[kKmM](?![a-z]))?\s*(?P<pct>%)?")


def read_cost(lines: Sequence[str]) -> CostInputs | None:
    """Cost inputs from the lines of a cost section; None when it states none."""
    values: dict[str, Decimal | int] = {}
    for raw in lines:
        text = clean_line(raw)
        if ":" not in text:
            continue
        label, _, value = text.partition(":")
        label = label.lower()
        value = value.split("=", 1)[0]
        amounts = [(number(m.group("n"), m.group("scale")), bool(m.group("pct"))) for m in _AMOUNT.finditer(value)]
        amounts = [(a, pct) for a, pct in amounts if a is not None]
        if not amounts:
            continue
        first = amounts[0][0]
        assert first is not None
        if "revenue" in label:
            values.setdefault("revenue_lost", first)
        elif "sla" in label or "credit" in label:
            values.setdefault("sla_credits", first)
        elif "vendor" in label or "contractor" in label:
            values.setdefault("vendor_costs", first)
        elif "engineering" in label or "hours" in label:
            values.setdefault("engineering_hours", first)
            if len(amounts) > 1 and amounts[1][0] is not None:
                values.setdefault("hourly_rate", amounts[1][0])
        elif "churn" in label:
            _churn(amounts, values)
        elif "brand" in label or "reputation" in label:
            values.setdefault("brand_estimate", first)
    if not values:
        return None
    return CostInputs.model_validate(values)


def _churn(amounts: list[tuple[Decimal | None, bool]], values: dict[str, Decimal | int]) -> None:
    plain = [a for a, pct in amounts if a is not None and not pct]
    percents = [a for a, pct in amounts if a is not None and pct]
    if plain:
        values.setdefault("churn_users", int(plain[0]))
    if percents:
        values.setdefault("churn_probability", percents[0] / 100)
    elif len(plain) >= 3 and plain[1] <= 1:
        values.setdefault("churn_probability", plain[1])
    ltv = plain[1:] if percents else plain[2:]
    if ltv:
        values.setdefault("lifetime_value", ltv[0])
