"""Secrets stay out of object representations (tracebacks with locals, debuggers, logged objects)
and out of log lines: the report webhook URL, the webhook signing secrets, a database password."""

from __future__ import annotations

from pathlib import Path

import httpx

from sync.config.loading import load_settings
from sync.logs import redact
from sync.publish import Webhook
from sync.retry import RetryPolicy

WEBHOOK = "https://hooks.example.com/services/T000/B000/very-secret-token"


def test_the_report_webhook_url_is_not_in_its_repr() -> None:
    with httpx.Client() as client:
        hook = Webhook(WEBHOOK, client, RetryPolicy(attempts=1))
        assert "very-secret-token" not in repr(hook)
        assert hook.url == WEBHOOK


def test_webhook_signing_secrets_are_not_in_the_routes_repr() -> None:
    import dataclasses

    from sync.service.http import Routes

    fields = {f.name: f for f in dataclasses.fields(Routes)}
    assert fields["github_secret"].repr is False and fields["jira_secret"].repr is False


def test_a_password_in_the_state_url_is_redacted_from_logs(tmp_path: Path) -> None:
    url = "postgresql+psycopg://pmsync:s3cr%40t-pass@db.example.com/pmsync"
    load_settings(None, {"PMSYNC_STATE__URL": url}, cwd=tmp_path)
    assert "s3cr@t-pass" not in redact("connecting with s3cr@t-pass failed")
    assert "db.example.com" in redact(f"cannot reach {url}")
