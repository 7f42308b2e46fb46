"""The post-mortem domain model: what a document says, typed, and nothing invented.

Every model is a frozen pydantic v2 model so that parse output can be hashed, compared and
serialised to JSON (``pmsync parse --format json`` prints ``PostMortem.model_dump(mode="json")``).
Fields a document does not state stay ``None``; values that do not map onto an enum keep their
raw text in a ``*_raw`` field so nothing is silently lost.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

Confidence = Literal["high", "low"]


class Frozen(BaseModel):
    """Base for every domain value: immutable, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Severity(StrEnum):
    """Incident severity: SEV-1 revenue impact, SEV-2 customer impact, SEV-3 internal impact."""

    SEV1 = "SEV-1"
    SEV2 = "SEV-2"
    SEV3 = "SEV-3"


class Priority(StrEnum):
    """Action-item priority; drives the due date when the document gives none."""

    P0 = "P0"
    P1 = "P1"
    P2 = "P2"


class Status(StrEnum):
    """Canonical action-item status; tracker statuses map onto these."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_DO = "wont_do"

    @property
    def is_closed(self) -> bool:
        return self in (Status.DONE, Status.WONT_DO)


def is_overdue(due: dt.date | None, status: Status | None, today: dt.date) -> bool:
    """The one definition of overdue: due before ``today`` (a calendar date in the configured time
    zone) and not closed. An item whose status is not known yet (no ticket) counts as open."""
    return due is not None and due < today and not (status is not None and status.is_closed)


class DetectionMethod(StrEnum):
    MONITORING = "monitoring"
    CUSTOMER = "customer"
    INTERNAL = "internal"


class FactorCategory(StrEnum):
    """The ten canonical contributing-factor categories of the house template."""

    MONITORING = "monitoring"
    TESTING = "testing"
    DOCUMENTATION = "documentation"
    PROCESS = "process"
    BUS_FACTOR = "bus_factor"
    CAPACITY = "capacity"
    THIRD_PARTY = "third_party"
    COMMUNICATION = "communication"
    CHANGE_MANAGEMENT = "change_management"
    TECH_DEBT = "tech_debt"


class DiagnosticSeverity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Diagnostic(Frozen):
    """A located problem in an input. Errors are values, never exceptions, so one bad item
    never hides the rest."""

    path: str
    line: int | None = None
    severity: DiagnosticSeverity
    code: str
    message: str
    hint: str | None = None

    def format(self) -> str:
        """Compiler-style ``path:line: severity code message``."""
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.severity.value} {self.code} {self.message}"


class TicketLink(Frozen):
    """A ticket the document already names for an item (adopted instead of creating one).

    ``system`` is ``jira`` (``key`` like ``PROJ-12``), ``github`` (``key`` like ``owner/repo#12``
    or ``#12``), or ``other`` (Bugzilla, internal trackers: ``key`` is the text as written).
    """

    system: str
    key: str
    url: str | None = None


class ActionItem(Frozen):
    """One follow-up the team committed to."""

    number: int = Field(ge=1, description="The item's number: the '#' column if given, else its position.")
    text: str = Field(min_length=1)
    owner: str | None = None
    deadline: dt.date | None = None
    deadline_raw: str | None = None
    priority: Priority | None = None
    priority_raw: str | None = None
    status: Status | None = None
    status_raw: str | None = None
    tickets: tuple[TicketLink, ...] = ()
    kind: str | None = Field(default=None, description="Type column: mitigate / prevent / process / …")
    group: str | None = Field(default=None, description="Sub-heading the item was listed under.")
    parent: int | None = Field(default=None, description="Number of the item this one is nested under.")
    extra: dict[str, str] = Field(default_factory=dict, description="Unrecognised table columns.")
    line: int = Field(ge=1, description="1-based source line of the item.")
    confidence: Confidence = Field(
        default="high",
        description="'high': written where and as action items are; 'low': a candidate the parser is unsure of "
        '(asked about, not ticketed unless [parse] uncertain = "ticket").',
    )


class TimelineEntry(Frozen):
    time: str
    at: dt.datetime | None = None
    text: str
    line: int


class Why(Frozen):
    number: int
    text: str
    line: int


class ContributingFactor(Frozen):
    name: str
    category: FactorCategory | None = None
    score: int | None = Field(default=None, ge=0, le=3)
    score_raw: str | None = None
    notes: str | None = None
    line: int


class PreventionCheck(Frozen):
    text: str
    checked: bool
    line: int


class Impact(Frozen):
    users: int | None = None
    revenue_lost: Decimal | None = None
    sla_breached: bool | None = None
    text: str | None = None


class Detection(Frozen):
    method: DetectionMethod | None = None
    method_raw: str | None = None
    delay_minutes: int | None = Field(default=None, ge=0)


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class CostInputs(Frozen):
    """The template's cost inputs. Totals follow the template's semantics:
    direct = revenue lost + SLA credits + vendor costs; indirect = engineering hours × loaded
    rate + users × churn probability × LTV + brand estimate."""

    revenue_lost: Decimal | None = None
    sla_credits: Decimal | None = None
    vendor_costs: Decimal | None = None
    engineering_hours: Decimal | None = None
    hourly_rate: Decimal | None = None
    churn_users: int | None = None
    churn_probability: Decimal | None = Field(default=None, description="A fraction: 0.5% is 0.005.")
    lifetime_value: Decimal | None = None
    brand_estimate: Decimal | None = None


class CostBreakdown(Frozen):
    direct: Decimal
    indirect: Decimal
    total: Decimal
    per_minute: Decimal | None


def incident_cost(inputs: CostInputs, duration_minutes: int | None) -> CostBreakdown:
    """Compute the template's cost totals; missing inputs count as zero."""
    zero = Decimal(0)
    direct = (inputs.revenue_lost or zero) + (inputs.sla_credits or zero) + (inputs.vendor_costs or zero)
    engineering = (inputs.engineering_hours or zero) * (inputs.hourly_rate or zero)
    churn = Decimal(inputs.churn_users or 0) * (inputs.churn_probability or zero) * (inputs.lifetime_value or zero)
    indirect = engineering + churn + (inputs.brand_estimate or zero)
    total = direct + indirect
    per_minute = _money(total / duration_minutes) if duration_minutes else None
    return CostBreakdown(direct=_money(direct), indirect=_money(indirect), total=_money(total), per_minute=per_minute)


class Section(Frozen):
    """A section of the document as written. Unknown sections are kept here, never dropped."""

    title: str
    level: int = Field(ge=0, le=6, description="Heading level; 0 for a bold-label or bare-line pseudo-heading.")
    kind: str = Field(description="summary, timeline, whys, factors, went_well, actions, prevention, cost, other…")
    line: int
    end_line: int
    text: str


class PostMortem(Frozen):
    """A parsed post-mortem document."""

    path: str
    content_sha256: str
    title: str | None = None
    incident_id: str | None = None
    severity: Severity | None = None
    severity_raw: str | None = None
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    duration_minutes: int | None = Field(default=None, ge=0)
    review_date: dt.date | None = None
    impact: Impact = Field(default_factory=Impact)
    detection: Detection = Field(default_factory=Detection)
    timeline: tuple[TimelineEntry, ...] = ()
    whys: tuple[Why, ...] = ()
    factors: tuple[ContributingFactor, ...] = ()
    went_well: tuple[str, ...] = ()
    action_items: tuple[ActionItem, ...] = ()
    prevention: tuple[PreventionCheck, ...] = ()
    cost_inputs: CostInputs | None = None
    industry: str | None = None
    team: str | None = None
    service: str | None = None
    tags: tuple[str, ...] = ()
    metadata: dict[str, Any] = Field(
        default_factory=dict, description="Front matter and summary fields not mapped above."
    )
    sections: tuple[Section, ...] = ()

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cost(self) -> CostBreakdown | None:
        if self.cost_inputs is None:
            return None
        return incident_cost(self.cost_inputs, self.duration_minutes)

    @property
    def reference_date(self) -> dt.date | None:
        """The date due dates count from: the review date, else the incident end, else start."""
        if self.review_date is not None:
            return self.review_date
        moment = self.ended_at or self.started_at
        return moment.date() if moment is not None else None


class ParseResult(Frozen):
    """What parsing one document yields: the model (``None`` when unusable) and its diagnostics."""

    path: str
    postmortem: PostMortem | None
    diagnostics: tuple[Diagnostic, ...] = ()

    @property
    def ok(self) -> bool:
        return self.postmortem is not None and not any(d.severity is DiagnosticSeverity.ERROR for d in self.diagnostics)
