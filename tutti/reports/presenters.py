"""The impact report as headline figures and tables: one shape for the page, the CSV and XLSX
downloads, the JSON and `manage.py impact_report`, so they always agree."""

from dataclasses import dataclass, field

from tutti.reports.impact import ImpactReport
from tutti.reports.suppression import THRESHOLD
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
        "Sessions delivered",
        "Sessions that were not cancelled, have taken place, and at least one person was marked "
        "as attending. Community events (a choir, a band, a performance) count when they were "
        "not cancelled and have taken place.",
    ),
    (
        "Hours of therapy",
        "The length of each session delivered, added up. An hour-long group session is one "
        "hour, however many people were in it.",
    ),
    (
        "People who accessed services",
        "People marked as attending at least one session. Each person is counted once, however "
        "many sessions or programmes they came to. People at community events are a headcount "
        "and are not included.",
    ),
    ("New referrals", "Referrals received in the period, by the route they came by."),
    (
        "Partner organisations active",
        "Organisations other than our own with at least one session delivered at their sites.",
    ),
    (
        "Attendance rate",
        "Sessions attended, as a % of sessions attended, missed without notice (did not "
        "attend) and cancelled late by the person. Cancellations in good time, and by the "
        "service, are left out: nobody was expected then.",
    ),
    (
        "Feedback",
        "For each statement, the % of people who answered it who agreed or strongly agreed, "
        "with the number who answered (n), from surveys completed in the period.",
    ),
    (
        "Outcome change",
        "For each person with a review or end score in the period: their latest such score "
        "minus the latest baseline before it. The mean change has a 95% confidence interval "
        "(Student's t). A reliable improvement is a change larger than the measure's "
        "reliable change criterion (Jacobson and Truax), in the better direction.",
    ),
]


@dataclass
class ReportView:
    title: str
    period: str
    filters: dict  # label -> value, in words
    params: dict  # what was asked for, as codes
    figures: list
    tables: list
    suppressed: bool
    # Links from headline figures to their lists, by figure key (for roles that may see them).
    links: dict = field(default_factory=dict)
    # The summary tables' refresh the figures were read from (None: counted from the records).
    summaries: object = None

    @property
    def counted_from(self):
        if self.summaries is None:
            return "records"
        return self.summaries.counted_until.isoformat(timespec="seconds")

    def figure(self, key):
        return next(f for f in self.figures if f.key == key)

    def table(self, key):
        return next(t for t in self.tables if t.key == key)

    def as_dict(self):
        return {
            "title": self.title,
            "period": self.period,
            "filters": self.filters,
            "parameters": self.params,
            "small_numbers_suppressed": self.suppressed,
            "counted_from": self.counted_from,
            "figures": {f.key: {"label": f.label, "value": f.value} for f in self.figures},
            "tables": {t.key: t.as_dict() for t in self.tables},
        }


def _sessions_table(report):
    s = report.sessions
    rows = [
        {
            "kind": row.label,
            "code": row.kind,
            "sessions": row.sessions,
            "hours": rounded(row.minutes / 60),
        }
        for row in s.by_kind
    ]
    return Table(
        "sessions",
        "Sessions delivered, by kind",
        [
            Column("kind", "Kind of session", LABEL),
            Column("sessions", "Sessions", COUNT),
            Column("hours", "Hours", COUNT),
        ],
        rows,
        total={"kind": "All sessions", "sessions": s.total, "hours": rounded(s.hours)},
    )


def _nations_table(report):
    s = report.sessions
    rows = [
        {
            "nation": row.label,
            "code": row.nation,
            "sessions": row.sessions,
            "hours": rounded(row.minutes / 60),
        }
        for row in s.by_nation
    ]
    return Table(
        "nations",
        "Sessions and hours, by nation",
        [
            Column("nation", "Where", LABEL),
            Column("sessions", "Sessions", COUNT),
            Column("hours", "Hours", COUNT),
        ],
        rows,
        total={"nation": "Everywhere", "sessions": s.total, "hours": rounded(s.hours)},
        note="Where the session was held. Online sessions have no place.",
    )


def _people_table(report):
    p = report.people
    return Table(
        "people",
        "People who accessed services, by programme",
        [Column("programme", "Programme", LABEL), Column("people", "People", PEOPLE)],
        [{"programme": row.name, "code": row.code, "people": row.people} for row in p.by_programme],
        total={"programme": "All programmes (each person once)", "people": p.total},
        note=(
            "Someone who came to sessions in two programmes is in both rows, and once in the "
            "total, so the rows can add up to more than the total."
        ),
    )


def _referrals_table(report):
    r = report.referrals
    total = r.total
    rows = [
        {
            "route": row.label,
            "code": row.route,
            "referrals": row.referrals,
            "percent": rounded(100 * row.referrals / total) if total else None,
        }
        for row in r.by_route
    ]
    return Table(
        "referrals",
        "New referrals, by route",
        [
            Column("route", "Route", LABEL),
            Column("referrals", "Referrals", PEOPLE),
            Column("percent", "% of referrals", PERCENT, derived_from=("referrals",)),
        ],
        rows,
        total={"route": "All routes", "referrals": total, "percent": 100 if total else None},
    )


def _attendance_table(report):
    a = report.attendance
    rows = [
        ("Attended", "attended", a.attended),
        ("Did not attend", "dna", a.did_not_attend),
        ("Cancelled late by the person", "cancelled_late", a.cancelled_late),
        (
            "Cancelled in good time by the person (not counted)",
            "cancelled_client",
            a.cancelled_in_good_time,
        ),
        ("Cancelled by the service (not counted)", "cancelled_service", a.cancelled_by_service),
        ("Not marked yet (not counted)", "expected", a.not_marked),
    ]
    return Table(
        "attendance",
        "Attendance at sessions",
        [Column("status", "Attendance", LABEL), Column("places", "Places booked", COUNT)],
        [{"status": label, "code": code, "places": n} for label, code, n in rows],
        note="One place is one person booked into one session.",
    )


def _responses_text(count, suppress):
    if suppress and 0 < count < THRESHOLD:
        return "Fewer than 5 responses"
    return f"{count:,} {'response' if count == 1 else 'responses'}"


def _feedback_tables(report, suppress):
    tables = []
    for survey in report.feedback:
        if not survey.responses:
            continue  # a survey nobody answered in the period is left out
        rows = [
            {
                "statement": s.text,
                "n": s.n,
                "agree": s.agree,
                "percent": rounded(s.percent),
            }
            for s in survey.statements
        ]
        tables.append(
            Table(
                f"feedback_{survey.code}",
                survey.name,
                [
                    Column("statement", "Statement", LABEL),
                    Column("n", "Answered (n)", PEOPLE),
                    Column("agree", "Agreed or strongly agreed", PEOPLE),
                    Column("percent", "% agreeing", PERCENT, derived_from=("agree",), n="n"),
                ],
                rows,
                note=(
                    f"{_responses_text(survey.responses, suppress)}, from "
                    f"{survey.respondent[0].lower()}{survey.respondent[1:]}."
                ),
            )
        )
    return tables


def _outcome_rows(report):
    rows = []
    for o in report.outcomes:
        if not o.n:
            continue  # a measure nobody completed in the period is left out
        direction = "higher is better" if o.higher_is_better else "lower is better"
        on = "metric score" if o.scored_on == "metric" else "total score"
        has_criterion = o.criterion is not None
        rows.append(
            {
                "measure": f"{o.name} ({on}; {direction})",
                "code": o.code,
                "n": o.n,
                "mean": rounded(o.mean, 2),
                "ci_low": rounded(o.ci_low, 2),
                "ci_high": rounded(o.ci_high, 2),
                "improved": o.improved if has_criterion else None,
                "no_change": o.no_reliable_change,
                "deteriorated": o.deteriorated if has_criterion else None,
                "percent_improved": rounded(o.percent_improved),
                "criterion": rounded(o.criterion, 2),
            }
        )
    return rows


def _outcome_tables(report):
    rows = _outcome_rows(report)
    n = Column("n", "People with a baseline and a later score", PEOPLE)
    change = Table(
        "outcomes",
        "Mean change from baseline, by measure",
        [
            Column("measure", "Measure", LABEL),
            n,
            Column("mean", "Mean change", NUMBER, n="n"),
            Column("ci_low", "95% CI from", NUMBER, n="n"),
            Column("ci_high", "95% CI to", NUMBER, n="n"),
        ],
        [dict(row) for row in rows],
        note=(
            "Each person's latest review or end score minus the latest baseline before it. The "
            "95% confidence interval is for the mean (Student's t); with fewer than 2 people "
            "there is none. Measures nobody completed in the period are left out."
        ),
    )
    reliable = Table(
        "reliable_change",
        "Reliable change, by measure",
        [
            Column("measure", "Measure", LABEL),
            n,
            Column("improved", "Reliable improvement", PEOPLE),
            Column("no_change", "No reliable change", PEOPLE),
            Column("deteriorated", "Reliable deterioration", PEOPLE),
            Column(
                "percent_improved",
                "% reliable improvement",
                PERCENT,
                derived_from=("improved",),
                n="n",
            ),
            Column("criterion", "Reliable if the change is more than", NUMBER),
        ],
        [dict(row) for row in rows],
        row_sums=((("improved", "no_change", "deteriorated"), "n"),),
        note=(
            "A measure without a published standard deviation and reliability has no reliable "
            "change criterion, so its reliable change columns are empty."
        ),
    )
    return [change, reliable]


def impact_view(report: ImpactReport, *, suppress=False) -> ReportView:
    s, a = report.sessions, report.attendance
    figures = [
        Figure("sessions", "Sessions delivered", s.total),
        Figure("hours", "Hours of therapy", rounded(s.hours), unit="hours"),
        Figure("people", "People who accessed services", report.people.total, people=True),
        Figure(
            "community_headcount",
            "Places taken at community events (headcount)",
            s.community_headcount,
            people=True,
        ),
        Figure("referrals", "New referrals", report.referrals.total, people=True),
        Figure("partners", "Partner organisations active", report.partners.organisations),
        Figure("own_sites", "Our own centres active", report.partners.own_sites),
        Figure("attendance_rate", "Attendance rate", rounded(a.rate), unit="%"),
    ]
    tables = [
        _sessions_table(report),
        _nations_table(report),
        _people_table(report),
        _referrals_table(report),
        _attendance_table(report),
        *_feedback_tables(report, suppress),
        *_outcome_tables(report),
    ]
    if suppress:
        figures = [figure_suppressed(f) for f in figures]
        tables = [t.suppressed() for t in tables]
    scope = report.scope
    return ReportView(
        title="Impact report",
        period=scope.period_label,
        filters=dict(scope.labels),
        params=dict(scope.params),
        figures=figures,
        tables=tables,
        suppressed=suppress,
        summaries=report.summaries,
    )
