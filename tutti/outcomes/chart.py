"""A line chart as server-rendered SVG: no JavaScript, no inline styles (the CSP refuses them),
a title and description for screen readers, and a data table beside it on the page.

Series are told apart by marker shape and dash as well as colour.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from markupsafe import Markup

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 52, 20, 20, 56
# NHS.UK palette colours with at least 3:1 contrast on white.
COLOURS = ["#005eb8", "#007f3b", "#330072", "#425563"]
DASHES = ["", "6 4", "2 3", "8 3 2 3"]
SHAPES = ["circle", "square", "triangle", "diamond"]


@dataclass(frozen=True)
class Point:
    day: date
    value: float
    label: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple


def _ticks(low, high):
    span = high - low
    for step in (1, 2, 5, 10, 20, 25, 50):
        if span / step <= 8:
            break
    first = -(-low // step) * step
    ticks = list(range(int(first), int(high) + 1, step))
    return sorted({low, *ticks, high})


def _marker(shape, x, y, colour):
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 4.5:.1f}" y="{y - 4.5:.1f}" width="9" height="9" fill="{colour}"/>'
    if shape == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - 6:.1f} {x - 6:.1f},{y + 5:.1f} '
            f'{x + 6:.1f},{y + 5:.1f}" fill="{colour}"/>'
        )
    return (
        f'<polygon points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y:.1f} {x:.1f},{y + 6:.1f} '
        f'{x - 6:.1f},{y:.1f}" fill="{colour}"/>'
    )


def line_chart(series, *, y_min, y_max, title, description, chart_id, zone=None, y_label=""):
    """SVG for `series` on a y axis from y_min to y_max. `zone` = (low, high, label) shades a
    band, e.g. the no-reliable-change band around the baseline."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    days = sorted({point.day for s in series for point in s.points})
    first, last = (days[0], days[-1]) if days else (date.today(), date.today())
    span = (last - first).days

    def x_of(day):
        if span == 0:
            return LEFT + plot_w / 2
        return LEFT + plot_w * (day - first).days / span

    def y_of(value):
        value = min(max(value, y_min), y_max)
        return TOP + plot_h * (1 - (value - y_min) / (y_max - y_min))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="tutti-chart" role="img" focusable="false" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot_w}" height="{plot_h}" fill="#ffffff" '
        'stroke="#aeb7bd"/>',
    ]
    if zone is not None:
        low, high, _ = zone
        top, bottom = y_of(high), y_of(low)
        parts.append(
            f'<rect x="{LEFT}" y="{top:.1f}" width="{plot_w}" height="{bottom - top:.1f}" '
            'fill="#e8edee"/>'
        )
    for tick in _ticks(y_min, y_max):
        y = y_of(tick)
        parts.append(
            f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d8dde0"/>'
        )
        parts.append(
            f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="13" '
            f'fill="#212b32">{tick}</text>'
        )
    labelled = (
        days
        if len(days) <= 6
        else [d for i, d in enumerate(days) if i % -(-len(days) // 6) == 0 or d == last]
    )
    for day in labelled:
        x = x_of(day)
        # The first and last labels sit inside the plot's edges, so none is cut off.
        anchor = "middle"
        if span and day == first:
            anchor = "start"
        elif span and day == last:
            anchor = "end"
        parts.append(
            f'<text x="{x:.1f}" y="{TOP + plot_h + 20}" text-anchor="{anchor}" '
            f'font-size="13" fill="#212b32">{day.strftime("%-d %b %Y")}</text>'
        )
    if y_label:
        parts.append(
            f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="13" fill="#4c6272">'
            f"{escape(y_label)}</text>"
        )
    for index, s in enumerate(series):
        colour, dash, shape = (seq[index % len(seq)] for seq in (COLOURS, DASHES, SHAPES))
        coords = [(x_of(p.day), y_of(p.value)) for p in s.points]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            dashed = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="3"{dashed}/>'
            )
        parts.extend(_marker(shape, x, y, colour) for x, y in coords)
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(series, zone=None):
    """The key, as data for the template: [{name, colour, shape, dash}]."""
    keys = [
        {"name": s.name, "colour": COLOURS[i % 4], "shape": SHAPES[i % 4], "dash": DASHES[i % 4]}
        for i, s in enumerate(series)
    ]
    if zone is not None:
        keys.append({"name": zone[2], "colour": "#e8edee", "shape": "zone", "dash": ""})
    return keys
