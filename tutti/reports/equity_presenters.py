"""An equity split (and, for IMD quintiles, reach against the area's population) as figures,
tables, a chart and sentences: one shape for the page, the downloads and the JSON."""

from tutti.reports.chart import Bars, bar_chart, legend
from tutti.reports.equity import EquitySplit
from tutti.reports.presenters import ReportView
from tutti.reports.reach import LSOA_COUNT, Reach
from tutti.reports.tables import (
    COUNT,
    LABEL,
    NUMBER,
    PEOPLE,
    PERCENT,
    Column,
    Figure,
    Table,
    figure_suppressed,
    rounded,
)

DEFINITIONS = [
    (
        "Accepted",
        "Referrals put on the waiting list, as a % of referrals decided (accepted, declined or "
        "signposted elsewhere). Referrals received in the period.",
    ),
    (
        "Wait",
        "Days from joining the waiting list to the first offer of a place, from each "
        "referral's status history, for first offers made in the period. A declined offer does "
        "not restart the wait. The median is the middle wait; 1 in 10 people waited longer "
        "than the 90th percentile.",
    ),
    ("People reached", "People marked as attending at least one session, each counted once."),
    (
        "Attendance",
        "Sessions attended as a % of those attended, missed and cancelled late by the person.",
    ),
    (
        "Reliable improvement",
        "People whose change from baseline was a reliable improvement, as a % of people with a "
        "baseline and a later score, over the measures that have a reliable change criterion.",
    ),
    (
        "Groups",
        "IMD quintile, age, sex, ethnicity, local authority and rurality are from the person's "
        "record (age on the last day of the period); route and circumstances from the referral.",
    ),
]


def _words(label):
    """A group's name inside a sentence: "age band", but "IMD quintile"."""
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def _group_rows(split: EquitySplit, make):
    return [make(g) for g in split.groups], make(split.total)


def _referrals_table(split):
    def row(g):
        return {
            "group": g.label,
            "referrals": g.referrals,
            "decided": g.decided,
            "accepted": g.accepted,
            "acceptance": rounded(g.acceptance),
        }

    rows, total = _group_rows(split, row)
    return Table(
        "referrals",
        f"Referrals and acceptance, by {_words(split.dimension.label)}",
        [
            Column("group", split.dimension.label, LABEL),
            Column("referrals", "Referrals", PEOPLE),
            Column("decided", "Decided", PEOPLE),
            Column("accepted", "Accepted", PEOPLE),
            Column("acceptance", "% accepted", PERCENT, derived_from=("accepted",), n="decided"),
        ],
        rows,
        total=total,
    )


def _waits_table(split):
    def row(g):
        return {
            "group": g.label,
            "waits": g.waits,
            "median": rounded(g.median_wait),
            "p90": rounded(g.p90_wait),
        }

    rows, total = _group_rows(split, row)
    return Table(
        "waits",
        f"Days waited for a first offer, by {_words(split.dimension.label)}",
        [
            Column("group", split.dimension.label, LABEL),
            Column("waits", "First offers", PEOPLE),
            Column("median", "Median (days)", NUMBER, n="waits"),
            Column("p90", "90th percentile (days)", NUMBER, n="waits"),
        ],
        rows,
        total=total,
    )


def _reached_table(split):
    def row(g):
        return {
            "group": g.label,
            "people": g.people,
            "attendance": rounded(g.attendance_rate),
            "outcome_pairs": g.outcome_pairs,
            "improved": g.improved,
            "percent_improved": rounded(g.percent_improved),
        }

    rows, total = _group_rows(split, row)
    return Table(
        "reached",
        f"People reached, attendance and outcomes, by {_words(split.dimension.label)}",
        [
            Column("group", split.dimension.label, LABEL),
            Column("people", "People reached", PEOPLE),
            Column("attendance", "Attendance", PERCENT, n="people"),
            Column("outcome_pairs", "With a baseline and a later score", PEOPLE),
            Column("improved", "Reliable improvement", PEOPLE),
            Column(
                "percent_improved",
                "% reliable improvement",
                PERCENT,
                derived_from=("improved",),
                n="outcome_pairs",
            ),
        ],
        rows,
        total=total,
    )


def _reach_table(reach: Reach):
    rows = []
    for q in reach.quintiles:
        share = q.people_share(reach.people_known)
        rows.append(
            {
                "quintile": q.label,
                "people": q.people,
                "people_share": rounded(share),
                "areas": q.areas,
                "area_share": rounded(q.area_share),
                "ratio": rounded(share / q.area_share, 2)
                if share is not None and q.area_share
                else None,
            }
        )
    total = {
        "quintile": "All quintiles",
        "people": reach.people_known,
        "people_share": 100 if reach.people_known else None,
        "areas": sum(q.areas for q in reach.quintiles),
        "area_share": 100 if any(q.areas for q in reach.quintiles) else None,
        "ratio": None,
    }
    area_title = (
        "% of the area's LSOAs" if reach.basis == LSOA_COUNT else "% of the area's population"
    )
    return Table(
        "reach",
        "People reached against the area's population, by IMD quintile",
        [
            Column("quintile", "IMD quintile", LABEL),
            Column("people", "People reached", PEOPLE),
            Column("people_share", "% of people reached", PERCENT, derived_from=("people",)),
            Column("areas", "LSOAs in the area served", COUNT),
            Column("area_share", area_title, PERCENT),
            Column("ratio", "Reach ratio (1 = in proportion)", NUMBER, derived_from=("people",)),
        ],
        rows,
        total=total,
        note=_reach_note(reach),
    )


def _reach_note(reach: Reach):
    authorities = "authority" if reach.local_authorities == 1 else "authorities"
    where = (
        "including those the people reached live in, for programmes that name no area"
        if reach.served_by_people
        else "as the programmes name them"
    )
    note = (
        "Shares of people are of the people reached whose home area's deprivation is known. "
        f"The area served is {reach.local_authorities} local {authorities}, {where}. "
    )
    if reach.basis == LSOA_COUNT:
        return note + (
            "Shares of the area are of its LSOAs: the imported deprivation data has no "
            "population for each LSOA, so the share of LSOAs stands in for the share of people "
            "(LSOAs hold similar numbers of people, about 1,500)."
        )
    return note + "Shares of the area are of its population."


def reach_chart(table: Table):
    """The reach table as a bar chart (from the table as shown, so hidden figures stay
    hidden), with its legend and a sentence saying what it shows."""
    numbers = [r for r in table.rows]
    people = tuple(
        r["people_share"] if isinstance(r["people_share"], int) else None for r in numbers
    )
    area = tuple(r["area_share"] if isinstance(r["area_share"], int) else None for r in numbers)
    area_name = (
        "Share of the area's LSOAs"
        if "LSOAs" in table.columns[4].title
        else "Share of the area's population"
    )
    series = [Bars("Share of people reached", people), Bars(area_name, area)]
    categories = ["1 (most deprived)", "2", "3", "4", "5 (least deprived)"]
    description = "; ".join(
        f"quintile {c}: "
        + (f"{p}% of people reached" if p is not None else "people reached hidden")
        + (f", {a}% of the area" if a is not None else "")
        for c, p, a in zip(range(1, 6), people, area, strict=True)
    )
    svg = bar_chart(
        categories,
        series,
        title="People reached and the area's population, by IMD quintile",
        description=description,
        chart_id="reach",
    )
    return svg, legend(series, "reach")


def reach_sentence(reach: Reach, table: Table):
    first = table.rows[0]
    if not isinstance(first["people_share"], int) or first["area_share"] is None:
        return "There are not enough people with a known home area to compare reach by deprivation."
    ratio = first["ratio"]
    compared = ""
    if isinstance(ratio, float) and ratio:
        compared = (
            f": {ratio:.1f} times their share"
            if ratio >= 1.05
            else (
                ": in proportion to their share"
                if ratio >= 0.95
                else f": {ratio:.1f} times their share, so fewer than their share"
            )
        )
    basis = "LSOAs" if reach.basis == LSOA_COUNT else "population"
    return (
        f"{first['people_share']}% of the people we reached live in the most deprived 20% of "
        f"areas (Core20), against {first['area_share']}% of the {basis} of the area served"
        f"{compared}."
    )


def equity_view(
    split: EquitySplit, reach: Reach | None, scope, *, suppress=False, summaries=None
) -> ReportView:
    tables = [_referrals_table(split), _waits_table(split), _reached_table(split)]
    figures = []
    if reach is not None:
        tables.insert(0, _reach_table(reach))
        figures.append(
            Figure(
                "core20",
                "People reached living in the most deprived 20% of areas (Core20)",
                rounded(reach.core20_share),
                unit="%",
            )
        )
        figures.append(
            Figure(
                "core20_area",
                "Share of the area served in the most deprived 20%",
                rounded(reach.core20_area_share),
                unit="%",
            )
        )
    for note in split.notes:
        for table in tables:
            if table.key != "reach":
                table.note = note
    if suppress:
        tables = [t.suppressed() for t in tables]
        if reach is not None and tables[0].rows[0]["people_share"] in ("<5", "[c]"):
            figures[0].value = "[c]"
        figures = [figure_suppressed(f) for f in figures]
    return ReportView(
        title=f"Equity report: {split.dimension.label}",
        period=scope.period_label,
        filters=dict(scope.labels),
        params={**scope.params, "split": split.dimension.key},
        figures=figures,
        tables=tables,
        suppressed=suppress,
        summaries=summaries,
    )
