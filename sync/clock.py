"""The one wall clock pmsync's edges read. Core code never calls it: ``today`` and clocks are
passed in, so tests inject fixed or fake ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """Now, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)
