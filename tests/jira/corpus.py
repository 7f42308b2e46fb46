"""Post-mortem documents and a pmsync configuration for syncing against the fake Jira."""

from __future__ import annotations

from pathlib import Path

DOC_HEAD = """\
---
incident_id: {incident}
team: payments
---
# Post-mortem: checkout errors {incident}

## 1. Incident Summary
- **Incident ID:** {incident}
- **Date/Time:** 2026-03-04 14:02 UTC → 2026-03-04 16:47 UTC (Duration: 2h 45m)
- **Severity:** SEV-2
- **Review Date:** 2026-03-05

## 6. Action Items
| # | Action | Owner | Deadline | Priority | Status |
|---|---|---|---|---|---|
"""


def write_corpus(root: Path, *, incidents: int, items: int) -> list[Path]:
    """``incidents`` documents of ``items`` action items each."""
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(incidents):
        incident = f"INC-{9000 + i}"
        rows = [
            f"| {n} | Harden path {n} of {incident}: add a canary and alert on errors | @alice "
            f"| 2026-12-{1 + n % 28:02d} | P{n % 3} | Open |"
            for n in range(1, items + 1)
        ]
        path = root / f"{incident.lower()}.md"
        path.write_text(DOC_HEAD.format(incident=incident) + "\n".join(rows) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def write_config(
    root: Path, url: str, *, deployment: str = "cloud", lag: float = 3.0, request_timeout: float = 10.0
) -> Path:
    """A pmsync.toml for the fake at ``url`` (token from ``PMSYNC_JIRA_TOKEN``). A create whose
    answer never came is settled ``request_timeout`` + ``lag`` seconds after it was sent."""
    who = 'email = "bot@example.com"' if deployment == "cloud" else 'epic_link_field = "customfield_10014"'
    account = "5b10ac8d82e05b22cc7d4ef5" if deployment == "cloud" else "alice"
    config = root / "pmsync.toml"
    config.write_text(
        f"""
[sources]
paths = ["docs/*.md"]
[state]
url = "sqlite:///{root / "state.db"}"
[tracker]
kind = "jira"
url = "{url}"
deployment = "{deployment}"
project = "OPS"
{who}
search_lag_seconds = {lag}
request_timeout_seconds = {request_timeout}
[safety]
max_creates = 5000
[compliance]
enabled = false
[owners]
entries = [{{ name = "Alice Jones", handles = ["alice"], jira = "{account}" }}]
""",
        encoding="utf-8",
    )
    return config
