"""The state of the art over time, drawn as SVG when the site is built (no script needed).

Time runs left to right; better runs upwards whatever the metric's direction, so for an error
rate the axis is reversed (lower values higher up) and says so. One point per step: each result
that set a new best when it appeared.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from markupsafe import escape

from ..leaderboard import Step
from ..markdown import number

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 44


def _day(text: str) -> float:
    return dt.date.fromisoformat(text).toordinal()


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        return [low]
    raw = (high - low) / count
    step = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= step * factor:
            step *= factor
            break
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def sota_chart(steps: Sequence[Step], metric_name: str, direction: str) -> str:
    """An SVG of ``steps`` (oldest first), or an empty string when there is nothing to draw."""
    if not steps:
        return ""
    days = [_day(s.date) for s in steps]
    values = [s.value for s in steps]
    x0, x1 = min(days), max(days)
    if x1 == x0:
        x0, x1 = x0 - 180, x1 + 180
    low, high = min(values), max(values)
    pad = (high - low) * 0.1 or abs(high) * 0.05 or 1.0
    low, high = low - pad, high + pad
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: float) -> float:
        return LEFT + (day - x0) / (x1 - x0) * plot_w

    def y(value: float) -> float:
        share = (value - low) / (high - low)
        return TOP + (share if direction == "lower" else 1 - share) * plot_h

    label = f"{metric_name} ({'lower' if direction == 'lower' else 'higher'} is better)"
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="chart-title">State of the art over time: {escape(label)}</title>',
             f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" class="plot"/>']
    for tick in _ticks(low, high):
        ty = y(tick)
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" '
                     f'class="grid"/><text x="{LEFT - 6}" y="{ty + 4:.1f}" class="tick" '
                     f'text-anchor="end">{escape(number(round(tick, 10)))}</text>')
    first_year = dt.date.fromordinal(int(x0)).year
    last_year = dt.date.fromordinal(int(x1)).year
    years = range(first_year + 1, last_year + 1)
    stride = max(1, math.ceil(len(years) / 8))
    for year in list(years)[::stride]:
        tx = x(dt.date(year, 1, 1).toordinal())
        parts.append(f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{TOP}" y2="{TOP + plot_h}" '
                     f'class="grid"/><text x="{tx:.1f}" y="{TOP + plot_h + 16}" class="tick" '
                     f'text-anchor="middle">{year}</text>')
    # A step line: a best holds until the next one replaces it.
    path = [f"M{x(days[0]):.1f},{y(values[0]):.1f}"]
    for day, value in zip(days[1:], values[1:], strict=True):
        path.append(f"H{x(day):.1f} V{y(value):.1f}")
    path.append(f"H{LEFT + plot_w}")
    parts.append(f'<path d="{" ".join(path)}" class="line"/>')
    for step, day, value in zip(steps, days, values, strict=True):
        tip = f"{step.row.result.model}: {number(value)} ({step.date})"
        parts.append(f'<circle cx="{x(day):.1f}" cy="{y(value):.1f}" r="4" class="point">'
                     f'<title>{escape(tip)}</title></circle>')
    parts.append(f'<text x="{LEFT}" y="{HEIGHT - 6}" class="axis">{escape(label)}; ↑ better'
                 '</text></svg>')
    return "".join(parts)
