"""``pmsync lint``: completeness and blameless-language checks over post-mortem documents.

Output is compiler style, one ``path:line: severity code message`` per line sorted by path and
line, then a summary; ``--format json`` prints a JSON array of diagnostics instead. Exit 0 when no
errors (warnings allowed unless ``--strict``), 1 when any document has an error.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import click

from sync.core.lint import LintOptions, lint_result, sort_diagnostics, strict
from sync.core.model import Diagnostic, DiagnosticSeverity, Priority
from sync.core.parse import ParseOptions
from sync.documents import load_documents

log = logging.getLogger(__name__)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_line(diagnostics: Sequence[Diagnostic], documents: int) -> str:
    """``N errors, M warnings in K documents``."""
    errors = sum(1 for d in diagnostics if d.severity is DiagnosticSeverity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is DiagnosticSeverity.WARNING)
    return f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {_plural(documents, 'document')}"


@click.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Compiler-style lines and a summary, or a JSON array of diagnostics.",
)
@click.option("--strict", "strict_mode", is_flag=True, help="Treat warnings as errors (exit 1 on any warning).")
@click.option(
    "--default-priority",
    type=click.Choice([p.value for p in Priority]),
    default=Priority.P2.value,
    show_default=True,
    help="Priority an item with neither priority nor deadline gets (named in the warning).",
)
@click.option("--disable", multiple=True, metavar="RULE", help="Skip a rule, by code or name (repeatable).")
@click.pass_context
def lint(
    ctx: click.Context,
    paths: tuple[Path, ...],
    output_format: str,
    strict_mode: bool,
    default_priority: str,
    disable: tuple[str, ...],
) -> None:
    """Check post-mortems (files, or directories searched for *.md) for completeness and blame."""
    options = LintOptions(default_priority=Priority(default_priority), disabled=frozenset(disable))
    found: list[Diagnostic] = []
    documents = 0
    for result in load_documents(paths, ParseOptions()):
        documents += 1
        found.extend(lint_result(result, options))
    diagnostics = sort_diagnostics(strict(found) if strict_mode else found)
    log.debug("Linted %s documents: %s diagnostics", documents, len(diagnostics))
    if output_format == "json":
        click.echo(json.dumps([d.model_dump(mode="json") for d in diagnostics], indent=2, ensure_ascii=False))
    else:
        for diagnostic in diagnostics:
            click.echo(diagnostic.format())
        click.echo(summary_line(diagnostics, documents))
    if any(d.severity is DiagnosticSeverity.ERROR for d in diagnostics):
        ctx.exit(1)


commands = [lint]
