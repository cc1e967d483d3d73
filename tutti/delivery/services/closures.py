"""Closure dates: days the service (or one site) is closed beyond public holidays. Sessions
are never generated on them; adding one shows the sessions already booked that day, which
the coordinator can cancel (each is then offered again, see bookings.session_cancel)."""

from datetime import time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import ClosureDate, Session
from tutti.delivery.services.bookings import session_cancel
from tutti.delivery.services.calendar import aware, day_text


def sessions_on_closure(closure):
    """Booked sessions on a closure date (at its site, or anywhere for a service closure)."""
    sessions = Session.objects.filter(
        status=Session.Status.SCHEDULED,
        starts_at__gte=aware(closure.date, time(0, 0)),
        starts_at__lt=aware(closure.date + timedelta(days=1), time(0, 0)),
    )
    if closure.site_id:
        sessions = sessions.filter(site_id=closure.site_id)
    return sessions.select_related("site", "group", "programme").order_by("starts_at")


@transaction.atomic
def closure_add(*, date, site, reason, actor) -> ClosureDate:
    errors = {}
    if date is None:
        errors["date"] = "Enter the date"
    elif date < timezone.localdate():
        errors["date"] = "The closure date must be today or later"
    elif ClosureDate.objects.filter(date=date, site=site).exists():
        where = site or "every site"
        errors["date"] = f"{day_text(date)} is already a closure date for {where}"
    if not (reason or "").strip():
        errors["reason"] = "Say why the service is closed, like Staff training day"
    if errors:
        raise ValidationError(errors)
    closure = ClosureDate(date=date, site=site, reason=reason.strip())
    closure.full_clean()
    closure.save()
    return closure


@transaction.atomic
def closure_remove(*, closure, actor) -> None:
    closure.delete()


@transaction.atomic
def closure_sessions_cancel(*, closure, actor) -> list:
    """Cancel (by the service) every session booked on a closure date; each is offered
    again in its slot after its block (see bookings.session_cancel). Returns the results."""
    return [
        session_cancel(
            session=session,
            by=Session.CancelledBy.SERVICE,
            reason=f"Closed: {closure.reason}",
            actor=actor,
        )
        for session in sessions_on_closure(closure)
    ]
