"""Issue 24.3: the one scrubber (``sync.logs.redact``) and the edges it is applied at — the CLI's streams,
the log filter (tracebacks only with -v), database parameters, pmsync's errors, the service's answers."""

from __future__ import annotations

import base64
import io
import json
import logging

import pytest
from sqlalchemy import Column, MetaData, String, Table, create_engine, insert, select

import sync.store.engine  # noqa: F401 - installs the parameter scrubber on every engine
from sync.errors import TrackerUnavailable
from sync.logs import REDACTED, RedactingFilter, RedactingStream, redact, register_secret
from sync.service.http import Response

SECRET = "ghp_Scrub7c1e77d2a5b84f30Z"
EMAIL = "bot@example.com"


@pytest.fixture(autouse=True)
def registered() -> None:
    register_secret(SECRET)


@pytest.mark.parametrize(
    "form",
    [
        SECRET,
        base64.b64encode(f"{EMAIL}:{SECRET}".encode()).decode(),
        base64.b64encode(f"{EMAIL}:{SECRET}".encode()).decode().rstrip("="),
        base64.urlsafe_b64encode(f"x:{SECRET}".encode()).decode(),
        base64.b64encode(SECRET.encode()).decode(),
    ],
    ids=["plain", "basic", "basic-unpadded", "urlsafe", "token-b64"],
)
def test_every_form_of_a_secret_is_replaced(form: str) -> None:
    assert redact(f"Authorization: Basic {form}; Accept: */*") == f"Authorization: Basic {REDACTED}; Accept: */*"


def test_other_base64_and_text_is_left_alone() -> None:
    other = base64.b64encode(b"someone:something-else").decode()
    text = f"sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, {other}, tokenish words"
    assert redact(text) == text


def test_the_stream_scrubs_each_write_and_passes_the_rest_on() -> None:
    target = io.StringIO()
    stream = RedactingStream(target)
    assert stream.write(f"token {SECRET}\n") == len(f"token {SECRET}\n")
    stream.flush()
    assert target.getvalue() == f"token {REDACTED}\n"
    assert stream.writable() and not stream.isatty()
    assert stream.encoding == target.encoding and stream.errors == target.errors
    with pytest.raises(TypeError):
        stream.write(SECRET.encode())  # type: ignore[arg-type]
    with pytest.raises(io.UnsupportedOperation):
        stream.fileno()


def _record(filter_: RedactingFilter) -> logging.LogRecord:
    try:
        raise RuntimeError(f"HTTP 500: Authorization: Bearer {SECRET}")
    except RuntimeError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "call failed: %s", (SECRET,), sys.exc_info())
    assert filter_.filter(record)
    return record


def test_without_v_an_exception_is_one_scrubbed_line() -> None:
    record = _record(RedactingFilter(tracebacks=False))
    assert record.exc_info is None and record.getMessage() == f"call failed: {REDACTED}"
    assert record.exc_text == f"RuntimeError: HTTP 500: Authorization: Bearer {REDACTED} (-v shows the traceback)"


def test_with_v_the_traceback_is_kept_and_scrubbed() -> None:
    record = _record(RedactingFilter(tracebacks=True))
    assert record.exc_text is not None and "Traceback" in record.exc_text and SECRET not in record.exc_text


def test_no_database_row_can_hold_a_secret() -> None:
    engine = create_engine("sqlite://")
    table = Table("notes", MetaData(), Column("text", String))
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(table).values(text=f"tracker said: token {SECRET}"))
        conn.execute(insert(table), [{"text": f"again {SECRET}"}, {"text": "clean"}])
    with engine.connect() as conn:
        rows = [row.text for row in conn.execute(select(table))]
    assert rows == [f"tracker said: token {REDACTED}", f"again {REDACTED}", "clean"]


def test_parameters_are_scrubbed_in_every_shape_a_driver_takes() -> None:
    from sync.logs import scrub_parameters

    statement = "INSERT INTO t VALUES (%(a)s)"
    assert scrub_parameters(None, None, statement, {"a": SECRET, "n": 3}, None, False) == (
        statement,
        {"a": REDACTED, "n": 3},
    )
    assert scrub_parameters(None, None, statement, [(SECRET,), ["x"]], None, True)[1] == [(REDACTED,), ["x"]]


def test_errors_are_scrubbed_as_they_are_built() -> None:
    error = TrackerUnavailable(f"HTTP 500: echo {SECRET}", tracker="github", op="create")
    assert SECRET not in str(error) and SECRET not in error.message
    assert str(error) == f"github create: HTTP 500: echo {REDACTED}"
    hinted = TrackerUnavailable("HTTP 500", tracker="jira", op="get", hint=f"retry with {SECRET}")
    assert hinted.hint == f"retry with {REDACTED}"


def test_service_answers_are_scrubbed() -> None:
    response = Response.json(500, error=f"tracker said {SECRET}")
    assert json.loads(response.body) == {"error": f"tracker said {REDACTED}"}


def test_an_unexpected_error_is_one_scrubbed_line_and_its_traceback_needs_v() -> None:
    import click
    from click.testing import CliRunner

    from sync.cli.main import cli

    @click.command("scrub-test-failure")
    def failing() -> None:
        raise RuntimeError(f"tracker echoed Authorization: token {SECRET}")

    cli.add_command(failing)
    try:
        quiet = CliRunner().invoke(cli, ["scrub-test-failure"])
        loud = CliRunner().invoke(cli, ["-v", "scrub-test-failure"])
    finally:
        cli.commands.pop("scrub-test-failure")
    assert quiet.exit_code == 1 and loud.exit_code == 1
    assert quiet.stderr.splitlines() == [
        f"error: unexpected RuntimeError: tracker echoed Authorization: token {REDACTED}",
        "hint: rerun with -v for the traceback, and please report it",
    ]
    assert "Traceback" in loud.stderr and SECRET not in loud.stderr
