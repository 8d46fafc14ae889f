"""The state of the art over time, drawn as SVG when the site is built (no script needed).

Time runs left to right; better runs upwards whatever the metric's direction, so for an error
rate the axis is reversed (lower values higher up) and says so. One point per step: each result
that set a new best when it appeared.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import sys
from collections.abc import Sequence

from markupsafe import escape

from ..dates import first_day
from ..leaderboard import Step
from ..markdown import number

WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 44


def _day(text: str) -> float:
    return first_day(text).toordinal()


def _half_span(low: float, high: float) -> float:
    """Half of ``high - low``: finite for any two finite floats, where the difference of values
    near ±1.8e308 (valid, if absurd, results) is not."""
    return high / 2 - low / 2


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        return [low]
    raw = _half_span(low, high) / count * 2
    if not raw > 0:  # a span of subnormal values (5e-323) halved and divided is 0: one tick
        return [low]
    step = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= step * factor:
            step *= factor
            break
    if not step:  # below the smallest float: one tick
        return [low]
    first = math.ceil(low / step) * step
    count = int(_half_span(first, high) / step * 2 + 1e-9) + 1
    if step < 1e300:
        return [first + i * step for i in range(count)]
    return [(first / 2 + i * (step / 2)) * 2 for i in range(count)]  # 2 * 1e308 is inf


#: The font size of a model's label, in the chart's units (style.css says the same): the chart
#: is never drawn narrower than 640 px, so a label stays at 10.7 px or more on a phone.
LABEL_SIZE = 12
#: The most new bests a chart names, the latest: more would not fit its 640 px.
MAX_LABELS = 40


#: A rectangle on the chart: left, top, right, bottom.
Box = tuple[float, float, float, float]


def _label_box(px: float, py: float, width: float, side: str, below: bool
               ) -> tuple[Box, float, float, str]:
    """Where a label of ``width`` beside the point (``px``, ``py``) goes: its box, the text's
    x and baseline, and its anchor (``start``: to the right of the point)."""
    tx = px + 6 if side == "start" else px - 6
    left = tx if side == "start" else tx - width
    base = py + 6 + LABEL_SIZE if below else py - 6
    return (left, base - LABEL_SIZE, left + width, base + 2), tx, base, side


def _text_width(text: str) -> float:
    """At least the width a label's text takes at :data:`LABEL_SIZE`, glyph by glyph, as the
    site's fonts draw them: 1.1 em for a wide one (M, W, m, w, @, %, &, and any glyph outside
    ASCII: CJK, emoji, a font's fallback), 0.8 em for another capital, 0.6 em for the rest.
    At an average 0.6 em a glyph, "MMMMMMMMMMMMMMMMMMMMMMM" ran past the plot's edge and over
    its neighbours (helper-89)."""
    ems = 0.0
    for char in text:
        if not char.isascii() or char in "MWmw@%&":
            ems += 1.1
        elif char.isupper():
            ems += 0.8
        else:
            ems += 0.6
    return ems * LABEL_SIZE


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(box: Box, plot_w: float, plot_h: float) -> bool:
    return LEFT <= box[0] <= box[2] <= LEFT + plot_w and TOP <= box[1] <= box[3] <= TOP + plot_h


def sota_chart(steps: Sequence[Step], metric_name: str, direction: str,
               title_id: str = "chart-title") -> str:
    """An SVG of ``steps`` (oldest first), or an empty string when there is nothing to draw;
    ``title_id``: its title's id, one a page (a board has a chart a view)."""
    if not steps:
        return ""
    days = [_day(s.date) for s in steps]
    values = [s.value for s in steps]
    x0, x1 = min(days), max(days)
    if x1 == x0:  # half a year either side, within the calendar (a result dated 0001-01-01)
        x0, x1 = max(x0 - 180, 1), min(x1 + 180, dt.date.max.toordinal())
    low, high = min(values), max(values)
    pad = _half_span(low, high) * 0.2 or abs(high) * 0.05 or 1.0
    low, high = max(low - pad, -sys.float_info.max), min(high + pad, sys.float_info.max)
    if not _half_span(low, high) > 0:  # values so small (5e-323) that half their span is 0
        low, high = low - 1.0, high + 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: float) -> float:
        return LEFT + (day - x0) / (x1 - x0) * plot_w

    def y(value: float) -> float:
        share = (value / 2 - low / 2) / _half_span(low, high)
        return TOP + (share if direction == "lower" else 1 - share) * plot_h

    label = f"{metric_name} ({'lower' if direction == 'lower' else 'higher'} is better)"
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-labelledby="{title_id}" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{title_id}">State of the art over time: {escape(label)}</title>',
             f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" class="plot"/>']
    ticks = _ticks(low, high)
    # Float noise off (0.30000000000000004), to the step's own digits (one more for 2.5): a
    # fixed 10 decimals wrote every tick of a board of 1e-11 values as 0.
    spacing = abs(ticks[1] - ticks[0]) if len(ticks) > 1 else 0.0
    digits = 1 - math.floor(math.log10(spacing)) if 0 < spacing < math.inf else None
    for tick in ticks:
        ty = y(tick)
        if digits is not None and math.isfinite(rounded := round(tick, digits)):
            tick = rounded  # (round() of 1e308 to a negative place may be inf: kept as is)
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" '
                     f'class="grid"/><text x="{LEFT - 6}" y="{ty + 4:.1f}" class="tick" '
                     f'text-anchor="end">{escape(number(tick))}</text>')
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
    # Each new best named by its model, the latest first, beside its point: above or below,
    # to its right or left, where the label covers no other label, no point and no part of the
    # line, and stays in the plot; a label with no such place is left out (the point keeps its
    # tooltip, and the page lists every new best). Placed anywhere it fitted, a label sat over
    # another model's point, and the line ran through labels (helper-88).
    xs, ys = [x(d) for d in days], [y(v) for v in values]
    ends = [*xs[1:], LEFT + plot_w]  # where each best's level ends: the next one's rise
    placed: list[Box] = []

    def clear(box: Box, own: int) -> bool:
        # Only the steps within the box's columns can meet it (xs and ends ascend), so a board
        # of thousands of steps costs a label what its neighbours cost.
        for j in range(bisect.bisect_left(ends, box[0] - 7), bisect.bisect_right(xs, box[2] + 7)):
            nxt = min(j + 1, len(xs) - 1)
            if (j != own and _overlap(box, (xs[j] - 7, ys[j] - 7, xs[j] + 7, ys[j] + 7))) \
                    or _overlap(box, (xs[j], ys[j] - 1, ends[j], ys[j] + 1)) \
                    or _overlap(box, (ends[j] - 1, min(ys[j], ys[nxt]), ends[j] + 1,
                                      max(ys[j], ys[nxt]))):
                return False
        return not any(_overlap(box, b) for b in placed)

    for i in range(len(xs) - 1, max(len(xs) - MAX_LABELS, 0) - 1, -1):
        px, py = xs[i], ys[i]
        name = steps[i].row.result.model
        name = name if len(name) <= 28 else name[:27] + "…"
        width = _text_width(name)
        sides = ("end", "start") if px > LEFT + plot_w * 0.7 else ("start", "end")
        spot = next((s for below in (False, True) for s in (
            _label_box(px, py, width, side, below) for side in sides)
            if _inside(s[0], plot_w, plot_h) and clear(s[0], i)), None)
        if spot is None:
            continue
        box, tx, base, side = spot
        placed.append((box[0] - 6, box[1], box[2] + 6, box[3]))  # a gap between two labels
        parts.append(f'<text x="{tx:.1f}" y="{base:.1f}" class="label" text-anchor="{side}">'
                     f'{escape(name)}</text>')
    parts.append(f'<text x="{LEFT}" y="{HEIGHT - 6}" class="axis">{escape(label)}, '
                 'plotted so that up is better</text></svg>')
    return "".join(parts)
