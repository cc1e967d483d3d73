"""Two more server-rendered SVG charts, in the manner of chart.py (no JavaScript, no inline
styles, a title and description for screen readers, the data table beside it on the page):

* `stacked_bars`: one bar a category, made of segments (series) stacked on each other, with
  an optional line marking a target between two categories. With one value a category it is
  a plain bar chart whose bars can differ in colour (within and over a target).
* `scatter`: points on two numeric axes, with dashed lines at given values (the medians)
  splitting the plot into quarters, one quarter shaded and named.

Series are told apart by pattern (solid, hatched) as well as colour, and segments by a white
edge.
"""

import math
from dataclasses import dataclass

from django.utils.html import escape
from markupsafe import Markup

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 28, 64
INK, GRID, AXIS = "#212b32", "#d8dde0", "#425563"
# NHS.UK colours with at least 3:1 contrast on white.
COLOURS = ["#003087", "#005eb8", "#007f3b", "#330072", "#7c2855", "#425563", "#8a1538"]


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple  # one a category; None or 0 draws nothing
    colour: str = ""
    hatched: bool = False


def series_colours(series):
    """Give each series without a colour the next one in COLOURS; odd ones hatched."""
    return [
        Series(s.name, s.values, s.colour or COLOURS[i % len(COLOURS)], s.hatched or bool(i % 2))
        for i, s in enumerate(series)
    ]


def legend(series):
    return [{"name": s.name, "colour": s.colour, "hatched": s.hatched} for s in series]


def nice_step(top, ticks=6):
    if top <= 0:
        return 1
    raw = top / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        if raw <= multiple * magnitude:
            step = multiple * magnitude
            return int(step) if step >= 1 else step
    return 10 * magnitude


def _number(value):
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _open(chart_id, title, description, width=WIDTH, height=HEIGHT):
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="tutti-chart" role="img" focusable="false" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]


def _patterns(series, chart_id):
    parts = ["<defs>"]
    for index, s in enumerate(series):
        if s.hatched:
            parts.append(
                f'<pattern id="{chart_id}-hatch-{index}" patternUnits="userSpaceOnUse" '
                f'width="6" height="6" patternTransform="rotate(45)">'
                f'<rect width="6" height="6" fill="#ffffff"/>'
                f'<rect width="3" height="6" fill="{s.colour}"/></pattern>'
            )
    parts.append("</defs>")
    return parts


def _fill(s, index, chart_id):
    return f"url(#{chart_id}-hatch-{index})" if s.hatched else s.colour


def stacked_bars(
    categories,
    series,
    *,
    title,
    description,
    chart_id,
    y_title="",
    marker=None,
    label_totals=True,
):
    """`marker`: (index, text): a dashed line before category `index`, labelled `text`."""
    series = series_colours(series)
    totals = [
        sum(s.values[c] or 0 for s in series if s.values[c] is not None)
        for c in range(len(categories))
    ]
    highest = max([*totals, 5])  # at least 0 to 5, so an empty chart has whole-number ticks
    step = nice_step(highest)
    top = math.ceil(highest / step) * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(categories), 1)
    bar = slot * 0.7

    def y_of(value):
        return TOP + plot_h * (1 - value / top)

    parts = _open(chart_id, title, description) + _patterns(series, chart_id)
    tick = 0
    while tick <= top + 1e-9:
        y = y_of(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{_number(tick)}</text>'
        )
        tick += step
    if y_title:
        parts.append(
            f'<text x="{LEFT}" y="{TOP - 10}" font-size="13" fill="{INK}">{escape(y_title)}</text>'
        )
    small = len(categories) > 8 and max(len(c) for c in categories) > 4
    for c, category in enumerate(categories):
        x = LEFT + slot * c + (slot - bar) / 2
        base = 0
        for s_index, s in enumerate(series):
            value = s.values[c]
            if not value:
                continue
            y0, y1 = y_of(base), y_of(base + value)
            parts.append(
                f'<rect x="{x:.1f}" y="{y1:.1f}" width="{bar:.1f}" height="{y0 - y1:.1f}" '
                f'fill="{_fill(s, s_index, chart_id)}" stroke="#ffffff" stroke-width="1"/>'
            )
            base += value
        if label_totals and totals[c]:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y_of(totals[c]) - 5:.1f}" text-anchor="middle" '
                f'font-size="{11 if small else 12}" fill="{INK}">{_number(totals[c])}</text>'
            )
        label_y = TOP + plot_h + 18
        if small:  # long runs of month ends: labels turned to fit
            cx = x + bar / 2
            parts.append(
                f'<text x="{cx:.1f}" y="{label_y}" text-anchor="end" font-size="11" '
                f'fill="{INK}" transform="rotate(-35 {cx:.1f} {label_y})">'
                f"{escape(category)}</text>"
            )
        else:
            parts.append(
                f'<text x="{LEFT + slot * c + slot / 2:.1f}" y="{label_y}" text-anchor="middle" '
                f'font-size="12" fill="{INK}">{escape(category)}</text>'
            )
    if marker is not None:
        index, text = marker
        mx = LEFT + slot * index
        parts.append(
            f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{TOP - 4}" y2="{TOP + plot_h}" '
            f'stroke="#d5281b" stroke-width="2" stroke-dasharray="6 4"/>'
            f'<text x="{mx + 4:.1f}" y="{TOP + 12}" font-size="13" fill="#d5281b">'
            f"{escape(text)}</text>"
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
        f'stroke="{AXIS}"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts)), legend(series)


@dataclass(frozen=True)
class Point:
    label: str
    x: float
    y: float
    highlighted: bool = False


def scatter(
    points,
    *,
    title,
    description,
    chart_id,
    x_title,
    y_title,
    x_split=None,
    y_split=None,
    quarter_label="",
    x_unit="",
    label_highlighted=True,
):
    """Points on x and y from 0. `x_split`/`y_split` draw dashed lines; the quarter to the
    right of x_split and below y_split (high x, low y) is shaded and named `quarter_label`."""
    height = HEIGHT + 20
    bottom = BOTTOM + 10
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - bottom
    x_top = max([p.x for p in points] + [x_split or 0, 1])
    y_top = max([p.y for p in points] + [y_split or 0, 1])
    x_step, y_step = nice_step(x_top, 5), nice_step(y_top, 5)
    x_top = math.ceil(x_top / x_step) * x_step
    y_top = math.ceil(y_top / y_step) * y_step

    def x_of(value):
        return LEFT + plot_w * value / x_top

    def y_of(value):
        return TOP + plot_h * (1 - value / y_top)

    parts = _open(chart_id, title, description, height=height)
    if x_split is not None and y_split is not None:
        parts.append(
            f'<rect x="{x_of(x_split):.1f}" y="{y_of(y_split):.1f}" '
            f'width="{LEFT + plot_w - x_of(x_split):.1f}" '
            f'height="{TOP + plot_h - y_of(y_split):.1f}" fill="#fff9c4"/>'
        )
        if quarter_label:
            parts.append(
                f'<text x="{LEFT + plot_w - 6}" y="{TOP + plot_h - 8}" text-anchor="end" '
                f'font-size="13" font-weight="bold" fill="{INK}">{escape(quarter_label)}</text>'
            )
    tick = 0
    while tick <= y_top + 1e-9:
        y = y_of(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="13" '
            f'fill="{INK}">{_number(tick)}</text>'
        )
        tick += y_step
    tick = 0
    while tick <= x_top + 1e-9:
        x = x_of(tick)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" font-size="13" '
            f'fill="{INK}">{_number(tick)}{escape(x_unit)}</text>'
        )
        tick += x_step
    for value, vertical in ((x_split, True), (y_split, False)):
        if value is None:
            continue
        if vertical:
            x = x_of(value)
            line = f'x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{TOP + plot_h}"'
        else:
            y = y_of(value)
            line = f'x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}"'
        parts.append(f'<line {line} stroke="{AXIS}" stroke-width="1.5" stroke-dasharray="6 4"/>')
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
        f'stroke="{AXIS}"/><line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" '
        f'stroke="{AXIS}"/>'
    )
    for p in sorted(points, key=lambda p: p.highlighted):
        x, y = x_of(p.x), y_of(p.y)
        if p.highlighted:
            parts.append(
                f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="#d5281b" '
                f'stroke="#ffffff" stroke-width="1"/>'
            )
            if label_highlighted:
                anchor = "end" if x > LEFT + plot_w * 0.7 else "start"
                dx = -9 if anchor == "end" else 9
                parts.append(
                    f'<text x="{x + dx:.1f}" y="{y - 8:.1f}" text-anchor="{anchor}" '
                    f'font-size="12" fill="{INK}">{escape(p.label)}</text>'
                )
        else:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#005eb8" fill-opacity="0.75" '
                f'stroke="#ffffff" stroke-width="1"/>'
            )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{height - 14}" text-anchor="middle" '
        f'font-size="13" fill="{INK}">{escape(x_title)}</text>'
        f'<text x="{LEFT}" y="{TOP - 10}" font-size="13" fill="{INK}">{escape(y_title)}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))
