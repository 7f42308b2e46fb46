"""Cost calculator against the hand-computed figures of the house template example (s01)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sync.core.model import CostInputs, incident_cost

TEMPLATE_EXAMPLE = CostInputs(
    revenue_lost=Decimal(42000),
    sla_credits=Decimal(5000),
    vendor_costs=Decimal(0),
    engineering_hours=Decimal(36),
    hourly_rate=Decimal(150),
    churn_users=18000,
    churn_probability=Decimal("0.005"),
    lifetime_value=Decimal(300),
    brand_estimate=Decimal(10000),
)


def test_template_example_totals() -> None:
    cost = incident_cost(TEMPLATE_EXAMPLE, duration_minutes=165)
    assert cost.direct == Decimal("47000.00")
    assert cost.indirect == Decimal("42400.00")  # 5,400 + 27,000 + 10,000
    assert cost.total == Decimal("89400.00")
    assert cost.per_minute == Decimal("541.82")  # 89,400 / 165


@pytest.mark.parametrize("minutes", [None, 0])
def test_per_minute_needs_a_duration(minutes: int | None) -> None:
    assert incident_cost(TEMPLATE_EXAMPLE, duration_minutes=minutes).per_minute is None


def test_missing_inputs_count_as_zero() -> None:
    cost = incident_cost(CostInputs(revenue_lost=Decimal("10.005")), duration_minutes=1)
    assert (cost.direct, cost.indirect, cost.total, cost.per_minute) == (
        Decimal("10.01"),
        Decimal("0.00"),
        Decimal("10.01"),
        Decimal("10.01"),
    )
