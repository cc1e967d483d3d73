"""The impact report: the figures a music therapy charity publishes each year, for any period,
programme, funder, site, region or nation (see scope.py for what each filter means).

Every figure is worked out by the database (aggregate, Count(distinct), conditional counts),
never by looping over rows in Python. Each function takes a Scope and returns a dataclass.

Definitions (also shown on the page):

* A session is delivered when it was not cancelled, has started, and at least one person was
  marked as attending; a community event (a choir, a performance) when it was not cancelled
  and has started. Sessions are counted by kind: individual, group, community.
* Hours of therapy are the lengths of the sessions delivered, added up: an hour-long group
  session is one hour, however many people were in it.
* People who accessed services are distinct people marked as attending at least one session:
  each person is counted once, however many sessions or programmes they came to. People at
  community events are a headcount, reported beside them, not among them.
* New referrals are referrals received in the period, by the route they came by.
* Partner organisations active are organisations other than the service itself with at least
  one session delivered at one of their sites.
* The attendance rate is attended ÷ (attended + did not attend + cancelled late by the
  person), for sessions in the period. Cancellations in good time and by the service are
  left out: nobody was expected then.
* Feedback: each statement's % who agree or strongly agree, of the n who answered it, from
  surveys completed in the period.
* Outcome change, per measure scored as a total: for each person with a review or end
  response completed in the period, their latest such response compared with the latest
  baseline before it. Mean change with its 95% confidence interval (Student's t), and the %
  whose change was a reliable improvement (Jacobson & Truax, see tutti/outcomes/change.py).
"""

import sys
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from tutti.core.vocab import Route
from tutti.delivery.models import Attendance, Session
from tutti.organisations.models import Organisation, Site
from tutti.referrals.models import Referral
from tutti.reports.responses import (  # noqa: F401  (part of the report's interface)
    OutcomeChange,
    Statement,
    SurveyResult,
    change_pairs,
    feedback,
    outcome_change,
    outcomes,
    survey_results,
)
from tutti.reports.scope import Scope

A = Attendance.Status
ONLINE = "Online"


def _percent(part, whole):
    return 100 * part / whole if whole else None


def _duration():
    return ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())


def _minutes(value):
    """A summed duration (timedelta, or None for no rows) in whole minutes."""
    return round(value.total_seconds() / 60) if value else 0


# --- sessions and hours ---------------------------------------------------------------------


def delivered_sessions(scope: Scope):
    """Sessions delivered in the scope (see the module docstring)."""
    attended = Attendance.objects.filter(session=OuterRef("pk"), status=A.ATTENDED)
    return (
        Session.objects.filter(scope.sessions_q())
        .exclude(status=Session.Status.CANCELLED)
        .filter(Q(kind=Session.Kind.COMMUNITY) | Exists(attended))
    )


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    sessions: int
    minutes: int


@dataclass(frozen=True)
class NationCount:
    nation: str
    label: str
    sessions: int
    minutes: int


@dataclass(frozen=True)
class Sessions:
    by_kind: list
    by_nation: list
    community_headcount: int

    @property
    def total(self):
        return sum(row.sessions for row in self.by_kind)

    @property
    def minutes(self):
        return sum(row.minutes for row in self.by_kind)

    @property
    def hours(self):
        return self.minutes / 60

    def count(self, kind):
        return next((row.sessions for row in self.by_kind if row.kind == kind), 0)


def sessions_delivered(scope: Scope) -> Sessions:
    delivered = delivered_sessions(scope).order_by()
    kinds = {
        row["kind"]: row
        for row in delivered.values("kind").annotate(n=Count("pk"), length=Sum(_duration()))
    }
    by_kind = [
        KindCount(
            kind,
            label,
            kinds.get(kind, {}).get("n", 0),
            _minutes(kinds.get(kind, {}).get("length")),
        )
        for kind, label in Session.Kind.choices
    ]
    nation_labels = dict(Site.Nation.choices)
    by_nation = [
        NationCount(
            row["site__nation"] or "",
            nation_labels.get(row["site__nation"], ONLINE),
            row["n"],
            _minutes(row["length"]),
        )
        for row in delivered.values("site__nation")
        .annotate(n=Count("pk"), length=Sum(_duration()))
        .order_by("site__nation")
    ]
    by_nation.sort(key=lambda row: (row.label == ONLINE, row.label))
    headcount = delivered.filter(kind=Session.Kind.COMMUNITY).aggregate(
        n=Coalesce(Sum("headcount"), 0)
    )["n"]
    return Sessions(by_kind, by_nation, headcount)


# --- people ---------------------------------------------------------------------------------


def attended(scope: Scope):
    """Attendances marked 'attended' at sessions in the scope."""
    return Attendance.objects.filter(scope.sessions_q("session__"), status=A.ATTENDED).exclude(
        session__status=Session.Status.CANCELLED
    )


@dataclass(frozen=True)
class ProgrammeCount:
    code: str
    name: str
    people: int


@dataclass(frozen=True)
class People:
    total: int
    by_programme: list  # a person in two programmes is in both rows, once in the total


def people_reached(scope: Scope) -> People:
    rows = attended(scope).order_by()
    total = rows.aggregate(n=Count("episode__person_id", distinct=True))["n"]
    by_programme = [
        ProgrammeCount(row["session__programme__code"], row["session__programme__name"], row["n"])
        for row in rows.filter(session__programme__isnull=False)
        .values("session__programme__code", "session__programme__name")
        .annotate(n=Count("episode__person_id", distinct=True))
        .order_by("session__programme__name")
    ]
    return People(total, by_programme)


# --- referrals ------------------------------------------------------------------------------


def referrals_received(scope: Scope):
    return Referral.objects.filter(
        scope.referrals_q(), received_at__gte=scope.start, received_at__lt=scope.end
    )


@dataclass(frozen=True)
class RouteCount:
    route: str
    label: str
    referrals: int


@dataclass(frozen=True)
class Referrals:
    by_route: list

    @property
    def total(self):
        return sum(row.referrals for row in self.by_route)


def new_referrals(scope: Scope) -> Referrals:
    counts = dict(
        referrals_received(scope)
        .order_by()
        .values("route")
        .annotate(n=Count("pk"))
        .values_list("route", "n")
    )
    return Referrals(
        [RouteCount(code, label, counts.get(code, 0)) for code, label in Route.choices]
    )


# --- partners -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Partners:
    organisations: int  # partner organisations with a session delivered at one of their sites
    own_sites: int  # the service's own centres with a session delivered


def partners_active(scope: Scope) -> Partners:
    own = Q(site__organisation__kind=Organisation.Kind.SERVICE)
    counts = (
        delivered_sessions(scope)
        .order_by()
        .aggregate(
            partners=Count(
                "site__organisation", distinct=True, filter=~own & Q(site__isnull=False)
            ),
            own=Count("site", distinct=True, filter=own),
        )
    )
    return Partners(counts["partners"], counts["own"])


# --- attendance -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceFigures:
    attended: int
    did_not_attend: int
    cancelled_late: int
    cancelled_in_good_time: int
    cancelled_by_service: int
    not_marked: int

    @property
    def expected(self):
        return self.attended + self.did_not_attend + self.cancelled_late

    @property
    def rate(self):
        """attended ÷ (attended + did not attend + cancelled late), as a %."""
        return _percent(self.attended, self.expected)


def attendance_counts(queryset):
    """The attendance statuses of `queryset` (Attendance rows) counted in one query."""
    return queryset.aggregate(
        attended=Count("pk", filter=Q(status=A.ATTENDED)),
        did_not_attend=Count("pk", filter=Q(status=A.DID_NOT_ATTEND)),
        cancelled_late=Count("pk", filter=Q(status=A.CANCELLED_LATE)),
        cancelled_in_good_time=Count("pk", filter=Q(status=A.CANCELLED_BY_CLIENT)),
        cancelled_by_service=Count("pk", filter=Q(status=A.CANCELLED_BY_SERVICE)),
        not_marked=Count("pk", filter=Q(status=A.EXPECTED)),
    )


def attendance(scope: Scope) -> AttendanceFigures:
    rows = Attendance.objects.filter(scope.sessions_q("session__")).order_by()
    return AttendanceFigures(**attendance_counts(rows))


# --- the whole report -----------------------------------------------------------------------


@dataclass(frozen=True)
class ImpactReport:
    scope: Scope
    sessions: Sessions
    people: People
    referrals: Referrals
    partners: Partners
    attendance: AttendanceFigures
    feedback: list
    outcomes: list
    # The summary tables' refresh the figures were read from; None when counted live.
    summaries: object = None
    made_at: object = field(default_factory=timezone.now, compare=False)


def impact_report(scope: Scope, *, live=False) -> ImpactReport:
    """The whole report: from the summary tables when they cover the period (whole months
    before their last refresh), else counted live. `live=True` always counts live."""
    from tutti.reports import fast
    from tutti.reports.summaries import summaries_for

    refresh = None if live else summaries_for(scope)
    source = fast if refresh is not None else sys.modules[__name__]
    return ImpactReport(
        scope=scope,
        sessions=source.sessions_delivered(scope),
        people=source.people_reached(scope),
        referrals=source.new_referrals(scope),
        partners=source.partners_active(scope),
        attendance=source.attendance(scope),
        feedback=source.feedback(scope),
        outcomes=source.outcomes(scope),
        summaries=refresh,
    )
