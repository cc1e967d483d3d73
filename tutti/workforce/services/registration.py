"""HCPC registration warnings: found each day, recorded once, emailed by the worker."""

from datetime import timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.workforce.models import WARNING_DAYS, RegistrationWarning, Therapist

Stage = RegistrationWarning.Stage


def registration_warning_stage(therapist, *, on):
    """The warning due for this therapist's registration on `on`, or None."""
    if therapist.is_trainee or therapist.registration_expires is None:
        return None
    days_left = (therapist.registration_expires - on).days
    if days_left < 0:
        return Stage.LAPSED
    for days in sorted(WARNING_DAYS):
        if days_left <= days:
            return Stage(days)
    return None


def clinical_leads():
    """Who hears about every therapist's registration: active users with the supervisor role."""
    return get_user_model().objects.filter(is_active=True, groups__name=Role.SUPERVISOR)


def registration_warnings_queue(*, on=None) -> list[RegistrationWarning]:
    """Record and queue the warnings due on `on` (today by default). Safe to run every day:
    a warning is recorded once per registration date and stage, and a later stage makes the
    earlier ones moot (a first run 10 days before sends the 14-day warning only)."""
    on = on or timezone.localdate()
    candidates = (
        Therapist.objects.filter(
            is_trainee=False,
            user__is_active=True,
            registration_expires__isnull=False,
            registration_expires__lte=on + timedelta(days=max(WARNING_DAYS)),
        )
        .select_related("user")
        .order_by("registration_expires", "pk")
    )
    leads = list(clinical_leads())
    made = []
    for therapist in candidates:
        stage = registration_warning_stage(therapist, on=on)
        if stage is None:
            continue
        warning = _record(therapist, stage, leads, on)
        if warning is not None:
            made.append(warning)
    return made


@transaction.atomic
def _record(therapist, stage, leads, on):
    from tutti.workforce.tasks import send_registration_warning

    already = RegistrationWarning.objects.filter(
        therapist=therapist,
        registration_expires=therapist.registration_expires,
        stage__lte=stage,  # this stage, or a more urgent one
    )
    if already.exists():
        return None
    try:
        with transaction.atomic():
            warning = RegistrationWarning.objects.create(
                therapist=therapist,
                registration_expires=therapist.registration_expires,
                stage=stage,
                warned_on=on,
            )
    except IntegrityError:  # another run recorded it a moment ago
        return None
    warning.recipients.set({therapist.user, *leads})
    transaction.on_commit(partial(send_registration_warning.enqueue, warning.pk))
    return warning
