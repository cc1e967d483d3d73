"""Changes to therapists' records and their weekly availability."""

from django.db import transaction

from tutti.workforce.models import Therapist, WeeklyAvailability

REGISTRATION_FIELDS = ("hcpc_number", "registration_expires", "dbs_checked_on")
PROFILE_FIELDS = (
    "specialisms",
    "work_settings",
    "languages",
    "weekly_capacity",
    "weekly_group_capacity",
)
PLACEMENT_FIELDS = (
    "supervisor",
    "placement_site",
    "placement_starts_on",
    "placement_ends_on",
    "placement_hours_target",
)


def _update(therapist, fields, allowed, m2m=None):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Not changed here: {', '.join(sorted(unknown))}")
    locked = Therapist.objects.select_for_update().get(pk=therapist.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    for name, values in (m2m or {}).items():
        getattr(locked, name).set(values)
    therapist.refresh_from_db()
    return locked


@transaction.atomic
def therapist_update_registration(*, therapist, actor, **fields) -> Therapist:
    """Record a renewed HCPC registration or a new DBS check (a clinical lead's job).

    A new registration date ends the warnings about the old one; the next warnings are
    about the new date (see registration.registration_warnings_queue).
    """
    return _update(therapist, fields, REGISTRATION_FIELDS + ("supervision_every_weeks",))


@transaction.atomic
def therapist_update_profile(*, therapist, actor, sites=None, **fields) -> Therapist:
    """Specialisms, settings, languages, sites and weekly capacity."""
    m2m = {"sites": sites} if sites is not None else None
    locked = _update(therapist, fields, PROFILE_FIELDS, m2m)
    if sites is not None:
        # A slot at a site they no longer work at cannot be offered: remove it.
        WeeklyAvailability.objects.filter(therapist=locked).exclude(site__in=sites).delete()
    return locked


@transaction.atomic
def therapist_update_placement(*, therapist, actor, **fields) -> Therapist:
    """A trainee's supervisor and placement: site, dates and the hours it asks for."""
    return _update(therapist, fields, PLACEMENT_FIELDS)


@transaction.atomic
def availability_add(*, therapist, site, weekday, start, end, for_groups=False, actor):
    """Add a weekly slot. The therapist's row is locked first, so two slots added at once
    cannot overlap each other."""
    Therapist.objects.select_for_update().get(pk=therapist.pk)
    slot = WeeklyAvailability(
        therapist=therapist,
        site=site,
        weekday=weekday,
        start=start,
        end=end,
        for_groups=for_groups,
    )
    slot.full_clean()
    slot.save()
    return slot


@transaction.atomic
def availability_remove(*, slot, actor) -> None:
    slot.delete()
