"""Waiting list analytics: how many wait and who (over time, by deprivation), how long they
have waited, and how long the list would take to clear at the present rates.

* Waiting at a moment: a referral is on the waiting list at a moment when its latest status
  event at or before that moment is "waiting" (ReferralEvent: status history, never typed
  in). Counted at the end of each month in the period (and now, if the period runs to today),
  by the person's IMD quintile, in one query for every month end: a window function gives
  each event the time of the referral's next one, and the database counts the "waiting"
  events that span each moment. (The list behind a figure finds each referral's latest event
  before the moment with a correlated subquery: the same answer, one moment at a time.)
* Waiting now: referrals whose status is "waiting". A wait runs from `waiting_since` (the day
  the referral joined the list; an offer said no to does not restart it), or from when the
  referral was received if that is missing. Bands of weeks; each programme's own target wait
  (`Programme.target_wait_weeks`) decides who is over it. Median and 90th percentile from the
  one or two ranked waits either side (a window function numbers them).
* Flow over the last 12 weeks: arrivals are status events to "waiting" (new referrals put on
  the list and people who said no to an offer and went back on it); throughput is status
  events to "offered" (offers made). Free places now are each programme's therapists' free
  weekly places plus its groups' free places (tutti.waitlist.capacity).
* Projection: waiting ÷ (offers a week − arrivals a week) weeks when offers outpace arrivals;
  otherwise the list is growing (or holding steady). People leaving the list in other ways
  (withdrawn, signposted elsewhere) are left out, so it is a planning figure, not a promise.

Referrals are chosen by the report's Scope (programmes, and places as the Scope places them).
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce, Lead, RowNumber
from django.utils import timezone

from tutti.programmes.models import Programme
from tutti.referrals.models import Referral, ReferralEvent, Status
from tutti.reports.scope import Scope
from tutti.reports.stats import interpolate, percentile_ranks

FLOW_WEEKS = 12
DEFAULT_TARGET_WEEKS = Programme._meta.get_field("target_wait_weeks").default
# (lowest week, highest week (not included) or None, label): weeks from joining the list.
BANDS = [
    (0, 4, "0 to 4 weeks"),
    (4, 8, "4 to 8 weeks"),
    (8, 12, "8 to 12 weeks"),
    (12, 18, "12 to 18 weeks"),
    (18, 26, "18 to 26 weeks"),
    (26, 52, "26 to 52 weeks"),
    (52, None, "52 weeks or more"),
]
QUINTILES = (1, 2, 3, 4, 5, None)  # None: not known


# --- size and make-up over time -------------------------------------------------------------


@dataclass(frozen=True)
class Moment:
    day: date
    at: datetime  # the moment after the day (exclusive), or now
    is_now: bool = False

    @property
    def label(self):
        if self.is_now:
            return f"Now ({self.day:%-d %b %Y})"
        return f"{self.day:%-d %b %Y}"


def month_ends(scope: Scope, now: datetime) -> list[Moment]:
    """The end of each month in the period that has passed, and now if the period runs to
    today and today is not a month end."""
    today = timezone.localdate(now)
    moments = []
    year, month = scope.date_from.year, scope.date_from.month
    while True:
        last = date(year, month, calendar.monthrange(year, month)[1])
        if last > scope.date_to or last >= today:
            break
        if last >= scope.date_from:
            at = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
            moments.append(Moment(last, at))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    if scope.date_from <= today <= scope.date_to:
        moments.append(Moment(today, now, is_now=True))
    return moments


def waiting_at(scope: Scope, at: datetime):
    """Referrals in the scope whose latest status event before `at` is "waiting"."""
    latest = (
        ReferralEvent.objects.filter(referral=OuterRef("pk"), at__lt=at)
        .order_by("-at", "-pk")
        .values("status")[:1]
    )
    return (
        Referral.objects.filter(scope.referrals_q(), received_at__lt=at)
        .annotate(status_then=Subquery(latest))
        .filter(status_then=Status.WAITING)
    )


@dataclass
class SizeAt:
    moment: Moment
    by_quintile: dict  # quintile (None: not known) -> people waiting

    @property
    def total(self):
        return sum(self.by_quintile.values())


def size_over_time(scope: Scope, now: datetime) -> list[SizeAt]:
    """People waiting at each moment, by quintile, in one query: each status event of the
    referrals in scope is given the time of the referral's next event (a window function);
    a referral is waiting at a moment when one of its "waiting" events is before it and the
    next event (if any) is not. The database adds these up for every moment at once."""
    moments = month_ends(scope, now)
    if not moments:
        return []
    connection = connections[Referral.objects.db]
    qn, ops = connection.ops.quote_name, connection.ops
    events = (
        ReferralEvent.objects.filter(scope.referrals_q("referral__"), at__lt=moments[-1].at)
        .order_by()
        .annotate(
            quintile=F("referral__person__imd_quintile"),
            event_status=F("status"),
            since=F("at"),
            until=Window(Lead("at"), partition_by=[F("referral_id")], order_by=[F("at"), F("pk")]),
        )
        .values("quintile", "event_status", "since", "until")
    )
    sizes = [SizeAt(moment, dict.fromkeys(QUINTILES, 0)) for moment in moments]
    try:
        inner, inner_params = events.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:  # no programmes in scope (a commissioner who funds none)
        return sizes
    since, until = qn("since"), qn("until")
    counts, params = [], []
    for moment in moments:
        counts.append(
            f"SUM(CASE WHEN {since} < %s AND ({until} IS NULL OR {until} >= %s) THEN 1 ELSE 0 END)"
        )
        at = ops.adapt_datetimefield_value(moment.at)
        params += [at, at]
    sql = (
        f"SELECT {qn('quintile')}, {', '.join(counts)} FROM ({inner}) events "
        f"WHERE {qn('event_status')} = %s GROUP BY {qn('quintile')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params, Status.WAITING.value])
        rows = cursor.fetchall()
    for quintile, *numbers in rows:
        for size, n in zip(sizes, numbers, strict=True):
            size.by_quintile[quintile if quintile in size.by_quintile else None] += n or 0
    return sizes


# --- waits now --------------------------------------------------------------------------------


def waiting_now(scope: Scope):
    return Referral.objects.filter(scope.referrals_q(), status=Status.WAITING)


def since_expression():
    return Coalesce("waiting_since", "received_at")


def band_q(band, now: datetime):
    """Referrals (annotated with `since`) whose wait now is in the band."""
    low, high, _ = band
    q = Q(since__lte=now - timedelta(weeks=low))
    if high is not None:
        q &= Q(since__gt=now - timedelta(weeks=high))
    return q


def over_target_q(targets, now: datetime):
    """Referrals (annotated with `since`) waiting longer than their programme's target."""
    q = Q(pk__in=[])
    for target in targets:
        same = (
            Q(programme__target_wait_weeks=target)
            if target != DEFAULT_TARGET_WEEKS
            else Q(programme__target_wait_weeks=target) | Q(programme__isnull=True)
        )
        q |= same & Q(since__lt=now - timedelta(weeks=target))
    return q


@dataclass
class WaitsNow:
    waiting: int
    bands: list  # (label, people) in BANDS order
    over_target: int
    targets: list  # the distinct target waits (weeks) of the programmes people wait for
    median_weeks: float | None
    p90_weeks: float | None

    @property
    def target_weeks(self):
        """The one target every waiting person shares, or None when targets differ."""
        return self.targets[0] if len(self.targets) == 1 else None


def waits_now(scope: Scope, now: datetime) -> WaitsNow:
    waiting = waiting_now(scope).order_by().annotate(since=since_expression())
    targets = sorted(
        {
            t if t is not None else DEFAULT_TARGET_WEEKS
            for t in waiting.values_list("programme__target_wait_weeks", flat=True).distinct()
        }
    )
    counts = waiting.aggregate(
        waiting=Count("pk"),
        over_target=Count("pk", filter=over_target_q(targets, now)),
        **{f"band_{i}": Count("pk", filter=band_q(band, now)) for i, band in enumerate(BANDS)},
    )
    n = counts["waiting"]
    median = p90 = None
    if n:
        wanted = {}
        for p in (0.5, 0.9):
            wanted[p] = percentile_ranks(n, p)
        ranks = sorted({r for lower, upper, _ in wanted.values() for r in (lower, upper)})
        ranked = waiting.annotate(
            _rank=Window(RowNumber(), order_by=[F("since").desc(), F("pk").desc()])
        ).values_list("_rank", "since")
        # Filtering on a window needs Django 4.2+; both databases do it in one query.
        weeks = {
            rank: (now - since).total_seconds() / (7 * 86400)
            for rank, since in ranked.filter(_rank__in=ranks)
        }
        median = interpolate(weeks[wanted[0.5][0]], weeks[wanted[0.5][1]], wanted[0.5][2])
        p90 = interpolate(weeks[wanted[0.9][0]], weeks[wanted[0.9][1]], wanted[0.9][2])
    return WaitsNow(
        waiting=n,
        bands=[(band[2], counts[f"band_{i}"]) for i, band in enumerate(BANDS)],
        over_target=counts["over_target"],
        targets=targets,
        median_weeks=median,
        p90_weeks=p90,
    )


# --- flow and the time to clear the list ------------------------------------------------------


@dataclass
class Flow:
    """One programme's list (or everyone's, programme None) and its flow."""

    programme: Programme | None
    waiting: int = 0
    arrivals: int = 0  # in the last FLOW_WEEKS weeks
    offers: int = 0
    individual_places: int = 0
    group_places: int = 0
    weeks: int = FLOW_WEEKS

    @property
    def label(self):
        if self.programme is None:
            return "No programme chosen"
        return f"{self.programme.name} ({self.programme.code})"

    @property
    def free_places(self):
        return self.individual_places + self.group_places

    @property
    def arrivals_a_week(self):
        return self.arrivals / self.weeks

    @property
    def offers_a_week(self):
        return self.offers / self.weeks

    @property
    def net_a_week(self):
        """How much shorter the list gets each week (negative: longer)."""
        return self.offers_a_week - self.arrivals_a_week

    @property
    def weeks_to_clear(self):
        if not self.waiting:
            return 0.0
        if self.net_a_week <= 0:
            return None
        return self.waiting / self.net_a_week

    def add(self, other):
        for name in ("waiting", "arrivals", "offers", "individual_places", "group_places"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self


@dataclass
class WaitingReport:
    scope: Scope
    now: datetime
    sizes: list
    waits: WaitsNow
    flows: list  # Flow per programme
    total: Flow
    notes: list = field(default_factory=list)


def _events_by_programme(scope: Scope, status, since, until):
    rows = (
        ReferralEvent.objects.filter(
            scope.referrals_q("referral__"), status=status, at__gte=since, at__lt=until
        )
        .order_by()
        .values_list("referral__programme_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


def free_places(programme) -> tuple[int, int]:
    """(individual, group) places free now for the programme."""
    from tutti.waitlist.capacity import group_capacity, individual_capacity

    individual = sum(slot.places for slot in individual_capacity(programme))
    group = sum(slot.places for slot in group_capacity(programme))
    return individual, group


def flows(scope: Scope, now: datetime, weeks: int = FLOW_WEEKS) -> list[Flow]:
    since = now - timedelta(weeks=weeks)
    waiting = dict(
        waiting_now(scope).order_by().values_list("programme_id").annotate(n=Count("pk"))
    )
    arrivals = _events_by_programme(scope, Status.WAITING, since, now)
    offers = _events_by_programme(scope, Status.OFFERED, since, now)
    programmes = Programme.objects.order_by("name")
    if scope.programme_ids is not None:
        programmes = programmes.filter(pk__in=scope.programme_ids)
    else:
        active = set(waiting) | set(arrivals) | set(offers)
        programmes = programmes.filter(Q(pk__in=active - {None}) | Q(open_to_referrals=True))
    result = []
    for programme in programmes:
        individual, group = free_places(programme)
        result.append(
            Flow(
                programme,
                waiting=waiting.get(programme.pk, 0),
                arrivals=arrivals.get(programme.pk, 0),
                offers=offers.get(programme.pk, 0),
                individual_places=individual,
                group_places=group,
                weeks=weeks,
            )
        )
    if scope.programme_ids is None and any(None in d for d in (waiting, arrivals, offers)):
        result.append(
            Flow(
                None,
                waiting=waiting.get(None, 0),
                arrivals=arrivals.get(None, 0),
                offers=offers.get(None, 0),
                weeks=weeks,
            )
        )
    return result


def waiting_report(scope: Scope, now: datetime | None = None) -> WaitingReport:
    now = now or timezone.now()
    programme_flows = flows(scope, now)
    total = Flow(None, weeks=FLOW_WEEKS)
    for flow in programme_flows:
        total.add(flow)
    return WaitingReport(
        scope=scope,
        now=now,
        sizes=size_over_time(scope, now),
        waits=waits_now(scope, now),
        flows=programme_flows,
        total=total,
    )
