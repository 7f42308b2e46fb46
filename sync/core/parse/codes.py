"""Diagnostic codes the parser emits. Codes are stable; messages start with the slug.

======  ========  ==========================  ==================================================
code    severity  slug                        meaning
======  ========  ==========================  ==================================================
PM001   error     not-utf8                    the bytes are not UTF-8 text; nothing parsed
PM002   error     binary                      the input contains NUL bytes; nothing parsed
PM003   error     empty                       the document is empty or whitespace only
PM004   error     internal-error              the parser failed on this input (a bug; report it)
PM005   error     unreadable                  the file is missing or cannot be read (sync.documents)
PM006   error     over-budget                 too large, nested too deep or too slow to parse (sync.documents)
PM010   warning   front-matter-invalid        YAML front matter is not a mapping, not YAML, or too large
PM011   error     front-matter-id-lost        front matter naming the incident id cannot be read
PM020   error     no-action-section           no action-item section anywhere in the document
PM021   warning   unfilled-template           the title is a placeholder; items were dropped
PM030   warning   unmapped-priority           a priority value maps to no Priority (raw kept)
PM031   warning   unmapped-status             a status value maps to no Status (raw kept)
PM032   warning   unmapped-severity           a severity value maps to no Severity (raw kept)
PM033   warning   bad-date                    a deadline/date value could not be read (raw kept)
PM034   warning   bad-score                   a contributing-factor score is not 0-3 (raw kept)
PM040   info      placeholder-item            a template placeholder row/item was dropped
PM041   info      empty-item                  an empty row/item was dropped
PM042   warning   table-without-action-column a table in an action section has no action column
PM043   warning   no-items-found              an action section has content but no item was recognised
PM044   warning   broken-table-row            a table row not closed with '|' that fills only some cells
PM045   info      not-an-item                 advice to readers or a document checklist in an action section
PM050   warning   incomplete-item             an item states no owner and/or no priority the parser found
PM051   warning   uncertain                   a low-confidence item: asked about, not ticketed by default
======  ========  ==========================  ==================================================
"""

from __future__ import annotations

from sync.core.model import Diagnostic, DiagnosticSeverity

NOT_UTF8 = ("PM001", DiagnosticSeverity.ERROR, "not-utf8")
BINARY = ("PM002", DiagnosticSeverity.ERROR, "binary")
EMPTY = ("PM003", DiagnosticSeverity.ERROR, "empty")
INTERNAL = ("PM004", DiagnosticSeverity.ERROR, "internal-error")
UNREADABLE = ("PM005", DiagnosticSeverity.ERROR, "unreadable")
OVER_BUDGET = ("PM006", DiagnosticSeverity.ERROR, "over-budget")
FRONT_MATTER = ("PM010", DiagnosticSeverity.WARNING, "front-matter-invalid")
FRONT_MATTER_ID_LOST = ("PM011", DiagnosticSeverity.ERROR, "front-matter-id-lost")
NO_ACTION_SECTION = ("PM020", DiagnosticSeverity.ERROR, "no-action-section")
UNFILLED_TEMPLATE = ("PM021", DiagnosticSeverity.WARNING, "unfilled-template")
UNMAPPED_PRIORITY = ("PM030", DiagnosticSeverity.WARNING, "unmapped-priority")
UNMAPPED_STATUS = ("PM031", DiagnosticSeverity.WARNING, "unmapped-status")
UNMAPPED_SEVERITY = ("PM032", DiagnosticSeverity.WARNING, "unmapped-severity")
BAD_DATE = ("PM033", DiagnosticSeverity.WARNING, "bad-date")
BAD_SCORE = ("PM034", DiagnosticSeverity.WARNING, "bad-score")
PLACEHOLDER_ITEM = ("PM040", DiagnosticSeverity.INFO, "placeholder-item")
EMPTY_ITEM = ("PM041", DiagnosticSeverity.INFO, "empty-item")
TABLE_WITHOUT_ACTION = ("PM042", DiagnosticSeverity.WARNING, "table-without-action-column")
NO_ITEMS_FOUND = ("PM043", DiagnosticSeverity.WARNING, "no-items-found")
BROKEN_TABLE_ROW = ("PM044", DiagnosticSeverity.WARNING, "broken-table-row")
NOT_AN_ITEM = ("PM045", DiagnosticSeverity.INFO, "not-an-item")
INCOMPLETE_ITEM = ("PM050", DiagnosticSeverity.WARNING, "incomplete-item")
UNCERTAIN_ITEM = ("PM051", DiagnosticSeverity.WARNING, "uncertain")

Code = tuple[str, DiagnosticSeverity, str]


class Collector:
    """Collects the diagnostics of one document (one instance per parse, never shared)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.items: list[Diagnostic] = []

    def add(self, code: Code, line: int | None, detail: str, hint: str | None = None) -> None:
        """Record ``code`` at ``line``; the message is ``<slug>: <detail>``."""
        number, severity, slug = code
        self.items.append(
            Diagnostic(
                path=self.path, line=line, severity=severity, code=number, message=f"{slug}: {detail}", hint=hint
            )
        )
