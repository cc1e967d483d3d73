"""Unmet need's chart, map and sentences, made from its tables as shown (see
unmet_need_presenters.py), so a hidden small number stays hidden in them too."""

from tutti.reports.analytics_charts import Point, Series, scatter, stacked_bars
from tutti.reports.map import HIDDEN as MAP_HIDDEN
from tutti.reports.map import (
    NO_DATA,
    Shade,
    choropleth,
    decile_class,
    decile_legend,
    rate_breaks,
    rate_class,
    rate_legend,
)
from tutti.reports.suppression import HIDDEN
from tutti.reports.tables import Table
from tutti.reports.unmet_need import LocalNeed, UnmetNeed
from tutti.reports.unmet_need_presenters import FLAG


def _number(value):
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def authorities_chart(table: Table, need: UnmetNeed):
    points, left_out = [], 0
    for row in table.rows:
        x, y = _number(row["deprived_share"]), _number(row["rate"])
        if x is None or y is None:
            left_out += 1
            continue
        points.append(Point(row["authority"], x, y, row["flag"] == "Yes"))
    flagged = [p.label for p in points if p.highlighted]
    description = (
        f"{len(points)} local authorities by the % of their areas in the most deprived 20% "
        "(across) and referrals per 10,000 residents (up). Dashed lines mark the middle "
        "values; the shaded corner is high need and low reach"
        + (f": {', '.join(flagged)}." if flagged else ", and no authority is in it.")
    )
    if left_out:
        description += f" {left_out} with hidden or no figures are not drawn."
    return scatter(
        points,
        title="Deprivation against referrals per 10,000 residents, by local authority",
        description=description,
        chart_id="unmet-authorities",
        x_title="% of the local authority's areas in the most deprived 20%",
        y_title="Referrals per 10,000 residents",
        x_split=need.median_share,
        y_split=need.median_rate,
        quarter_label=FLAG,
        x_unit="%",
    )


def deciles_chart(table: Table, authority_name):
    values = tuple(_number(row["rate"]) for row in table.rows)
    series = [Series("Referrals per 10,000 residents", values, colour="#005eb8")]
    description = "; ".join(
        f"decile {row['number']}: "
        + (
            f"{row['rate']} per 10,000"
            if _number(row["rate"]) is not None
            else "hidden"
            if row["rate"] == HIDDEN
            else "no areas"
        )
        for row in table.rows
    )
    return stacked_bars(
        [str(n) for n in range(1, 11)],
        series,
        title=f"Referrals per 10,000 residents in {authority_name}, by IMD decile "
        "(1 is the most deprived)",
        description=description,
        chart_id="unmet-deciles",
        y_title="Referrals per 10,000 residents",
    )


def lsoa_map(boundaries, table: Table, local: LocalNeed, measure):
    """The choropleth of the LSOAs as the table shows them, and its legend."""
    by_code = {row["code"]: row for row in table.rows}
    shades = {}
    if measure == "deprivation":
        for code, row in by_code.items():
            if row["decile"] is None:
                continue
            shades[code] = Shade(
                decile_class(row["decile"]),
                f"{row['name']}: IMD decile {row['decile']}",
                row["flag"] == "Yes",
            )
        legend = decile_legend(any_missing=len(shades) < len(boundaries))
        what = "IMD decile (darker is more deprived)"
    else:
        breaks = rate_breaks(_number(row["rate"]) for row in by_code.values())
        any_hidden = False
        for code, row in by_code.items():
            rate = row["rate"]
            if _number(rate) is None:
                any_hidden = any_hidden or rate == HIDDEN
                fill = MAP_HIDDEN if rate == HIDDEN else NO_DATA
                shades[code] = Shade(fill, f"{row['name']}: referrals hidden", row["flag"] == "Yes")
                continue
            shades[code] = Shade(
                rate_class(rate, breaks),
                f"{row['name']}: {rate:,.1f} referrals per 10,000 residents",
                row["flag"] == "Yes",
            )
        legend = rate_legend(
            breaks,
            any_hidden=any_hidden,
            any_missing=any(code not in by_code for code in (b.code for b in boundaries)),
        )
        what = "referrals per 10,000 residents (darker is more)"
    for item in legend:
        item["stroke"] = "#425563"
    flagged = [row["name"] for row in table.rows if row["flag"] == "Yes"]
    description = (
        f"A map of the {len(boundaries)} LSOAs of {local.authority.name}, shaded by {what}. "
        + (f"Outlined in red, high need and low reach: {', '.join(flagged)}. " if flagged else "")
        + "The table below gives every LSOA's figures."
    )
    svg = choropleth(
        boundaries,
        shades,
        title=f"Map of {local.authority.name}: {what}",
        description=description,
        chart_id="unmet-map",
    )
    return svg, legend


def authorities_sentence(table: Table):
    rows = table.rows
    if not rows:
        return "There are no local authorities with deprivation data to compare."
    flagged = [row for row in rows if row["flag"] == "Yes"]
    count = f"{len(rows)} local {'authority' if len(rows) == 1 else 'authorities'} listed"
    if not flagged:
        return (
            f"Of the {count}, none has both more deprivation than the middle one and fewer "
            "referrals per 10,000 residents than the middle one."
        )
    described = []
    for row in flagged:
        bits = [f"{row['deprived_share']}% of its areas in the most deprived 20%"]
        if _number(row["rate"]) is not None:
            bits.append(f"{row['rate']:,.1f} referrals per 10,000")
        if _number(row["distance"]) is not None:
            bits.append(f"{row['distance']:,.1f} km to the nearest site")
        described.append(f"{row['authority']} ({', '.join(bits)})")
    which = (
        described[0] if len(described) == 1 else ", ".join(described[:-1]) + " and " + described[-1]
    )
    have = "has" if len(flagged) == 1 else "have"
    return f"Of the {count}, {len(flagged)} {have} high need and low reach: {which}."


def lsoas_sentence(table: Table, local: LocalNeed):
    name = local.authority.name
    deprived = [row for row in table.rows if row["decile"] is not None and row["decile"] <= 2]
    flagged = [row for row in deprived if row["flag"] == "Yes"]
    whole = table.total["rate"]
    if not deprived:
        return f"None of the {len(table.rows)} LSOAs in {name} is in the most deprived 20%."
    sentence = (
        f"In {name}, {len(deprived)} of {len(table.rows)} LSOAs are in the most deprived 20% "
        f"of areas; {len(flagged)} of them {'has' if len(flagged) == 1 else 'have'} fewer "
        f"referrals per 10,000 residents than {name} as a whole"
    )
    if _number(whole) is not None:
        sentence += f" ({whole:,.1f})"
    return sentence + "."
