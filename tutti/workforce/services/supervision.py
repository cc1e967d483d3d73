"""Supervision records and trainees' placement hours."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from tutti.workforce.models import PlacementLog, SupervisionRecord, Therapist

MAX_PLACEMENT_HOURS_A_DAY = Decimal("12")


@transaction.atomic
def supervision_record_create(
    *, supervisor, supervisees, held_on, minutes, kind, topics, actor
) -> SupervisionRecord:
    """Record supervision given. Individual supervision is for one therapist, group for two
    or more; nobody supervises themselves."""
    supervisees = list(dict.fromkeys(supervisees))
    errors = {}
    Kind = SupervisionRecord.Kind
    if not supervisees:
        errors["supervisees"] = "Choose who was supervised."
    elif kind == Kind.INDIVIDUAL and len(supervisees) != 1:
        errors["supervisees"] = (
            "Individual supervision is for one therapist. Choose one, or choose group."
        )
    elif kind == Kind.GROUP and len(supervisees) < 2:
        errors["supervisees"] = "Group supervision is for two or more. Choose them all."
    elif supervisor in supervisees:
        errors["supervisees"] = f"{supervisor} cannot supervise themselves."
    record = SupervisionRecord(
        supervisor=supervisor,
        held_on=held_on,
        minutes=minutes,
        kind=kind,
        topics=topics,
        recorded_by=actor,
    )
    try:
        record.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    record.save()
    record.supervisees.set(supervisees)
    return record


@transaction.atomic
def placement_log_add(*, trainee, worked_on, hours, activity, note="", actor) -> PlacementLog:
    """Log a trainee's placement hours for a day (at most 12 hours a day in all)."""
    Therapist.objects.select_for_update().get(pk=trainee.pk)  # one log at a time per trainee
    entry = PlacementLog(
        trainee=trainee,
        worked_on=worked_on,
        hours=hours,
        activity=activity,
        note=note,
        recorded_by=actor,
    )
    entry.full_clean()
    logged = PlacementLog.objects.filter(trainee=trainee, worked_on=worked_on).aggregate(
        total=Sum("hours")
    )["total"] or Decimal(0)
    if logged + Decimal(hours) > MAX_PLACEMENT_HOURS_A_DAY:
        raise ValidationError(
            {
                "hours": f"{logged.normalize():f} hours are already logged for this day. "
                f"A day can have at most {MAX_PLACEMENT_HOURS_A_DAY} hours."
            }
        )
    entry.save()
    return entry


@transaction.atomic
def placement_log_remove(*, entry, actor) -> None:
    entry.delete()
