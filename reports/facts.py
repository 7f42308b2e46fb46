"""What the reports read: plain, frozen facts built from the state database at the I/O edge.

``sync.store.snapshot.load_report_data`` builds a :class:`ReportData`; everything in ``reports``
is a pure function of it, the report settings and an ``as_of`` moment. Status always comes from
the tracker's status history (:attr:`ItemFacts.history`), never from the document's Status
column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from sync.core.model import Status


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One entry of a ticket's status history: the status it moved to, and when (UTC-aware)."""

    status: Status
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class ItemFacts:
    """One action item with its ticket and status history (oldest change first)."""

    key: str
    incident_key: str
    number: int
    text: str
    owner: str | None
    priority: str | None
    due: dt.date | None
    present: bool = True
    ticket: str | None = None
    url: str | None = None
    history: tuple[StatusChange, ...] = ()
    opened_at: dt.datetime | None = None  # when its ticket was created (None: no ticket yet)


@dataclass(frozen=True, slots=True)
class TextSource:
    """A piece of a document's text, searched for other incidents' ids: where it is (``title``,
    ``front matter``, ``section "Related incidents"``) and its first line in the file, if known."""

    place: str
    text: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """One post-mortem, reduced to what the reports use."""

    key: str
    incident_id: str | None = None
    title: str | None = None
    severity: str | None = None
    team: str | None = None
    service: str | None = None
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    duration_minutes: int | None = None
    review_date: dt.date | None = None
    detection_delay_minutes: int | None = None
    factors: tuple[tuple[str, int], ...] = ()  # (canonical category, score 0–3)
    root_cause_text: str = ""  # the 5 whys and factor notes: what repeat detection compares
    texts: tuple[TextSource, ...] = ()  # the whole document's text, searched for other incidents' ids
    cost_total: Decimal | None = None
    path: str | None = None

    @property
    def label(self) -> str:
        return self.incident_id or self.key

    @property
    def occurred_at(self) -> dt.datetime | None:
        """When the incident happened: its start, else its end."""
        return self.started_at or self.ended_at

    @property
    def minutes(self) -> int | None:
        """Its duration: as stated, else end − start."""
        if self.duration_minutes is not None:
            return self.duration_minutes
        if self.started_at is not None and self.ended_at is not None and self.ended_at >= self.started_at:
            return int((self.ended_at - self.started_at).total_seconds() // 60)
        return None

    @property
    def primary_factors(self) -> frozenset[str]:
        return frozenset(category for category, score in self.factors if score == 3)


@dataclass(frozen=True)
class ReportData:
    incidents: tuple[IncidentFacts, ...] = ()
    items: tuple[ItemFacts, ...] = ()


@dataclass(frozen=True)
class ReportSettings:
    """The pure side of ``[reports]`` (plus ``[due_dates] timezone``)."""

    timezone: str = "UTC"
    review_hours: int = 24  # the template: the review within 24 hours of the incident's end
    ageing_buckets: tuple[int, ...] = (7, 30, 90)  # upper bounds in days; one more bucket above the last
    repeat_similarity: float = 0.35
    repeat_window_days: int = 365
    trend_quarters: int = 4  # the quarter reviewed and the ones before it
    weekly_days: int = 7
    teams: tuple[str, ...] = field(default_factory=tuple)  # only these teams (empty: all)
    nudge_days_before: int = 2
    nudge_every_days: int = 0  # remind overdue items again this often (0: once)
    quiet_hours: tuple[int, int] | None = (20, 8)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)
