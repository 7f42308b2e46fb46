"""Charts as hand-written inline SVG: bars, grouped bars and a line, with axes, value labels and a
legend. No plotting library: the HTML report works with its charts on the base install, draws
the same bytes for the same report, and is small enough to render 100,000 items' charts in
milliseconds.

Every chart has a ``<title>`` (read by screen readers and shown as a tooltip), labels its values
and says "no data" instead of drawing an empty frame. Text is escaped; colours are fixed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

COLOURS = ("#0969da", "#bf3989", "#1a7f37", "#9a6700", "#8250df", "#cf222e", "#1b7c83", "#6e7781")
WIDTH = 640
HEIGHT = 300
_LEFT, _RIGHT, _TOP, _BOTTOM = 56, 16, 36, 64


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per label; None: nothing to draw there
    notes: Sequence[str] = ()  # a label above each value (e.g. "3/4"); empty: the value itself


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) or abs(value) >= 100 else f"{value:,.1f}"


def _nice_max(top: float) -> float:
    """A round axis maximum at or above ``top``: four grid steps of 1, 2 or 5 times a power of ten
    (whole numbers for counts of 4 and more, so no "0.8 items")."""
    if top <= 0:
        return 4.0
    quarter = top / 4
    power = 10.0 ** math.floor(math.log10(quarter))
    # Steps stay whole numbers down to a power of one; below it (fractions) 1, 2 and 5 only.
    steps = (
        (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)
        if power >= 10
        else (1, 2, 3, 4, 5, 6, 8, 10)
        if power >= 1
        else (1, 2, 5, 10)
    )
    step = next(s * power for s in steps if s * power >= quarter)
    return 4 * max(step, 1.0) if top >= 1 else 4 * step


def _frame(title: str, body: list[str], height: int = HEIGHT) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" role="img" font-family="system-ui,sans-serif" font-size="11">'
        f"<title>{escape(title)}</title>"
        f'<text x="{WIDTH / 2:.0f}" y="20" text-anchor="middle" font-size="14" font-weight="600">{escape(title)}</text>'
        + "".join(body)
        + "</svg>"
    )


def _no_data(title: str) -> str:
    # Short: an empty chart should not take a screen's height.
    return _frame(title, [f'<text x="{WIDTH / 2:.0f}" y="48" text-anchor="middle" fill="#59636e">no data</text>'], 64)


def _axes(top: float, unit: str, labels: Sequence[str]) -> tuple[list[str], float, float]:
    """Grid lines, the y axis and the x labels; returns them with the plot's width and height."""
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM
    parts: list[str] = []
    for step in range(5):
        value = top * step / 4
        y = _TOP + plot_h - plot_h * step / 4
        parts.append(f'<line x1="{_LEFT}" x2="{_LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d1d9e0"/>')
        parts.append(f'<text x="{_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#59636e">{_fmt(value)}</text>')
    parts.append(
        f'<text transform="translate(14 {_TOP + plot_h / 2:.0f}) rotate(-90)" text-anchor="middle" '
        f'fill="#59636e">{escape(unit)}</text>'
    )
    slot = plot_w / max(1, len(labels))
    slanted = len(labels) > 8 or max((len(label) for label in labels), default=0) * 6 > slot
    for n, label in enumerate(labels):
        x = _LEFT + slot * (n + 0.5)
        y = _TOP + plot_h + 14
        shown = escape(label if len(label) <= 18 else label[:17] + "…")
        if slanted:
            parts.append(f'<text transform="translate({x:.1f} {y:.0f}) rotate(-35)" text-anchor="end">{shown}</text>')
        else:
            parts.append(f'<text x="{x:.1f}" y="{y:.0f}" text-anchor="middle">{shown}</text>')
    return parts, plot_w, plot_h


def _legend(series: Sequence[Series]) -> list[str]:
    if len(series) < 2:
        return []
    parts: list[str] = []
    x = _LEFT
    for n, s in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="{HEIGHT - 14}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{HEIGHT - 5}">{escape(s.name)}</text>')
        x += 24 + 7 * len(s.name)
    return parts


def bars(title: str, labels: Sequence[str], series: Sequence[Series], unit: str, *, top: float | None = None) -> str:
    """Vertical bars, one group per label and one bar per series in it."""
    values = [v for s in series for v in s.values if v is not None]
    if not labels or not values:
        return _no_data(title)
    axis_top = top if top is not None else _nice_max(max(values))
    parts, plot_w, plot_h = _axes(axis_top, unit, labels)
    slot = plot_w / len(labels)
    width = slot * 0.8 / len(series)
    for k, s in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        for n, value in enumerate(s.values):
            if value is None:
                continue
            h = plot_h * min(value, axis_top) / axis_top
            x = _LEFT + slot * n + slot * 0.1 + width * k
            y = _TOP + plot_h - h
            note = s.notes[n] if n < len(s.notes) else _fmt(value)
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(f'{labels[n]}, {s.name}: {note}')}</title></rect>"
            )
            parts.append(f'<text x="{x + width / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{escape(note)}</text>')
    return _frame(title, parts + _legend(series))


def line(title: str, labels: Sequence[str], series: Series, unit: str, *, top: float | None = None) -> str:
    """One line with a dot and a label per point; a gap where a value is None."""
    values = [v for v in series.values if v is not None]
    if not labels or not values:
        return _no_data(title)
    axis_top = top if top is not None else _nice_max(max(values))
    parts, plot_w, plot_h = _axes(axis_top, unit, labels)
    slot = plot_w / len(labels)
    points: list[tuple[float, float] | None] = []
    for n, value in enumerate(series.values):
        if value is None:
            points.append(None)
            continue
        points.append((_LEFT + slot * (n + 0.5), _TOP + plot_h - plot_h * min(value, axis_top) / axis_top))
    path: list[str] = []
    pen_up = True
    for point in points:
        if point is None:
            pen_up = True
            continue
        path.append(f"{'M' if pen_up else 'L'}{point[0]:.1f} {point[1]:.1f}")
        pen_up = False
    parts.append(f'<path d="{" ".join(path)}" fill="none" stroke="{COLOURS[0]}" stroke-width="2.5"/>')
    for n, point in enumerate(points):
        if point is None:
            continue
        value = series.values[n]
        assert value is not None
        note = series.notes[n] if n < len(series.notes) else _fmt(value)
        parts.append(
            f'<circle cx="{point[0]:.1f}" cy="{point[1]:.1f}" r="4" fill="{COLOURS[0]}">'
            f"<title>{escape(f'{labels[n]}: {note}')}</title></circle>"
        )
        parts.append(
            f'<text x="{point[0]:.1f}" y="{point[1] - 8:.1f}" text-anchor="middle" font-size="10">{escape(note)}</text>'
        )
    return _frame(title, parts)


def horizontal_bars(title: str, labels: Sequence[str], values: Sequence[float], unit: str) -> str:
    """One horizontal bar per label (long names fit), largest first as given."""
    if not labels or not any(values):
        return _no_data(title)
    row = 20
    height = _TOP + row * len(labels) + 24
    left = 150
    plot_w = WIDTH - left - 60
    top = max(values)
    parts: list[str] = []
    for n, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = _TOP + row * n
        w = plot_w * value / top if top else 0
        shown = escape(label if len(label) <= 24 else label[:23] + "…")
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{shown}</text>')
        parts.append(
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" fill="{COLOURS[5]}">'
            f"<title>{escape(f'{label}: {_fmt(value)} {unit}')}</title></rect>"
        )
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 14}">{_fmt(value)}</text>')
    return _frame(title, parts, height)
