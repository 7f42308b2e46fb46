"""Publishing reports and sending overdue nudges: the I/O edge of ``pmsync report``.

- **Files**: each report is written, dated, to ``[reports] output_dir`` in every configured format
  (atomically: temp file + rename), whatever happens to the webhook.
- **Targets**: the Markdown is posted to a Slack-compatible incoming webhook (``{"text": …}``)
  through the one tenacity retry policy; the URL is a secret read from the environment variable
  named by ``webhook_url_env`` or from ``webhook_url_file``, and registered with the log
  redactor; and/or it is added as a comment on the tracker issue ``publish_issue``. Each
  publication is recorded first; one that fails stays *pending* and is retried by the next
  ``--publish`` run.
- **Nudges** comment on the item's ticket through a :class:`Commenter`. Each (item, window) is
  recorded *before* the comment is made, so a crash or restart never repeats one (at most once);
  a comment that fails with an error answer is marked *failed* and tried again next time.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import httpx
from sqlalchemy import Engine, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from reports.chat import ChatPlan, ChatRules
from reports.chat import payload as chat_payload
from reports.nudges import NudgePlan, window_key
from reports.results import Nudge
from sync.clock import utc_now
from sync.config.models import ReportsSettings
from sync.core.tickets import TicketRef
from sync.errors import ConfigError, PmsyncError, RateLimited, TrackerUnavailable
from sync.logs import register_secret
from sync.pacing import rate_limit_wait
from sync.retry import RetryPolicy
from sync.store import tables as t

log = logging.getLogger(__name__)

EXTENSIONS = {"markdown": "md", "html": "html", "json": "json", "csv": "csv"}
WEBHOOK = "webhook"


@runtime_checkable
class Commenter(Protocol):
    """What nudges and issue publishing need from a tracker: a comment on a ticket (every
    :class:`~sync.trackers.base.Tracker` has it; a narrow protocol keeps tests' fakes small)."""

    def comment(self, ref: TicketRef, body: str) -> None:
        """Add ``body`` as a comment on the ticket."""
        ...


# --- files ---------------------------------------------------------------------------------------


def current_umask() -> int:
    """The process's umask, read without changing it where the system says it (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    # Elsewhere the only way to read it is to set it; this is not thread-safe, which is why it is
    # the fallback.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename, with the permissions a
    newly created file gets (0666 less the umask) — a report is meant to be shared; the temporary
    file's private 0600 would otherwise stick to it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fchmod(handle.fileno(), 0o666 & ~current_umask())
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_report_files(
    output_dir: Path, name: str, rendered: Mapping[str, str], failed: dict[str, str] | None = None
) -> list[Path]:
    """``<output_dir>/<name>.<ext>`` per format; returns the paths written. A file that cannot be
    written is put in ``failed`` (``"file:<path>"`` → reason) when given, so that the other files
    and the posts still happen; without ``failed`` the ``OSError`` propagates."""
    written: list[Path] = []
    for fmt, text in rendered.items():
        path = output_dir / f"{name}.{EXTENSIONS[fmt]}"
        try:
            write_atomically(path, text)
        except OSError as exc:
            if failed is None:
                raise
            failed[f"file:{path}"] = str(exc.strerror or exc)
            continue
        written.append(path)
    return written


# --- webhook -------------------------------------------------------------------------------------


def webhook_url(settings: ReportsSettings, environ: Mapping[str, str]) -> str | None:
    """The webhook URL (a secret) from ``webhook_url_file`` or ``webhook_url_env``; ``None`` when
    neither is configured. Raises :class:`ConfigError` when configured but empty or unreadable."""
    if settings.webhook_url_file is None and settings.webhook_url_env is None:
        return None
    return secret_url(settings.webhook_url_env, settings.webhook_url_file, environ, "[reports] webhook_url")


def secret_url(env: str | None, file: Path | None, environ: Mapping[str, str], where: str) -> str:
    """A webhook URL from the file, else the variable; registered with the log redactor."""
    url = ""
    if file is not None:
        try:
            url = file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
            raise ConfigError(f"{where}_file: cannot read {file}: {reason}") from None
        problem = f"{where}_file: {file} is empty"
    else:
        url = (environ.get(env or "") or "").strip()
        problem = f"{where}_env: {env} is not set"
    if not url:
        raise ConfigError(problem, hint="set the webhook URL, or remove the webhook setting")
    register_secret(url)
    return url


@dataclass
class Webhook:
    """An incoming webhook (Slack, Microsoft Teams, Google Chat). 429 and 5xx/network errors are
    retried by ``retry``.

    :meth:`post` takes a recorded publication's body: the JSON payload itself, or — a body
    recorded by an older pmsync — plain text, sent as ``{"text": …}``."""

    url: str = field(repr=False)  # a secret: it carries the webhook's token
    client: httpx.Client
    retry: RetryPolicy
    name: str = WEBHOOK

    def post(self, body: str) -> None:
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        self.send(payload if isinstance(payload, dict) else {"text": body})

    def send(self, payload: Mapping[str, Any]) -> None:
        self.retry.retrying()(self._post_once, payload)

    def _post_once(self, payload: Mapping[str, Any]) -> None:
        try:
            response = self.client.post(self.url, json=payload, timeout=30.0)
        except httpx.HTTPError as exc:
            # The URL is a secret: name the error's type, never the request.
            raise TrackerUnavailable(type(exc).__name__, tracker=self.name, op="post") from None
        if response.status_code == 429:
            retry_after = rate_limit_wait(response.headers, utc_now())
            raise RateLimited("rate limited", tracker=self.name, op="post", retry_after=retry_after)
        if response.status_code >= 500:
            raise TrackerUnavailable(f"HTTP {response.status_code}", tracker=self.name, op="post")
        if response.status_code >= 400:
            raise PmsyncError(f"webhook post: HTTP {response.status_code}", hint="check the webhook URL")


@dataclass
class IssueComment:
    """Publishes a report as a comment on one tracker issue (``[reports] publish_issue``)."""

    commenter: Commenter
    ref: TicketRef
    retry: RetryPolicy

    def post(self, text: str) -> None:
        self.retry.retrying()(self.commenter.comment, self.ref, text)


Poster = Callable[[str], None]


@dataclass
class PublishOutcome:
    files: list[Path] = field(default_factory=list)
    posted: list[str] = field(default_factory=list)  # "<target>/<report name>"
    failed: dict[str, str] = field(default_factory=dict)  # "<target>/<report name>" → error


def _record(engine: Engine, target: str, name: str, markdown: str, now: dt.datetime) -> None:
    with engine.begin() as conn:
        exists = conn.execute(
            select(t.report_publications.c.id).where(
                and_(t.report_publications.c.target == target, t.report_publications.c.name == name)
            )
        ).first()
        if exists is None:
            conn.execute(
                insert(t.report_publications).values(
                    target=target, name=name, body=markdown, state="pending", attempts=0, updated_at=now
                )
            )
        else:  # a rerun for the same period posts the newer text (if it was not sent yet)
            conn.execute(
                update(t.report_publications)
                .where(and_(t.report_publications.c.id == exists.id, t.report_publications.c.state == "pending"))
                .values(body=markdown, updated_at=now)
            )


def publish(
    engine: Engine,
    *,
    name: str,
    rendered: Mapping[str, str],
    markdown: str,
    output_dir: Path,
    targets: Mapping[str, Poster],
    clock: Callable[[], dt.datetime],
    bodies: Mapping[str, str] | None = None,
) -> PublishOutcome:
    """Write the files, then post this report — and every earlier one still pending — to each
    target (``webhook``, ``issue:OPS-1``): ``bodies[target]`` where given (a chat payload as JSON:
    no Markdown table in a chat), else ``markdown``. File and posting failures are collected,
    never raised."""
    outcome = PublishOutcome()
    # An unwritable output_dir is reported like a failed post; the posts still go out.
    outcome.files = write_report_files(output_dir, name, rendered, outcome.failed)
    for target, post in targets.items():
        _record(engine, target, name, (bodies or {}).get(target, markdown), clock())
        with engine.connect() as conn:
            pending = conn.execute(
                select(t.report_publications)
                .where(and_(t.report_publications.c.target == target, t.report_publications.c.state == "pending"))
                .order_by(t.report_publications.c.id)
            ).all()
        for row in pending:
            where = f"{target}/{row.name}"
            try:
                post(row.body)
            except PmsyncError as exc:
                outcome.failed[where] = exc.message
                values: dict[str, object] = {"state": "pending", "error": exc.message}
            else:
                outcome.posted.append(where)
                values = {"state": "sent", "error": None}
                log.info("Published report %s to %s", row.name, target)
            with engine.begin() as conn:
                conn.execute(
                    update(t.report_publications)
                    .where(t.report_publications.c.id == row.id)
                    .values(attempts=row.attempts + 1, updated_at=clock(), **values)
                )
    return outcome


# --- nudges --------------------------------------------------------------------------------------


def used_windows(engine: Engine) -> set[tuple[str, str]]:
    """(item, window) pairs never to nudge again: sent, or in flight when a run stopped."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.report_nudges.c.item_key, t.report_nudges.c.nudge_window).where(
                t.report_nudges.c.state != "failed"
            )
        ).all()
    return {(row.item_key, row.nudge_window) for row in rows}


@dataclass
class NudgeOutcome:
    sent: list[Nudge] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: list[Nudge] = field(default_factory=list)  # no ticket to comment on


def _claim(engine: Engine, item: str, window: str, ticket: str | None, now: dt.datetime) -> bool:
    with engine.begin() as conn:
        conn.execute(
            delete(t.report_nudges).where(
                and_(
                    t.report_nudges.c.item_key == item,
                    t.report_nudges.c.nudge_window == window,
                    t.report_nudges.c.state == "failed",
                )
            )
        )
        try:
            conn.execute(
                insert(t.report_nudges).values(
                    item_key=item, nudge_window=window, ticket_key=ticket, state="sending", recorded_at=now
                )
            )
        except IntegrityError:
            return False  # another run claimed it
    return True


def _settle(engine: Engine, item: str, window: str, state: str, error: str | None, now: dt.datetime) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(t.report_nudges)
            .where(and_(t.report_nudges.c.item_key == item, t.report_nudges.c.nudge_window == window))
            .values(state=state, error=error, recorded_at=now)
        )


def send_nudges(
    engine: Engine,
    plan: NudgePlan,
    commenter: Commenter,
    *,
    tracker: str,
    retry: RetryPolicy,
    clock: Callable[[], dt.datetime],
) -> NudgeOutcome:
    """Comment on each nudged ticket at most once per window (nothing during quiet hours)."""
    outcome = NudgeOutcome()
    if plan.quiet:
        return outcome
    for nudge in plan.nudges:
        if nudge.ticket is None:
            outcome.skipped.append(nudge)
            continue
        window = window_key(nudge)
        if not _claim(engine, nudge.item, window, nudge.ticket, clock()):
            continue
        ref = TicketRef(tracker=tracker, key=nudge.ticket)
        try:
            retry.retrying()(commenter.comment, ref, nudge.message)
        except PmsyncError as exc:
            outcome.failed[nudge.item] = exc.message
            _settle(engine, nudge.item, window, "failed", exc.message, clock())
            continue
        _settle(engine, nudge.item, window, "sent", None, clock())
        outcome.sent.append(nudge)
        log.info("Nudged %s on %s (%s)", nudge.item, nudge.ticket, nudge.window)
    return outcome


def nudge_lines(nudges: Sequence[Nudge]) -> list[str]:
    return [f"{n.item} {n.ticket or '-'} {n.owner or '-'} [{n.window}] {n.message}" for n in nudges]


# --- chat nudges ---------------------------------------------------------------------------------

CHAT_WINDOWS = ("chat:", "escalate:")


def chat_reminded(engine: Engine) -> dict[str, dt.date]:
    """Item → the last day it was reminded (or escalated) in chat, failed attempts left out."""
    last: dict[str, dt.date] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(t.report_nudges.c.item_key, t.report_nudges.c.nudge_window).where(
                t.report_nudges.c.state != "failed",
                t.report_nudges.c.nudge_window.like("chat:%") | t.report_nudges.c.nudge_window.like("escalate:%"),
            )
        ).all()
    for item, window in rows:
        day = dt.date.fromisoformat(window.split(":", 1)[1])
        last[item] = max(day, last.get(item, day))
    return last


@dataclass
class ChatOutcome:
    sent: list[str] = field(default_factory=list)  # "<target>: <audience> (n items)"
    failed: dict[str, str] = field(default_factory=dict)  # "<target>: <audience>" → error
    unconfigured: list[str] = field(default_factory=list)  # targets without a webhook


def send_chat(
    engine: Engine,
    plan: ChatPlan,
    webhooks: Mapping[str, Webhook],
    rules: ChatRules,
    *,
    today: dt.date,
    clock: Callable[[], dt.datetime],
) -> ChatOutcome:
    """Post each planned message once: its items are recorded (``chat:<day>``, or
    ``escalate:<day>``) before the post, so a crash or a concurrent run never repeats one; a
    failed post is marked failed and its items are due again on the next run."""
    outcome = ChatOutcome()
    if plan.quiet:
        return outcome
    for message in plan.messages:
        where = f"{message.target.name}: {message.audience}"
        webhook = webhooks.get(message.target.name)
        if webhook is None:
            outcome.unconfigured.append(where)
            continue
        window = f"{'escalate' if message.escalation else 'chat'}:{today.isoformat()}"
        claimed = tuple(i for i in message.items if _claim(engine, i.item, window, i.ticket, clock()))
        if not claimed:
            continue
        mine = replace(message, items=claimed)
        error: str | None = None
        try:
            webhook.send(chat_payload(mine, rules))
        except PmsyncError as exc:
            outcome.failed[where] = error = exc.message
        else:
            outcome.sent.append(f"{where} ({len(claimed)} item(s){', escalation' if message.escalation else ''})")
            log.info("Chat nudge to %s: %s item(s)", where, len(claimed))
        for item in claimed:
            _settle(engine, item.item, window, "failed" if error else "sent", error, clock())
    return outcome


def chat_webhooks(
    settings: ReportsSettings, environ: Mapping[str, str], client: httpx.Client, retry: RetryPolicy
) -> dict[str, Webhook]:
    """One webhook per ``[[reports.chat]]`` entry; raises :class:`ConfigError` for a URL that is
    configured but empty or unreadable (as :func:`webhook_url`)."""
    hooks: dict[str, Webhook] = {}
    for target in settings.chat:
        url = secret_url(target.url_env, target.url_file, environ, f"[[reports.chat]] {target.name}")
        hooks[target.name] = Webhook(url, client, retry, name=target.name)
    return hooks
