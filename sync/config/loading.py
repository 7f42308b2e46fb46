"""Loading the configuration: file, environment, rebased paths, secrets, side files (see :mod:`sync.config`)."""

from __future__ import annotations

import logging
import os
import re
import urllib.parse
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import (
    SecretStr,
    ValidationError,
)

from sync.config.models import _ENV_NAME, GitHubTrackerSettings, JiraTrackerSettings, Settings, read_owner_file
from sync.config.sources import (
    apply_env_overrides,
    find_config,
    format_errors,
    read_toml,
    reject_secret_keys,
)
from sync.errors import ConfigError
from sync.logs import register_secret

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Loading


def load_settings(
    path: Path | None = None, environ: Mapping[str, str] | None = None, *, cwd: Path | None = None
) -> Settings:
    """Load, merge and validate the configuration; raise :class:`ConfigError` listing every problem.

    ``path`` wins over ``$PMSYNC_CONFIG``, which wins over ``./pmsync.toml``; with none of them the
    defaults apply. ``environ`` defaults to the process environment; ``cwd`` to the working directory.
    """
    env = os.environ if environ is None else environ
    cwd = cwd or Path.cwd()
    config_path = find_config(path, env, cwd)
    raw: dict[str, Any] = read_toml(config_path) if config_path else {}
    base = config_path.parent if config_path else cwd

    problems: list[str] = []
    file_has_tracker = "tracker" in raw
    origins = apply_env_overrides(raw, env, problems)
    _state_url_from_env(raw, env, origins, problems)
    tracker_raw = raw.get("tracker")
    if not file_has_tracker and isinstance(tracker_raw, dict) and "kind" not in tracker_raw:
        # PMSYNC_TRACKER__PROJECT_PREFIX alone overrides a key of the default tracker (local).
        tracker_raw["kind"] = "local"
    reject_secret_keys(raw, (), origins, problems)
    settings: Settings | None = None
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        problems.extend(format_errors(exc, origins, Settings.model_fields))
    if settings is not None:
        settings = _rebase_paths(settings, base)
        settings = _resolve_token(settings, env, problems)
        _register_state_password(settings.state.url)
        _load_side_files(settings, problems)
    if problems or settings is None:
        where = str(config_path) if config_path else "defaults (no config file)"
        raise ConfigError(
            "\n".join(problems), hint=f"fix the settings above in {where}; config.example.toml lists every key"
        )
    log.debug("configuration loaded from %s", config_path or "defaults")
    return settings


def _rebase(path: Path | None, base: Path) -> Path | None:
    if path is None:
        return None
    path = path.expanduser()
    return path if path.is_absolute() else base / path


def _rebase_glob(pattern: str, base: Path) -> str:
    expanded = os.path.expanduser(pattern)
    return expanded if os.path.isabs(expanded) else str(base / expanded)


def _rebase_paths(settings: Settings, base: Path) -> Settings:
    update: dict[str, Any] = {
        "sources": settings.sources.model_copy(
            update={
                "paths": tuple(_rebase_glob(p, base) for p in settings.sources.paths),
                # A bare file name matches anywhere; a pattern with a directory part is a path like `paths`.
                "exclude": tuple(_rebase_glob(p, base) if "/" in p else p for p in settings.sources.exclude),
            }
        ),
        "reports": settings.reports.model_copy(
            update={
                "output_dir": _rebase(settings.reports.output_dir, base),
                "webhook_url_file": _rebase(settings.reports.webhook_url_file, base),
            }
        ),
        "owners": settings.owners.model_copy(update={"file": _rebase(settings.owners.file, base)}),
        "compliance": settings.compliance.model_copy(
            update={"rules_file": _rebase(settings.compliance.rules_file, base)}
        ),
        "authoring": settings.authoring.model_copy(
            update={
                "template": _rebase(settings.authoring.template, base),
                "dir": _rebase(settings.authoring.dir, base),
            }
        ),
    }
    update["state"] = settings.state.model_copy(update={"url": _rebase_sqlite_url(settings.state.url, base)})
    tracker = settings.tracker
    if isinstance(tracker, JiraTrackerSettings | GitHubTrackerSettings):
        update["tracker"] = tracker.model_copy(update={"token_file": _rebase(tracker.token_file, base)})
    service = settings.service
    update["service"] = service.model_copy(
        update={
            "github_webhook_secret_file": _rebase(service.github_webhook_secret_file, base),
            "jira_webhook_secret_file": _rebase(service.jira_webhook_secret_file, base),
        }
    )
    writeback = settings.writeback
    update["writeback"] = writeback.model_copy(
        update={"root": _rebase(writeback.root, base), "token_file": _rebase(writeback.token_file, base)}
    )
    settings = settings.model_copy(update=update)
    settings.sources._root = os.path.abspath(base)
    return settings


def _rebase_sqlite_url(url: str, base: Path) -> str:
    """``sqlite:///pmsync.db`` → ``sqlite:////<base>/pmsync.db``: a relative database file is relative to
    the configuration file like every other path, so a run from another folder finds the same state
    instead of silently starting a second, empty one (issue 22)."""
    # Parsed by hand: sync.config does no database access, and the engine (sync.store) checks the URL.
    match = re.match(r"^(sqlite(?:\+\w+)?:///)([^?]*)(\?.*)?$", url)
    if match is None:
        return url
    prefix, database, query = match.groups()
    if not database or database == ":memory:" or database.startswith("file:"):
        return url
    path = Path(database).expanduser()
    return f"{prefix}{path if path.is_absolute() else base / path}{query or ''}"


def _state_url_from_env(
    raw: dict[str, Any], env: Mapping[str, str], origins: dict[tuple[str, ...], str], problems: list[str]
) -> None:
    """``[state] url_env`` names the variable holding the URL; a password in a URL written in the file
    is refused like a token would be (secrets never live in the file), without echoing it."""
    section = raw.get("state")
    if not isinstance(section, dict):
        return
    name = section.get("url_env")
    if isinstance(name, str) and ("state", "url") not in origins:  # PMSYNC_STATE__URL still wins
        value = (env.get(name) or "").strip()
        if value:
            section["url"] = value
            origins[("state", "url")] = name
        elif re.match(_ENV_NAME, name):  # a malformed name is reported by the model
            problems.append(f"[state] url_env: {name} is not set; export {name}=<database URL>")
    url = section.get("url")
    if isinstance(url, str) and ("state", "url") not in origins and _has_password(url):
        section.pop("url")  # so that no later message can show it
        problems.append(
            "[state] url: holds a password, and secrets are not read from configuration; put the URL in the "
            "environment: PMSYNC_STATE__URL, or the variable named by [state] url_env (or use ~/.pgpass)"
        )


def _has_password(url: str) -> bool:
    try:
        return bool(urllib.parse.urlsplit(url.strip()).password)
    except ValueError:  # malformed (an unclosed IPv6 bracket…): still no password in the file
        return re.match(r"^[A-Za-z0-9+.-]+://[^/@:]*:[^/@]+@", url.strip()) is not None


def _register_state_password(url: str) -> None:
    # A password in the database URL (set through PMSYNC_STATE__URL, never the file) is a secret
    # like a token: the log filter redacts it wherever it would appear.
    password = urllib.parse.urlsplit(url).password
    if password:
        register_secret(urllib.parse.unquote(password))


def _resolve_token(settings: Settings, env: Mapping[str, str], problems: list[str]) -> Settings:
    tracker = settings.tracker
    if not isinstance(tracker, JiraTrackerSettings | GitHubTrackerSettings) or tracker.token is not None:
        return settings
    token: str | None
    if tracker.token_file is not None:
        try:
            token = tracker.token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
            problems.append(f"[tracker] token_file: cannot read {tracker.token_file}: {reason}")
            return settings
        if not token:
            problems.append(f"[tracker] token_file: {tracker.token_file} is empty")
            return settings
    else:
        token = (env.get(tracker.token_env) or "").strip()
        if not token:
            problems.append(
                f"[tracker] token: field required; export {tracker.token_env}=<token> or set token_file "
                f"to a file holding it"
            )
            return settings
    register_secret(token)
    return settings.model_copy(update={"tracker": tracker.model_copy(update={"token": SecretStr(token)})})


def _load_side_files(settings: Settings, problems: list[str]) -> None:
    """Read the owner directory file and the compliance rules now, so mistakes surface at load."""
    if settings.owners.file is not None:
        settings.owners._file_entries = read_owner_file(settings.owners.file, problems)
    try:
        settings.compliance.rules()
    except ConfigError as exc:
        problems.append(exc.message)
