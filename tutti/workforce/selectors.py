"""Reads for the workforce: who may see which therapist, who may take new clients,
supervision due dates and placement hours.

Therapists' records (DBS date, registration, supervision) are for the therapist themselves
and for clinical leads (the supervisor role) only.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Max, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.workforce.models import PlacementLog, SupervisionRecord, Therapist

# ---------------------------------------------------------------------------------------
# Allocation: the offer code asks here before a therapist is given a new client.


def therapist_can_take_new_clients(therapist, *, on=None) -> tuple[bool, str]:
    """(True, "") if `therapist` may be given a new client on `on` (today by default),
    otherwise (False, the reason in plain words).

    A qualified therapist needs an HCPC registration that has not run out; a trainee needs
    a supervising therapist and a placement that has not ended.
    """
    on = on or timezone.localdate()
    if not therapist.user.is_active:
        return False, f"{therapist}'s account is switched off."
    if therapist.is_trainee:
        if therapist.supervisor_id is None:
            return False, f"{therapist} is a trainee without a supervising therapist."
        if therapist.placement_ends_on and therapist.placement_ends_on < on:
            return False, (
                f"{therapist}'s placement ended on {therapist.placement_ends_on:%-d %B %Y}."
            )
        return True, ""
    if not therapist.hcpc_number or therapist.registration_expires is None:
        return False, f"{therapist} has no HCPC registration recorded."
    if therapist.registration_expires < on:
        return False, (
            f"{therapist}'s HCPC registration ran out on "
            f"{therapist.registration_expires:%-d %B %Y}. They cannot be given new clients "
            "until a clinical lead records the renewal."
        )
    return True, ""


def ensure_therapist_can_take_new_clients(therapist, *, on=None) -> None:
    """Raise ValidationError with the reason if `therapist` may not take a new client."""
    allowed, reason = therapist_can_take_new_clients(therapist, on=on)
    if not allowed:
        raise ValidationError({"therapist": reason}, code="therapist_unavailable")


def therapists_available_for_allocation(*, on=None):
    """Every therapist `therapist_can_take_new_clients` allows on `on`, as a queryset."""
    on = on or timezone.localdate()
    qualified = Q(is_trainee=False, registration_expires__gte=on) & ~Q(hcpc_number="")
    trainee = Q(is_trainee=True, supervisor__isnull=False) & (
        Q(placement_ends_on__isnull=True) | Q(placement_ends_on__gte=on)
    )
    return (
        Therapist.objects.filter(user__is_active=True)
        .filter(qualified | trainee)
        .select_related("user")
    )


# ---------------------------------------------------------------------------------------
# Who sees what


def therapists_visible_to(user):
    """Clinical leads see every therapist; a therapist sees their own record; nobody else."""
    if not user.is_authenticated or not user.is_active:
        return Therapist.objects.none()
    if user.has_role(Role.SUPERVISOR):
        return Therapist.objects.all()
    if user.has_role(Role.THERAPIST):
        return Therapist.objects.filter(user=user)
    return Therapist.objects.none()


def therapist_for_user(user, pk):
    return (
        therapists_visible_to(user)
        .select_related("user", "supervisor__user", "placement_site")
        .filter(pk=pk)
        .first()
    )


def own_therapist(user):
    """The signed-in user's own therapist record, or None."""
    if not user.is_authenticated:
        return None
    return Therapist.objects.filter(user=user).select_related("user").first()


def supervision_visible_to(user):
    """Clinical leads see every supervision record; a therapist those they gave or had."""
    if not user.is_authenticated or not user.is_active:
        return SupervisionRecord.objects.none()
    if user.has_role(Role.SUPERVISOR):
        return SupervisionRecord.objects.all()
    if user.has_role(Role.THERAPIST):
        return SupervisionRecord.objects.filter(
            Q(supervisor__user=user) | Q(supervisees__user=user)
        ).distinct()
    return SupervisionRecord.objects.none()


def may_edit_registration(user, therapist) -> bool:
    return user.has_role(Role.SUPERVISOR)


def may_edit_profile(user, therapist) -> bool:
    return user.has_role(Role.SUPERVISOR) or therapist.user_id == user.pk


def may_log_placement(user, trainee) -> bool:
    if not trainee.is_trainee:
        return False
    return (
        user.has_role(Role.SUPERVISOR)
        or trainee.user_id == user.pk
        or (trainee.supervisor_id is not None and trainee.supervisor.user_id == user.pk)
    )


# ---------------------------------------------------------------------------------------
# Supervision due dates and placement hours


@dataclass(frozen=True)
class SupervisionDue:
    last: date | None
    due: date
    overdue: bool

    @property
    def label(self):
        if self.last is None:
            return "None recorded"
        return (
            f"Overdue since {self.due:%-d %B %Y}"
            if self.overdue
            else f"Due by {self.due:%-d %B %Y}"
        )


def _due(therapist, last, on):
    """Supervision is due `interval` after the last one; with none recorded, it was due
    `interval` after the therapist was added."""
    start = last or timezone.localdate(therapist.created_at)
    due = start + therapist.supervision_interval
    overdue = due < on if last else due <= on
    return SupervisionDue(last=last, due=due, overdue=overdue)


def with_last_supervision(queryset):
    last = (
        SupervisionRecord.objects.filter(supervisees=OuterRef("pk"))
        .order_by("-held_on")
        .values("held_on")[:1]
    )
    return queryset.annotate(last_supervised_on=Subquery(last))


def supervision_due(therapist, *, on=None) -> SupervisionDue:
    on = on or timezone.localdate()
    last = getattr(therapist, "last_supervised_on", None)
    if not hasattr(therapist, "last_supervised_on"):
        last = therapist.supervision_received.aggregate(last=Max("held_on"))["last"]
    return _due(therapist, last, on)


def supervision_overdue(*, on=None):
    """Therapists whose supervision is overdue, with when it was due."""
    on = on or timezone.localdate()
    rows = []
    therapists = with_last_supervision(
        Therapist.objects.filter(user__is_active=True).select_related("user")
    )
    for therapist in therapists:
        due = supervision_due(therapist, on=on)
        if due.overdue:
            rows.append((therapist, due))
    return rows


def placement_hours(trainee) -> Decimal:
    """Hours the trainee has logged on placement, in all."""
    total = PlacementLog.objects.filter(trainee=trainee).aggregate(total=Sum("hours"))["total"]
    return total or Decimal(0)


def placement_hours_by_activity(trainee):
    rows = (
        PlacementLog.objects.filter(trainee=trainee)
        .order_by()
        .values("activity")
        .annotate(total=Sum("hours"))
    )
    labels = dict(PlacementLog.Activity.choices)
    return [(labels.get(r["activity"], r["activity"]), r["total"]) for r in rows]


def dbs_older_than_three_years(therapist, *, on=None) -> bool:
    on = on or timezone.localdate()
    checked = therapist.dbs_checked_on
    return checked is None or checked < on - timedelta(days=3 * 365)


# ---------------------------------------------------------------------------------------
# The clinical lead's quality-assurance view


@dataclass(frozen=True)
class QualityRow:
    therapist: Therapist
    registration: object
    dbs_checked_on: date | None
    dbs_old: bool
    supervision: SupervisionDue
    placement_hours: Decimal | None


_hours_logged = (
    PlacementLog.objects.filter(trainee=OuterRef("pk"))
    .order_by()
    .values("trainee")
    .annotate(total=Sum("hours"))
    .values("total")
)


def quality_rows(*, on=None) -> list[QualityRow]:
    on = on or timezone.localdate()
    therapists = with_last_supervision(
        Therapist.objects.filter(user__is_active=True).select_related("user", "supervisor__user")
    ).annotate(logged_hours=Subquery(_hours_logged))
    return [
        QualityRow(
            therapist=t,
            registration=t.registration_status(on),
            dbs_checked_on=t.dbs_checked_on,
            dbs_old=dbs_older_than_three_years(t, on=on),
            supervision=supervision_due(t, on=on),
            placement_hours=(t.logged_hours or Decimal(0)) if t.is_trainee else None,
        )
        for t in therapists
    ]
