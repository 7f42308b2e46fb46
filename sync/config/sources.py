"""Where pmsync's settings come from, before they are validated: the file, the environment, and the
wording of every problem (``[section] key: problem (from PMSYNC_…)``). The models are in :mod:`sync.config`.

Environment overrides are merged here by hand, not with pydantic-settings: an override has to land in the
same raw mapping as the TOML file (so one validation reports file and environment problems together, and
relative paths are rebased the same way), and each error line has to name the variable a bad value came
from (``[state] url: … (from PMSYNC_STATE__URL)``), which pydantic-settings' sources do not record.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from sync.errors import ConfigError

CONFIG_ENV = "PMSYNC_CONFIG"
ENV_PREFIX = "PMSYNC_"
DEFAULT_CONFIG_FILE = "pmsync.toml"
SECRET_KEY = re.compile(r"^(?:.*_)?(?:token|password|passwd|secret|api_key|secret_key|private_key)$", re.IGNORECASE)


def find_config(path: Path | None, env: Mapping[str, str], cwd: Path) -> Path | None:
    if path is not None:
        candidate, origin = path, "the --config option"
    elif env.get(CONFIG_ENV):
        candidate, origin = Path(env[CONFIG_ENV]), CONFIG_ENV
    else:
        default = cwd / DEFAULT_CONFIG_FILE
        return default if default.is_file() else None
    candidate = candidate if candidate.is_absolute() else cwd / candidate
    if not candidate.is_file():
        raise ConfigError(f"config file not found: {candidate} (from {origin})", hint="check the path, or omit it")
    return candidate


def read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8"
        raise ConfigError(f"cannot read config file {path}: {reason}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = _toml_error_line(text, str(exc))
        raise ConfigError(
            f"{path}:{line}: invalid TOML: {message}", hint="see https://toml.io for the syntax; config.example.toml"
        ) from None


def _toml_error_line(text: str, message: str) -> tuple[int, str]:
    """The line of the statement that is broken, and the message to show.

    tomllib reports where it gave up, which for an unclosed array or multi-line string is a later
    line or "end of document". The statement starts on the line after the longest prefix of the
    file (up to that point) that still parses on its own; both lines are named when they differ."""
    lines = text.splitlines(keepends=True)
    match = re.search(r"\(at line (\d+), column (\d+)\)$", message)
    noticed = int(match.group(1)) if match else len(lines)
    reason = message[: match.start()].rstrip() if match else message.replace(" (at end of document)", "")
    # The empty prefix always parses, so a start is always found (at worst line 1). Blank and
    # comment lines parse too, so the start is never one of them.
    start = next(end + 1 for end in range(noticed - 1, -1, -1) if _parses("".join(lines[:end])))
    where = f"at line {noticed}, column {match.group(2)}" if match else "at the end of the file"
    if start == noticed and match:
        return start, f"{reason} (line {noticed}, column {match.group(2)})"
    return start, f"{reason} in the statement starting on line {start} (noticed {where})"


def _parses(text: str) -> bool:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return True


def apply_env_overrides(raw: dict[str, Any], env: Mapping[str, str], problems: list[str]) -> dict[tuple[str, ...], str]:
    """Merge ``PMSYNC_A__B__C=value`` into ``raw``; return which key path came from which variable."""
    origins: dict[tuple[str, ...], str] = {}
    for name in sorted(env):
        if not name.startswith(ENV_PREFIX) or "__" not in name:
            continue
        keys = tuple(part.lower() for part in name[len(ENV_PREFIX) :].split("__"))
        if not all(keys):
            problems.append(f"{name}: malformed override name (use PMSYNC_<SECTION>__<KEY>)")
            continue
        value: Any = env[name]
        if value.lstrip().startswith(("[", "{")):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                problems.append(f"[{keys[0]}] {'.'.join(keys[1:])}: {name} is not valid JSON")
                continue
        node = raw
        for depth, key in enumerate(keys[:-1]):
            child = node.setdefault(key, {})
            if not isinstance(child, dict):
                problems.append(f"[{keys[0]}] {'.'.join(keys[1 : depth + 1])}: cannot override a part of it ({name})")
                break
            node = child
        else:
            node[keys[-1]] = value
            origins[keys] = name
    return origins


def reject_secret_keys(
    node: Any, loc: tuple[str | int, ...], origins: Mapping[tuple[str, ...], str], problems: list[str]
) -> None:
    if isinstance(node, dict):
        secret_keys: list[str] = []
        for key, value in node.items():
            here = (*loc, key)
            if isinstance(key, str) and SECRET_KEY.match(key):
                env_hint = _token_env_hint(loc)
                where = origin_note(here, origins)
                problems.append(f"{format_loc(here)}: secrets are not read from configuration; {env_hint}{where}")
                secret_keys.append(key)
            else:
                reject_secret_keys(value, here, origins, problems)
        for key in secret_keys:
            # Dropped so the rest still validates (and its value can reach no error message).
            del node[key]
    elif isinstance(node, list):
        for index, value in enumerate(node):
            reject_secret_keys(value, (*loc, index), origins, problems)


def _token_env_hint(loc: tuple[str | int, ...]) -> str:
    if loc[:1] == ("tracker",):
        return "set the environment variable named by token_env (PMSYNC_JIRA_TOKEN / PMSYNC_GITHUB_TOKEN) or token_file"
    return "put it in an environment variable or a file"


def origin_note(loc: tuple[str | int, ...], origins: Mapping[tuple[str, ...], str]) -> str:
    for keys, name in origins.items():
        if tuple(loc[: len(keys)]) == keys:
            return f" (from {name})"
    return ""


def format_loc(loc: tuple[str | int, ...]) -> str:
    parts = list(loc)
    if len(parts) >= 2 and parts[0] == "tracker" and parts[1] in ("local", "jira", "github"):
        del parts[1]  # the discriminator tag pydantic inserts is not a key the user wrote
    section = "calendar" if parts[0] == "calendar_" else parts[0]
    rest = ""
    for part in parts[1:]:
        if part == "[key]":
            rest += " (key)"  # pydantic's marker for a bad mapping key
        elif isinstance(part, int):
            rest += f"[{part}]"
        else:
            rest += f".{part}" if rest else str(part)
    return f"[{section}] {rest}" if rest else f"[{section}]"


def error_message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "union_tag_invalid":
        return f"must be one of {ctx.get('expected_tags')}"
    if kind == "union_tag_not_found":
        return "field required ('local', 'jira' or 'github')"
    message = str(error["msg"]).removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def format_errors(exc: ValidationError, origins: Mapping[tuple[str, ...], str], sections: Iterable[str]) -> list[str]:
    """One line per validation error: ``[section] key: problem (from PMSYNC_…)``."""
    lines: list[str] = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = tuple(error["loc"])
        message = error_message(error)
        if error["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc = (*loc, "kind")
        if error["type"] == "extra_forbidden" and len(loc) == 1:
            known = ", ".join(sorted(name.rstrip("_") for name in sections))
            lines.append(f"[{loc[0]}]: unknown section (known: {known}){origin_note(loc, origins)}")
            continue
        # A model validator reports "field: problem" with the section as location.
        field_in_message = re.match(r"^([a-z_]+): (.*)$", message)
        if field_in_message and error["type"] == "value_error":
            loc, message = (*loc, field_in_message.group(1)), field_in_message.group(2)
        lines.append(f"{format_loc(loc)}: {message}{origin_note(loc, origins)}")
    return lines
