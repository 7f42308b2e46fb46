"""The house template's rules on how a post-mortem is written, beyond what the tickets need.

The template pmsync serves (``pmsync new``) asks for: the summary completed within 24 hours of the
incident's end; a timeline minute by minute for a SEV-1 (no gap above 5 minutes while the incident
was open) and in 15-minute blocks for SEV-2/3; 3 to 5 "What went well" entries; an owner and a
deadline on every action; and, for SEV-1/SEV-2, the Incident Cost section (the quarterly cost
trend needs it). Each rule is its own code (see :mod:`sync.core.lint.catalog`).

Pure: when the document does not say when its summary was completed, the first-commit time comes
from ``LintOptions.first_commit`` (git, asked at the edge); due dates from ``LintOptions.due_date``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sync.core.lint import catalog
from sync.core.lint.options import LintOptions
from sync.core.model import Diagnostic, PostMortem, Severity, TimelineEntry
from sync.core.parse.dates import parse_date_or_datetime

SUMMARY_WITHIN = dt.timedelta(hours=24)
# The largest gap between timeline entries while the incident was open, by severity.
TIMELINE_STEP = {
    Severity.SEV1: dt.timedelta(minutes=5),
    Severity.SEV2: dt.timedelta(minutes=15),
    Severity.SEV3: dt.timedelta(minutes=15),
}
WENT_WELL_RANGE = (3, 5)
# Summary fields (or front-matter keys) that say when the summary was completed; the parser keeps
# them in ``metadata`` under their lower-cased label.
SUMMARY_DATE_FIELDS = ("summary completed", "summary written", "summary date", "written", "drafted")
_PLACEHOLDERS = frozenset(["", "...", "…", "-", "tbd", "todo", "n/a"])


def _anchor(pm: PostMortem, kind: str, fallback: str = "summary") -> int:
    for wanted in (kind, fallback):
        for section in pm.sections:
            if section.kind == wanted:
                return section.line
    return 1


def _aware(moment: dt.datetime) -> dt.datetime:
    # The parser makes times aware (in the document's or the configured zone); a naive value from
    # elsewhere is taken as UTC so comparisons never raise.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _clock(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M %Z").strip()


def _normal(key: str) -> str:
    return " ".join(key.lower().replace("_", " ").replace("-", " ").split())


def _summary_completed(pm: PostMortem) -> tuple[dt.datetime, bool, str] | None:
    """(when, whether a time was given, the field) from the document's own summary fields."""
    fields = {_normal(str(key)): value for key, value in pm.metadata.items()}
    for name in SUMMARY_DATE_FIELDS:
        value = fields.get(name)
        parsed = parse_date_or_datetime(str(value)) if value is not None else None
        if parsed is not None:
            moment, timed = parsed
            return moment, timed, name
    return None


def check_summary_timeliness(pm: PostMortem, options: LintOptions) -> list[Diagnostic]:
    """The summary was completed within 24 hours of the incident's end.

    By the document's own "Summary completed" date (a bare date counts as late only when even its
    first minute is past the 24 hours), else by the file's first commit; silent without either.
    """
    if pm.ended_at is None:
        return []
    ended = _aware(pm.ended_at)
    deadline = ended + SUMMARY_WITHIN
    found = _summary_completed(pm)
    if found is not None:
        moment, timed, name = found
        late = moment > deadline if timed else moment.date() > deadline.date()
        source = f'"{name}" {moment:%Y-%m-%d %H:%M}' if timed else f'"{name}" {moment:%Y-%m-%d}'
    elif options.first_commit is not None:
        committed = options.first_commit(pm.path)
        if committed is None:
            return []
        moment = _aware(committed)
        late = moment > deadline
        source = f"first commit {_clock(moment.astimezone(ended.tzinfo))}"
    else:
        return []
    if not late:
        return []
    hours = int((moment - ended).total_seconds() // 3600)
    detail = (
        f"summary completed {hours} hours after the incident ended ({source}, ended {_clock(ended)}); "
        "the template asks for it within 24 hours"
    )
    return [catalog.LATE_SUMMARY.at(pm.path, _anchor(pm, "summary"), detail)]


def _timed_entries(pm: PostMortem) -> list[tuple[dt.datetime, TimelineEntry]]:
    return sorted(((_aware(e.at), e) for e in pm.timeline if e.at is not None), key=lambda pair: pair[0])


def _gaps(pm: PostMortem, step: dt.timedelta) -> Iterator[tuple[dt.datetime, dt.datetime, int]]:
    """(from, to, line) for every gap above ``step`` while the incident was open."""
    start = _aware(pm.started_at) if pm.started_at is not None else None
    end = _aware(pm.ended_at) if pm.ended_at is not None else None
    entries = [
        (at, entry.line)
        for at, entry in _timed_entries(pm)
        if (start is None or at >= start) and (end is None or at <= end)
    ]
    timeline_line = _anchor(pm, "timeline")
    points: list[tuple[dt.datetime, int]] = []
    if start is not None:
        points.append((start, entries[0][1] if entries else timeline_line))
    points.extend(entries)
    if end is not None:
        points.append((end, entries[-1][1] if entries else timeline_line))
    for (before, _), (after, line) in zip(points, points[1:], strict=False):
        if after - before > step:
            yield before, after, line


def check_timeline_gaps(pm: PostMortem) -> list[Diagnostic]:
    """SEV-1: an entry at least every 5 minutes while the incident was open; SEV-2/3: every 15."""
    if pm.severity is None or (not pm.timeline and (pm.started_at is None or pm.ended_at is None)):
        return []
    step = TIMELINE_STEP[pm.severity]
    minutes = int(step.total_seconds() // 60)
    found: list[Diagnostic] = []
    for before, after, line in _gaps(pm, step):
        gap = int((after - before).total_seconds() // 60)
        detail = (
            f"{gap}-minute gap in the {pm.severity.value} timeline ({before:%H:%M} to {after:%H:%M}) while the "
            f"incident was open; the template asks for an entry at least every {minutes} minutes"
        )
        found.append(catalog.TIMELINE_GAP.at(pm.path, line, detail))
    return found


def check_went_well(pm: PostMortem) -> list[Diagnostic]:
    """ "What went well" lists 3 to 5 things."""
    entries = [text for text in pm.went_well if text.strip().lower() not in _PLACEHOLDERS]
    low, high = WENT_WELL_RANGE
    if low <= len(entries) <= high:
        return []
    detail = f'"What went well" lists {len(entries)} entries; the template asks for {low} to {high}'
    return [catalog.WENT_WELL_COUNT.at(pm.path, _anchor(pm, "went_well"), detail)]


def check_deadlines(pm: PostMortem, options: LintOptions) -> list[Diagnostic]:
    """Every open action has a deadline; without one the finding names the due date it will get."""
    found: list[Diagnostic] = []
    for item in pm.action_items:
        # An unreadable deadline is LINT106's finding, and a closed item needs no deadline any more.
        if item.deadline is not None or (item.deadline_raw or "").strip() or (item.status and item.status.is_closed):
            continue
        due = options.due_date(pm, item) if options.due_date is not None else None
        priority = (item.priority or options.default_priority).value
        outcome = (
            f"it will be due {due.isoformat()} ({priority})"
            if due is not None
            else f"it gets a due date from its priority ({priority}) once the document has a review date or end"
        )
        found.append(
            catalog.MISSING_DEADLINE.at(pm.path, item.line, f"action item #{item.number} has no deadline; {outcome}")
        )
    return found


def check_cost(pm: PostMortem) -> list[Diagnostic]:
    """A SEV-1 or SEV-2 fills the Incident Cost section."""
    if pm.severity not in (Severity.SEV1, Severity.SEV2):
        return []
    inputs = pm.cost_inputs
    if inputs is not None and any(value is not None for value in inputs.model_dump().values()):
        return []
    detail = (
        f"a {pm.severity.value} incident without the Incident Cost section filled (the quarterly cost trend needs it)"
    )
    return [catalog.MISSING_COST.at(pm.path, _anchor(pm, "cost"), detail)]


def check_template_rules(pm: PostMortem, options: LintOptions) -> list[Diagnostic]:
    """All of the template's writing rules for one document."""
    return [
        *check_summary_timeliness(pm, options),
        *check_timeline_gaps(pm),
        *check_went_well(pm),
        *check_deadlines(pm, options),
        *check_cost(pm),
    ]
