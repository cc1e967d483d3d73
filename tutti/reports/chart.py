"""A grouped bar chart as server-rendered SVG, in the manner of tutti/outcomes/chart.py: no
JavaScript, no inline styles (the CSP refuses them), a title and description for screen
readers, each bar labelled with its value, and the data table beside it on the page.

Series are told apart by fill pattern as well as colour: solid, then hatched.
"""

import math
from dataclasses import dataclass

from django.utils.html import escape
from markupsafe import Markup

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 24, 64
# NHS.UK palette colours with at least 3:1 contrast on white.
COLOURS = ["#005eb8", "#425563", "#007f3b", "#330072"]


@dataclass(frozen=True)
class Bars:
    name: str
    values: tuple  # one a category; None for no value


def _fill(index, chart_id):
    return COLOURS[index % len(COLOURS)] if index % 2 == 0 else f"url(#{chart_id}-hatch-{index})"


def _step(top):
    for step in (1, 2, 5, 10, 20, 25, 50, 100):
        if top / step <= 6:
            return step
    return 10 ** math.ceil(math.log10(top / 6))


def bar_chart(categories, series, *, title, description, chart_id, unit="%", y_max=None):
    """SVG bars for each category (x) and series (side by side within a category)."""
    values = [v for s in series for v in s.values if v is not None]
    top = y_max or max([*values, 1])
    step = _step(top)
    top = math.ceil(top / step) * step
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(categories), 1)
    bar = slot * 0.8 / max(len(series), 1)

    def y_of(value):
        return TOP + plot_h * (1 - value / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="tutti-chart" role="img" focusable="false" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        "<defs>",
    ]
    for index in range(len(series)):
        if index % 2:
            colour = COLOURS[index % len(COLOURS)]
            parts.append(
                f'<pattern id="{chart_id}-hatch-{index}" patternUnits="userSpaceOnUse" '
                f'width="6" height="6" patternTransform="rotate(45)">'
                f'<rect width="6" height="6" fill="#ffffff"/>'
                f'<rect width="3" height="6" fill="{colour}"/></pattern>'
            )
    parts.append("</defs>")
    tick = 0
    while tick <= top:
        y = y_of(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d8dde0"/>'
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="13" '
            f'fill="#212b32">{tick:g}{escape(unit)}</text>'
        )
        tick += step
    for c, category in enumerate(categories):
        x0 = LEFT + slot * c + slot * 0.1
        for s, bars in enumerate(series):
            value = bars.values[c]
            if value is None:
                continue
            x, y = x0 + bar * s, y_of(value)
            colour = COLOURS[s % len(COLOURS)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" '
                f'height="{TOP + plot_h - y:.1f}" fill="{_fill(s, chart_id)}" '
                f'stroke="{colour}" stroke-width="1.5"/>'
                f'<text x="{x + (bar - 2) / 2:.1f}" y="{y - 5:.1f}" text-anchor="middle" '
                f'font-size="12" fill="#212b32">{value:.0f}{escape(unit)}</text>'
            )
        parts.append(
            f'<text x="{LEFT + slot * c + slot / 2:.1f}" y="{TOP + plot_h + 20}" '
            f'text-anchor="middle" font-size="13" fill="#212b32">{escape(category)}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" '
        'stroke="#425563"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(series, chart_id):
    """The key, as data for the template: [{name, colour, hatched}]."""
    return [
        {"name": s.name, "colour": COLOURS[i % len(COLOURS)], "hatched": bool(i % 2)}
        for i, s in enumerate(series)
    ]
