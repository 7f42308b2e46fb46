"""Lint a parsed post-mortem: is it complete enough to track, and is it blameless?

``lint(pm)`` returns the rule findings for one :class:`~sync.core.model.PostMortem`;
``lint_result(result)`` adds the parser's own diagnostics (lint = parse diagnostics + rules).
Pure: no I/O, no clock. Rules, with their default severity (``--strict`` turns warnings into errors):

=========  =====================  ========  ==================================================
Code       Name                   Severity  Finding
=========  =====================  ========  ==================================================
LINT101    missing-owner          error     an action item has no owner
LINT102    missing-priority       warning   an item has a deadline but no priority
LINT103    default-priority       warning   an item has neither; it gets the configured default
LINT104    unmapped-priority      warning   priority text is not P0/P1/P2 (raw text kept)
LINT105    unmapped-status        warning   status text is not Open/In progress/Done/Won't do
LINT106    unparsed-deadline      warning   deadline text is not a date
LINT111    missing-incident-id    error     no incident id
LINT112    missing-severity       error     no severity, or not SEV-1/2/3
LINT113    missing-start          error     no start date/time
LINT114    missing-end            error     no end date/time
LINT115    missing-review-date    warning   no review date
LINT121    missing-whys           warning   no 5-whys section
LINT122    incomplete-whys        warning   fewer than 5 non-empty whys
LINT131    unscored-factor        warning   a contributing factor without a 0-3 score
LINT141    sev1-without-p0        error     a SEV-1 incident without any P0 action item
LINT151    untracked-prevention   warning   an unchecked prevention box no action item addresses
LINT201    blame-language         warning   a narrative sentence names a person next to blame
=========  =====================  ========  ==================================================
"""

from __future__ import annotations

from collections.abc import Iterable

from sync.core.lint.blameless import find_blame
from sync.core.lint.catalog import RULES, Rule
from sync.core.lint.completeness import check_completeness
from sync.core.lint.options import DEFAULT_BLAME_WORDS, LintOptions
from sync.core.model import Diagnostic, DiagnosticSeverity, ParseResult, PostMortem

__all__ = [
    "DEFAULT_BLAME_WORDS",
    "RULES",
    "LintOptions",
    "Rule",
    "lint",
    "lint_result",
    "sort_diagnostics",
    "strict",
]

_NAMES = {rule.code: rule.name for rule in RULES}
# The parser reports some of the same problems under its own slugs; a rule finding is dropped when
# the parser already reported the same problem on the same line, so nothing is said twice.
_PARSER_SLUGS = {
    "unparsed-deadline": "bad-date",
    "unscored-factor": "bad-score",
    "missing-severity": "unmapped-severity",
}
# Parser findings that lint's own rules state with their own codes and severities
# (PM050 incomplete-item = LINT101 missing-owner / LINT102 missing-priority): reported once, by lint.
_COVERED_BY_RULES = frozenset({"PM050"})


def _slug(diagnostic: Diagnostic) -> str:
    return diagnostic.message.split(":", 1)[0].strip()


def _enabled(diagnostic: Diagnostic, options: LintOptions) -> bool:
    return diagnostic.code not in options.disabled and _NAMES.get(diagnostic.code) not in options.disabled


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order diagnostics by path, then line (document-level ones first), then code."""
    return sorted(diagnostics, key=lambda d: (d.path, d.line or 0, d.code, d.message))


def lint(pm: PostMortem, options: LintOptions | None = None) -> list[Diagnostic]:
    """The rule findings for one parsed document, sorted by line."""
    options = options or LintOptions()
    found = [*check_completeness(pm, options), *find_blame(pm, options.blame_words)]
    return sort_diagnostics(d for d in found if _enabled(d, options))


def lint_result(result: ParseResult, options: LintOptions | None = None) -> list[Diagnostic]:
    """The parser's diagnostics plus the rule findings (none when the document was unusable)."""
    options = options or LintOptions()
    found = [d for d in result.diagnostics if _enabled(d, options) and d.code not in _COVERED_BY_RULES]
    reported = {(d.line, _slug(d)) for d in result.diagnostics}
    if result.postmortem is not None:
        for finding in lint(result.postmortem, options):
            slug = _slug(finding)
            if (finding.line, _PARSER_SLUGS.get(slug, slug)) not in reported:
                found.append(finding)
    return sort_diagnostics(found)


def strict(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The same diagnostics with every warning raised to an error (``--strict``)."""
    return [
        d.model_copy(update={"severity": DiagnosticSeverity.ERROR}) if d.severity is DiagnosticSeverity.WARNING else d
        for d in diagnostics
    ]
