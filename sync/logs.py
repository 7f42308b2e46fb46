"""Logging set-up, done only by the CLI, and the one scrubber every text leaving pmsync goes through.

Secrets are registered with :func:`register_secret` when configuration is loaded (tracker tokens,
webhook secrets, a state-URL password). :func:`redact` replaces them, and any base64 run that
decodes to text containing one (``Authorization: Basic base64(email:token)``), wherever they appear.
It is applied at the edges, once each: the log filter (a record's message, arguments and traceback),
the CLI's standard output and error (:class:`RedactingStream`, installed by ``sync.cli.main``),
every statement parameter sent to the state database (:func:`scrub_parameters`, so no table holds a
secret), pmsync's own errors as they are built (a tracker's error body echoing a request header),
and the service's HTTP answers.
"""

from __future__ import annotations

import base64
import contextvars
import io
import json
import logging
import re
import threading
from typing import Any, TextIO

REDACTED = "***"
# The id of the service job in progress; JSON log lines carry it (``run_id``).
RUN_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("pmsync_run_id", default=None)
# Context fields a log call may pass with ``extra=``; JSON log lines carry the ones present.
CONTEXT_FIELDS = ("job", "incident", "item", "ticket", "tracker", "delivery")
_secrets: set[str] = set()
_ordered: tuple[str, ...] = ()
_encoded: tuple[bytes, ...] = ()
_lock = threading.Lock()
_base64_run = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")


def _runs_of(shortest: int) -> re.Pattern[str]:
    """Base64 runs (either alphabet, padding optional) long enough to encode ``shortest`` bytes: words
    shorter than the shortest secret's encoding are never decoded."""
    least = max(4 * shortest // 3, 4)
    return re.compile(rf"[A-Za-z0-9+/_-]{{{least},}}={{0,2}}")


def register_secret(value: str) -> None:
    """Make :func:`redact` replace ``value`` (values shorter than 4 characters are ignored)."""
    global _ordered, _encoded, _base64_run
    if len(value) >= 4:
        with _lock:
            _secrets.add(value)
            _ordered = tuple(sorted(_secrets, key=len, reverse=True))
            _encoded = tuple(secret.encode("utf-8", "surrogatepass") for secret in _ordered)
            _base64_run = _runs_of(len(_encoded[-1]))


def _hides_secret(run: str, secrets: tuple[bytes, ...]) -> bool:
    """Whether base64 ``run`` decodes (from any of the four alignments, either alphabet) to bytes
    holding a secret: the run may start a few characters before the encoded value."""
    core = run.rstrip("=").replace("-", "+").replace("_", "/")
    for start in range(4):
        part = core[start:]
        extra = len(part) % 4  # 1: a stray character, 2 or 3: padding dropped
        part = part[:-1] if extra == 1 else part + "=" * ((4 - extra) % 4)
        # Always decodable: the run holds only base64 characters, and its length is now a multiple of 4.
        decoded = base64.b64decode(part)
        if any(secret in decoded for secret in secrets):
            return True
    return False


def redact(text: str) -> str:
    """Replace every registered secret in ``text``, plain or base64-encoded."""
    secrets, encoded = _ordered, _encoded
    if not secrets:
        return text
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return _base64_run.sub(lambda run: REDACTED if _hides_secret(run.group(0), encoded) else run.group(0), text)


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: _scrub_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_scrub_value(item) for item in value)
    return value


def scrub_parameters(
    _conn: object, _cursor: object, statement: str, parameters: Any, _context: object, _executemany: bool
) -> tuple[str, Any]:
    """A SQLAlchemy ``before_cursor_execute`` listener (``retval=True``): every string parameter of
    every statement is scrubbed, so no table of the state database can hold a secret (a tracker's
    error text stored as an item failure, a run's error list)."""
    if not _ordered:
        return statement, parameters
    return statement, _scrub_value(parameters)


class RedactingStream(io.TextIOBase):
    """A text stream that scrubs every write before passing it on (the CLI's stdout and stderr).

    ``click.echo`` writes each message, newline included, in one call, so a secret is never split
    across two writes."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return self.stream.errors

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self.stream.write(redact(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True


class RedactingFilter(logging.Filter):
    """Renders the message once, redacts it, and drops the arguments. Without ``tracebacks`` (the
    CLI without ``-v``) an exception is reduced to one line, its type and message."""

    def __init__(self, *, tracebacks: bool = True) -> None:
        super().__init__()
        self.tracebacks = tracebacks

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            if self.tracebacks:
                record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            else:
                error = record.exc_info[1]
                record.exc_text = redact(f"{type(error).__name__}: {error} (-v shows the traceback)")
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
    handler.addFilter(RedactingFilter(tracebacks=verbose > 0))
    handler.setFormatter(
        JsonLinesFormatter() if json_lines else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level)
    # INFO (the audit lines "Created PROJ-12 for INC-7#3" among them) only with -v: by default they
    # would tear the backfill progress bar and bury the summary, which already counts every write.
    logging.getLogger("sync.apply").setLevel(logging.NOTSET)
