"""The configuration models: one frozen, strict pydantic model per TOML section (see :mod:`sync.config`)."""

from __future__ import annotations

import datetime as dt
import logging
import re
import tomllib
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    PrivateAttr,
    SecretStr,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic import ValidationInfo as _ValidationInfo

from mappings.calendar import BusinessCalendar
from mappings.compliance import ComplianceRule, load_rules
from mappings.due_dates import DueDatePolicy, time_zone
from mappings.owners import OwnerDirectory, OwnerEntry
from mappings.priorities import PriorityMap
from mappings.routing import RouteMatch, Router, RoutingRule, normalise_severity
from mappings.statuses import DEFAULT_IN_PROGRESS_LABELS, DEFAULT_WONT_DO_RESOLUTIONS, GitHubStatusMap, JiraStatusMap
from sync.config.sources import (
    error_message,
)
from sync.core.authoring import id_fields
from sync.core.model import Priority, Severity, Status
from sync.errors import ConfigError

log = logging.getLogger(__name__)

DEFAULT_STATE_URL = "sqlite:///pmsync.db"
DEFAULT_JIRA_CONCURRENCY = 4
MAX_JIRA_CONCURRENCY = 8  # a few in flight: Jira's rate limits are per account, shared with its people
_ENV_NAME = r"^[A-Z][A-Z0-9_]*$"
_WEEKDAYS = {name: index for index, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}


# ---------------------------------------------------------------------------------------------
# Coercions shared by several fields


def _split_csv(value: Any) -> Any:
    """Let list settings be written ``"a, b"`` (handy in environment variables)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _priority_key(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _status_value(value: Any) -> Any:
    # "In progress", "in-progress" and "in_progress" all name Status.IN_PROGRESS.
    if isinstance(value, str):
        return re.sub(r"[\s-]+", "_", value.strip().lower()).replace("won't", "wont").replace("won’t", "wont")
    return value


def _severity_value(value: Any) -> Any:
    return normalise_severity(value) if isinstance(value, str) else value


def _weekday(value: Any) -> Any:
    if isinstance(value, str):
        key = value.strip().lower()[:3]
        if key in _WEEKDAYS:
            return _WEEKDAYS[key]
        if key.isdigit():
            return int(key)
        raise ValueError("weekend days are mon…sun or 0 (Monday) … 6 (Sunday)")
    return value


StrList = Annotated[tuple[str, ...], BeforeValidator(_split_csv)]
PriorityKey = Annotated[Priority, BeforeValidator(_priority_key)]
StatusValue = Annotated[Status, BeforeValidator(_status_value)]
SeverityValue = Annotated[Severity, BeforeValidator(_severity_value)]
Weekday = Annotated[int, BeforeValidator(_weekday), Field(ge=0, le=6)]
OneOrMany = StrList  # one value or a list of alternatives


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------------------------------------
# Sections


class SourcesSettings(_Section):
    """``[sources]``: where post-mortem documents are found."""

    paths: StrList = Field(default=("postmortems/**/*.md",), description="Glob patterns of Markdown documents.")
    exclude: StrList = Field(
        default=(),
        description="Globs of files never read: a pattern without '/' matches the file name (README.md), "
        "one with '/' the path relative to the config file's directory.",
    )
    document_url: str | None = Field(
        default=None,
        description="Address of a post-mortem for ticket bodies and Jira remote links; {path} is the "
        "document's path relative to the config file's directory. Unset: bodies name the path.",
    )
    # The config file's directory (set when the file is loaded): what {path} is relative to.
    _root: str | None = PrivateAttr(default=None)

    @property
    def root(self) -> str | None:
        return self._root

    @field_validator("document_url")
    @classmethod
    def _url_with_path(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://\S+$", value.strip()):
            raise ValueError("must be an http(s):// URL, with {path} where the document's path goes")
        return value.strip() if value is not None else None


class StateSettings(_Section):
    """``[state]``: the state database (SQLite file or PostgreSQL).

    A relative SQLite path is relative to the configuration file's directory (the working directory
    without a file), as every path in the file is. A URL holding a password comes from the
    environment only: ``PMSYNC_STATE__URL``, or the variable ``url_env`` names."""

    url: str = DEFAULT_STATE_URL
    url_env: str | None = Field(
        default=None,
        pattern=_ENV_NAME,
        description="Name of an environment variable holding the URL (one with a password); wins over url.",
    )

    @field_validator("url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not re.match(r"^(sqlite|postgresql(\+[a-z0-9]+)?)://", value.strip()):
            # The value may embed a password (postgresql://user:pw@host/db): never echo it.
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        return value.strip()


class LocalTrackerSettings(_Section):
    """``[tracker] kind = "local"``: tickets kept in pmsync's own database."""

    kind: Literal["local"] = "local"
    project_prefix: str = Field(default="LOC", pattern=r"^[A-Z][A-Z0-9]{0,9}$")
    link_items: bool = Field(
        default=False,
        description="Chain an incident's item tickets with links; off by default: they already share a parent.",
    )

    @property
    def default_project(self) -> str:
        """Where tickets go unless routing says otherwise: the key prefix."""
        return self.project_prefix

    @property
    def ticket_key_pattern(self) -> str:
        """What a ticket key of this tracker looks like in a document's Ticket cell."""
        return rf"{re.escape(self.project_prefix)}-\d+"

    @property
    def close_done(self) -> bool:
        """Local tickets follow their document's status: there is nothing to close."""
        return False

    def priority_map(self) -> PriorityMap:
        return PriorityMap.for_tracker("local")


class _RemoteTrackerSettings(_Section):
    # Keys of any project, as routing may send tickets to several (GitHub's owner/repo#N
    # references are recognised by the parser on their own).
    ticket_key_pattern: ClassVar[str] = r"[A-Z][A-Z0-9]*-\d+"

    token_env: str = Field(pattern=_ENV_NAME)
    search_lag_seconds: float | None = Field(
        default=None,
        ge=0,
        description="How long the tracker's search may lag behind a create; unset: the backend's default.",
    )
    request_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        le=600,
        description="How long one request to the tracker may take before it is abandoned (and retried).",
    )
    token_file: Path | None = None
    token: SecretStr | None = Field(
        default=None, description="Filled at load from token_env or token_file; never read from the file."
    )

    @field_validator("token_env", mode="before")
    @classmethod
    def _looks_like_a_name(cls, value: Any) -> Any:
        if isinstance(value, str) and not re.match(_ENV_NAME, value):
            # Someone may have pasted the token itself here: do not repeat it.
            raise ValueError("must be the NAME of an environment variable (A-Z, 0-9, _), not the token itself")
        return value


class JiraTrackerSettings(_RemoteTrackerSettings):
    """``[tracker] kind = "jira"``: Jira Cloud or Data Center."""

    kind: Literal["jira"]
    url: str
    deployment: Literal["cloud", "datacenter"] = "cloud"
    project: str = Field(pattern=r"^[A-Z][A-Z0-9_]{0,19}$")
    issue_type: str = Field(default="Task", min_length=1)
    parent_issue_type: str = Field(default="Epic", min_length=1)
    email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")
    token_env: str = Field(default="PMSYNC_JIRA_TOKEN", pattern=_ENV_NAME)
    link_type: str = Field(default="Relates", min_length=1)
    link_items: bool = Field(
        default=False,
        description="Chain an incident's item tickets with links; off by default: they already share a parent.",
    )
    priorities: dict[PriorityKey, str] = Field(default_factory=dict)
    wont_do_resolutions: StrList = tuple(sorted(DEFAULT_WONT_DO_RESOLUTIONS))
    statuses: dict[str, StatusValue] = Field(
        default_factory=dict, description="Status name → canonical status, beating the status category."
    )
    fields: dict[str, Any] = Field(
        default_factory=dict, description="Extra fields set on every created issue, by field id or name."
    )
    subtask_issue_type: str | None = Field(
        default=None, min_length=1, description="Create items as this sub-task type under the incident's issue."
    )
    epic_link_field: str | None = Field(
        default=None, min_length=1, description="Data Center: the Epic Link field (id or name) for items under an Epic."
    )
    close_done: bool = Field(
        default=False,
        description="Transition an issue to done (won't do) when its document newly marks the item so.",
    )
    concurrency: int = Field(
        default=DEFAULT_JIRA_CONCURRENCY,
        ge=1,
        le=MAX_JIRA_CONCURRENCY,
        description="Independent follow-up writes (transitions, links, remote links) in flight at once.",
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value.strip()):
            raise ValueError("must be an http(s):// URL such as https://example.atlassian.net")
        return value.strip().rstrip("/")

    @field_validator("priorities")
    @classmethod
    def _one_to_one(cls, value: dict[Priority, str]) -> dict[Priority, str]:
        PriorityMap.for_tracker("jira", value)
        return value

    @model_validator(mode="after")
    def _cloud_needs_email(self) -> JiraTrackerSettings:
        if self.deployment == "cloud" and not self.email:
            raise ValueError("email: field required for deployment = 'cloud' (the account the API token belongs to)")
        return self

    @property
    def default_project(self) -> str:
        """Where tickets go unless routing says otherwise: the project key."""
        return self.project

    def priority_map(self) -> PriorityMap:
        """Canonical priority ↔ Jira priority names, ``priorities`` over the defaults."""
        return PriorityMap.for_tracker("jira", self.priorities)

    def status_map(self) -> JiraStatusMap:
        return JiraStatusMap(wont_do_resolutions=frozenset(self.wont_do_resolutions), status_overrides=self.statuses)


class GitHubTrackerSettings(_RemoteTrackerSettings):
    """``[tracker] kind = "github"``: GitHub issues in one repository."""

    kind: Literal["github"]
    repo: str = Field(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
    api_url: str = "https://api.github.com"
    token_env: str = Field(default="PMSYNC_GITHUB_TOKEN", pattern=_ENV_NAME)
    labels: StrList = Field(default=("postmortem",), description="Labels put on every issue pmsync creates.")
    priorities: dict[PriorityKey, str] = Field(default_factory=dict, description="Priority → label.")
    in_progress_labels: StrList = DEFAULT_IN_PROGRESS_LABELS
    issue_type: str | None = Field(default=None, description="Issue type of item issues (organisation issue types).")
    parent_issue_type: str | None = Field(default=None, description="Issue type of the per-incident parent issue.")
    due_labels: bool = Field(default=True, description="Put a due/YYYY-MM-DD label on every issue with a due date.")
    due_milestones: bool = Field(default=False, description="Also put each issue in a milestone per due date.")
    project_org: str | None = Field(default=None, description="Organisation of a Projects v2 board with a date field.")
    project_number: int | None = Field(default=None, ge=1, description="Number of that Projects v2 board.")
    project_date_field: str = Field(default="Due date", min_length=1, description="Its DATE field for the due date.")
    close_done: bool = Field(default=True, description="Close an issue when its document marks the item done.")
    writes_per_minute: int = Field(default=80, ge=1, le=80, description="GitHub's secondary limit: at most 80.")
    writes_per_hour: int = Field(default=500, ge=1, le=500, description="GitHub's secondary limit: at most 500.")
    write_interval_seconds: float = Field(default=1.0, ge=0.0, description="Pause between writes (GitHub: >= 1 s).")
    concurrency: int = Field(default=1, description="Writes in flight at once: GitHub takes one at a time.")

    @field_validator("concurrency")
    @classmethod
    def _serial(cls, value: int) -> int:
        if value != 1:
            raise ValueError(
                "must be 1 for GitHub: its secondary-limit guidance asks for serial writes (one request at a "
                "time, not several at once); the pace is set by writes_per_minute and write_interval_seconds"
            )
        return value

    @field_validator("api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value.strip()):
            raise ValueError("must be an http(s):// URL such as https://api.github.com")
        return value.strip().rstrip("/")

    @field_validator("priorities")
    @classmethod
    def _one_to_one(cls, value: dict[Priority, str]) -> dict[Priority, str]:
        PriorityMap.for_tracker("github", value)
        return value

    @field_validator("in_progress_labels")
    @classmethod
    def _at_least_one(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        GitHubStatusMap(in_progress_labels=value)
        return value

    @property
    def default_project(self) -> str:
        """Where issues go unless routing says otherwise: the repository."""
        return self.repo

    def priority_map(self) -> PriorityMap:
        """Canonical priority ↔ GitHub labels, ``priorities`` over the defaults."""
        return PriorityMap.for_tracker("github", self.priorities)

    def status_map(self) -> GitHubStatusMap:
        return GitHubStatusMap(in_progress_labels=self.in_progress_labels)

    @property
    def link_items(self) -> bool:
        """GitHub issues have no links to chain (``link_items`` is a Jira and local setting)."""
        return False


TrackerSettings = Annotated[
    LocalTrackerSettings | JiraTrackerSettings | GitHubTrackerSettings, Field(discriminator="kind")
]


class DueDatesSettings(_Section):
    """``[due_dates]``: how far each priority reaches (see :mod:`mappings.due_dates`)."""

    p1_days: PositiveInt = 7
    p2_mode: Literal["sprint", "month"] = "month"
    sprint_length_days: PositiveInt = 14
    sprint_anchor: dt.date | None = None
    p2_min_business_days: NonNegativeInt = 3
    timezone: str = "UTC"
    default_priority: PriorityKey = Priority.P2

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        time_zone(value)
        return value


class CalendarSettings(_Section):
    """``[calendar]``: business days (country and subdivision as the ``holidays`` library names them)."""

    # The documented default (config.example.toml): P0 items must not fall due on Thanksgiving.
    country: str | None = "US"
    subdivision: str | None = None
    extra_holidays: Annotated[tuple[dt.date, ...], BeforeValidator(_split_csv)] = ()
    weekend: Annotated[tuple[Weekday, ...], BeforeValidator(_split_csv)] = (5, 6)

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        if value:
            BusinessCalendar(value)
        return value

    @field_validator("subdivision")
    @classmethod
    def _known_subdivision(cls, value: str | None, info: _ValidationInfo) -> str | None:
        if value and "country" in info.data:  # absent when the country itself was invalid
            country = info.data["country"]
            if not country:
                raise ValueError("needs country to be set")
            BusinessCalendar(country, value)
        return value

    @field_validator("weekend")
    @classmethod
    def _some_work_days(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if len(set(value)) == 7:
            raise ValueError("cannot cover all seven days")
        return value


class RouteMatchSettings(_Section):
    """The criteria of one routing rule; each takes one value or a list of alternatives."""

    team: OneOrMany | None = None
    service: OneOrMany | None = None
    severity: OneOrMany | None = None
    industry: OneOrMany | None = None


class RoutingRuleSettings(_Section):
    match: RouteMatchSettings = RouteMatchSettings()
    project: str | None = None
    labels: StrList = ()


class RoutingSettings(_Section):
    """``[routing]``: ordered rules, first match wins; else ``default_project`` (else the tracker's)."""

    default_project: str | None = None
    labels: StrList = Field(default=(), description="Labels for every incident's tickets.")
    rules: tuple[RoutingRuleSettings, ...] = ()


class OwnerEntrySettings(_Section):
    name: str = Field(min_length=1)
    handles: StrList = ()
    emails: StrList = ()
    jira: str | None = None
    github: str | None = None
    # Chat mentions in nudges: a Slack member id ("U…"), a Teams UPN or Entra object id, a
    # Google Chat user ("users/123…").
    slack: str | None = Field(default=None, pattern=r"^[UW][A-Z0-9]+$")
    teams: str | None = None
    google_chat: str | None = Field(default=None, pattern=r"^users/\S+$")

    def to_entry(self) -> OwnerEntry:
        return OwnerEntry(self.name, self.handles, self.emails, self.jira, self.github)


class OwnersSettings(_Section):
    """``[owners]``: the owner directory, inline and/or in a separate TOML/YAML ``file``."""

    entries: tuple[OwnerEntrySettings, ...] = ()
    file: Path | None = None
    _file_entries: tuple[OwnerEntrySettings, ...] | None = PrivateAttr(default=None)

    def all_entries(self) -> tuple[OwnerEntrySettings, ...]:
        """Inline entries followed by the file's (read once; at load when loaded by :func:`load_settings`)."""
        if self.file is None:
            return self.entries
        if self._file_entries is None:
            problems: list[str] = []
            self._file_entries = read_owner_file(self.file, problems)
            if problems:
                raise ConfigError("\n".join(problems))
        return self.entries + self._file_entries


def _interval(value: Any) -> Any:
    """``"30s"``, ``"15m"``, ``"2h"``, ``"1d"`` (or a number of seconds) as a :class:`~datetime.timedelta`."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return dt.timedelta(seconds=value)
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*", value.lower())
            if not match:
                raise ValueError('must be a duration such as "30s", "15m", "2h" or "1d"')
            unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
            return dt.timedelta(**{unit: float(match.group(1))})
    except OverflowError:
        # "jitter = 86400000000000.0": past what a duration can hold (about 2.7 million years).
        raise ValueError("is too long a duration") from None
    return value


Interval = Annotated[dt.timedelta, BeforeValidator(_interval)]


class ScheduleSettings(_Section):
    """``[schedule]``: what ``pmsync serve`` runs and when."""

    pull_every_minutes: PositiveInt = 15
    sync_every_minutes: PositiveInt = 60
    # Durations such as "30s", "15m", "2h"; when set they win over the *_minutes keys.
    sync_every: Interval | None = None
    pull_every: Interval | None = None
    jitter: Interval = dt.timedelta(seconds=30)
    timezone: str = "UTC"
    weekly_report: bool = True
    weekly_report_day: Weekday = 0
    weekly_report_time: dt.time = dt.time(9, 0)
    quarterly_review: bool = True
    quarterly_review_time: dt.time = dt.time(9, 0)
    overdue_nudges: bool = True
    overdue_nudges_time: dt.time = dt.time(9, 30)

    @field_validator("sync_every", "pull_every")
    @classmethod
    def _at_least_a_second(cls, value: dt.timedelta | None) -> dt.timedelta | None:
        if value is not None and value < dt.timedelta(seconds=1):
            raise ValueError("must be at least 1s")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        time_zone(value)
        return value

    @property
    def sync_interval(self) -> dt.timedelta:
        return self.sync_every or dt.timedelta(minutes=self.sync_every_minutes)

    @property
    def pull_interval(self) -> dt.timedelta:
        return self.pull_every or dt.timedelta(minutes=self.pull_every_minutes)


class ServiceSettings(_Section):
    """``[service]``: the ``pmsync serve`` listener (health, metrics, webhooks) and replicas."""

    listen: str = Field(default="127.0.0.1:9464", pattern=r"^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]*):\d{1,5}$")
    github_webhook_secret_env: str = Field(default="PMSYNC_GITHUB_WEBHOOK_SECRET", pattern=_ENV_NAME)
    github_webhook_secret_file: Path | None = None
    jira_webhook_secret_env: str = Field(default="PMSYNC_JIRA_WEBHOOK_SECRET", pattern=_ENV_NAME)
    jira_webhook_secret_file: Path | None = None
    ignore_senders: StrList = Field(
        default=(), description="pmsync's own accounts (GitHub login, Jira accountId): their events are echoes."
    )
    webhook_queue_size: PositiveInt = Field(
        default=1000, description="Deliveries waiting in the spool at most; beyond that 503 (the sender retries)."
    )
    spool_dir: Path = Field(
        default=Path(".pmsync/spool"),
        description="This replica's own folder for accepted deliveries not applied yet (relative: to the config file).",
    )
    spool_max_bytes: PositiveInt = 64 * 1024 * 1024
    lease_seconds: Annotated[float, Field(gt=0)] = 15.0
    stop_timeout_seconds: Annotated[float, Field(gt=0)] = 30.0
    request_timeout_seconds: Annotated[float, Field(gt=0)] = Field(
        default=10.0, description="A client has this long to send its whole request (headers and body)."
    )
    max_connections: PositiveInt = Field(default=64, description="Open connections at most; beyond that 503.")


class ChatTargetSettings(_Section):
    """``[[reports.chat]]``: one chat channel's incoming webhook for nudges. The URL is a secret:
    named by ``url_env`` (a variable) or ``url_file``, never written in the file."""

    kind: Literal["slack", "teams", "google_chat"]
    url_env: str | None = Field(default=None, pattern=_ENV_NAME)
    url_file: Path | None = None
    team: str | None = Field(default=None, description="This team's channel; unset: the default channel.")
    group: Literal["owner", "team"] = Field(default="owner", description="One message per owner, or per team.")

    @model_validator(mode="after")
    def _one_url(self) -> ChatTargetSettings:
        if (self.url_env is None) == (self.url_file is None):
            raise ValueError("set exactly one of url_env and url_file")
        return self

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.team}" if self.team else self.kind


class ReportsSettings(_Section):
    """``[reports]``: where ``pmsync report`` writes and in which formats."""

    output_dir: Path = Path("reports")
    formats: Annotated[tuple[Literal["markdown", "html", "json", "csv"], ...], BeforeValidator(_split_csv)] = (
        "markdown",
        "html",
    )
    repeat_similarity: float = Field(default=0.35, gt=0, le=1)
    repeat_window_days: PositiveInt = 365
    trend_quarters: PositiveInt = 4
    review_hours: PositiveInt = 24
    ageing_buckets: tuple[PositiveInt, ...] = (7, 30, 90)
    webhook_url_env: str | None = Field(default=None, pattern=_ENV_NAME)
    webhook_url_file: Path | None = None
    publish_issue: str | None = None
    nudge_days_before: int = Field(default=2, ge=0)
    nudge_every_days: int = Field(default=7, ge=0, description="Remind an overdue item again this often; 0: once.")
    escalate_after_days: int = Field(default=14, ge=0, description="Overdue this long: to the team channel; 0: never.")
    quiet_hours: tuple[Annotated[int, Field(ge=0, le=23)], Annotated[int, Field(ge=0, le=23)]] | None = (20, 8)
    chat: tuple[ChatTargetSettings, ...] = ()
    chat_max_items: PositiveInt = 20
    report_url: str | None = Field(
        default=None,
        pattern=r"^https?://",
        description="Where the full reports are read (e.g. pmsync serve's /reports/).",
    )

    @field_validator("chat")
    @classmethod
    def _distinct_channels(cls, value: tuple[ChatTargetSettings, ...]) -> tuple[ChatTargetSettings, ...]:
        names = [target.name for target in value]
        if len(names) != len(set(names)):
            raise ValueError("two [[reports.chat]] entries for the same kind and team")
        return value


class ParseSettings(_Section):
    """``[parse]``: extra synonyms, merged over the parser's built-in ones (keys are matched
    case-insensitively)."""

    priority: dict[str, PriorityKey] = Field(default_factory=dict)
    status: dict[str, StatusValue] = Field(default_factory=dict)
    severity: dict[str, SeverityValue] = Field(default_factory=dict)
    uncertain: Literal["ask", "ticket"] = Field(
        default="ask",
        description="Low-confidence items: 'ask' lists them (plan, sync, lint) and tickets none; 'ticket' too.",
    )

    @field_validator("priority", "status", "severity")
    @classmethod
    def _fold_keys(cls, value: dict[str, Any]) -> dict[str, Any]:
        return {" ".join(key.split()).casefold(): item for key, item in value.items()}


class SafetySettings(_Section):
    """``[safety]``: the plan aborts above this many creates unless ``--force``."""

    max_creates: PositiveInt = 50
    max_wait_seconds: PositiveFloat = Field(
        default=900.0,
        description="A run stops cleanly (and says when to resume) rather than wait longer than this for rate limits.",
    )


class ComplianceSettings(_Section):
    """``[compliance]``: industry compliance tickets (rules default to ``mappings/compliance.toml``)."""

    enabled: bool = True
    rules_file: Path | None = None
    _rules: tuple[ComplianceRule, ...] | None = PrivateAttr(default=None)

    def rules(self) -> tuple[ComplianceRule, ...]:
        """The active rules (none when disabled); raises :class:`ConfigError` for a bad rules file."""
        if not self.enabled:
            return ()
        if self._rules is None:
            try:
                self._rules = load_rules(self.rules_file)
            except ValueError as exc:
                raise ConfigError(f"[compliance] rules_file: {exc}") from None
        return self._rules


class AuthoringSettings(_Section):
    """``[authoring]``: ``pmsync new`` — the template, the incident-id format, where documents go."""

    template: Path | None = Field(default=None, description="A team's own template (default: the house one).")
    id_format: str = Field(default="INC-{year}-{seq:04d}", description="{seq} required; {year} {month} {day}.")
    dir: Path = Field(default=Path("postmortems"), description="Where new documents are written.")

    @field_validator("id_format")
    @classmethod
    def _usable_format(cls, value: str) -> str:
        id_fields(value)  # raises ValueError with the reason
        return value


class SyncSettings(_Section):
    """``[sync]``: how a run treats what people change in the documents."""

    doc_status: Literal["report", "push"] = Field(
        default="report",
        description="A Status cell a person edited since write-back: 'report' it as a conflict and leave it, "
        "or 'push' it to the ticket (the tracker records the change).",
    )


class WritebackSettings(_Section):
    """``[writeback]``: where ``pmsync sync --write-back`` puts the filled Ticket/Status cells."""

    mode: Literal["files", "pr"] = Field(
        default="files",
        description="'files': edit the documents in place; 'pr': commit them to a branch of the docs repository "
        "on GitHub and open or update one pull request.",
    )
    repo: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$",
        description="The docs repository (owner/name); unset: [tracker] repo when the tracker is GitHub.",
    )
    branch: str = Field(default="pmsync/write-back", min_length=1, description="The branch pmsync owns.")
    base: str = Field(default="main", min_length=1, description="The branch the pull request targets.")
    root: Path = Field(default=Path("."), description="The local checkout's root (relative to this file).")
    api_url: str | None = Field(default=None, description="GitHub API URL; unset: [tracker] api_url or GitHub's.")
    token_env: str | None = Field(
        default=None, pattern=_ENV_NAME, description="Token variable; unset: the GitHub tracker's token."
    )
    token_file: Path | None = None


class Settings(_Section):
    """All of pmsync's configuration. Build it with :func:`load_settings`."""

    sources: SourcesSettings = SourcesSettings()
    state: StateSettings = StateSettings()
    tracker: TrackerSettings = LocalTrackerSettings()
    due_dates: DueDatesSettings = DueDatesSettings()
    calendar_: CalendarSettings = Field(default=CalendarSettings(), alias="calendar")
    routing: RoutingSettings = RoutingSettings()
    owners: OwnersSettings = OwnersSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    reports: ReportsSettings = ReportsSettings()
    parse: ParseSettings = ParseSettings()
    safety: SafetySettings = SafetySettings()
    compliance: ComplianceSettings = ComplianceSettings()
    authoring: AuthoringSettings = AuthoringSettings()
    sync: SyncSettings = SyncSettings()
    service: ServiceSettings = ServiceSettings()
    writeback: WritebackSettings = WritebackSettings()

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    # -- builders for the pure mapping objects ------------------------------------------------

    def calendar(self) -> BusinessCalendar:
        """The business calendar; one instance per distinct configuration, so its holiday cache is reused."""
        section = self.calendar_
        return _calendar(
            section.country, section.subdivision, section.extra_holidays, tuple(sorted(set(section.weekend)))
        )

    def due_date_policy(self) -> DueDatePolicy:
        d = self.due_dates
        return DueDatePolicy(
            p1_days=d.p1_days,
            p2_mode=d.p2_mode,
            sprint_length_days=d.sprint_length_days,
            sprint_anchor=d.sprint_anchor,
            p2_min_business_days=d.p2_min_business_days,
            timezone=d.timezone,
        )

    @property
    def default_priority(self) -> Priority:
        """The priority assumed for items that state none."""
        return self.due_dates.default_priority

    def owner_directory(self) -> OwnerDirectory:
        """Owners from ``[owners]`` (inline, then ``file``), resolving to this tracker's accounts."""
        return OwnerDirectory((e.to_entry() for e in self.owners.all_entries()), tracker=self.tracker.kind)

    def default_project(self) -> str:
        """``[routing] default_project``, else the tracker's own project / repository / prefix."""
        return self.routing.default_project or self.tracker.default_project

    def routed_projects(self) -> tuple[str, ...]:
        """Every project (repository) tickets may go to: the default one, then the rules' own."""
        return tuple(dict.fromkeys([self.default_project(), *(r.project for r in self.routing.rules if r.project)]))

    def router(self) -> Router:
        rules = [
            RoutingRule(
                RouteMatch(
                    team=r.match.team, service=r.match.service, severity=r.match.severity, industry=r.match.industry
                ),
                project=r.project,
                labels=r.labels,
            )
            for r in self.routing.rules
        ]
        return Router(rules, self.default_project(), self.routing.labels)

    def priority_map(self) -> PriorityMap:
        """Canonical priority ↔ the configured tracker's names or labels."""
        return self.tracker.priority_map()

    def jira_status_map(self) -> JiraStatusMap:
        """Jira status mapping (defaults when the tracker is not Jira: webhooks may still come)."""
        tracker = self.tracker
        return tracker.status_map() if isinstance(tracker, JiraTrackerSettings) else JiraStatusMap()

    def github_status_map(self) -> GitHubStatusMap:
        """GitHub status mapping (defaults when the tracker is not GitHub: webhooks may still come)."""
        tracker = self.tracker
        return tracker.status_map() if isinstance(tracker, GitHubTrackerSettings) else GitHubStatusMap()

    def compliance_rules(self) -> tuple[ComplianceRule, ...]:
        return self.compliance.rules()


_calendar_cache: dict[tuple[Any, ...], BusinessCalendar] = {}


def _calendar(
    country: str | None, subdivision: str | None, extras: tuple[dt.date, ...], weekend: tuple[int, ...]
) -> BusinessCalendar:
    # Shared per distinct configuration so the per-year holiday cache survives repeated calls.
    key = (country, subdivision, extras, weekend)
    calendar = _calendar_cache.get(key)
    if calendar is None:
        calendar = BusinessCalendar(country, subdivision, frozenset(extras), frozenset(weekend))
        _calendar_cache[key] = calendar
    return calendar


def read_owner_file(path: Path, problems: list[str]) -> tuple[OwnerEntrySettings, ...]:
    where = f"[owners] file: {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{where}: cannot read: {exc.strerror if isinstance(exc, OSError) else 'not UTF-8'}")
        return ()
    try:
        data: Any = tomllib.loads(text) if path.suffix.lower() == ".toml" else yaml.safe_load(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{where}: invalid TOML: {exc}")
        return ()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        problems.append(f"{where}: invalid YAML{line}")
        return ()
    entries = data.get("entries") if isinstance(data, dict) else data
    if isinstance(data, dict) and set(data) - {"entries"}:
        problems.append(f"{where}: only an 'entries' list is allowed at the top level")
        return ()
    try:
        return _OWNER_ENTRIES.validate_python(entries if entries is not None else [])
    except ValidationError as exc:
        for error in exc.errors(include_url=False, include_input=False):
            loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
            problems.append(f"{where}: entries{loc}: {error_message(error)}")
        return ()


_OWNER_ENTRIES: TypeAdapter[tuple[OwnerEntrySettings, ...]] = TypeAdapter(tuple[OwnerEntrySettings, ...])
