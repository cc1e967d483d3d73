"""A choropleth map of one local authority's LSOAs as server-rendered SVG, from the outlines
loaded by `manage.py import_boundaries` (tutti.geography.models.AreaBoundary).

Longitude and latitude are drawn on a plane scaled by the cosine of the middle latitude (an
equirectangular projection): over one local authority that is true to shape within a fraction
of a percent, and needs no map library. North is up. Each LSOA is a path with a <title> (its
name and value, for a pointer), the whole map has a title and description for screen
readers, and the table beside it on the page holds every figure. Areas with no figure are
hatched; areas whose figure is hidden (small numbers) are grey; areas picked out (high need,
low reach) have a heavy outline.
"""

import json
import math
from dataclasses import dataclass

from django.utils.html import escape
from markupsafe import Markup

from tutti.geography.models import AreaBoundary

WIDTH, MAX_HEIGHT, MARGIN = 720, 640, 8
NO_DATA = "no-data"
HIDDEN = "hidden"
NO_DATA_COLOUR, HIDDEN_COLOUR = "#768692", "#aeb7bd"
RAMP = ["#deebf7", "#9ecae1", "#4292c6", "#08519c", "#08306b"]  # light to dark
EDGE, HIGHLIGHT = "#ffffff", "#d5281b"


@dataclass(frozen=True)
class Shade:
    """How to fill one area: a RAMP index, NO_DATA or HIDDEN, and words for its <title>."""

    fill: object
    text: str
    highlighted: bool = False


def boundaries_for(local_authority_code):
    return list(
        AreaBoundary.objects.filter(local_authority_code=local_authority_code).order_by("code")
    )


def _rings(geometry):
    if geometry["type"] == "Polygon":
        return geometry["coordinates"]
    return [ring for polygon in geometry["coordinates"] for ring in polygon]


def _projection(boundaries):
    min_long = min(b.min_long for b in boundaries)
    max_long = max(b.max_long for b in boundaries)
    min_lat = min(b.min_lat for b in boundaries)
    max_lat = max(b.max_lat for b in boundaries)
    kx = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_long - min_long) * kx, 1e-9)
    span_y = max(max_lat - min_lat, 1e-9)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (MAX_HEIGHT - 2 * MARGIN) / span_y)
    width = span_x * scale + 2 * MARGIN
    height = span_y * scale + 2 * MARGIN

    def project(long, lat):
        return MARGIN + (long - min_long) * kx * scale, MARGIN + (max_lat - lat) * scale

    return project, width, height


def _path(geometry, project):
    parts = []
    for ring in _rings(geometry):
        points = [project(long, lat) for long, lat, *_ in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def _fill(shade: Shade, chart_id):
    if shade.fill == NO_DATA:
        return f"url(#{chart_id}-no-data)"
    if shade.fill == HIDDEN:
        return HIDDEN_COLOUR
    return RAMP[shade.fill]


def choropleth(boundaries, shades, *, title, description, chart_id):
    """The map as SVG. `shades`: {area code: Shade}; an area with none is NO_DATA."""
    if not boundaries:
        return None
    project, width, height = _projection(boundaries)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'class="tutti-map" role="img" focusable="false" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<defs><pattern id="{chart_id}-no-data" patternUnits="userSpaceOnUse" width="6" '
        f'height="6" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<rect width="2" height="6" fill="{NO_DATA_COLOUR}"/></pattern></defs>',
    ]
    outlines = []
    for boundary in boundaries:
        geometry = json.loads(boundary.geometry)
        shade = shades.get(boundary.code) or Shade(NO_DATA, f"{boundary.name}: no figures")
        d = _path(geometry, project)
        parts.append(
            f'<path d="{d}" fill="{_fill(shade, chart_id)}" fill-rule="evenodd" '
            f'stroke="{EDGE}" stroke-width="0.8"><title>{escape(shade.text)}</title></path>'
        )
        if shade.highlighted:
            outlines.append(
                f'<path d="{d}" fill="none" fill-rule="evenodd" stroke="{HIGHLIGHT}" '
                f'stroke-width="2.5"/>'
            )
    parts.extend(outlines)  # on top, so no neighbour's edge covers them
    parts.append("</svg>")
    return Markup("".join(parts))


# --- classes for the shading ------------------------------------------------------------------


def rate_breaks(values):
    """Upper limits of four classes of the rates above 0, at their quartiles (so each class
    holds about a quarter of the areas with referrals), rounded to one decimal place."""
    above = sorted(v for v in values if v)
    if not above:
        return []
    breaks = []
    for q in (0.25, 0.5, 0.75):
        value = round(above[min(len(above) - 1, math.ceil(q * len(above)) - 1)], 1)
        if not breaks or value > breaks[-1]:
            breaks.append(value)
    if round(above[-1], 1) > breaks[-1]:
        breaks.append(round(above[-1], 1))
    return breaks


def rate_class(value, breaks):
    """0 for no referrals; then 1 to 4 by the breaks."""
    if not value:
        return 0
    for index, limit in enumerate(breaks, start=1):
        if round(value, 1) <= limit:
            return index
    return len(breaks)


def rate_legend(breaks, *, any_hidden=False, any_missing=False):
    items = [{"name": "No referrals", "colour": RAMP[0], "hatched": False}]
    low = 0
    for index, limit in enumerate(breaks, start=1):
        name = f"More than {low:,.1f} up to {limit:,.1f} per 10,000"
        items.append({"name": name, "colour": RAMP[index], "hatched": False})
        low = limit
    return items + _extra(any_hidden, any_missing)


def decile_class(decile):
    """Darkest for the most deprived: deciles 1–2 → 4, … 9–10 → 0."""
    return 4 - (decile - 1) // 2


def decile_legend(*, any_missing=False):
    items = [
        {
            "name": f"IMD deciles {2 * q - 1} and {2 * q}"
            + (" (most deprived 20%)" if q == 1 else " (least deprived 20%)" if q == 5 else ""),
            "colour": RAMP[4 - (q - 1)],
            "hatched": False,
        }
        for q in range(1, 6)
    ]
    return items + _extra(False, any_missing)


def _extra(any_hidden, any_missing):
    items = []
    if any_hidden:
        items.append({"name": "Fewer than 5 referrals, hidden", "colour": HIDDEN_COLOUR})
    if any_missing:
        items.append(
            {"name": "No figures for this area", "colour": NO_DATA_COLOUR, "hatched": True}
        )
    for item in items:
        item.setdefault("hatched", False)
    return items
