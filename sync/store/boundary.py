"""The store boundary: database errors become :class:`sync.errors.StateError` here, once.

Every public function and method of ``sync.store`` that touches the database is wrapped, so
nothing above the store knows SQLAlchemy: the CLI, apply and the service handle ``StateError``
like any other pmsync error. Messages name the operation and the driver's first line, never the
SQL or its parameters (which may hold document text).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from sync.errors import StateError

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)


def describe_db_error(exc: SQLAlchemyError) -> str:
    """One line naming a database error without the SQL or its parameters (which may hold
    document text) — the driver's own first line says what went wrong."""
    origin = getattr(exc, "orig", None) or exc
    first = str(origin).strip().splitlines()[0] if str(origin).strip() else ""
    return f"{type(origin).__name__}: {first}" if first else type(origin).__name__


def state_errors(function: F) -> F:
    """Translate the database errors ``function`` raises into :class:`StateError`."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except SQLAlchemyError as exc:
            raise StateError(
                f"state database error in {function.__name__}: {describe_db_error(exc)}",
                hint="check that [state] url is reachable and the database is migrated",
            ) from exc

    return wrapper  # type: ignore[return-value]


def state_error_methods(cls: C) -> C:
    """Class decorator: :func:`state_errors` on every public method."""
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and callable(member):
            setattr(cls, name, state_errors(member))
    return cls
