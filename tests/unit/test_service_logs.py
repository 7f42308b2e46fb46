"""Service-mode logging: JSON lines with run id, incident, item and ticket; webhook secrets come
from env or file and are redacted from every line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.errors import PmsyncError
from sync.logs import RUN_ID, JsonLinesFormatter, RedactingFilter
from sync.service.app import load_secret

log = logging.getLogger("sync.test_service_logs")


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """The handler ``configure_logging(json_lines=True)`` installs, writing to a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(JsonLinesFormatter())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    yield buffer
    log.removeHandler(handler)


def test_json_lines_carry_context_and_never_the_secret(json_logs: io.StringIO) -> None:
    secret = load_secret("HOOK_SECRET", None, {"HOOK_SECRET": "  whsec-71f0c2d9a4  \n"})
    assert secret == b"whsec-71f0c2d9a4"
    token = RUN_ID.set("run-42")
    try:
        log.warning(
            "delivery signed with %s",
            "whsec-71f0c2d9a4",
            extra={"item": "INC-7#3", "ticket": "OPS-12", "incident": "INC-7"},
        )
    finally:
        RUN_ID.reset(token)
    log.warning("outside a job")
    first, second = (json.loads(line) for line in json_logs.getvalue().splitlines())
    assert first["message"] == "delivery signed with ***"
    assert (first["run_id"], first["incident"], first["item"], first["ticket"]) == (
        "run-42",
        "INC-7",
        "INC-7#3",
        "OPS-12",
    )
    assert first["level"] == "warning"
    assert "run_id" not in second and "item" not in second


def test_secret_from_a_file_wins_over_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "hook"
    path.write_text("from-the-file-9d1e\n", encoding="utf-8")
    assert load_secret("HOOK_SECRET", path, {"HOOK_SECRET": "from-env-0000"}) == b"from-the-file-9d1e"


def test_missing_or_unreadable_secrets(tmp_path: Path) -> None:
    assert load_secret("HOOK_SECRET", None, {}) is None
    assert load_secret("HOOK_SECRET", None, {"HOOK_SECRET": "   "}) is None
    with pytest.raises(PmsyncError, match="cannot read"):
        load_secret("HOOK_SECRET", tmp_path / "absent", {})


@pytest.mark.parametrize(
    ("message", "fields"),
    [
        ("Created OPS-12 for INC-7#3", {"ticket": "OPS-12", "item": "INC-7#3", "incident": "INC-7"}),
        (
            "Updated org/repo#12 for INC-7#3 (title, due)",
            {"ticket": "org/repo#12", "item": "INC-7#3", "incident": "INC-7"},
        ),
        (
            "LOC-4 is now done (INC-2026-0201#3)",
            {"ticket": "LOC-4", "item": "INC-2026-0201#3", "incident": "INC-2026-0201"},
        ),
        ("Parent LOC-1 for incident INC-2026-0201", {"ticket": "LOC-1", "incident": "INC-2026-0201"}),
        ("job sync finished in 0.02s", {}),
    ],
)
def test_audit_lines_carry_ticket_item_and_incident(
    json_logs: io.StringIO, message: str, fields: dict[str, str]
) -> None:
    log.warning(message)
    (record,) = (json.loads(line) for line in json_logs.getvalue().splitlines())
    assert {key: record[key] for key in ("ticket", "item", "incident") if key in record} == fields
