"""The waiting list report as figures, tables, charts and sentences: one shape for the page and
its CSV and JSON downloads. Charts and sentences are made from the tables as shown, so a
hidden small number stays hidden in them too."""

from datetime import date

from tutti.reports.analytics_charts import Series, stacked_bars
from tutti.reports.equity import QUINTILE_LABELS
from tutti.reports.presenters import ReportView
from tutti.reports.suppression import HIDDEN, THRESHOLD
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
from tutti.reports.waiting import BANDS, FLOW_WEEKS, QUINTILES, Flow, WaitingReport

QUINTILE_KEYS = {1: "q1", 2: "q2", 3: "q3", 4: "q4", 5: "q5", None: "unknown"}
QUINTILE_TITLES = {**{q: QUINTILE_LABELS[q] for q in range(1, 6)}, None: "Not known"}

DEFINITIONS = [
    (
        "Waiting",
        "A referral is on the waiting list at a moment when its latest status change at or "
        "before that moment put it on the list. Counted at the end of each month (and now).",
    ),
    (
        "Wait so far",
        "Weeks since the referral joined the waiting list. Saying no to an offer does not "
        "restart the wait. The median is the middle wait; 1 in 10 have waited longer than the "
        "90th percentile.",
    ),
    (
        "Target",
        "Each programme's target wait to be offered a place; people are over it when they have "
        "waited longer than their programme's target.",
    ),
    (
        "Joining and offers",
        f"Over the last {FLOW_WEEKS} weeks: referrals put on the waiting list (new ones, and "
        "people back on it after saying no to an offer), and offers of a place made, each "
        f"divided by {FLOW_WEEKS} for a week.",
    ),
    (
        "Free places now",
        "Each programme's therapists' free weekly places for one-to-one work (their weekly "
        "time at the programme's sites, up to their capacity, less the people already offered "
        "or seeing them) plus its groups' free places. For the whole programme, whatever place "
        "is chosen.",
    ),
    (
        "Time to clear the list",
        "People waiting ÷ (offers a week − joining a week), when more are offered a place than "
        "join. People who leave the list in other ways (withdrawn, signposted elsewhere) are "
        "not counted, so this is a planning figure, not a promise.",
    ),
]


def _size_table(report: WaitingReport):
    rows = []
    for size in report.sizes:
        row = {"when": size.moment.label, "day": size.moment.day.isoformat()}
        row["now"] = size.moment.is_now
        for quintile in QUINTILES:
            row[QUINTILE_KEYS[quintile]] = size.by_quintile[quintile]
        row["total"] = size.total
        rows.append(row)
    parts = tuple(QUINTILE_KEYS[q] for q in QUINTILES)
    return Table(
        "size",
        "People waiting at the end of each month, by IMD quintile",
        [
            Column("when", "Month end", LABEL),
            *[Column(QUINTILE_KEYS[q], QUINTILE_TITLES[q], PEOPLE) for q in QUINTILES],
            Column("total", "Everyone waiting", PEOPLE),
        ],
        rows,
        row_sums=((parts, "total"),),
        note=(
            "IMD quintile of where the person lives (1 is the most deprived 20% of areas), from "
            "their record as it is now."
        ),
    )


def band_label(band, target):
    low, high, label = band
    if target is None:
        return label
    if low >= target:
        return f"{label} (over the {target}-week target)"
    if high is not None and low < target < high:
        return f"{label} (the {target}-week target falls in this band)"
    return label


def _waits_table(report: WaitingReport):
    waits = report.waits
    target = waits.target_weeks
    total = waits.waiting
    rows = [
        {
            "band": band_label(band, target),
            "index": index,
            "people": people,
            "percent": rounded(100 * people / total) if total else None,
        }
        for index, (band, (_, people)) in enumerate(zip(BANDS, waits.bands, strict=True))
    ]
    return Table(
        "waits",
        "How long the people waiting now have waited so far",
        [
            Column("band", "Wait so far", LABEL),
            Column("people", "People waiting", PEOPLE),
            Column("percent", "% of people waiting", PERCENT, derived_from=("people",)),
        ],
        rows,
        total={"band": "Everyone waiting", "people": total, "percent": 100 if total else None},
    )


def _projection(flow: Flow):
    """Weeks to clear the list, or what is happening instead, in words."""
    if not flow.waiting:
        return 0
    weeks = flow.weeks_to_clear
    if weeks is None:
        growth = -flow.net_a_week
        if growth < 0.05:
            return "Not getting shorter"
        return f"Growing by {growth:,.1f} a week"
    return rounded(weeks, 1) if weeks < 10 else rounded(weeks)


def _flow_row(flow: Flow):
    return {
        "programme": flow.label,
        "code": flow.programme.code if flow.programme else "",
        "waiting": flow.waiting,
        "arrivals": flow.arrivals,
        "arrivals_a_week": rounded(flow.arrivals_a_week, 1),
        "offers": flow.offers,
        "offers_a_week": rounded(flow.offers_a_week, 1),
        "free_places": flow.free_places,
        "weeks_to_clear": _projection(flow),
    }


def _clear_table(report: WaitingReport):
    return Table(
        "clear",
        "Time to clear the list at the last 12 weeks' rates, by programme",
        [
            Column("programme", "Programme", LABEL),
            Column("waiting", "Waiting now", PEOPLE),
            Column("arrivals", f"Joined the list in the last {FLOW_WEEKS} weeks", PEOPLE),
            Column("arrivals_a_week", "Joining a week", NUMBER, derived_from=("arrivals",)),
            Column("offers", f"Offered a place in the last {FLOW_WEEKS} weeks", PEOPLE),
            Column("offers_a_week", "Offers a week", NUMBER, derived_from=("offers",)),
            Column("free_places", "Free places now", COUNT),
            Column(
                "weeks_to_clear",
                "Weeks to clear the list",
                NUMBER,
                derived_from=("waiting", "arrivals", "offers"),
            ),
        ],
        [_flow_row(flow) for flow in report.flows],
        total={**_flow_row(report.total), "programme": "All programmes"},
    )


def _figures(report: WaitingReport, clear: Table):
    waits, total = report.waits, clear.total
    target = waits.target_weeks
    over = (
        f"Waiting longer than the {target}-week target"
        if target is not None
        else "Waiting longer than their programme's target"
    )
    return [
        Figure("waiting", "People waiting now", waits.waiting, people=True),
        Figure("over_target", over, waits.over_target, people=True),
        Figure("median", "Median wait so far (weeks)", rounded(waits.median_weeks, 1)),
        Figure("p90", "90th percentile wait so far (weeks)", rounded(waits.p90_weeks, 1)),
        Figure("arrivals_a_week", "Joining the list a week", total["arrivals_a_week"]),
        Figure("offers_a_week", "Offers of a place a week", total["offers_a_week"]),
        Figure("free_places", "Free places now", total["free_places"]),
        Figure(
            "weeks_to_clear",
            f"Time to clear the list at the last {FLOW_WEEKS} weeks' rates",
            total["weeks_to_clear"],
            unit="weeks",
        ),
    ]


def _hide_derived_figures(figures, report: WaitingReport, clear: Table):
    """Figures worked out from a small count of people are hidden with it."""
    small = lambda n: 0 < n < THRESHOLD  # noqa: E731
    total = clear.total
    by_key = {f.key: f for f in figures}
    if small(report.waits.waiting):
        for key in ("median", "p90"):
            if by_key[key].value is not None:
                by_key[key].value = HIDDEN
    for key in ("arrivals_a_week", "offers_a_week", "weeks_to_clear"):
        by_key[key].value = total[key]  # as the suppressed table shows it


def waiting_view(report: WaitingReport, *, suppress=False) -> ReportView:
    clear = _clear_table(report)
    tables = [_size_table(report), _waits_table(report), clear]
    if suppress:
        tables = [t.suppressed() for t in tables]
        clear = tables[2]
    figures = _figures(report, clear)
    if suppress:
        figures = [figure_suppressed(f) for f in figures]
        _hide_derived_figures(figures, report, clear)
    scope = report.scope
    return ReportView(
        title="Waiting list report",
        period=scope.period_label,
        filters=dict(scope.labels),
        params=dict(scope.params),
        figures=figures,
        tables=tables,
        suppressed=suppress,
    )


# --- charts and sentences, from the tables as shown -------------------------------------------


def _shown(value):
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def size_chart(table: Table):
    """Stacked bars of the people waiting at each month end by quintile. Where a cell is
    hidden, what the hidden cells add up to (the total less the cells shown) is one grey
    segment: the table gives that away already, and no single hidden cell."""
    categories = [
        "Now" if row["now"] else date.fromisoformat(row["day"]).strftime("%b %Y")
        for row in table.rows
    ]
    series = []
    for quintile in QUINTILES:
        key = QUINTILE_KEYS[quintile]
        name = f"IMD quintile {QUINTILE_TITLES[quintile]}" if quintile else "Quintile not known"
        series.append(Series(name, tuple(_shown(row[key]) for row in table.rows)))
    hidden = []
    for row in table.rows:
        total = _shown(row["total"])
        parts = [_shown(row[QUINTILE_KEYS[q]]) for q in QUINTILES]
        hidden.append(
            total - sum(p for p in parts if p is not None)
            if total is not None and None in parts
            else None
        )
    if any(hidden):
        series.append(Series("Small numbers, hidden", tuple(hidden), colour="#768692"))
    described = "; ".join(
        f"{row['when']}: {row['total']} waiting"
        + (
            f" ({row['q1']} in quintile 1)"
            if _shown(row["q1"]) is not None and _shown(row["total"])
            else ""
        )
        for row in table.rows
    )
    return stacked_bars(
        categories,
        series,
        title="People waiting at the end of each month, by IMD quintile",
        description=described or "No month ends in the period.",
        chart_id="waiting-size",
        y_title="People waiting",
    )


def waits_chart(table: Table, target):
    """Bars for each band of weeks waited, those over the target in red and hatched."""
    within, over = [], []
    for band, row in zip(BANDS, table.rows, strict=True):
        value = _shown(row["people"])
        is_over = target is not None and band[0] >= target
        within.append(None if is_over else value)
        over.append(value if is_over else None)
    name = "Within the target" if target is not None else "People waiting"
    series = [Series(name, tuple(within), colour="#005eb8")]
    if target is not None:
        series.append(
            Series("Over the target", tuple(over), colour="#d5281b", hatched=True),
        )
    marker = None
    if target is not None:
        edges = [band[0] for band in BANDS]
        if target in edges and target > 0:
            marker = (edges.index(target), f"Target: {target} weeks")
    categories = [band[2].replace(" weeks", "").replace(" or more", "+") for band in BANDS]
    described = "; ".join(
        f"{band[2]}: {row['people']} waiting" for band, row in zip(BANDS, table.rows, strict=True)
    )
    if target is not None:
        described += f". The target wait is {target} weeks."
    return stacked_bars(
        [f"{c} wks" for c in categories],
        series,
        title="People waiting now, by weeks waited so far",
        description=described,
        chart_id="waiting-bands",
        y_title="People waiting",
        marker=marker,
    )


def _count(value, one, many):
    if isinstance(value, str):
        return f"{value} {many}"
    return f"{value:,} {one if value == 1 else many}"


def size_sentence(table: Table):
    rows = table.rows
    if not rows:
        return "There are no month ends in this period to count the waiting list at."
    last, first = rows[-1], rows[0]
    if last["now"]:
        sentence = f"{_count(last['total'], 'person is', 'people are')} waiting now"
    else:
        sentence = (
            f"On {last['when']}, {_count(last['total'], 'person was', 'people were')} waiting"
        )
    if len(rows) > 1:
        sentence += f", against {first['total']} on {first['when']}"
    total, q1 = _shown(last["total"]), _shown(last["q1"])
    if total and q1 is not None:
        share = round(100 * q1 / total)
        sentence += f"; {share}% of them live in the most deprived 20% of areas"
    sentence = sentence + "."
    return sentence[0].upper() + sentence[1:]


def waits_sentence(view: ReportView, target):
    f = {figure.key: figure.value for figure in view.figures}
    waiting = f["waiting"]
    if waiting == 0:
        return "Nobody is waiting now."
    target_words = f"the {target}-week target" if target else "their programme's target"
    sentence = (
        f"Of the {waiting} people waiting now, {f['over_target']} have waited longer than "
        f"{target_words}"
    )
    if isinstance(f["median"], float | int) and isinstance(f["p90"], float | int):
        sentence += (
            f"; the median wait so far is {f['median']:,.1f} weeks, and 1 in 10 have waited "
            f"more than {f['p90']:,.1f} weeks"
        )
    return sentence + "."


def clear_sentence(table: Table):
    t = table.total
    weeks, joining, offers = t["weeks_to_clear"], t["arrivals_a_week"], t["offers_a_week"]
    places = t["free_places"]
    one = places == 1
    free = f" There {'is' if one else 'are'} {places:,} free {'place' if one else 'places'} now."
    if t["waiting"] == 0:
        return "Nobody is waiting, so there is no list to clear." + free
    if HIDDEN in (weeks, joining, offers) or "<5" in (t["waiting"], t["arrivals"], t["offers"]):
        return "The numbers joining and being offered a place are too small to show." + free
    rates = (
        f"{joining:,.1f} people joined the list and {offers:,.1f} were offered a place a week "
        f"over the last {FLOW_WEEKS} weeks"
    )
    if isinstance(weeks, str):
        if weeks.startswith("Growing"):
            growth = weeks.removeprefix("Growing by ").removesuffix(" a week")
            return f"The list is growing by {growth} people a week: {rates}." + free
        return f"The list is not getting shorter: {rates}." + free
    return f"At these rates the list would clear in about {weeks:,} weeks: {rates}." + free
