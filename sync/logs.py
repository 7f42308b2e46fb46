"""Logging set-up, done only by the CLI: human lines or JSON lines, always through a redactor.

Secrets are registered with :func:`register_secret` when configuration is loaded; the filter
replaces them wherever they appear in a record's message or arguments, so even a library that
logs a request header cannot leak a token.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

REDACTED = "***"
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


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
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
