"""A cache for pure functions of a short text: the labels, cells and timeline fields a corpus written from one
template repeats. Texts over the limit are computed afresh, so a hostile document of long unique lines costs the
cache at most ``maxsize`` short keys, never its own size."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

# Longer than any label, cell or timeline field worth remembering; short enough that a full cache is small.
SHORT = 256


def short_text_cache(maxsize: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Cache ``function`` for calls whose first argument is a text of at most :data:`SHORT` characters."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        cached = functools.lru_cache(maxsize=maxsize)(function)

        @functools.wraps(function)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            text = args[0] if args else None
            if isinstance(text, str) and len(text) <= SHORT and not kwargs:
                return cached(*args)
            return function(*args, **kwargs)

        return call

    return decorate
