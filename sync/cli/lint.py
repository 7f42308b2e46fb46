"""``pmsync lint``: completeness and blameless-language checks over post-mortem documents.

Output is compiler style, one ``path:line: severity code message`` per line sorted by path and
line, then a summary; ``--format json`` prints a JSON array of diagnostics instead. Exit 0 when no
errors (warnings allowed unless ``--strict``), 1 when any document has an error, 2 for a usage
error (an unknown ``--disable`` rule, an unknown ``--base``, ``--changed`` outside git, or a path
that does not exist: its located PM005 line is printed and the other paths are still linted).

The configuration gives the parser's synonyms and the due-date policy that LINT107 names; git (at
this edge, :mod:`sync.git_history`) gives the changed files and, for LINT116, first-commit times.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from pathlib import Path

import click

from mappings.due_dates import reference_date, resolve_due
from sync.cli.syncing import exit_code_with_missing, json_errors
from sync.config.loading import load_settings
from sync.config.models import Settings
from sync.core.lint import (
    DueDateFor,
    LintOptions,
    UnknownRuleError,
    lint_result,
    resolve_rules,
    sort_diagnostics,
    strict,
    valid_rules,
)
from sync.core.model import ActionItem, Diagnostic, DiagnosticSeverity, PostMortem, Priority
from sync.documents import excluder, is_postmortem, load_documents
from sync.errors import UsageError
from sync.git_history import GitCheckout, pick_base
from sync.pipeline import planned_items
from sync.runtime import parse_options_for, source_paths

log = logging.getLogger(__name__)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_line(diagnostics: Sequence[Diagnostic], documents: int) -> str:
    """``N errors, M warnings in K documents``."""
    errors = sum(1 for d in diagnostics if d.severity is DiagnosticSeverity.ERROR)
    warnings = sum(1 for d in diagnostics if d.severity is DiagnosticSeverity.WARNING)
    return f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {_plural(documents, 'document')}"


def _due_date_for(settings: Settings, default_priority: Priority) -> DueDateFor:
    """The planner's due-date decision (mappings policy, configured calendar) for LINT107."""
    calendar = settings.calendar()
    policy = settings.due_date_policy()

    def due(pm: PostMortem, item: ActionItem) -> dt.date | None:
        reference = reference_date(pm, policy.timezone)
        return resolve_due(item, reference, default_priority=default_priority, calendar=calendar, policy=policy).due

    return due


def _disabled(values: Sequence[str]) -> frozenset[str]:
    try:
        return resolve_rules(values)
    except UnknownRuleError as exc:
        raise UsageError(
            f"--disable: {exc}; valid codes and names:\n  " + "\n  ".join(valid_rules()),
            hint="pass a code (LINT201) or a name (blame-language)",
        ) from None


def _under(path: Path, roots: Sequence[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def changed_documents(checkout: GitCheckout, base: str, given: Sequence[Path], settings: Settings) -> list[Path]:
    """Post-mortems changed against ``base``: Markdown files under the given paths, else the
    files the ``[sources] paths`` globs match."""
    changed = [p for p in checkout.changed_files(base) if p.suffix.lower() == ".md" and p.is_file()]
    if given:
        roots = [p.resolve() for p in given]
        return [p for p in changed if _under(p.resolve(), roots)]
    sources = {p.resolve() for p in source_paths(settings, (), Path.cwd())}
    return [p for p in changed if p.resolve() in sources]


def _config_path(ctx: click.Context) -> Path | None:
    value = ctx.find_root().params.get("config")
    return Path(value) if value else None


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
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
    default=None,
    help="Priority an item with neither priority nor deadline gets (default: [due_dates] default_priority).",
)
@click.option("--disable", multiple=True, metavar="RULE", help="Skip a rule, by code or name (repeatable).")
@click.option(
    "--changed",
    is_flag=True,
    help="Only post-mortems changed against --base (committed, staged, unstaged or untracked).",
)
@click.option(
    "--base",
    metavar="REF",
    default=None,
    help="The git ref --changed compares against (default: origin/main, else origin/master, main, master).",
)
@click.pass_context
def lint(
    ctx: click.Context,
    paths: tuple[Path, ...],
    output_format: str,
    strict_mode: bool,
    default_priority: str | None,
    disable: tuple[str, ...],
    changed: bool,
    base: str | None,
) -> None:
    """Check post-mortems (files, or directories searched for *.md) for completeness and blame."""
    with json_errors(output_format == "json"):
        if not paths and not changed:
            raise UsageError("no documents to lint", hint="pass files or directories, or --changed")
        if base is not None and not changed:
            raise UsageError("--base only applies with --changed", hint="add --changed")
        disabled = _disabled(disable)
        settings = load_settings(_config_path(ctx))
        priority = Priority(default_priority) if default_priority else settings.default_priority
        checkout = GitCheckout.find(Path.cwd())
        if changed:
            if checkout is None:
                raise UsageError("--changed needs a git checkout", hint="run it inside the repository, or pass paths")
            ref, note = pick_base(checkout, base)
            if note:
                click.echo(f"note: {note}", err=True)
            targets = changed_documents(checkout, ref, paths, settings)
            log.info("%s post-mortems changed against %s", len(targets), ref)
        else:
            targets = list(paths)
        options = LintOptions(
            default_priority=priority,
            disabled=disabled,
            due_date=_due_date_for(settings, priority),
            first_commit=checkout.first_commit if checkout is not None else None,
        )
        found: list[Diagnostic] = []
        documents = 0
        exclude = excluder(settings.sources.exclude) if settings.sources.exclude else None
        parse_options = parse_options_for(settings)
        for result in load_documents(targets, parse_options, exclude=exclude) if targets else ():
            if result.postmortem is not None and not is_postmortem(result.postmortem):
                # As sync does: a README.md beside the post-mortems is not one, and must not fail
                # the lint of the folder (or a CI job running `lint --changed`).
                click.echo(
                    f"info: {result.path}: not a post-mortem (no summary field, no action-item section); skipped",
                    err=True,
                )
                continue
            documents += 1
            if result.postmortem is not None:
                # An uncertain item is asked about (PM051), not held to the rules of an item to ticket.
                result = result.model_copy(update={"postmortem": planned_items(result.postmortem, parse_options)})
            found.extend(lint_result(result, options))
        diagnostics = sort_diagnostics(strict(found) if strict_mode else found)
        log.debug("Linted %s documents: %s diagnostics", documents, len(diagnostics))
        if output_format == "json":
            click.echo(json.dumps([d.model_dump(mode="json") for d in diagnostics], indent=2, ensure_ascii=False))
        else:
            for diagnostic in diagnostics:
                click.echo(diagnostic.format())
            click.echo(summary_line(diagnostics, documents))
        failed = any(d.severity is DiagnosticSeverity.ERROR for d in diagnostics)
        ctx.exit(exit_code_with_missing(1 if failed else 0, paths if not changed else ()))


commands = [lint]
