"""Optional dependencies: features whose libraries are heavy are pip extras, imported on first use.

``pip install pmsync`` brings only what parse, lint, plan, sync, status and the demo import. The rest is an
extra (``pyproject.toml``), and code that needs one imports it through :func:`require` at the point of use —
inside the function or factory, never at module level of a module the CLI imports at start-up — so a user
without the extra gets one clear line naming it instead of a traceback:

==============  =================================  =====================================================
extra           libraries                          needed by
==============  =================================  =====================================================
``postgres``    psycopg                            ``[state] url = "postgresql+psycopg://…"``
``service``     schedule, prometheus_client        ``pmsync serve``
``all``         every one of the above             the Docker image's ``EXTRAS`` build argument
==============  =================================  =====================================================

No tracker needs an extra: the Jira and GitHub adapters speak their REST APIs over httpx (a base
dependency), so neither the ``jira`` client library nor PyGithub is used.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType

from sync.errors import ConfigError

__all__ = ["EXTRA_OF", "MissingExtra", "require"]

# Top-level import name → the extra that installs it.
EXTRA_OF: Mapping[str, str] = {
    "psycopg": "postgres",
    "schedule": "service",
    "prometheus_client": "service",
}


class MissingExtra(ConfigError):
    """A configured feature needs an optional dependency that is not installed (exit 2, like any
    configuration problem: the fix is an install or a setting, not a rerun)."""

    def __init__(self, module: str, extra: str, feature: str) -> None:
        super().__init__(
            f"{feature} needs pmsync[{extra}]: the optional dependency {module!r} is not installed",
            hint=f"pip install 'pmsync[{extra}]' (or 'pmsync[all]')",
        )
        self.module = module
        self.extra = extra


def require(module: str, feature: str, *, extra: str | None = None) -> ModuleType:
    """Import ``module`` now; if it (not one of its own dependencies) is missing, raise :class:`MissingExtra`
    naming the extra that installs it. ``feature`` says what needed it, e.g. ``'[service]'``."""
    top = module.split(".", 1)[0]
    name = extra or EXTRA_OF.get(top)
    if name is None:
        raise ValueError(f"no extra is known for {module!r}; add it to EXTRA_OF")
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        # A broken installation of the library itself (a dependency of it missing) is not this problem.
        if exc.name is not None and exc.name.split(".", 1)[0] != top:
            raise
        raise MissingExtra(top, name, feature) from None
