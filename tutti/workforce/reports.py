"""Workforce and training figures. Counts only: names are on the clinical lead's QA page.

Therapist hours delivered are counted from the sessions in the diary (tutti.delivery):
every session that was not cancelled and has ended, once for each therapist in it, so a
group run by two therapists counts two therapist-hours an hour. The hours therapists are
available each week are shown as well, labelled as what they are.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, Sum
from django.utils import timezone

from tutti.delivery.models import Session
from tutti.geography.services import resolve_postcode
from tutti.referrals.models import Referral, Status
from tutti.workforce.models import (
    Attendance,
    Cohort,
    Participant,
    ParticipantRole,
    Therapist,
    WeeklyAvailability,
)
from tutti.workforce.selectors import supervision_due, with_last_supervision


def _percent(part, whole):
    return round(100 * part / whole) if whole else None


def registration_summary(*, on):
    counts = Counter(
        t.registration_status(on).state
        for t in Therapist.objects.filter(user__is_active=True, is_trainee=False)
    )
    return [
        ("Registered, not due for renewal in the next 60 days", counts["ok"]),
        ("Due for renewal within 60 days", counts["due"]),
        ("Lapsed", counts["lapsed"]),
        ("No registration date recorded", counts["missing"]),
    ]


@dataclass(frozen=True)
class Compliance:
    group: str
    therapists: int
    on_time: int

    @property
    def overdue(self):
        return self.therapists - self.on_time

    @property
    def percent(self):
        return _percent(self.on_time, self.therapists)


def supervision_compliance(*, on):
    """How many therapists had supervision within their target interval, by group."""
    totals = {"Qualified therapists": [0, 0], "Trainees": [0, 0]}
    therapists = with_last_supervision(Therapist.objects.filter(user__is_active=True))
    for therapist in therapists:
        group = "Trainees" if therapist.is_trainee else "Qualified therapists"
        totals[group][0] += 1
        if not supervision_due(therapist, on=on).overdue:
            totals[group][1] += 1
    rows = [Compliance(group, n, ok) for group, (n, ok) in totals.items()]
    everyone = Compliance("Everyone", sum(r.therapists for r in rows), sum(r.on_time for r in rows))
    return [*rows, everyone]


# ---------------------------------------------------------------------------------------
# Therapist hours delivered


def last_twelve_months(today=None):
    """The default period: the twelve months up to and including today."""
    today = today or timezone.localdate()
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return year_ago + timedelta(days=1), today


@dataclass(frozen=True)
class HoursRow:
    """Therapist-hours in one site or programme (or the total), split by kind of session."""

    key: object  # the site's or programme's id; None for online, no programme or the total
    label: str
    code: str  # the programme's code, for its link
    sessions: int
    individual: float
    group: float
    community: float

    @property
    def hours(self):
        return self.individual + self.group + self.community


_KINDS = {
    "individual": Session.Kind.INDIVIDUAL,
    "group": Session.Kind.GROUP,
    "community": Session.Kind.COMMUNITY,
}
_LENGTH = ExpressionWrapper(
    F("session__ends_at") - F("session__starts_at"), output_field=DurationField()
)


def _hours(duration):
    return duration.total_seconds() / 3600 if duration else 0.0


def _delivered(date_from: date, date_to: date, *, now=None):
    """One row per therapist in each session delivered in the period: sessions that started
    on or after the first day and before the day after the last, were not cancelled and have
    ended by `now`."""
    now = now or timezone.now()
    start = timezone.make_aware(datetime.combine(date_from, time.min))
    end = timezone.make_aware(datetime.combine(date_to + timedelta(days=1), time.min))
    return Session.therapists.through.objects.filter(
        session__starts_at__gte=start,
        session__starts_at__lt=end,
        session__ends_at__lte=now,
    ).exclude(session__status=Session.Status.CANCELLED)


def _sums():
    return {
        "sessions": Count("session", distinct=True),
        **{
            name: Sum(_LENGTH, filter=Q(session__kind=kind), default=timedelta(0))
            for name, kind in _KINDS.items()
        },
    }


def _row(key, label, values, code=""):
    return HoursRow(
        key=key,
        label=label,
        code=code or "",
        sessions=values["sessions"],
        **{name: _hours(values[name]) for name in _KINDS},
    )


def hours_delivered(date_from: date, date_to: date, *, now=None):
    """Therapist-hours delivered in the period, by site (online sessions as their own row),
    by programme, and in all: {"by_site": [...], "by_programme": [...], "total": HoursRow}.

    Three aggregate queries, whatever the number of sessions.
    """
    rows = _delivered(date_from, date_to, now=now).order_by()
    by_site = [
        _row(r["session__site_id"], r["session__site__name"] or "Online", r)
        for r in rows.values("session__site_id", "session__site__name").annotate(**_sums())
    ]
    by_site.sort(key=lambda r: (r.key is None, r.label.lower()))
    programme = ("session__programme_id", "session__programme__name", "session__programme__code")
    by_programme = [
        _row(r[programme[0]], r[programme[1]] or "No programme", r, code=r[programme[2]])
        for r in rows.values(*programme).annotate(**_sums())
    ]
    by_programme.sort(key=lambda r: (r.key is None, r.label.lower()))
    total = _row(None, "Total", rows.aggregate(**_sums()))
    return {"by_site": by_site, "by_programme": by_programme, "total": total}


# ---------------------------------------------------------------------------------------
# Hours available each week


def weekly_hours_by_site():
    """Hours a week therapists have said they are available, by site (not hours delivered)."""
    by_site = defaultdict(lambda: {"hours": 0.0, "group_hours": 0.0, "therapists": set()})
    slots = WeeklyAvailability.objects.filter(therapist__user__is_active=True).select_related(
        "site"
    )
    for slot in slots:
        row = by_site[slot.site.name]
        row["hours"] += slot.hours
        if slot.for_groups:
            row["group_hours"] += slot.hours
        row["therapists"].add(slot.therapist_id)
    return [
        {
            "site": site,
            "hours": row["hours"],
            "group_hours": row["group_hours"],
            "therapists": len(row["therapists"]),
        }
        for site, row in sorted(by_site.items())
    ]


def caseload_by_programme():
    """People in therapy now (active referrals) and their therapists, by programme."""
    rows = (
        Referral.objects.filter(status=Status.ACTIVE)
        .order_by()
        .values("programme__name")
        .annotate(people=Count("pk"), therapists=Count("therapist", distinct=True))
        .order_by("programme__name")
    )
    return [
        {
            "programme": row["programme__name"] or "No programme",
            "people": row["people"],
            "therapists": row["therapists"],
        }
        for row in rows
    ]


def _area(cohort, cache):
    if cohort.is_online:
        return "Online"
    if cohort.venue_id not in cache:
        place = resolve_postcode(cohort.venue.postcode)
        cache[cohort.venue_id] = place.local_authority_name or "Area not known"
    return cache[cohort.venue_id]


def _finished_cohorts():
    today = timezone.localdate()
    return Cohort.objects.annotate(last=Max("sessions__date")).filter(last__lt=today)


def training_reach():
    """People trained (came to at least one session), by role and by the area of the venue.

    A person is counted once however many sessions or courses they came to; people are told
    apart by email address.
    """
    came = (
        Attendance.objects.filter(attended=True)
        .select_related("participant__cohort__venue")
        .order_by()
    )
    by_role = defaultdict(set)
    by_area = defaultdict(set)
    everyone = set()
    areas = {}
    for mark in came:
        participant = mark.participant
        who = participant.email.lower()
        everyone.add(who)
        by_role[participant.role].add(who)
        by_area[_area(participant.cohort, areas)].add(who)
    signups = Participant.objects.exclude(cohort__in=_finished_cohorts()).aggregate(
        places=Count("pk", filter=Q(status=Participant.Status.PLACE)),
        waiting=Count("pk", filter=Q(status=Participant.Status.WAITING)),
    )
    return {
        "total": len(everyone),
        "by_role": [(label, len(by_role.get(code, ()))) for code, label in ParticipantRole.choices],
        "by_area": sorted(((area, len(who)) for area, who in by_area.items())),
        "places": signups["places"],
        "waiting": signups["waiting"],
    }
