"""Building the summary tables (models.py) and deciding when a report may read them.

`summaries_refresh()` rebuilds every table in one transaction, each with INSERT … SELECT
statements the database works out from the same definitions the live report uses, so the
two count alike (tests/test_summaries.py compares them). It runs from
`manage.py refresh_report_summaries` (nightly, from cron or a systemd timer) or its
background task `tutti.reports.tasks.refresh_summaries`.

A report reads the summaries when its period is whole calendar months that ended before the
last refresh began (an annual report always is); otherwise it counts live. The page says
which, and when the summaries were made.
"""

import calendar
import time

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Lead, TruncMonth
from django.utils import timezone

from tutti.delivery.models import Attendance, Session
from tutti.outcomes.models import Response, ResponseStatus
from tutti.outcomes.presenters import measure_items
from tutti.referrals.models import Referral, Status
from tutti.reports.equity import first_offer_at, wait_days
from tutti.reports.models import (
    AttendanceMonth,
    FeedbackMonth,
    OutcomeFact,
    PersonMonth,
    ReferralMonth,
    SessionMonth,
    SummaryRefresh,
    WaitMonth,
)
from tutti.reports.responses import (
    baseline_score,
    change_from_baseline,
    scored_follow_ups,
    survey_measures,
    total_score_measures,
)

TABLES = [
    SessionMonth,
    AttendanceMonth,
    PersonMonth,
    ReferralMonth,
    WaitMonth,
    FeedbackMonth,
    OutcomeFact,
]
A = Attendance.Status


def _month(path):
    return TruncMonth(path, output_field=DateField())


def _insert(model, queryset, columns):
    """INSERT INTO model's table the rows of `queryset`, whose SELECT lists its values()
    fields and then its annotations; `columns` maps each of those names to a field."""
    query = queryset.query
    selected = list(query.values_select) + list(query.annotation_select)
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(columns[n]).column) for n in selected)
    sql, params = query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({names}) {sql}", params)


def _same(*names):
    return {name: name for name in names}


def _sessions(until):
    attended = Attendance.objects.filter(session=OuterRef("pk"), status=A.ATTENDED)
    delivered = (
        Session.objects.filter(starts_at__lt=until)
        .exclude(status=Session.Status.CANCELLED)
        .filter(Q(kind=Session.Kind.COMMUNITY) | Exists(attended))
    )
    length = ExpressionWrapper(
        F("ends_at") - F("starts_at"), output_field=SessionMonth._meta.get_field("length")
    )
    rows = (
        delivered.order_by()
        .values("programme_id", "site_id", "kind", m=_month("starts_at"))
        .annotate(n=Count("pk"), span=Sum(length), heads=Sum("headcount"))
    )
    columns = {
        **_same("programme_id", "site_id", "kind"),
        "m": "month",
        "n": "sessions",
        "span": "length",
        "heads": "headcount",
    }
    _insert(SessionMonth, rows, columns)


def _attendance(until):
    rows = (
        Attendance.objects.filter(session__starts_at__lt=until)
        .order_by()
        .values(
            "status",
            m=_month("session__starts_at"),
            programme=F("session__programme_id"),
            site=F("session__site_id"),
            quintile=F("episode__person__imd_quintile"),
        )
        .annotate(n=Count("pk"))
    )
    columns = {
        "status": "status",
        "m": "month",
        "programme": "programme_id",
        "site": "site_id",
        "quintile": "imd_quintile",
        "n": "places",
    }
    _insert(AttendanceMonth, rows, columns)


def _people(until):
    rows = (
        Attendance.objects.filter(session__starts_at__lt=until, status=A.ATTENDED)
        .exclude(session__status=Session.Status.CANCELLED)
        .order_by()
        .values(
            m=_month("session__starts_at"),
            person=F("episode__person_id"),
            programme=F("session__programme_id"),
            site=F("session__site_id"),
            home=F("episode__person__local_authority_code"),
            quintile=F("episode__person__imd_quintile"),
        )
        .distinct()
    )
    columns = {
        "m": "month",
        "person": "person_id",
        "programme": "programme_id",
        "site": "site_id",
        "home": "home_la",
        "quintile": "imd_quintile",
    }
    _insert(PersonMonth, rows, columns)


def _referrals(until):
    accepted = Q(waiting_since__isnull=False)
    decided = accepted | Q(status__in=[Status.DECLINED, Status.SIGNPOSTED])
    rows = (
        Referral.objects.filter(received_at__lt=until)
        .order_by()
        .values(
            "programme_id",
            "site_id",
            "route",
            m=_month("received_at"),
            home=F("person__local_authority_code"),
            quintile=F("person__imd_quintile"),
        )
        .annotate(
            n=Count("pk"),
            yes=Count("pk", filter=accepted),
            done=Count("pk", filter=decided),
        )
    )
    columns = {
        **_same("programme_id", "site_id", "route"),
        "m": "month",
        "home": "home_la",
        "quintile": "imd_quintile",
        "n": "referrals",
        "yes": "accepted",
        "done": "decided",
    }
    _insert(ReferralMonth, rows, columns)


def _waits(until):
    offered = (
        Referral.objects.filter(waiting_since__isnull=False, waiting_since__lt=until)
        .annotate(first_offer_at=first_offer_at())
        .filter(first_offer_at__lt=until)
        .annotate(wait=wait_days())
    )
    rows = (
        offered.order_by()
        .values(
            "programme_id",
            "site_id",
            m=_month("first_offer_at"),
            home=F("person__local_authority_code"),
            quintile=F("person__imd_quintile"),
            days=F("wait"),
        )
        .annotate(n=Count("pk"))
    )
    columns = {
        **_same("programme_id", "site_id"),
        "m": "month",
        "home": "home_la",
        "quintile": "imd_quintile",
        "days": "days",
        "n": "offers",
    }
    _insert(WaitMonth, rows, columns)


def _feedback(until):
    has_referral = ExpressionWrapper(Q(referral__isnull=False), output_field=BooleanField())
    for measure in survey_measures():
        completed = Response.objects.filter(
            measure=measure, status=ResponseStatus.COMPLETED, completed_at__lt=until
        ).order_by()
        keys = {
            "m": _month("completed_at"),
            "programme": F("referral__programme_id"),
            "site": F("referral__site_id"),
            "home": F("referral__person__local_authority_code"),
            "org": F("organisation_id"),
            "with_referral": has_referral,
        }
        columns = {
            "m": "month",
            "programme": "programme_id",
            "site": "site_id",
            "home": "home_la",
            "org": "organisation_id",
            "with_referral": "has_referral",
            "item": "item",
            "survey": "measure_id",
            "n": "answered",
            "yes": "agreed",
        }
        items = [(-1, Q(score__answered__gte=1), Q(pk__in=[]))]
        for index in range(len(measure_items(measure))):
            item = f"score__items__{index}"
            items.append(
                (
                    index,
                    Q(**{f"{item}__agree__isnull": False}),
                    Q(**{f"{item}__agree": True}),
                )
            )
        for index, answered, agreed in items:
            rows = completed.values(
                **keys,
                item=Value(index),
                survey=Value(measure.pk),
            ).annotate(n=Count("pk", filter=answered), yes=Count("pk", filter=agreed))
            _insert(FeedbackMonth, rows, columns)


def _outcomes(until):
    has_referral = ExpressionWrapper(Q(referral__isnull=False), output_field=BooleanField())
    for measure in total_score_measures():
        rows = (
            scored_follow_ups(measure)
            .filter(completed_at__lt=until)
            .annotate(baseline=baseline_score(measure))
            .order_by()
            .values(
                "completed_at",
                response=F("pk"),
                m=_month("completed_at"),
                who=F("person_id"),
                measure_=F("measure_id"),
                programme=F("referral__programme_id"),
                site=F("referral__site_id"),
                home=F("referral__person__local_authority_code"),
                with_referral=has_referral,
                quintile=F("person__imd_quintile"),
                difference=change_from_baseline(measure),
                next_at=Window(
                    Lead("completed_at"),
                    partition_by=[F("person_id")],
                    order_by=[F("completed_at").asc(), F("pk").asc()],
                ),
            )
        )
        columns = {
            "completed_at": "completed_at",
            "response": "response_id",
            "m": "month",
            "who": "person_id",
            "measure_": "measure_id",
            "programme": "programme_id",
            "site": "site_id",
            "home": "home_la",
            "with_referral": "has_referral",
            "quintile": "imd_quintile",
            "difference": "change",
            "next_at": "next_completed_at",
            "baseline": None,
        }
        _insert(OutcomeFact, rows, columns)


BUILDERS = [_sessions, _attendance, _people, _referrals, _waits, _feedback, _outcomes]


def summaries_refresh() -> SummaryRefresh:
    """Rebuild every summary table, counting everything before now, in one transaction (a
    report reading them meanwhile sees the old tables whole, or the new)."""
    started = time.monotonic()
    until = timezone.now()
    with transaction.atomic():
        for model in TABLES:
            model.objects.all().delete()
        for build in BUILDERS:
            build(until)
        refresh = SummaryRefresh.objects.create(
            started_at=until,
            counted_until=until,
            finished_at=timezone.now(),
            seconds=round(time.monotonic() - started, 2),
            rows={model.__name__: model.objects.count() for model in TABLES},
        )
    if connection.vendor == "postgresql":
        # Fresh statistics for the planner, and (outside a transaction) the visibility map
        # that lets counts be answered from the covering index alone.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            for model in TABLES:
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
    return refresh


def latest_refresh():
    return SummaryRefresh.objects.filter(finished_at__isnull=False).order_by("-started_at").first()


def whole_months(scope):
    last_day = calendar.monthrange(scope.date_to.year, scope.date_to.month)[1]
    return scope.date_from.day == 1 and scope.date_to.day == last_day


def summaries_for(scope):
    """The refresh to read for this scope, or None to count live."""
    if not whole_months(scope):
        return None
    refresh = latest_refresh()
    if refresh is None or scope.end > refresh.counted_until:
        return None
    return refresh
