"""The integrity rule for every booking: a therapist, a person or a room is never in two
overlapping sessions (cancelled sessions do not count).

Every function that books or moves a session, here and in groups.py, does this inside its
transaction:

    lock_for_booking(...)    # row locks in one fixed order: Group, Therapists, People, Room
    ensure_no_clash(...)     # then look for overlaps, now that nobody else can add one

Two requests booking the same therapist (or person, or room) at once queue on the row lock;
the second then sees the first's session and is refused. On SQLite writes are serialised
anyway (IMMEDIATE transactions). The fixed lock order means two bookings never wait for
each other in a circle (no deadlock).
"""

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q

from tutti.delivery.models import Attendance, Group, Room, Session
from tutti.delivery.services.calendar import when_text
from tutti.people.models import Person
from tutti.workforce.models import Therapist

# A participant whose attendance is one of these is (or was) in the room.
TAKING_PART = (
    Attendance.Status.EXPECTED,
    Attendance.Status.ATTENDED,
    Attendance.Status.DID_NOT_ATTEND,
)

DEFAULT_FIELDS = {"therapists": "therapists", "people": "starts_at", "room": "room"}


def _pks(objects):
    return sorted({getattr(o, "pk", o) for o in objects if o is not None})


def lock_for_booking(*, group=None, therapists=(), people=(), room=None) -> None:
    """Lock the rows a booking depends on, always in the same order (Group; Therapists by
    pk; People by pk; Room), so concurrent bookings queue rather than deadlock."""
    if not connection.in_atomic_block:
        raise RuntimeError("Lock booking rows inside transaction.atomic")
    if group is not None:
        list(Group.objects.select_for_update().filter(pk=group.pk).values_list("pk"))
    if therapists:
        list(
            Therapist.objects.select_for_update()
            .filter(pk__in=_pks(therapists))
            .order_by("pk")
            .values_list("pk")
        )
    if people:
        list(
            Person.objects.select_for_update()
            .filter(pk__in=_pks(people))
            .order_by("pk")
            .values_list("pk")
        )
    if room is not None:
        list(Room.objects.select_for_update().filter(pk=room.pk).values_list("pk"))


def overlapping_sessions(starts_at, ends_at, *, exclude_session=None):
    """Booked (not cancelled) sessions that overlap the time. Touching ends do not overlap:
    a session may start at 11:00 when another ends at 11:00."""
    sessions = Session.objects.filter(
        status=Session.Status.SCHEDULED, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude_session is not None:
        excluded = (
            exclude_session
            if isinstance(exclude_session, list | tuple | set)
            else [exclude_session]
        )
        sessions = sessions.exclude(pk__in=_pks(excluded))
    return sessions.select_related("site").order_by("starts_at")


def session_people(session) -> list[Person]:
    """The people taking part in a session (not those who cancelled or left)."""
    ids = set(
        session.attendances.filter(status__in=TAKING_PART).values_list(
            "episode__person_id", flat=True
        )
    )
    if session.episode_id:
        ids.add(session.episode.person_id)
    return list(Person.objects.filter(pk__in=ids).order_by("pk"))


def ensure_no_clash(
    *,
    starts_at,
    ends_at,
    therapists=(),
    people=(),
    room=None,
    exclude_session=None,
    fields=None,
    person_label=None,
) -> None:
    """Raise ValidationError (one message per field) when any of the therapists, people or
    the room is already in an overlapping booked session.

    Locks the rows first (lock_for_booking, a no-op when the caller already holds them).
    `fields` maps "therapists", "people" and "room" to the form fields the messages go
    next to. Messages name therapists and sites but never a client: `person_label(person)`
    says how to refer to one (default "This person").
    """
    lock_for_booking(therapists=therapists, people=people, room=room)
    fields = {**DEFAULT_FIELDS, **(fields or {})}
    label = person_label or (lambda person: "This person")
    overlapping = overlapping_sessions(starts_at, ends_at, exclude_session=exclude_session)
    errors: dict[str, list[str]] = {}

    def add(kind, message):
        errors.setdefault(fields[kind], []).append(message)

    therapist_rows = Therapist.objects.filter(pk__in=_pks(therapists)).select_related("user")
    for therapist in therapist_rows.order_by("pk"):
        clash = overlapping.filter(therapists=therapist).first()
        if clash is not None:
            add(
                "therapists",
                f"{therapist} already has a session "
                f"{when_text(clash.starts_at, clash.ends_at, clash.site)}",
            )
    for person in Person.objects.filter(pk__in=_pks(people)).order_by("pk"):
        clash = overlapping.filter(
            Q(attendances__episode__person=person, attendances__status__in=TAKING_PART)
            | Q(kind=Session.Kind.INDIVIDUAL, episode__person=person)
        ).first()
        if clash is not None:
            add(
                "people",
                f"{label(person)} already has a session "
                f"{when_text(clash.starts_at, clash.ends_at, clash.site)}",
            )
    if room is not None:
        clash = overlapping.filter(room=room).first()
        if clash is not None:
            add(
                "room",
                f"{room.name} is already booked "
                f"{when_text(clash.starts_at, clash.ends_at, clash.site)}",
            )
    if errors:
        raise ValidationError(errors)


def renumber_block(*, episode=None, group=None) -> None:
    """Number a block's booked sessions 1, 2, 3… in time order; a cancelled session has no
    place in the block. (Queryset updates: a number is display, not a change to audit.)"""
    sessions = Session.objects.filter(episode=episode) if episode else group.sessions.all()
    Session.objects.filter(pk__in=sessions.filter(status=Session.Status.CANCELLED)).exclude(
        number=None
    ).update(number=None)
    booked = sessions.filter(status=Session.Status.SCHEDULED).order_by("starts_at", "pk")
    for number, (pk, current) in enumerate(booked.values_list("pk", "number"), start=1):
        if current != number:
            Session.objects.filter(pk=pk).update(number=number)


def audit_reason(obj, reason: str) -> None:
    """Keep why a change was made with its audit record (the latest for the object)."""
    from auditlog.models import LogEntry

    entry = LogEntry.objects.get_for_object(obj).order_by("-timestamp", "-pk").first()
    if entry is not None:
        data = dict(entry.additional_data or {})
        data["reason"] = reason
        LogEntry.objects.filter(pk=entry.pk).update(additional_data=data)
