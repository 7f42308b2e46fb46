"""pmsync's configuration: one TOML file, environment overrides, strict validation.

Where settings come from, later wins:

1. defaults (local tracker, ``sqlite:///pmsync.db``) — pmsync runs with no file at all;
2. the TOML file: the ``path`` argument, else ``$PMSYNC_CONFIG``, else ``./pmsync.toml`` if present;
3. environment overrides ``PMSYNC_<SECTION>__<KEY>[__<KEY>…]`` (``PMSYNC_STATE__URL``,
   ``PMSYNC_TRACKER__PROJECT``); a value starting with ``[`` or ``{`` is read as JSON, list
   settings also accept ``a,b,c``.

Every model forbids unknown keys and is frozen. Problems are collected and raised together as one
:class:`~sync.errors.ConfigError`, one line each: ``[tracker] project: field required``.

Secrets never live in the file: a ``token``/``password``/``secret`` key is an error. Tracker tokens
come from the environment variable named by ``token_env``, or from ``token_file`` (which wins when
set); they are stripped, held as :class:`~pydantic.SecretStr` and registered with the log redactor.
A ``[state] url`` holding a password is refused in the file: it comes from ``PMSYNC_STATE__URL`` or
the variable ``[state] url_env`` names.
No error message ever contains a secret's value — messages are built from key names only.

Relative paths in the file (``token_file``, ``owners.file``, ``compliance.rules_file``,
``sources.paths``, ``sources.exclude``, ``reports.output_dir``, a SQLite ``state.url``) are relative
to the file's directory (without a file, to the working directory),
so a config checked into a repository works from any working directory.

One way to read settings, and it is not pydantic-settings (no longer a dependency): the file and the
``PMSYNC_A__B`` overrides are merged into one raw mapping by :mod:`sync.config.sources` and validated
once, by the strict frozen models below. Only that way does one ``ConfigError`` list the problems of
the file and of the environment together, rebase paths alike, and name where each bad value came
from (``[state] url: … (from PMSYNC_STATE__URL)``) — pydantic-settings' sources lose the variable
name, and its ``BaseSettings`` would read the environment a second time, inside the models.
The models (sections are added there) live in :mod:`sync.config.models`, :func:`~sync.config.loading.load_settings`
in :mod:`sync.config.loading`, the raw file and environment merge in :mod:`sync.config.sources`.
"""
