"""The reports as data: frozen pydantic models, so JSON output and its published JSON Schema
(``pmsync schema report``) come from one definition.

Every rate is a :class:`Ratio` that carries its numerator and denominator, so "100 %" of one
item never reads like 100 % of two hundred.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field


class Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Ratio(Result):
    """``numerator / denominator``; ``value`` is ``None`` when there is nothing to divide by."""

    numerator: int = Field(ge=0)
    denominator: int = Field(ge=0)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def value(self) -> float | None:
        return round(self.numerator / self.denominator, 4) if self.denominator else None

    def percent(self) -> str:
        """``"67 % (2/3)"``, or ``"– (0/0)"`` — the denominator always shows."""
        shown = "–" if self.value is None else f"{self.value * 100:.0f} %"
        return f"{shown} ({self.numerator}/{self.denominator})"


class Completion(Result):
    """Completion of a set of items. ``completion`` = done / (all − won't do); won't-do apart."""

    items: int
    done: int
    wont_do: int
    in_progress: int
    open: int
    overdue: int
    completion: Ratio
    wont_do_share: Ratio = Field(description="won't do / all items")
    on_time: Ratio = Field(description="done on or before the due date / done items that have a due date")


class GroupCompletion(Completion):
    group: str


class Breakdowns(Result):
    priority: list[GroupCompletion]
    severity: list[GroupCompletion]
    team: list[GroupCompletion]
    owner: list[GroupCompletion]
    quarter: list[GroupCompletion] = Field(description="by the quarter of the due date, in the configured time zone")


class OverdueItem(Result):
    item: str
    incident: str
    ticket: str | None
    url: str | None
    owner: str | None
    priority: str | None
    team: str | None
    due: dt.date
    days_overdue: int
    status: str
    text: str


class AgeBucket(Result):
    label: str
    min_days: int
    max_days: int | None
    count: int


class Ageing(Result):
    """Open items (open or in progress) by days since their ticket was created."""

    open_items: int
    unknown_age: int = Field(description="open items without a ticket yet")
    buckets: list[AgeBucket]


class CloseTime(Result):
    """Days from ticket creation to done, for the items done by ``as_of``."""

    priority: str
    closed: int
    mean_days: float | None
    median_days: float | None


class LateReview(Result):
    incident: str
    ended_at: dt.datetime
    review_date: dt.date
    hours: float


class Timeliness(Result):
    """Post-mortem reviews held within the template's window after the incident ended.

    The review date has no time of day: the review counts from the start of that day (in the
    configured time zone), the earliest it can have happened."""

    window_hours: int
    within: Ratio
    missing_dates: int = Field(description="incidents without an end time or a review date")
    late: list[LateReview]


class WeekCompletion(Result):
    week_end: dt.date
    items: int = Field(description="items counted at the week's end")
    completion: Ratio = Field(description="done / (items − won't do) at the week's end, from the status history")


class WeeklyReport(Result):
    kind: Literal["weekly"] = "weekly"
    as_of: dt.datetime
    timezone: str
    period_start: dt.date
    teams: list[str]
    completion: Completion
    closed_in_period: int = Field(description="done or won't do in the week (the current closed spell began in it)")
    wont_do_in_period: int = Field(default=0, description="of those, won't do")
    became_overdue_in_period: int
    overdue: list[OverdueItem] = Field(
        description="most overdue first; every one in JSON (completion.overdue counts them), the first 50 in the "
        "other formats"
    )
    ageing: Ageing
    time_to_close: list[CloseTime]
    breakdowns: Breakdowns
    timeliness: Timeliness
    completion_trend: list[WeekCompletion] = Field(
        default_factory=list, description="the last 12 weeks, oldest first; the last one ends at as_of"
    )


class Nudge(Result):
    item: str
    ticket: str | None
    owner: str | None
    due: dt.date
    window: str = Field(description="'before-due' or 'overdue'")
    spell: int = Field(default=0, description="overdue: which reminder (every nudge_every_days days) this is, from 0")
    message: str


class OverdueReport(Result):
    kind: Literal["overdue"] = "overdue"
    as_of: dt.datetime
    timezone: str
    teams: list[str]
    open_items: int
    overdue: list[OverdueItem]
    by_priority: list[GroupCompletion]
    nudges: list[Nudge] = Field(default_factory=list, description="nudges due now (sent or, with --dry-run, not)")


class PairLink(Result):
    earlier: str
    later: str
    shared_factors: list[str]
    similarity: float
    reason: str = Field(
        description="'similar root cause', 'names the earlier incident' or 'the earlier incident names it'"
    )
    found_in: list[str] = Field(
        default_factory=list,
        description="every place either document names the other: 'INC-7: section \"Related incidents\", line 40'",
    )


class EarlierItem(Result):
    incident: str
    item: str
    ticket: str | None
    text: str
    status_then: str = Field(
        description="status when the repeat happened, or 'no ticket yet' when its ticket was created after it"
    )
    fixed_but_recurred: bool


class ClusterIncident(Result):
    incident: str
    title: str | None
    occurred_at: dt.datetime | None
    primary_factors: list[str]


class RepeatCluster(Result):
    incidents: list[ClusterIncident]
    links: list[PairLink]
    earlier_items: list[EarlierItem]


class RepeatsReport(Result):
    kind: Literal["repeats"] = "repeats"
    as_of: dt.datetime
    timezone: str
    teams: list[str]
    similarity_threshold: float
    incidents: int
    clusters: list[RepeatCluster]


class CategoryScore(Result):
    category: str
    score: int
    primary: int = Field(description="incidents scoring it 3 (the tie-breaker)")


class QuarterFacts(Result):
    quarter: str
    incidents: int
    has_data: bool
    note: str | None = Field(description="'no incidents in 2026Q2' when there is nothing to measure")
    top_categories: list[CategoryScore] = Field(description="the top 3 by score, and every category tied with the 3rd")
    category_scores: list[CategoryScore] = Field(description="every category that scored, highest first")
    ties: list[str] = Field(description="'tie at score 5: monitoring, testing' for each shared score in the top")
    mttd_minutes: float | None
    mttd_incidents: int
    mttr_minutes: float | None
    mttr_incidents: int
    completion: Ratio = Field(description="items due in the quarter done at as_of / those not won't-do")
    repeats: Ratio = Field(description="incidents repeating an earlier one / incidents")
    cost_total: Decimal | None
    cost_incidents: int
    downtime_minutes: int
    cost_per_minute: Decimal | None


class Trend(Result):
    question: str
    metric: str
    unit: Literal["score", "minutes", "ratio", "USD"]
    values: list[Annotated[float | None, Field(description="per quarter, oldest first")]]
    change: float | None = Field(description="reviewed quarter − the one before")
    direction: Literal["up", "down", "flat", "n/a"]
    better: Literal["up", "down"] = Field(description="which direction is an improvement")


class QuarterlyReport(Result):
    kind: Literal["quarterly"] = "quarterly"
    as_of: dt.datetime
    timezone: str
    teams: list[str]
    quarter: str
    quarters: list[QuarterFacts] = Field(description="oldest first; the last one is the reviewed quarter")
    trends: list[Trend] = Field(
        description="the template's six questions, in its order; question 1 has one trend per top category"
    )


Report = Annotated[
    WeeklyReport | OverdueReport | RepeatsReport | QuarterlyReport,
    Field(discriminator="kind"),
]
