"""Community events (a choir, a band, an open performance): booked like any session (the
therapists and room cannot be double-booked), counted by headcount afterwards, with no
individual records."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import Session
from tutti.delivery.services.scheduling import ensure_no_clash


@transaction.atomic
def community_event_create(
    *, programme, title, site, starts_at, ends_at, therapists, actor, room=None
) -> Session:
    """A community event (a choir, a band, an open performance): counted by headcount, with
    no individual records."""
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Enter the event's name, like Spring concert"
    if starts_at and starts_at < timezone.now():
        errors["starts_at"] = "The event must start in the future"
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = "The end time must be after the start time"
    if not therapists:
        errors["therapists"] = "Choose at least one therapist"
    if room is not None and site is not None and room.site_id != site.pk:
        errors["room"] = f"{room.name} is not at {site}. Choose a room at the site."
    if errors:
        raise ValidationError(errors)
    ensure_no_clash(starts_at=starts_at, ends_at=ends_at, therapists=therapists, room=room)
    session = Session.objects.create(
        kind=Session.Kind.COMMUNITY,
        programme=programme,
        title=title.strip(),
        site=site,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor,
    )
    session.therapists.set(therapists)
    return session


@transaction.atomic
def community_event_headcount_record(*, session, headcount, actor) -> Session:
    session = Session.objects.select_for_update().get(pk=session.pk)
    errors = {}
    if session.kind != Session.Kind.COMMUNITY:
        errors["headcount"] = "Only community events have a headcount"
    elif session.is_cancelled:
        errors["headcount"] = "This event was cancelled"
    elif session.starts_at > timezone.now():
        errors["headcount"] = "Record the headcount once the event has started"
    elif headcount is None or headcount < 0:
        errors["headcount"] = "Enter how many people took part, like 40"
    if errors:
        raise ValidationError(errors)
    session.headcount = headcount
    session.save(update_fields=["headcount", "updated_at"])
    return session
