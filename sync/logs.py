"""Logging set-up, done only by the CLI: human lines or JSON lines, always through a redactor.

Secrets are registered with :func:`register_secret` when configuration is loaded; the filter
replaces them wherever they appear in a record's message or arguments, so even a library that
logs a request header cannot leak a token.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import threading
from typing import Any

REDACTED = "***"
# The id of the service job in progress; JSON log lines carry it (``run_id``).
RUN_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("pmsync_run_id", default=None)
# Context fields a log call may pass with ``extra=``; JSON log lines carry the ones present.
CONTEXT_FIELDS = ("job", "incident", "item", "ticket", "tracker", "delivery")
_secrets: set[str] = set()
_lock = threading.Lock()


def register_secret(value: str) -> None:
    """Make the log filter redact ``value`` (values shorter than 4 characters are ignored)."""
    if len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Replace every registered secret in ``text``."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Renders the message once, redacts it, and drops the arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


# Audit lines name their ticket and item in the text ("Created PROJ-12 for INC-7#3", "PROJ-12 is
# now done (INC-7#3)", "Parent PROJ-1 for incident INC-7"); JSON lines also carry them as fields.
_AUDIT_PATTERNS = (
    re.compile(r"(?P<ticket>[^\s()]+) for (?P<item>(?P<incident>[^\s#()]+)#[^\s()]+)"),
    re.compile(r"^(?P<ticket>[^\s()]+) is now \S+ \((?P<item>(?P<incident>[^\s#()]+)#[^\s()]+)\)"),
    re.compile(r"(?P<ticket>[^\s()]+) for incident (?P<incident>[^\s()]+)"),
)


def _audit_fields(message: str) -> dict[str, str]:
    for pattern in _AUDIT_PATTERNS:
        match = pattern.search(message)
        if match:
            return {name: value for name, value in match.groupdict().items() if value}
    return {}


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        run_id = RUN_ID.get()
        if run_id is not None:
            payload["run_id"] = run_id
        for name in CONTEXT_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                payload[name] = redact(str(value))
        if "item" not in payload and "ticket" not in payload:
            payload.update(_audit_fields(payload["message"]))
        if record.exc_text:
            payload["exc"] = record.exc_text
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(*, verbose: int = 0, json_lines: bool = False) -> None:
    """Configure the root logger once per process (idempotent)."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_pmsync", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler._pmsync = True  # type: ignore[attr-defined]
    handler.addFilter(RedactingFilter())
    handler.setFormatter(
        JsonLinesFormatter() if json_lines else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level)
    # INFO (the audit lines "Created PROJ-12 for INC-7#3" among them) only with -v: by default they
    # would tear the backfill progress bar and bury the summary, which already counts every write.
    logging.getLogger("sync.apply").setLevel(logging.NOTSET)
