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
import logging
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import httpx
from sqlalchemy import Engine, and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from reports.nudges import NudgePlan, window_key
from reports.results import Nudge
from sync.config.models import ReportsSettings
from sync.core.tickets import TicketRef
from sync.errors import ConfigError, PmsyncError, RateLimited, TrackerUnavailable
from sync.logs import register_secret
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
    url: str | None = None
    if settings.webhook_url_file is not None:
        try:
            url = settings.webhook_url_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
            raise ConfigError(
                f"[reports] webhook_url_file: cannot read {settings.webhook_url_file}: {reason}"
            ) from None
        where = f"[reports] webhook_url_file: {settings.webhook_url_file} is empty"
    elif settings.webhook_url_env is not None:
        url = (environ.get(settings.webhook_url_env) or "").strip()
        where = f"[reports] webhook_url_env: {settings.webhook_url_env} is not set"
    else:
        return None
    if not url:
        raise ConfigError(where, hint="set the webhook URL, or remove the webhook setting")
    register_secret(url)
    return url


@dataclass
class Webhook:
    """A Slack-compatible incoming webhook. 429 and 5xx/network errors are retried by ``retry``."""

    url: str = field(repr=False)  # a secret: it carries the webhook's token
    client: httpx.Client
    retry: RetryPolicy

    def post(self, text: str) -> None:
        self.retry.retrying()(self._post_once, text)

    def _post_once(self, text: str) -> None:
        try:
            response = self.client.post(self.url, json={"text": text}, timeout=30.0)
        except httpx.HTTPError as exc:
            # The URL is a secret: name the error's type, never the request.
            raise TrackerUnavailable(type(exc).__name__, tracker=WEBHOOK, op="post") from None
        if response.status_code == 429:
            after = response.headers.get("Retry-After")
            retry_after = float(after) if after and after.replace(".", "", 1).isdigit() else None
            raise RateLimited("rate limited", tracker=WEBHOOK, op="post", retry_after=retry_after)
        if response.status_code >= 500:
            raise TrackerUnavailable(f"HTTP {response.status_code}", tracker=WEBHOOK, op="post")
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
) -> PublishOutcome:
    """Write the files, then post this report — and every earlier one still pending — to each
    target (``webhook``, ``issue:OPS-1``). File and posting failures are collected, never raised."""
    outcome = PublishOutcome()
    # An unwritable output_dir is reported like a failed post; the posts still go out.
    outcome.files = write_report_files(output_dir, name, rendered, outcome.failed)
    for target, post in targets.items():
        _record(engine, target, name, markdown, clock())
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


def _claim(engine: Engine, nudge: Nudge, now: dt.datetime) -> bool:
    key = window_key(nudge)
    with engine.begin() as conn:
        conn.execute(
            delete(t.report_nudges).where(
                and_(
                    t.report_nudges.c.item_key == nudge.item,
                    t.report_nudges.c.nudge_window == key,
                    t.report_nudges.c.state == "failed",
                )
            )
        )
        try:
            conn.execute(
                insert(t.report_nudges).values(
                    item_key=nudge.item, nudge_window=key, ticket_key=nudge.ticket, state="sending", recorded_at=now
                )
            )
        except IntegrityError:
            return False  # another run claimed it
    return True


def _settle(engine: Engine, nudge: Nudge, state: str, error: str | None, now: dt.datetime) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(t.report_nudges)
            .where(and_(t.report_nudges.c.item_key == nudge.item, t.report_nudges.c.nudge_window == window_key(nudge)))
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
        if not _claim(engine, nudge, clock()):
            continue
        ref = TicketRef(tracker=tracker, key=nudge.ticket)
        try:
            retry.retrying()(commenter.comment, ref, nudge.message)
        except PmsyncError as exc:
            outcome.failed[nudge.item] = exc.message
            _settle(engine, nudge, "failed", exc.message, clock())
            continue
        _settle(engine, nudge, "sent", None, clock())
        outcome.sent.append(nudge)
        log.info("Nudged %s on %s (%s)", nudge.item, nudge.ticket, nudge.window)
    return outcome


def nudge_lines(nudges: Sequence[Nudge]) -> list[str]:
    return [f"{n.item} {n.ticket or '-'} {n.owner or '-'} [{n.window}] {n.message}" for n in nudges]
