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
LINT107    missing-deadline       info      an open item without a deadline (names its derived due date)
LINT111    missing-incident-id    error     no incident id
LINT112    missing-severity       error     no severity, or not SEV-1/2/3
LINT113    missing-start          error     no start date/time
LINT114    missing-end            error     no end date/time
LINT115    missing-review-date    warning   no review date
LINT116    late-summary           warning   summary completed more than 24 h after the incident ended
LINT121    missing-whys           warning   no 5-whys section
LINT122    incomplete-whys        warning   fewer than 5 non-empty whys
LINT131    unscored-factor        warning   a contributing factor without a 0-3 score
LINT141    sev1-without-p0        error     a SEV-1 incident without any P0 action item
LINT151    untracked-prevention   warning   an unchecked prevention box no action item addresses
LINT161    timeline-gap           warning   SEV-1 timeline gap > 5 min, SEV-2/3 > 15 min, while open
LINT171    went-well-count        warning   fewer than 3 or more than 5 "What went well" entries
LINT181    missing-cost           warning   a SEV-1/SEV-2 without the Incident Cost section filled
LINT201    blame-language         warning   a narrative sentence names a person next to blame
=========  =====================  ========  ==================================================

One finding, one code: where the parser reported the same problem (``PM030`` unmapped priority,
``PM031`` unmapped status, ``PM032`` unmapped severity, ``PM033`` unreadable deadline, ``PM034``
bad score), the rule's finding replaces the parser's, so ``--disable LINT104`` silences it. The
parser's other diagnostics pass through under their ``PM`` codes and can be disabled the same way;
:func:`resolve_rules` turns ``--disable`` values into codes and rejects unknown ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from sync.core.lint.blameless import find_blame
from sync.core.lint.catalog import RULES, Rule
from sync.core.lint.completeness import check_completeness
from sync.core.lint.options import DEFAULT_BLAME_WORDS, DueDateFor, FirstCommitOf, LintOptions
from sync.core.lint.template_rules import check_template_rules
from sync.core.model import Diagnostic, DiagnosticSeverity, ParseResult, PostMortem
from sync.core.parse import codes as parse_codes

__all__ = [
    "DEFAULT_BLAME_WORDS",
    "PARSER_CODES",
    "RULES",
    "DueDateFor",
    "FirstCommitOf",
    "LintOptions",
    "Rule",
    "UnknownRuleError",
    "lint",
    "lint_result",
    "resolve_rules",
    "sort_diagnostics",
    "strict",
    "valid_rules",
]

_NAMES = {rule.code: rule.name for rule in RULES}
# The parser's diagnostics pass through lint under their own codes (sync.core.parse.codes).
PARSER_CODES: tuple[parse_codes.Code, ...] = tuple(
    value
    for value in vars(parse_codes).values()
    if isinstance(value, tuple) and len(value) == 3 and str(value[0]).startswith("PM")
)
_PARSER_NAMES = {code: slug for code, _, slug in PARSER_CODES}
# The parser reports some of the same problems under its own slugs; the rule's finding replaces
# the parser's (one code per finding). Matched on the same line, except for the document-level
# severity finding, which the parser places on the field's line.
_PARSER_SLUGS = {
    "unmapped-priority": "unmapped-priority",
    "unmapped-status": "unmapped-status",
    "unparsed-deadline": "bad-date",
    "unscored-factor": "bad-score",
    "missing-severity": "unmapped-severity",
}
_ANY_LINE = frozenset(["missing-severity"])


class UnknownRuleError(ValueError):
    """``--disable`` named something that is neither a rule's code or name nor a parser code."""

    def __init__(self, unknown: list[str]) -> None:
        self.unknown = unknown
        super().__init__(f"unknown lint rule {', '.join(unknown)}")


def valid_rules() -> list[str]:
    """Every value ``--disable`` accepts, as ``CODE name`` lines (rules, then parser codes)."""
    return [f"{rule.code} {rule.name}" for rule in RULES] + [f"{code} {slug}" for code, _, slug in PARSER_CODES]


def resolve_rules(values: Iterable[str]) -> frozenset[str]:
    """The codes named by ``values`` (codes in any case, or names); raise :class:`UnknownRuleError`."""
    # A rule's name wins over a parser slug of the same spelling (the rule replaces that finding).
    by_name = {slug: code for code, slug in _PARSER_NAMES.items()} | {name: code for code, name in _NAMES.items()}
    resolved: set[str] = set()
    unknown: list[str] = []
    for value in values:
        key = value.strip()
        if key.upper() in _NAMES or key.upper() in _PARSER_NAMES:
            resolved.add(key.upper())
        elif key.lower() in by_name:
            resolved.add(by_name[key.lower()])
        else:
            unknown.append(value)
    if unknown:
        raise UnknownRuleError(unknown)
    return frozenset(resolved)


# Parser findings that lint's own rules state with their own codes and severities
# (PM050 incomplete-item = LINT101 missing-owner / LINT102 missing-priority): reported once, by lint.
_COVERED_BY_RULES = frozenset({"PM050"})


def _slug(diagnostic: Diagnostic) -> str:
    return diagnostic.message.split(":", 1)[0].strip()


def _enabled(diagnostic: Diagnostic, options: LintOptions) -> bool:
    names = (diagnostic.code, _NAMES.get(diagnostic.code), _PARSER_NAMES.get(diagnostic.code))
    return not any(name in options.disabled for name in names if name)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Order diagnostics by path, then line (document-level ones first), then code."""
    return sorted(diagnostics, key=lambda d: (d.path, d.line or 0, d.code, d.message))


def lint(pm: PostMortem, options: LintOptions | None = None) -> list[Diagnostic]:
    """The rule findings for one parsed document, sorted by line."""
    options = options or LintOptions()
    found = [*check_completeness(pm, options), *check_template_rules(pm, options), *find_blame(pm, options.blame_words)]
    return sort_diagnostics(d for d in found if _enabled(d, options))


def _replacements(findings: Iterable[Diagnostic]) -> tuple[frozenset[tuple[str, int | None]], frozenset[str]]:
    """What the rule findings say, indexed once: (parser slug, line) pairs, and the parser slugs a
    finding replaces on any line. A lookup per parser diagnostic keeps lint linear in the document
    (a 10,000-row table has as many parser diagnostics as findings)."""
    at_line: set[tuple[str, int | None]] = set()
    anywhere: set[str] = set()
    for finding in findings:
        slug = _slug(finding)
        parser_slug = _PARSER_SLUGS.get(slug)
        if parser_slug is None:
            continue
        at_line.add((parser_slug, finding.line))
        if slug in _ANY_LINE:
            anywhere.add(parser_slug)
    return frozenset(at_line), frozenset(anywhere)


def _replaced(parsed: Diagnostic, replacements: tuple[frozenset[tuple[str, int | None]], frozenset[str]]) -> bool:
    """Whether a rule finding says what ``parsed`` says (the rule's code is kept instead)."""
    at_line, anywhere = replacements
    slug = _slug(parsed)
    return slug in anywhere or (slug, parsed.line) in at_line


def _at_parser_line(finding: Diagnostic, parsed: Iterable[Diagnostic]) -> Diagnostic:
    """A document-level finding the parser placed more precisely (the severity field's own line)
    moves to that line."""
    slug = _slug(finding)
    if slug not in _ANY_LINE:
        return finding
    for diagnostic in parsed:
        if _slug(diagnostic) == _PARSER_SLUGS[slug] and diagnostic.line is not None:
            return finding.model_copy(update={"line": diagnostic.line})
    return finding


def lint_result(result: ParseResult, options: LintOptions | None = None) -> list[Diagnostic]:
    """The parser's diagnostics plus the rule findings (none when the document was unusable).

    A rule finding replaces the parser's diagnostic for the same problem, before ``disabled`` is
    applied, so disabling the rule silences the problem.
    """
    options = options or LintOptions()
    everything = replace(options, disabled=frozenset())
    findings = lint(result.postmortem, everything) if result.postmortem is not None else []
    replacements = _replacements(findings)
    kept = [d for d in result.diagnostics if d.code not in _COVERED_BY_RULES and not _replaced(d, replacements)]
    findings = [_at_parser_line(finding, result.diagnostics) for finding in findings]
    return sort_diagnostics(d for d in [*kept, *findings] if _enabled(d, options))


def strict(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The same diagnostics with every warning raised to an error (``--strict``)."""
    return [
        d.model_copy(update={"severity": DiagnosticSeverity.ERROR}) if d.severity is DiagnosticSeverity.WARNING else d
        for d in diagnostics
    ]
