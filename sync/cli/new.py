"""``pmsync new TITLE``: start a post-mortem from the template, with a fresh incident id.

The id's sequence continues from the highest id of the configured shape found in the documents
(``[sources] paths`` and the target directory) and in the state database, and is claimed there
(``sync.store.id_claims``) before the file is written, so two people starting a post-mortem at the
same moment get different ids. The file is created exclusively: an existing file is never
overwritten. Prints the document's absolute path (``--format json``: ``{"path", "incident_id"}``).
Without a configuration file, a state database that does not exist yet is not created for the claim.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path

import click

from sync.cli.syncing import json_errors
from sync.clock import utc_now
from sync.config.loading import load_settings
from sync.config.models import Settings
from sync.config.sources import find_config
from sync.core.authoring import NewDocument, check_template, file_name, fill_template, format_id, next_sequence
from sync.core.model import Severity
from sync.core.parse.dates import parse_datetime
from sync.errors import ConfigError, PmsyncError, UsageError
from sync.runtime import source_paths
from sync.store.engine import DatabaseFile, make_engine
from sync.store.id_claims import claim_id, known_ids, record_path, release_id
from sync.store.migrations import migrate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Draft:
    """What the command line says about the incident: :class:`NewDocument`'s fields before the id
    is claimed and the date known (the names match, and are passed on by name)."""

    title: str
    severity: Severity | None = None
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    team: str | None = None
    service: str | None = None
    industry: str | None = None


@dataclass(frozen=True)
class Created:
    path: Path
    incident_id: str


def house_template() -> str:
    """The template shipped with pmsync (``sync/templates/postmortem.md``)."""
    return resources.files("sync").joinpath("templates/postmortem.md").read_text(encoding="utf-8")


def load_template(settings: Settings) -> str:
    """``[authoring] template`` if set, else the house template; checked before any id is claimed."""
    path = settings.authoring.template
    if path is None:
        return house_template()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise ConfigError(f"[authoring] template: cannot read {path}: {reason}") from None
    try:
        check_template(text)
    except ValueError as exc:
        raise ConfigError(f"[authoring] template {path}: {exc}") from None
    return text


def _document_texts(settings: Settings, directory: Path) -> Iterator[str]:
    files = set(source_paths(settings, (), Path.cwd()))
    if directory.is_dir():
        files.update(p for p in directory.rglob("*.md") if p.is_file())
    for path in sorted(files):
        try:
            yield path.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:  # an unreadable file cannot hold an id we could see anyway
            log.debug("skipping %s: %s", path, exc)


def create_postmortem(
    settings: Settings,
    engine_url: str | None,
    draft: Draft,
    *,
    directory: Path | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
) -> Created:
    """Claim the next incident id and write the new document; returns where (an absolute path) and
    which id. With ``engine_url`` None no state database is used: the id follows the documents only."""
    template = load_template(settings)
    directory = Path(os.path.abspath(directory or settings.authoring.dir))
    today = clock().astimezone(settings.due_date_policy().zone).date()
    id_format = settings.authoring.id_format
    engine = make_engine(engine_url) if engine_url is not None else None
    try:
        if engine is not None:
            migrate(engine)
        claimed = [*known_ids(engine)] if engine is not None else []
        first = next_sequence(id_format, today, [*_document_texts(settings, directory), *claimed])
        if engine is not None:
            incident_id, _ = claim_id(engine, lambda seq: format_id(id_format, today, seq), first, clock=clock)
        else:
            incident_id = format_id(id_format, today, first)
        document = NewDocument(
            incident_id=incident_id, today=today, **{f.name: getattr(draft, f.name) for f in fields(draft)}
        )
        path = directory / file_name(incident_id, draft.title)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8") as out:
                out.write(fill_template(template, document))
        except FileExistsError:
            if engine is not None:
                release_id(engine, incident_id)
            raise UsageError(
                f"refusing to overwrite {path}", hint="move the existing file away, or pass another --dir"
            ) from None
        except OSError as exc:
            if engine is not None:
                release_id(engine, incident_id)
            raise PmsyncError(f"cannot write {path}: {exc.strerror}", hint="check --dir and its permissions") from None
        if engine is not None:
            record_path(engine, incident_id, str(path))
        log.info("Created %s as %s", path, incident_id)
        return Created(path=path, incident_id=incident_id)
    finally:
        if engine is not None:
            engine.dispose()


def claim_url(settings: Settings, config_file: Path | None) -> str | None:
    """The state database ids are claimed in: the configured one, except that without a
    configuration file a SQLite file that does not exist yet is not created just to hold a claim
    (``pmsync new`` in any folder leaves only the document behind; ``sync`` creates the state)."""
    url = settings.state.url
    if config_file is not None:
        return url
    database = DatabaseFile.path_of(url)
    return None if database is not None and not database.exists() else url


def _moment(option: str, value: str | None, timezone: str) -> dt.datetime | None:
    if value is None:
        return None
    moment = parse_datetime(value, timezone)
    if moment is None:
        raise UsageError(f"{option} {value!r}: not a date and time", hint='write it as "2026-03-04 14:02 UTC"')
    return moment


def _one_line(value: str | None) -> str | None:
    return " ".join(value.split()) or None if value is not None else None


@click.command("new")
@click.argument("title")
@click.option(
    "--severity",
    type=click.Choice([s.value for s in Severity], case_sensitive=False),
    help="SEV-1 revenue impact, SEV-2 customer impact, SEV-3 internal impact.",
)
@click.option("--start", metavar="WHEN", help='When the incident started, e.g. "2026-03-04 14:02 UTC".')
@click.option("--end", metavar="WHEN", help="When it ended.")
@click.option("--team", help="The owning team.")
@click.option("--service", help="The affected service.")
@click.option("--industry", help="fintech, healthcare, saas, e-commerce, manufacturing (compliance follow-ups).")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write it (default: [authoring] dir).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help='The path, or {"path", "incident_id"}.',
)
@click.pass_context
def new(
    ctx: click.Context,
    title: str,
    severity: str | None,
    start: str | None,
    end: str | None,
    team: str | None,
    service: str | None,
    industry: str | None,
    directory: Path | None,
    output_format: str,
) -> None:
    """Start a post-mortem from the template, with the next incident id."""
    with json_errors(output_format == "json"):
        if not title.strip():
            raise UsageError("the title is empty", hint='pmsync new "Checkout API returned 502s"')
        config = ctx.find_root().params.get("config")
        config_file = find_config(Path(config) if config else None, os.environ, Path.cwd())
        settings = load_settings(config_file)
        timezone = settings.due_dates.timezone
        started, ended = _moment("--start", start, timezone), _moment("--end", end, timezone)
        if started is not None and ended is not None and ended < started:
            raise UsageError("--end is before --start")
        draft = Draft(
            title=_one_line(title) or title,
            severity=Severity(severity.upper()) if severity else None,
            started_at=started,
            ended_at=ended,
            # One line each: a line break in a value would start a new line of the template
            # (a section heading, an action item) inside the summary.
            team=_one_line(team),
            service=_one_line(service),
            industry=_one_line(industry),
        )
        created = create_postmortem(settings, claim_url(settings, config_file), draft, directory=directory)
        # The same absolute path in both formats: it works from any folder the next command runs in.
        if output_format == "json":
            click.echo(json.dumps({"path": str(created.path), "incident_id": created.incident_id}))
            return
        click.echo(str(created.path))
        click.echo(f"next: write it, then `pmsync lint {created.path}`", err=True)


commands = [new]
