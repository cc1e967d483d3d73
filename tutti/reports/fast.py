"""The impact figures and the IMD-quintile split read from the summary tables: the same
dataclasses as impact.py, equity.py and reach.py return, from thousands of summary rows
instead of millions of records. Used only when summaries.summaries_for(scope) allows."""

from datetime import date
from functools import lru_cache

from django.db.models import Count, Q, Sum

from tutti.core.vocab import Route
from tutti.delivery.models import Attendance, Session
from tutti.organisations.models import Organisation, Site
from tutti.outcomes.models import Respondent
from tutti.outcomes.presenters import measure_items
from tutti.programmes.models import Programme
from tutti.reports import impact
from tutti.reports.models import (
    AttendanceMonth,
    FeedbackMonth,
    OutcomeFact,
    PersonMonth,
    ReferralMonth,
    SessionMonth,
    WaitMonth,
)
from tutti.reports.responses import (
    OutcomeChange,
    Statement,
    SurveyResult,
    better_worse,
    outcome_change_of,
    survey_measures,
    total_score_measures,
)
from tutti.reports.scope import Scope
from tutti.reports.stats import interpolate, percentile_ranks
from tutti.reports.summaries import latest_refresh

A = Attendance.Status


def _months(scope: Scope):
    first = date(scope.date_from.year, scope.date_from.month, 1)
    return Q(month__gte=first, month__lte=scope.date_to)


def _sessions_q(scope):
    return _months(scope) & scope.programme_q() & scope.session_place_q()


def _referrals_q(scope):
    q = _months(scope) & scope.programme_q()
    if scope.site_ids is not None:
        place = Q(site_id__in=scope.site_ids)
        if scope.home_la_codes is not None:
            place |= Q(site_id__isnull=True, home_la__in=scope.home_la_codes)
        q &= place
    return q


def _responses_q(scope):
    if scope.is_everything:
        return _months(scope)
    return _referrals_q(scope) & Q(has_referral=True)


def _minutes(length):
    return round(length.total_seconds() / 60) if length else 0


# --- impact ---------------------------------------------------------------------------------


def sessions_delivered(scope: Scope) -> impact.Sessions:
    rows = SessionMonth.objects.filter(_sessions_q(scope))
    kinds = {
        r["kind"]: r for r in rows.values("kind").annotate(n=Sum("sessions"), length=Sum("length"))
    }
    by_kind = [
        impact.KindCount(
            kind,
            label,
            kinds.get(kind, {}).get("n") or 0,
            _minutes(kinds.get(kind, {}).get("length")),
        )
        for kind, label in Session.Kind.choices
    ]
    by_site = rows.values("site_id").annotate(n=Sum("sessions"), length=Sum("length"))
    nations = dict(Site.objects.values_list("pk", "nation"))
    labels = dict(Site.Nation.choices)
    totals = {}
    for row in by_site:  # one row a site: tens or hundreds
        nation = nations.get(row["site_id"], "") if row["site_id"] else ""
        n, length = totals.get(nation, (0, None))
        totals[nation] = (n + row["n"], row["length"] if length is None else length + row["length"])
    by_nation = [
        impact.NationCount(nation, labels.get(nation, impact.ONLINE), n, _minutes(length))
        for nation, (n, length) in totals.items()
    ]
    by_nation.sort(key=lambda row: (row.label == impact.ONLINE, row.label))
    headcount = rows.filter(kind=Session.Kind.COMMUNITY).aggregate(n=Sum("headcount"))["n"] or 0
    return impact.Sessions(by_kind, by_nation, headcount)


def people_reached(scope: Scope) -> impact.People:
    rows = PersonMonth.objects.filter(_sessions_q(scope))
    total = rows.aggregate(n=Count("person_id", distinct=True))["n"]
    counts = dict(
        rows.filter(programme_id__isnull=False)
        .values("programme_id")
        .annotate(n=Count("person_id", distinct=True))
        .values_list("programme_id", "n")
    )
    programmes = Programme.objects.filter(pk__in=counts).order_by("name")
    by_programme = [impact.ProgrammeCount(p.code, p.name, counts[p.pk]) for p in programmes]
    return impact.People(total, by_programme)


def new_referrals(scope: Scope) -> impact.Referrals:
    counts = dict(
        ReferralMonth.objects.filter(_referrals_q(scope))
        .values("route")
        .annotate(n=Sum("referrals"))
        .values_list("route", "n")
    )
    return impact.Referrals(
        [impact.RouteCount(code, label, counts.get(code) or 0) for code, label in Route.choices]
    )


def partners_active(scope: Scope) -> impact.Partners:
    site_ids = set(
        SessionMonth.objects.filter(_sessions_q(scope), site_id__isnull=False)
        .values_list("site_id", flat=True)
        .distinct()
    )
    sites = Site.objects.filter(pk__in=site_ids)
    own = Q(organisation__kind=Organisation.Kind.SERVICE)
    return impact.Partners(
        sites.exclude(own).values("organisation_id").distinct().count(),
        sites.filter(own).count(),
    )


def attendance(scope: Scope) -> impact.AttendanceFigures:
    counts = dict(
        AttendanceMonth.objects.filter(_sessions_q(scope))
        .values("status")
        .annotate(n=Sum("places"))
        .values_list("status", "n")
    )
    return impact.AttendanceFigures(
        attended=counts.get(A.ATTENDED, 0),
        did_not_attend=counts.get(A.DID_NOT_ATTEND, 0),
        cancelled_late=counts.get(A.CANCELLED_LATE, 0),
        cancelled_in_good_time=counts.get(A.CANCELLED_BY_CLIENT, 0),
        cancelled_by_service=counts.get(A.CANCELLED_BY_SERVICE, 0),
        not_marked=counts.get(A.EXPECTED, 0),
    )


def survey_results(scope: Scope, measure) -> SurveyResult:
    rows = FeedbackMonth.objects.filter(_months(scope), measure_id=measure.pk)
    if measure.respondent == Respondent.STAFF:
        if not scope.is_everything:
            sites = Site.objects.all()
            if scope.site_ids is not None:
                sites = sites.filter(pk__in=scope.site_ids)
            if scope.programme_ids is not None:
                sites = sites.filter(programmes__in=scope.programme_ids)
            rows = rows.filter(organisation_id__in=sites.values("organisation_id"))
    else:
        rows = rows.filter(_responses_q(scope))
    totals = {
        r["item"]: r for r in rows.values("item").annotate(n=Sum("answered"), yes=Sum("agreed"))
    }
    items = measure_items(measure)
    statements = [
        Statement(
            item["number"],
            item["wording"],
            totals.get(i, {}).get("n") or 0,
            totals.get(i, {}).get("yes") or 0,
        )
        for i, item in enumerate(items)
    ]
    responses = totals.get(-1, {}).get("n") or 0
    return SurveyResult(
        measure.code, measure.name, measure.get_respondent_display(), responses, statements
    )


def feedback(scope: Scope) -> list:
    return [survey_results(scope, measure) for measure in survey_measures()]


def change_facts(scope: Scope, measure):
    """Each person's latest follow-up in the period (in any programme), if in the scope and
    with a baseline: as responses.change_pairs, from OutcomeFact. The latest in the period is
    the one whose next follow-up (if any) came after the period."""
    latest = Q(next_completed_at__isnull=True) | Q(next_completed_at__gte=scope.end)
    return OutcomeFact.objects.filter(
        _responses_q(scope), latest, measure_id=measure.pk, change__isnull=False
    )


def outcome_change(scope: Scope, measure) -> OutcomeChange:
    return outcome_change_of(change_facts(scope, measure), measure)


def outcomes(scope: Scope) -> list:
    return [outcome_change(scope, measure) for measure in total_score_measures()]


# --- the IMD-quintile split -----------------------------------------------------------------


def referral_counts_by_quintile(scope):
    rows = (
        ReferralMonth.objects.filter(_referrals_q(scope))
        .values("imd_quintile")
        .annotate(referrals=Sum("referrals"), accepted=Sum("accepted"), decided=Sum("decided"))
    )
    return {row.pop("imd_quintile"): row for row in rows}


def wait_percentiles_by_quintile(scope, ps=(0.5, 0.9)):
    """Percentiles from the histogram of whole days waited, for each quintile and everyone."""
    rows = (
        WaitMonth.objects.filter(_referrals_q(scope))
        .values("imd_quintile", "days")
        .annotate(n=Sum("offers"))
        .order_by("imd_quintile", "days")
    )
    histograms, everyone = {}, {}
    for row in rows:  # one row a quintile and number of days: a few thousand at most
        days = row["days"].days
        histograms.setdefault(row["imd_quintile"], {}).setdefault(days, 0)
        histograms[row["imd_quintile"]][days] += row["n"]
        everyone[days] = everyone.get(days, 0) + row["n"]
    result = {key: _percentiles(histogram, ps) for key, histogram in histograms.items()}
    return result, (_percentiles(everyone, ps) if everyone else None)


def _percentiles(histogram, ps):
    ordered = sorted(histogram.items())
    n = sum(count for _, count in ordered)

    def at_rank(rank):
        seen = 0
        for value, count in ordered:
            seen += count
            if seen >= rank:
                return value
        return ordered[-1][0]

    row = {"n": n}
    for p in ps:
        lower, upper, weight = percentile_ranks(n, p)
        row[p] = interpolate(at_rank(lower), at_rank(upper), weight)
    return row


def attendance_by_quintile(scope):
    places = AttendanceMonth.objects.filter(_sessions_q(scope))
    result = {}
    for row in places.values("imd_quintile").annotate(
        attended=Sum("places", filter=Q(status=A.ATTENDED)),
        expected=Sum("places", filter=Q(status__in=[A.ATTENDED, *Attendance.NON_ATTENDANCE])),
    ):
        result[row["imd_quintile"]] = {
            "attended": row["attended"] or 0,
            "expected": row["expected"] or 0,
            "people": 0,
        }
    for quintile, row in people_by_quintile(scope).items():
        result.setdefault(quintile, {"attended": 0, "expected": 0, "people": 0})
        result[quintile]["people"] = row["people"]
    # A person has one quintile (or none), so the people in each add up to everyone.
    everyone = {
        name: sum(r[name] for r in result.values()) for name in ("attended", "expected", "people")
    }
    return result, everyone


def outcomes_by_quintile(scope, measures):
    pooled, everyone = {}, {"pairs": 0, "improved": 0}
    for measure in measures:
        better, _ = better_worse(measure, measure.reliable_change_criterion)
        for row in (
            change_facts(scope, measure)
            .values("imd_quintile")
            .annotate(pairs=Count("pk"), improved=Count("pk", filter=better))
        ):
            into = pooled.setdefault(row["imd_quintile"], {"pairs": 0, "improved": 0})
            into["pairs"] += row["pairs"]
            into["improved"] += row["improved"]
            everyone["pairs"] += row["pairs"]
            everyone["improved"] += row["improved"]
    return pooled, everyone


def people_by_quintile(scope):
    """{quintile: {"people": n}}, remembered for the latest refresh: the equity split and the
    reach chart on one page both need it."""
    refresh = latest_refresh()
    key = (refresh.pk, refresh.counted_until) if refresh else None
    return dict(_people_by_quintile(scope, key))


@lru_cache(maxsize=16)
def _people_by_quintile(scope, refresh_key):
    rows = PersonMonth.objects.filter(_sessions_q(scope))
    return tuple(
        (row["imd_quintile"], {"people": row["n"]})
        for row in rows.values("imd_quintile").annotate(n=Count("person_id", distinct=True))
    )


def home_areas_of_people(scope):
    rows = PersonMonth.objects.filter(_sessions_q(scope)).exclude(home_la="")
    return rows.values_list("home_la", flat=True).distinct()


def quintile_split(scope, dimension, measures):
    """The IMD-quintile equity split (equity.EquitySplit) from the summaries."""
    from tutti.reports.equity import EquitySplit, GroupFigures

    referrals = referral_counts_by_quintile(scope)
    waits, all_waits = wait_percentiles_by_quintile(scope)
    attendance, all_attendance = attendance_by_quintile(scope)
    outcomes, all_outcomes = outcomes_by_quintile(scope, measures)
    all_referrals = {
        name: sum(row[name] or 0 for row in referrals.values())
        for name in ("referrals", "accepted", "decided")
    }
    total = GroupFigures(None, "Everyone").add(
        all_referrals, all_waits, all_attendance, all_outcomes
    )
    parts = (referrals, waits, attendance, outcomes)
    groups = []
    for value in dimension.order(list(set().union(*(part.keys() for part in parts)))):
        group = GroupFigures(value, dimension.label_of(value))
        groups.append(group.add(*(part.get(value) for part in parts)))
    return EquitySplit(dimension, groups, total)
