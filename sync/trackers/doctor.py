"""``pmsync doctor``'s vocabulary: what a check found, and where each tracker kind's checks live.

Each backend ships one module with ``check(settings, *, http) -> list[Finding]`` and registers
it in :data:`CHECK_MODULES` under its ``[tracker] kind`` (one line per backend), so adding a
backend's checks never touches another backend's code. Findings are values, printed by
:mod:`sync.cli.doctor`; a problem always says how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

CHECK_MODULES: dict[str, str] = {
    "jira": "sync.trackers.jira_doctor",
    "github": "sync.trackers.github_doctor",
}


@dataclass(frozen=True)
class Finding:
    """One check's result: ``fix`` is set exactly when it is a problem."""

    check: str
    message: str
    fix: str | None = None

    @property
    def ok(self) -> bool:
        return self.fix is None


def ok(check: str, message: str) -> Finding:
    return Finding(check, message)


def problem(check: str, message: str, fix: str) -> Finding:
    return Finding(check, message, fix)
