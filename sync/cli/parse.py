"""``pmsync parse`` and ``pmsync schema``: read post-mortems and show what pmsync understood."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from sync.cli.syncing import exit_code_with_missing
from sync.core.model import DiagnosticSeverity, ParseResult
from sync.documents import load_documents

_TEXT_WIDTH = 60


@click.command("parse")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="table: a human summary; json: one JSON object per document per line.",
)
@click.option("--array", is_flag=True, help="With --format json: print one JSON array instead of JSON lines.")
@click.pass_context
def parse(ctx: click.Context, paths: Sequence[Path], output_format: str, array: bool) -> None:
    """Parse post-mortem documents (files, or directories searched for *.md).

    Diagnostics go to stderr as 'path:line: severity code message'. Exits 1 when any document
    has an error diagnostic, 2 when a path given does not exist; the other documents are still
    parsed and printed.
    """
    failed = False
    collected: list[ParseResult] = []
    for result in load_documents(paths):
        for diagnostic in result.diagnostics:
            click.echo(diagnostic.format(), err=True)
        failed = failed or any(d.severity is DiagnosticSeverity.ERROR for d in result.diagnostics)
        if output_format == "json" and array:
            collected.append(result)
        elif output_format == "json":
            click.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
        else:
            click.echo(_table(result))
    if output_format == "json" and array:
        click.echo(json.dumps([r.model_dump(mode="json") for r in collected], ensure_ascii=False, indent=2))
    ctx.exit(exit_code_with_missing(1 if failed else 0, paths))


@click.command("schema")
@click.argument("which", type=click.Choice(["parse", "report"]), default="parse")
def schema(which: str) -> None:
    """Print a JSON Schema: of 'pmsync parse --format json' output (one document; the default)
    or, with 'report', of 'pmsync report … --format json'."""
    if which == "report":
        from reports.render_json import report_schema

        click.echo(json.dumps(report_schema(), indent=2))
        return
    click.echo(json.dumps(ParseResult.model_json_schema(mode="serialization"), indent=2))


def _table(result: ParseResult) -> str:
    pm = result.postmortem
    head = (
        f"{result.path}  id={pm.incident_id or '-'}  severity={pm.severity.value if pm.severity else '-'}  "
        f"items={len(pm.action_items)}  diagnostics={len(result.diagnostics)}"
        if pm is not None
        else f"{result.path}  (not parsed)  diagnostics={len(result.diagnostics)}"
    )
    lines = [head]
    for item in pm.action_items if pm is not None else ():
        text = item.text if len(item.text) <= _TEXT_WIDTH else item.text[: _TEXT_WIDTH - 1] + "…"
        priority = item.priority.value if item.priority else "-"
        status = item.status.value if item.status else "-"
        deadline = item.deadline.isoformat() if item.deadline else "-"
        # "?" marks a low-confidence item (asked about, not ticketed by default).
        mark = "?" if item.confidence == "low" else " "
        lines.append(
            f" {mark}#{item.number:<3} {item.owner or '-':<20} {priority:<3} {status:<11} {deadline:<10} {text}"
        )
    return "\n".join(lines)


commands = [parse, schema]
