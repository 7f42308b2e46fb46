"""``pmsync report weekly|quarterly|overdue|repeats``: reports over the state database."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import httpx
from sqlalchemy import Engine

from reports.chat import ChatRules, ChatTarget, Person, plan_chat, report_summary
from reports.facts import ReportData, ReportSettings
from reports.layout import OVERDUE_ROWS, AnyReport, layout_of
from reports.metrics import (
    in_teams,
    item_states,
    local_date,
    overdue_report,
    parse_quarter,
    quarter_of,
    weekly_report,
)
from reports.nudges import plan_nudges
from reports.quarterly import quarterly_report
from reports.render_csv import render_csv
from reports.render_html import render_html
from reports.render_json import render_json
from reports.render_markdown import render_markdown
from reports.render_text import render_text
from reports.repeats import find_pairs, repeats_report
from reports.results import QuarterlyReport
from sync.cli.syncing import config_path, json_errors
from sync.config.models import Settings
from sync.core.tickets import TicketRef
from sync.errors import UsageError
from sync.publish import (
    WEBHOOK,
    IssueComment,
    Webhook,
    chat_reminded,
    chat_webhooks,
    nudge_lines,
    publish,
    send_chat,
    send_nudges,
    used_windows,
    webhook_url,
)
from sync.publish import write_atomically as write_file
from sync.repeat_links import link_repeat_parents
from sync.runtime import open_runtime, report_settings
from sync.store.lock import run_lock
from sync.store.report_queries import has_postmortems, quarterly_report_sql, weekly_report_sql
from sync.store.snapshot import load_report_data

AGGREGATED = frozenset({"weekly", "quarterly"})
RENDERERS: dict[str, Callable[[AnyReport], str]] = {
    "table": render_text,
    "md": render_markdown,
    "markdown": render_markdown,
    "html": render_html,
    "json": render_json,
    "csv": render_csv,
}


def parse_as_of(text: str | None, now: dt.datetime, settings: ReportSettings) -> dt.datetime:
    """``--as-of``: a date means the end of that day in the configured zone; a date-time without
    an offset is taken in that zone too."""
    if text is None:
        return now
    try:
        if len(text.strip()) == 10:
            day = dt.date.fromisoformat(text.strip())
            return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=settings.zone)
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--as-of: not a date: {text!r}", hint="use YYYY-MM-DD or an ISO date-time") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=settings.zone)


def build_report(
    kind: str, data: ReportData, as_of: dt.datetime, quarter: str | None, settings: ReportSettings
) -> AnyReport:
    """A report from the state loaded into Python (overdue and repeats; tests of the others)."""
    if kind == "weekly":
        return weekly_report(data, as_of, settings)
    if kind == "overdue":
        return overdue_report(data, as_of, settings)
    if kind == "repeats":
        return repeats_report(data, as_of, settings)
    return quarterly_report(data, as_of, reviewed_quarter(quarter, as_of, settings), settings)


def reviewed_quarter(quarter: str | None, as_of: dt.datetime, settings: ReportSettings) -> str:
    text = quarter or quarter_of(local_date(as_of, settings.zone))
    try:
        parse_quarter(text)
    except ValueError as exc:
        raise UsageError(f"--quarter: {exc}", hint="e.g. --quarter 2026Q3") from None
    return text


def aggregated_report(
    kind: str,
    engine: Engine,
    tracker: str,
    as_of: dt.datetime,
    quarter: str | None,
    settings: ReportSettings,
    formats: set[str],
) -> AnyReport:
    """The weekly and quarterly reports, counted in the database: 100,000 items are never loaded.
    Only JSON lists every overdue item; the other formats show the first ``OVERDUE_ROWS``."""
    if kind == "weekly":
        limit = None if "json" in formats else OVERDUE_ROWS
        return weekly_report_sql(engine, tracker, as_of, settings, overdue_limit=limit)
    return quarterly_report_sql(engine, tracker, as_of, reviewed_quarter(quarter, as_of, settings), settings)


@click.command("report")
@click.argument("kind", type=click.Choice(["weekly", "quarterly", "overdue", "repeats"]))
@click.option("--as-of", "as_of_text", metavar="DATE", help="Report as of this date (default: now).")
@click.option("--quarter", metavar="YYYYQn", help="quarterly: the quarter to review (default: the current one).")
@click.option("--team", "teams", multiple=True, help="Only these teams (repeatable).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "md", "html", "json", "csv"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file, not stdout.")
@click.option(
    "--publish",
    "do_publish",
    is_flag=True,
    help="Also write dated files to [reports] output_dir (in [reports] formats) and post to the webhook.",
)
@click.option("--nudge", is_flag=True, help="overdue: comment on tickets due soon or overdue (once per window).")
@click.option("--dry-run", is_flag=True, help="With --nudge: show who would be nudged, change nothing.")
@click.option(
    "--link-parents", is_flag=True, help="repeats: link the repeat incidents' parent tickets on the tracker (once)."
)
@click.pass_context
def report_cmd(
    ctx: click.Context,
    kind: str,
    as_of_text: str | None,
    quarter: str | None,
    teams: tuple[str, ...],
    fmt: str,
    out: Path | None,
    do_publish: bool,
    nudge: bool,
    dry_run: bool,
    link_parents: bool,
) -> None:
    """Reports over the state database: weekly completion, overdue items (and nudges), repeat
    incidents, the quarterly review. Status comes from the tracker's history only."""
    with json_errors(fmt == "json"):
        if nudge and kind != "overdue":
            raise UsageError("--nudge goes with `pmsync report overdue`")
        if dry_run and not nudge:
            raise UsageError("--dry-run goes with --nudge")
        if link_parents and kind != "repeats":
            raise UsageError("--link-parents goes with `pmsync report repeats`")
        rt = open_runtime(config_path(ctx))
        failed = False
        try:
            settings = report_settings(rt.settings, teams)
            now = rt.clock()
            as_of = parse_as_of(as_of_text, now, settings)
            if kind in AGGREGATED:
                formats = {fmt, *(rt.settings.reports.formats if do_publish else ())}
                report = aggregated_report(kind, rt.engine, rt.tracker.name, as_of, quarter, settings, formats)
                data = ReportData()
                empty = not has_postmortems(rt.engine)
            else:
                data = load_report_data(rt.engine, rt.tracker.name)
                report = build_report(kind, data, as_of, quarter, settings)
                empty = not data.incidents
            messages: list[str] = []
            if empty:
                # A first run before any sync: say why every number is empty.
                messages.append("note: the state database holds no post-mortems yet; run `pmsync sync` first")
            if nudge:
                # The dry run reads the record too: it shows who *would* be nudged, and a window used
                # before would not be nudged again.
                plan = plan_nudges(item_states(data, now, settings), now, settings, used_windows(rt.engine))
                if dry_run:
                    report = overdue_report(data, as_of, settings, plan.nudges)
                    messages.append(
                        f"dry run: {len(plan.nudges)} nudge(s) due"
                        + (" (quiet hours now: none would be sent)" if plan.quiet else "")
                    )
                    messages.extend(nudge_lines(plan.nudges))
                else:
                    sent = send_nudges(
                        rt.engine, plan, rt.tracker, tracker=rt.tracker.name, retry=rt.retry, clock=rt.clock
                    )
                    report = overdue_report(data, as_of, settings, sent.sent)
                    messages.append(
                        "quiet hours: no nudges sent"
                        if plan.quiet
                        else f"nudged {len(sent.sent)}, failed {len(sent.failed)}, without a ticket {len(sent.skipped)}"
                    )
                    messages.extend(f"nudge failed: {item}: {error}" for item, error in sorted(sent.failed.items()))
                    failed = failed or bool(sent.failed)
            if nudge and rt.settings.reports.chat:
                failed = _chat(rt, data, now, settings, dry_run, messages) or failed
            if link_parents:
                failed = _link_parents(rt, data, as_of, settings, messages) or failed
            text = RENDERERS[fmt](report)
            if out is not None:
                try:
                    write_file(out, text)
                except OSError as exc:
                    raise UsageError(
                        f"--out: cannot write {out}: {exc.strerror or exc}", hint="choose a writable path"
                    ) from None
                messages.append(f"wrote {out}")
            else:
                click.echo(text, nl=False)
            if do_publish:
                failed = _publish(rt, kind, report, as_of, settings, messages) or failed
            for message in messages:
                # stderr, so that JSON on stdout stays one valid document
                click.echo(message, err=True)
        finally:
            rt.close()
        if failed:
            ctx.exit(1)


def chat_rules(settings: Settings, data: ReportData) -> ChatRules:
    """``[reports]`` chat settings, with the people ``[owners]`` names for the data's owners."""
    reports = settings.reports
    directory = settings.owner_directory()
    by_name = {entry.name: entry for entry in settings.owners.all_entries()}
    people: dict[str, Person] = {}
    for owner in {item.owner for item in data.items if item.owner}:
        match = directory.resolve(owner)
        entry = by_name.get(match.entry.name) if match.entry is not None else None
        if entry is not None:
            people[owner] = Person(entry.name, slack=entry.slack, teams=entry.teams, google_chat=entry.google_chat)
    return ChatRules(
        every_days=reports.nudge_every_days,
        escalate_after_days=reports.escalate_after_days,
        max_items=reports.chat_max_items,
        report_url=reports.report_url,
        people=people,
    )


def _chat(
    rt: Any, data: ReportData, now: dt.datetime, settings: ReportSettings, dry_run: bool, messages: list[str]
) -> bool:
    reports = rt.settings.reports
    rules = chat_rules(rt.settings, data)
    targets = [ChatTarget(t.name, t.kind, t.team, t.group) for t in reports.chat]
    plan = plan_chat(item_states(data, now, settings), now, settings, rules, targets, chat_reminded(rt.engine))
    if dry_run:
        messages.append(
            f"dry run: {len(plan.messages)} chat message(s) due"
            + (" (quiet hours now: none would be sent)" if plan.quiet else "")
        )
        messages.extend(
            f"chat {m.target.name}: {m.audience}{' (escalation)' if m.escalation else ''}: "
            + ", ".join(i.item for i in m.items)
            for m in plan.messages
        )
        return False
    with httpx.Client() as client:
        webhooks = chat_webhooks(reports, os.environ, client, rt.retry)
        outcome = send_chat(rt.engine, plan, webhooks, rules, today=local_date(now, settings.zone), clock=rt.clock)
    if plan.quiet:
        messages.append("quiet hours: no chat messages sent")
    messages.extend(f"chat: sent to {where}" for where in outcome.sent)
    messages.extend(f"chat failed: {where}: {error}" for where, error in sorted(outcome.failed.items()))
    return bool(outcome.failed)


def _link_parents(rt: Any, data: ReportData, as_of: dt.datetime, settings: ReportSettings, messages: list[str]) -> bool:
    incidents = [
        i for i in data.incidents if in_teams(i, settings.teams) and (i.occurred_at is None or i.occurred_at <= as_of)
    ]
    with run_lock(rt.engine):
        outcome = link_repeat_parents(find_pairs(incidents, settings), rt.tracker, rt.store, retry=rt.retry)
    if outcome.unsupported:
        messages.append(f"the {rt.tracker.name} tracker has no links: nothing linked")
        return False
    messages.append(
        f"linked {len(outcome.linked)} repeat pair(s), already linked {outcome.already}, "
        f"without a parent ticket {outcome.without_parent}, failed {len(outcome.failed)}"
    )
    messages.extend(f"link failed: {pair}: {error}" for pair, error in sorted(outcome.failed.items()))
    return bool(outcome.failed)


def summary_payload(report: AnyReport, name: str, reports: Any) -> dict[str, Any]:
    """The published report as a chat message: the layout's lines (no tables) and a link to the
    HTML file where ``[reports] report_url`` says the reports are served."""
    layout = layout_of(report)
    lines = [line for section in layout.sections for line in section.lines][:12]
    link = f"{reports.report_url.rstrip('/')}/{name}.html" if reports.report_url and "html" in reports.formats else None
    return report_summary(layout.title, layout.subtitle, lines, link or reports.report_url)


def _publish(
    rt: Any, kind: str, report: AnyReport, as_of: dt.datetime, settings: ReportSettings, messages: list[str]
) -> bool:
    reports = rt.settings.reports
    rendered = {fmt: RENDERERS[fmt](report) for fmt in reports.formats}
    markdown = rendered.get("markdown") or render_markdown(report)
    url = webhook_url(reports, os.environ)
    period = report.quarter if isinstance(report, QuarterlyReport) else local_date(as_of, settings.zone).isoformat()
    name = f"{kind}-{period}"
    with httpx.Client() as client:
        targets: dict[str, Callable[[str], None]] = {}
        bodies: dict[str, str] = {}
        if url:
            targets[WEBHOOK] = Webhook(url, client, rt.retry).post
            # A chat gets the headline figures and a link, never the Markdown tables.
            bodies[WEBHOOK] = json.dumps(summary_payload(report, name, reports))
        if reports.publish_issue:
            ref = TicketRef(tracker=rt.tracker.name, key=reports.publish_issue)
            targets[f"issue:{reports.publish_issue}"] = IssueComment(rt.tracker, ref, rt.retry).post
        outcome = publish(
            rt.engine,
            name=name,
            rendered=rendered,
            markdown=markdown,
            output_dir=reports.output_dir,
            targets=targets,
            clock=rt.clock,
            bodies=bodies,
        )
    messages.extend(f"wrote {path}" for path in outcome.files)
    messages.extend(f"published {posted}" for posted in outcome.posted)
    messages.extend(
        f"error: publishing {where} failed: {error}"
        + ("" if where.startswith("file:") else " (retried by the next --publish)")
        for where, error in sorted(outcome.failed.items())
    )
    return bool(outcome.failed)


commands = [report_cmd]
