"""The short-text cache: repeated short texts are computed once, long ones every time (hostile input cannot
fill the cache with its own size)."""

from __future__ import annotations

from sync.core.parse.memo import SHORT, short_text_cache


def test_a_short_text_is_computed_once_and_a_long_one_every_time() -> None:
    calls: list[str] = []

    @short_text_cache(maxsize=8)
    def shout(text: str) -> str:
        calls.append(text)
        return text.upper()

    long = "x" * (SHORT + 1)
    assert [shout("ok"), shout("ok"), shout(long), shout(long)] == ["OK", "OK", long.upper(), long.upper()]
    assert calls == ["ok", long, long]


def test_the_cache_keeps_results_apart_by_every_argument() -> None:
    @short_text_cache(maxsize=8)
    def pair(text: str, year: int | None) -> tuple[str, int | None]:
        return text, year

    assert [pair("May 4", 2025), pair("May 4", 2026), pair("May 4", None)] == [
        ("May 4", 2025),
        ("May 4", 2026),
        ("May 4", None),
    ]
