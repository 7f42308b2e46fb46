"""The lint rules pmsync knows: code, name and default severity, and how a finding is built.

Codes are stable (tools and ``LintOptions.disabled`` refer to them); names are for humans. Every
message starts with the rule's name so a compiler-style line reads on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync.core.model import Diagnostic, DiagnosticSeverity

ERROR = DiagnosticSeverity.ERROR
WARNING = DiagnosticSeverity.WARNING
INFO = DiagnosticSeverity.INFO


@dataclass(frozen=True)
class Rule:
    """One lint rule: a stable code, a kebab-case name and its default severity."""

    code: str
    name: str
    severity: DiagnosticSeverity

    def at(self, path: str, line: int | None, detail: str, hint: str | None = None) -> Diagnostic:
        """A finding of this rule at ``path:line``."""
        return Diagnostic(
            path=path, line=line, severity=self.severity, code=self.code, message=f"{self.name}: {detail}", hint=hint
        )


MISSING_OWNER = Rule("LINT101", "missing-owner", ERROR)
MISSING_PRIORITY = Rule("LINT102", "missing-priority", WARNING)
DEFAULT_PRIORITY = Rule("LINT103", "default-priority", WARNING)
UNMAPPED_PRIORITY = Rule("LINT104", "unmapped-priority", WARNING)
UNMAPPED_STATUS = Rule("LINT105", "unmapped-status", WARNING)
UNPARSED_DEADLINE = Rule("LINT106", "unparsed-deadline", WARNING)
MISSING_DEADLINE = Rule("LINT107", "missing-deadline", INFO)
MISSING_INCIDENT_ID = Rule("LINT111", "missing-incident-id", ERROR)
MISSING_SEVERITY = Rule("LINT112", "missing-severity", ERROR)
MISSING_START = Rule("LINT113", "missing-start", ERROR)
MISSING_END = Rule("LINT114", "missing-end", ERROR)
MISSING_REVIEW_DATE = Rule("LINT115", "missing-review-date", WARNING)
LATE_SUMMARY = Rule("LINT116", "late-summary", WARNING)
MISSING_WHYS = Rule("LINT121", "missing-whys", WARNING)
INCOMPLETE_WHYS = Rule("LINT122", "incomplete-whys", WARNING)
UNSCORED_FACTOR = Rule("LINT131", "unscored-factor", WARNING)
SEV1_WITHOUT_P0 = Rule("LINT141", "sev1-without-p0", ERROR)
UNTRACKED_PREVENTION = Rule("LINT151", "untracked-prevention", WARNING)
TIMELINE_GAP = Rule("LINT161", "timeline-gap", WARNING)
WENT_WELL_COUNT = Rule("LINT171", "went-well-count", WARNING)
MISSING_COST = Rule("LINT181", "missing-cost", WARNING)
BLAME_LANGUAGE = Rule("LINT201", "blame-language", WARNING)

RULES: tuple[Rule, ...] = (
    MISSING_OWNER,
    MISSING_PRIORITY,
    DEFAULT_PRIORITY,
    UNMAPPED_PRIORITY,
    UNMAPPED_STATUS,
    UNPARSED_DEADLINE,
    MISSING_DEADLINE,
    MISSING_INCIDENT_ID,
    MISSING_SEVERITY,
    MISSING_START,
    MISSING_END,
    MISSING_REVIEW_DATE,
    LATE_SUMMARY,
    MISSING_WHYS,
    INCOMPLETE_WHYS,
    UNSCORED_FACTOR,
    SEV1_WITHOUT_P0,
    UNTRACKED_PREVENTION,
    TIMELINE_GAP,
    WENT_WELL_COUNT,
    MISSING_COST,
    BLAME_LANGUAGE,
)
