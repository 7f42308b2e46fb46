"""The weekly and quarterly reports aggregated in the state database (issue 28 §7).

Loading 100,000 items and their status history into Python took most of a report's seconds and
hundreds of MB. Here the database does it: one pass derives every item's status at ``as_of``
from ``status_history`` with window functions (the same rules as :mod:`reports.metrics`: the last
change at or before ``as_of`` by change time, then row id; when its current done and closed spells
began) into a temporary table, and GROUP BY queries count it. Python receives tallies, the
overdue rows and the numbers whose median it takes — and the pure functions of ``reports`` turn
them into the same :class:`~reports.results.WeeklyReport` and ``QuarterlyReport`` the in-memory
path gives (a test holds the two equal).

Time zones stay in Python: a due date's "done on or before it, in the configured zone" becomes
the instant its next day starts there, one row per distinct due date. Only reads are made; the
temporary tables belong to this connection and are dropped at the end.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    case,
    func,
    insert,
    literal,
    select,
    true,
)
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from reports.facts import IncidentFacts, ReportData, ReportSettings
from reports.metrics import (
    NO_DUE_GROUP,
    NONE_GROUP,
    Tally,
    ageing_of,
    close_times,
    completion_of,
    group_of,
    group_sort_key,
    local_date,
    quarter_of,
    timeliness,
    week_start,
)
from reports.quarterly import quarterly_report
from reports.results import (
    Breakdowns,
    GroupCompletion,
    OverdueItem,
    QuarterlyReport,
    Ratio,
    WeekCompletion,
    WeeklyReport,
)
from reports.trend import week_ends
from sync.core.model import Status
from sync.store import tables as t
from sync.store.boundary import state_errors
from sync.store.snapshot import incident_facts

_KNOWN = [s.value for s in Status]
_CLOSED = [Status.DONE.value, Status.WONT_DO.value]
_DAY = 86400.0
_STATUS = {s.value: s for s in Status}

_temporary = MetaData()
# One row per counted item (in its document, ticket created by as_of, of the selected teams).
report_items = Table(
    "pmsync_report_items",
    _temporary,
    Column("item_key", String(220), primary_key=True),
    Column("incident", Text),  # the incident's id, else its key
    Column("priority", String(4)),
    Column("owner", Text),
    Column("due", Date),
    Column("ticket", String(200)),
    Column("url", Text),
    Column("text", Text),
    Column("team", Text),
    Column("severity", String(10)),
    Column("status", String(20), nullable=False),
    Column("opened_at", DateTime(timezone=True)),
    Column("closed_since", DateTime(timezone=True)),
    Column("overdue", Integer, nullable=False),
    Column("on_time", Integer),  # 1 / 0; NULL unless done with a due date
    Column("age_days", Float),  # open items with a ticket
    Column("close_days", Float),  # done items with a ticket
    prefixes=["TEMPORARY"],
)
due_cutoffs = Table(
    "pmsync_report_due_cutoffs",
    _temporary,
    Column("due", Date, primary_key=True),
    Column("cutoff", DateTime(timezone=True), nullable=False),  # the due date's next day starts
    prefixes=["TEMPORARY"],
)
weeks = Table(
    "pmsync_report_weeks",
    _temporary,
    Column("week", Integer, primary_key=True),
    Column("week_end", DateTime(timezone=True), nullable=False),
    prefixes=["TEMPORARY"],
)


def _moment() -> ColumnElement[Any]:
    return func.coalesce(t.status_history.c.changed_at, t.status_history.c.observed_at)


def _days(conn: Connection, later: ColumnElement[Any], earlier: ColumnElement[Any]) -> ColumnElement[Any]:
    """``later − earlier`` in days (a float) on either database."""
    if conn.dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return func.extract("epoch", later - earlier) / _DAY


def _instant(value: dt.datetime) -> ColumnElement[Any]:
    return literal(value, DateTime(timezone=True))


def _team() -> ColumnElement[Any]:
    team: ColumnElement[Any] = t.postmortems.c.data["team"].as_string()
    return team


@contextmanager
def _temporary_tables(conn: Connection) -> Iterator[None]:
    _temporary.drop_all(conn, checkfirst=True)  # a pooled connection may still hold them
    _temporary.create_all(conn)
    try:
        yield
    finally:
        _temporary.drop_all(conn)
        conn.rollback()


def _fill_items(conn: Connection, tracker: str, as_of: dt.datetime, settings: ReportSettings) -> None:
    conn.execute(
        insert(report_items).from_select(
            [c.name for c in report_items.columns], _item_rows(conn, tracker, as_of, settings)
        )
    )


def _item_rows(conn: Connection, tracker: str, as_of: dt.datetime, settings: ReportSettings) -> Select[Any]:
    """One row per counted item, in ``report_items``' columns (the due cut-offs must be filled)."""
    zone = settings.zone
    today = local_date(as_of, zone)
    sh, ai, tk, pm = t.status_history, t.action_items, t.tickets, t.postmortems
    at = _instant(as_of)
    dues = conn.execute(select(ai.c.due).where(ai.c.due.is_not(None)).distinct()).scalars().all()
    if dues:
        conn.execute(
            insert(due_cutoffs),
            [
                {"due": due, "cutoff": dt.datetime.combine(due + dt.timedelta(days=1), dt.time(0), tzinfo=zone)}
                for due in dues
            ],
        )
    moment = _moment()
    history = (
        select(
            sh.c.item_key,
            sh.c.status,
            moment.label("moment"),
            func.row_number().over(partition_by=sh.c.item_key, order_by=(moment, sh.c.id)).label("seq"),
        )
        .where(sh.c.tracker == tracker, sh.c.status.in_(_KNOWN), moment <= at)
        .cte("h")
    )
    # Per row, its item's last position and that of its last non-done and non-closed entries —
    # window aggregates over the item, not a join back (PostgreSQL without statistics planned
    # that join as a nested loop: minutes at 100,000 items).
    item = history.c.item_key
    spells = select(
        *history.c,
        func.max(history.c.seq).over(partition_by=item).label("last"),
        func.max(case((history.c.status != Status.DONE.value, history.c.seq)))
        .over(partition_by=item)
        .label("not_done"),
        func.max(case((history.c.status.not_in(_CLOSED), history.c.seq))).over(partition_by=item).label("not_closed"),
    ).cte("s")
    current = (
        select(
            spells.c.item_key,
            func.max(case((spells.c.seq == spells.c.last, spells.c.status))).label("status"),
            # The current done (closed) spell began at its first entry after the last other one.
            func.min(
                case(
                    (
                        (spells.c.status == Status.DONE.value) & (spells.c.seq > func.coalesce(spells.c.not_done, 0)),
                        spells.c.moment,
                    )
                )
            ).label("done_since"),
            func.min(
                case(
                    (
                        spells.c.status.in_(_CLOSED) & (spells.c.seq > func.coalesce(spells.c.not_closed, 0)),
                        spells.c.moment,
                    )
                )
            ).label("closed_since"),
        )
        .group_by(spells.c.item_key)
        .cte("f")
    )
    status = func.coalesce(current.c.status, Status.OPEN.value)
    closed = status.in_(_CLOSED)
    is_done = status == Status.DONE.value
    opened = tk.c.created_at
    values: list[ColumnElement[Any]] = [
        ai.c.item_key,
        func.coalesce(pm.c.incident_id, ai.c.incident_key),
        ai.c.priority,
        ai.c.owner,
        ai.c.due,
        tk.c.ticket_key,
        tk.c.url,
        ai.c.text,
        _team(),
        pm.c.severity,
        status,
        opened,
        current.c.closed_since,
        case((ai.c.due.is_not(None) & (ai.c.due < today) & ~closed, 1), else_=0),
        case((is_done & ai.c.due.is_not(None), case((current.c.done_since < due_cutoffs.c.cutoff, 1), else_=0))),
        case((~closed & opened.is_not(None), _days(conn, at, opened))),
        case((is_done & opened.is_not(None), _days(conn, current.c.done_since, opened))),
    ]
    rows = select(*(value.label(c.name) for value, c in zip(values, report_items.columns, strict=True))).select_from(
        ai.outerjoin(tk, (tk.c.owner_key == ai.c.item_key) & (tk.c.tracker == tracker) & (tk.c.kind == "item"))
        .outerjoin(current, current.c.item_key == ai.c.item_key)
        .outerjoin(pm, pm.c.incident_key == ai.c.incident_key)
        .outerjoin(due_cutoffs, due_cutoffs.c.due == ai.c.due)
    )
    rows = rows.where(ai.c.present == true(), opened.is_(None) | (opened <= at))
    if settings.teams:
        rows = rows.where(func.lower(_team()).in_([team.casefold() for team in settings.teams]))
    return rows


def _tallies(conn: Connection, column: Any | None) -> dict[Any, Tally]:
    """Per value of ``column`` (every item under ``None`` without one): the items' tally."""
    ri = report_items
    keys = [column] if column is not None else []
    tallies: dict[Any, Tally] = defaultdict(Counter)
    for *key, status, overdue, on_time, n in conn.execute(
        select(*keys, ri.c.status, ri.c.overdue, ri.c.on_time, func.count())
        .select_from(ri)
        .group_by(*keys, ri.c.status, ri.c.overdue, ri.c.on_time)
    ).all():
        tallies[key[0] if key else None][
            (_STATUS[status], bool(overdue), None if on_time is None else bool(on_time))
        ] += n
    return tallies


def _groups(
    tallies: Mapping[Any, Tally], name: Callable[[Any], str] = str, missing: str = NONE_GROUP
) -> list[GroupCompletion]:
    merged: dict[str, Tally] = defaultdict(Counter)
    for key, tally in tallies.items():
        merged[(name(key) if key is not None else None) or missing].update(tally)
    return [group_of(group, merged[group]) for group in sorted(merged, key=group_sort_key)]


def _exact(days: float) -> float:
    # julianday differences carry float noise (0.12499999 for 3 hours): the stored times are
    # exact to the microsecond, so round to the millisecond.
    return round(days * _DAY, 3) / _DAY


def _whole_days(days: float) -> int:
    return int(_exact(days) * _DAY // _DAY)


def _trend(conn: Connection, tracker: str, as_of: dt.datetime, settings: ReportSettings) -> list[WeekCompletion]:
    ends = week_ends(as_of, settings)
    conn.execute(insert(weeks), [{"week": n, "week_end": end} for n, end in enumerate(ends)])
    sh, ri = t.status_history, report_items
    moment = _moment()
    spans = (
        select(
            sh.c.item_key,
            sh.c.status,
            moment.label("since"),
            func.lead(moment).over(partition_by=sh.c.item_key, order_by=(moment, sh.c.id)).label("until"),
        )
        .where(sh.c.tracker == tracker, sh.c.status.in_(_KNOWN), moment <= _instant(as_of))
        .cte("spans")
    )
    counted = ri.c.opened_at.is_(None) | (ri.c.opened_at <= weeks.c.week_end)
    totals: dict[int, int] = dict(
        conn.execute(
            select(weeks.c.week, func.count()).select_from(weeks).join(ri, counted).group_by(weeks.c.week)
        ).all()
    )
    by_status: dict[tuple[int, str], int] = {
        (week, status): n
        for week, status, n in conn.execute(
            select(weeks.c.week, spans.c.status, func.count())
            .select_from(spans)
            .join(ri, ri.c.item_key == spans.c.item_key)
            .join(
                weeks,
                (spans.c.since <= weeks.c.week_end)
                & (spans.c.until.is_(None) | (spans.c.until > weeks.c.week_end))
                & counted,
            )
            .where(spans.c.status.in_(_CLOSED))
            .group_by(weeks.c.week, spans.c.status)
        ).all()
    }
    trend: list[WeekCompletion] = []
    for week, end in enumerate(ends):
        total = totals.get(week, 0)
        done = by_status.get((week, Status.DONE.value), 0)
        wont = by_status.get((week, Status.WONT_DO.value), 0)
        trend.append(
            WeekCompletion(
                week_end=local_date(end, settings.zone),
                items=total,
                completion=Ratio(numerator=done, denominator=total - wont),
            )
        )
    return trend


def _timeliness_incidents(conn: Connection, as_of: dt.datetime, settings: ReportSettings) -> list[IncidentFacts]:
    pm = t.postmortems
    query = select(pm.c.incident_key, pm.c.incident_id, pm.c.started_at, pm.c.ended_at, pm.c.review_date, _team())
    incidents: list[IncidentFacts] = []
    teams = {team.casefold() for team in settings.teams}
    for key, incident_id, started, ended, review, team in conn.execute(query).all():
        if teams and (team is None or team.casefold() not in teams):
            continue
        incident = IncidentFacts(
            key=key, incident_id=incident_id, team=team, started_at=started, ended_at=ended, review_date=review
        )
        if incident.occurred_at is None or incident.occurred_at <= as_of:
            incidents.append(incident)
    return incidents


@state_errors
def weekly_report_sql(
    engine: Engine, tracker: str, as_of: dt.datetime, settings: ReportSettings, overdue_limit: int | None = None
) -> WeeklyReport:
    """:func:`reports.metrics.weekly_report`, aggregated in the database. With ``overdue_limit``
    only the most overdue items are listed (what Markdown, HTML and the terminal show); their
    number is ``completion.overdue`` either way."""
    zone = settings.zone
    today = local_date(as_of, zone)
    period_start = week_start(today, settings)
    window_start = dt.datetime.combine(period_start, dt.time(0), tzinfo=zone)
    ri = report_items
    with engine.connect() as conn, _temporary_tables(conn):
        _fill_items(conn, tracker, as_of, settings)
        overall = _tallies(conn, None)
        by_due = _tallies(conn, ri.c.due)
        breakdowns = Breakdowns(
            priority=_groups(_tallies(conn, ri.c.priority)),
            severity=_groups(_tallies(conn, ri.c.severity)),
            team=_groups(_tallies(conn, ri.c.team)),
            owner=_groups(_tallies(conn, ri.c.owner)),
            quarter=_groups(by_due, quarter_of, NO_DUE_GROUP),
        )
        closed, wont_do, became_overdue = conn.execute(
            select(
                func.count(case((ri.c.closed_since >= _instant(window_start), 1))),
                func.count(
                    case(((ri.c.closed_since >= _instant(window_start)) & (ri.c.status == Status.WONT_DO.value), 1))
                ),
                func.count(case(((ri.c.overdue == 1) & (ri.c.due >= period_start - dt.timedelta(days=1)), 1))),
            )
        ).one()
        key_order = ri.c.item_key.collate("C") if conn.dialect.name == "postgresql" else ri.c.item_key
        overdue_rows = (
            select(
                ri.c.item_key,
                ri.c.incident,
                ri.c.ticket,
                ri.c.url,
                ri.c.owner,
                ri.c.priority,
                ri.c.team,
                ri.c.due,
                ri.c.status,
                ri.c.text,
            )
            .where(ri.c.overdue == 1)
            # reports.metrics.overdue_items' order, by code point as Python compares
            .order_by(ri.c.due, func.coalesce(ri.c.priority, "P9"), key_order)
            .limit(overdue_limit)
        )
        overdue = [
            OverdueItem.model_construct(
                item=item,
                incident=incident,
                ticket=ticket,
                url=url,
                owner=owner,
                priority=priority,
                team=team,
                due=due,
                days_overdue=(today - due).days,
                status=status,
                text=text,
            )
            for item, incident, ticket, url, owner, priority, team, due, status, text in conn.execute(overdue_rows)
        ]
        ages = [
            None if days is None else _whole_days(days)
            for (days,) in conn.execute(select(ri.c.age_days).where(ri.c.status.not_in(_CLOSED)))
        ]
        close_days: dict[str, list[float]] = defaultdict(list)
        for priority, days in conn.execute(select(ri.c.priority, ri.c.close_days).where(ri.c.close_days.is_not(None))):
            close_days[priority or NONE_GROUP].append(max(0.0, _exact(days)))
        trend = _trend(conn, tracker, as_of, settings)
        incidents = _timeliness_incidents(conn, as_of, settings)
    return WeeklyReport(
        as_of=as_of,
        timezone=settings.timezone,
        period_start=period_start,
        teams=list(settings.teams),
        completion=completion_of(overall.get(None, Counter())),
        closed_in_period=closed,
        wont_do_in_period=wont_do,
        became_overdue_in_period=became_overdue,
        overdue=overdue,
        ageing=ageing_of(ages, settings.ageing_buckets),
        time_to_close=close_times(close_days),
        breakdowns=breakdowns,
        timeliness=timeliness(incidents, settings),
        completion_trend=trend,
    )


@state_errors
def quarterly_report_sql(
    engine: Engine, tracker: str, as_of: dt.datetime, quarter: str, settings: ReportSettings
) -> QuarterlyReport:
    """:func:`reports.quarterly.quarterly_report`: the incidents are read (repeat detection needs
    their text); the items are only counted, per due quarter, in the database."""
    with engine.connect() as conn:
        incidents = tuple(
            incident_facts(row.incident_key, row)
            for row in conn.execute(select(t.postmortems).order_by(t.postmortems.c.incident_key))
        )
        with _temporary_tables(conn):
            rows = _item_rows(conn, tracker, as_of, settings).subquery()
            status, due = rows.c[report_items.c.status.name], rows.c[report_items.c.due.name]
            done: dict[str, int] = defaultdict(int)
            denominator: dict[str, int] = defaultdict(int)
            # Counted straight from the derived rows: no temporary copy of the items.
            for day, value, n in conn.execute(
                select(due, status, func.count())
                .where(due.is_not(None), status != Status.WONT_DO.value)
                .group_by(due, status)
            ).all():
                name = quarter_of(day)
                denominator[name] += n
                done[name] += n if value == Status.DONE.value else 0
    completions = {name: (done[name], denominator[name]) for name in denominator}
    return quarterly_report(ReportData(incidents=incidents), as_of, quarter, settings, completions)


@state_errors
def has_postmortems(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(t.postmortems.c.incident_key).limit(1)).first() is not None
