"""Charts drawn on the server as SVG: bars, stacked by series, with an optional target line.

Each chart is a `Chart`: its title, its categories and series (the same numbers a screen reader gets as a table),
and the SVG markup. Colours are from the GOV.UK palette and every series also differs by its position and its
label, so that no meaning rests on colour alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#1d70b8", "#f47738", "#00703c", "#d4351c", "#4c2c92", "#28a197", "#b58840", "#505a5f")
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 64
TICKS = 4


@dataclass(frozen=True)
class Series:
    """One named row of numbers, one per category, drawn in its own colour or the palette's next."""

    name: str
    values: tuple[float, ...]
    colour: str | None = None


@dataclass(frozen=True)
class Chart:
    """A chart's data and its SVG drawing."""

    key: str
    title: str
    unit: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    svg: str

    def rows(self) -> list[list[str]]:
        """Return the chart's data as table rows: a header, then a row per category."""
        header = ["", *(s.name for s in self.series)]
        body = [[category, *(_number(s.values[i]) for s in self.series)] for i, category in enumerate(self.categories)]
        return [header, *body]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _scale(highest: float, whole: bool) -> tuple[float, int]:
    """Return the axis' top and the number of equal steps up to it: steps of 1, 2, 2.5 or 5 times a power of ten,
    at most TICKS of them, and whole steps when the values are counts (no axis marked '0.25 contacts')."""
    if highest <= 0:
        return float(TICKS), TICKS
    power = 10.0 ** math.floor(math.log10(highest / TICKS))
    candidates = [f * power for f in (1, 2, 2.5, 5, 10)]
    step = next(s for s in candidates if s * TICKS >= highest and (s.is_integer() or not whole))
    return step * math.ceil(highest / step - 1e-9), math.ceil(highest / step - 1e-9)


def bars(
    key: str,
    title: str,
    unit: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    stacked: bool = True,
    target: float | None = None,
    target_label: str = "",
    top: float | None = None,
    empty: str = "None in this period",
) -> Chart:
    """Draw vertical bars per category (stacked or side by side), with a dashed target line if given, or say
    `empty` across the plot when every value is nought."""
    totals = [
        sum(s.values[i] for s in series) if stacked else max((s.values[i] for s in series), default=0)
        for i in range(len(categories))
    ]
    highest = max([*totals, target or 0], default=0)
    whole = all(float(value).is_integer() for s in series for value in s.values)
    ceiling, steps = (top, TICKS) if top is not None else _scale(highest, whole)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(categories), 1)
    parts = [_axes(ceiling, steps, unit, plot_w, plot_h)]
    if max(totals, default=0) <= 0:
        parts.append(
            f'<text x="{LEFT + plot_w / 2:.1f}" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" '
            f'font-size="16">{escape(empty)}</text>'
        )
    for i, category in enumerate(categories):
        x0 = LEFT + i * slot + slot * 0.15
        width = slot * 0.7
        base = 0.0
        for n, s in enumerate(series):
            value = s.values[i]
            h = plot_h * value / ceiling
            if stacked:
                y = TOP + plot_h - plot_h * (base + value) / ceiling
                parts.append(_rect(x0, y, width, h, _colour(s, n), f"{category}, {s.name}: {_number(value)}"))
                base += value
            else:
                w = width / len(series)
                y = TOP + plot_h - h
                parts.append(_rect(x0 + n * w, y, w, h, _colour(s, n), f"{category}, {s.name}: {_number(value)}"))
        if len(categories) <= 16 or i % max(len(categories) // 12, 1) == 0:
            parts.append(_label(x0 + width / 2, TOP + plot_h + 16, category, slot))
    if target is not None:
        y = TOP + plot_h - plot_h * target / ceiling
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#0b0c0c" '
            f'stroke-dasharray="6 4" stroke-width="2"/>'
            f'<text x="{LEFT + plot_w}" y="{y - 4:.1f}" text-anchor="end" font-size="12">'
            f"{escape(target_label or f'target {_number(target)}')}</text>"
        )
    parts.append(_legend(series, plot_h))
    return Chart(key, title, unit, tuple(categories), tuple(series), _svg(key, title, "".join(parts)))


def _colour(series: Series, n: int) -> str:
    return series.colour or PALETTE[n % len(PALETTE)]


def _label(x: float, y: float, text: str, room: float) -> str:
    words = text.split()
    lines = (
        [text]
        if len(text) * 6 <= room or len(words) == 1
        else [" ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])]
    )
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if n == 0 else 13}">{escape(line)}</tspan>' for n, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y}" text-anchor="middle" font-size="11">{spans}</text>'


def _axes(ceiling: float, steps: int, unit: str, plot_w: float, plot_h: float) -> str:
    lines = []
    for t in range(steps + 1):
        value = ceiling * t / steps
        y = TOP + plot_h - plot_h * t / steps
        lines.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{_number(round(value, 2))}</text>'
        )
    lines.append(
        f'<text x="12" y="{TOP + plot_h / 2:.1f}" font-size="11" transform="rotate(-90 12 {TOP + plot_h / 2:.1f})" '
        f'text-anchor="middle">{escape(unit)}</text>'
    )
    return "".join(lines)


def _rect(x: float, y: float, w: float, h: float, colour: str, label: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" fill="{colour}">'
        f"<title>{escape(label)}</title></rect>"
    )


def _legend(series: Sequence[Series], plot_h: float) -> str:
    items, x = [], float(LEFT)
    y = TOP + plot_h + 40
    for n, s in enumerate(series):
        items.append(
            f'<rect x="{x:.1f}" y="{y - 10}" width="12" height="12" fill="{_colour(s, n)}"/>'
            f'<text x="{x + 16:.1f}" y="{y}" font-size="12">{escape(s.name)}</text>'
        )
        x += 24 + 7 * len(s.name)
    return "".join(items)


def _svg(key: str, title: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="chart-{key}-title" class="app-chart" font-family="Arial, sans-serif" fill-opacity="1">'
        f'<title id="chart-{key}-title">{escape(title)}</title>{body}</svg>'
    )
