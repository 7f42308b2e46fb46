"""Logging set-up: levels per -v (INFO only with -v, issue 18.9), JSON lines, and secrets redacted everywhere."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from sync.logs import REDACTED, JsonLinesFormatter, RedactingFilter, configure_logging, redact, register_secret

SECRET = "tok-9c1e77d2a5b84f30"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    apply_level = logging.getLogger("sync.apply").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("sync.apply").setLevel(apply_level)


def _ours() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if getattr(h, "_pmsync", False)]


@pytest.mark.parametrize(("verbose", "level"), [(0, logging.WARNING), (1, logging.INFO), (2, logging.DEBUG)])
def test_levels_follow_verbosity_and_audit_lines_need_v(restore_logging: None, verbose: int, level: int) -> None:
    configure_logging(verbose=verbose)
    configure_logging(verbose=verbose)  # idempotent: still one pmsync handler
    assert len(_ours()) == 1
    assert logging.getLogger().level == level
    # "Created PROJ-12 for INC-7#3" is INFO: shown with -v only, so it never tears a progress bar.
    assert logging.getLogger("sync.apply").isEnabledFor(logging.INFO) is (verbose > 0)


def test_json_lines_carry_level_logger_message_and_redacted_traceback() -> None:
    register_secret(SECRET)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonLinesFormatter())
    logger = logging.getLogger("tests.logs.json")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise RuntimeError(f"Authorization: Bearer {SECRET}")
        except RuntimeError:
            logger.exception("call failed with token %s", SECRET)
    finally:
        logger.removeHandler(handler)
    [line] = stream.getvalue().splitlines()
    record = json.loads(line)
    assert (record["level"], record["logger"]) == ("error", "tests.logs.json")
    assert record["message"] == f"call failed with token {REDACTED}"
    assert "RuntimeError: Authorization: Bearer ***" in record["exc"]
    assert SECRET not in line


def test_short_values_are_not_registered_as_secrets() -> None:
    register_secret("abc")  # would redact every "abc" in every line
    assert redact("abcdef") == "abcdef"
