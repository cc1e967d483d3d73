"""Individual blocks: booking an episode's sessions into a therapist's weekly slot, moving a
session, cancelling one (and offering again a session the service cancelled).

Each goes through the no-clash rule (scheduling.ensure_no_clash) inside its transaction.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import Attendance, Episode, Session
from tutti.delivery.services.calendar import ClosedDays, aware, day_text, weekly_dates
from tutti.delivery.services.reminders import (
    reminders_plan,
    reminders_session_cancelled,
    reminders_session_changed,
)
from tutti.delivery.services.scheduling import (
    audit_reason,
    ensure_no_clash,
    lock_for_booking,
    renumber_block,
    session_people,
)

# How many open weeks after a block's last session a replacement may go in.
REPLACEMENT_WEEKS = 8


@dataclass
class Booked:
    sessions: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (date, reason)


def _on_day(day, messages):
    return [f"No sessions were booked. On {day_text(day)}: {m}" for m in messages]


@transaction.atomic
def block_book(*, episode, slot, first_date, actor, start_time=None, room=None) -> Booked:
    """Book an episode's planned sessions weekly in one of its therapist's weekly slots,
    from `first_date`, skipping public holidays and closures. Each session has an expected
    attendance. Any clash stops it with the date named, and nothing is booked."""
    episode = Episode.objects.select_related("programme", "person").get(pk=episode.pk)
    therapist = slot.therapist
    start_time = start_time or slot.start
    minutes = episode.programme.session_minutes
    today = timezone.localdate()
    errors = {}
    if episode.status != Episode.Status.ACTIVE:
        errors["slot"] = "This episode of care has ended, so no sessions can be booked"
    elif slot.for_groups:
        errors["slot"] = "This slot is kept for groups. Choose a slot for individual sessions."
    elif episode.therapists.exists() and not episode.therapists.filter(pk=therapist.pk).exists():
        errors["slot"] = f"{therapist} is not this person's therapist. Choose one of their slots."
    if first_date is None:
        errors["first_date"] = "Enter the date of the first session"
    elif first_date < today:
        errors["first_date"] = "The first session must be today or later"
    elif first_date.weekday() != slot.weekday:
        errors["first_date"] = (
            f"{day_text(first_date)} is not a {slot.get_weekday_display()}. "
            f"Choose a {slot.get_weekday_display()}, the slot's day."
        )
    end_time = (datetime.combine(today, start_time) + timedelta(minutes=minutes)).time()
    if start_time < slot.start or end_time > slot.end or end_time < start_time:
        errors["start_time"] = (
            f"A {minutes}-minute session must fit in the slot, between {slot.start:%H:%M} "
            f"and {slot.end:%H:%M}"
        )
    if room is not None and room.site_id != slot.site_id:
        errors["room"] = f"{room.name} is not at {slot.site}. Choose a room at the site."
    booked = episode.individual_sessions.filter(status=Session.Status.SCHEDULED)
    wanted = episode.planned_sessions - booked.count()
    if wanted <= 0:
        errors["slot"] = f"All {episode.planned_sessions} planned sessions are already booked."
    if not errors and aware(first_date, start_time) <= timezone.now():
        errors["start_time"] = "That time today has passed. Choose a later date or time."
    if errors:
        raise ValidationError(errors)
    lock_for_booking(therapists=[therapist], people=[episode.person], room=room)
    days, skipped = weekly_dates(site=slot.site, first=first_date, count=wanted)
    if len(days) < wanted:
        raise ValidationError(
            {"first_date": f"Only {len(days)} of {wanted} weeks are open. Check the closures."}
        )
    result = Booked(skipped=skipped)
    fields = {"therapists": "slot", "people": "first_date", "room": "room"}
    for day in days:
        starts_at = aware(day, start_time)
        ends_at = starts_at + timedelta(minutes=minutes)
        try:
            ensure_no_clash(
                starts_at=starts_at,
                ends_at=ends_at,
                therapists=[therapist],
                people=[episode.person],
                room=room,
                fields=fields,
            )
        except ValidationError as error:
            raise ValidationError(
                {name: _on_day(day, messages) for name, messages in error.message_dict.items()}
            ) from None
        session = _individual_session(
            episode, therapist, starts_at, ends_at, slot.site, room, actor
        )
        result.sessions.append(session)
    if not episode.therapists.exists():
        episode.therapists.add(therapist)
    if episode.site_id is None:
        episode.site = slot.site
        episode.save(update_fields=["site", "updated_at"])
    renumber_block(episode=episode)
    for session in result.sessions:
        session.refresh_from_db(fields=["number"])
    return result


def _individual_session(episode, therapist, starts_at, ends_at, site, room, actor, replaces=None):
    session = Session.objects.create(
        kind=Session.Kind.INDIVIDUAL,
        programme=episode.programme,
        episode=episode,
        site=site,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        replaces=replaces,
        created_by=actor,
    )
    session.therapists.set([therapist] if not isinstance(therapist, list) else therapist)
    Attendance.objects.create(session=session, episode=episode)
    reminders_plan(session=session)
    return session


def _locked_session(session) -> Session:
    if session.group_id:
        lock_for_booking(group=session.group)
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("site", "room")
        .get(pk=session.pk)
    )


def _marked(session) -> bool:
    return session.attendances.filter(
        status__in=[Attendance.Status.ATTENDED, Attendance.Status.DID_NOT_ATTEND]
    ).exists()


@transaction.atomic
def session_rebook(*, session, starts_at, ends_at, site, room, actor, reason) -> Session:
    """Move a session to another time or place. The people in it are told (reminders)."""
    session = _locked_session(session)
    errors = {}
    if session.is_cancelled:
        errors["starts_at"] = "This session was cancelled. Book a new one instead."
    elif _marked(session):
        errors["starts_at"] = "Attendance has been marked for this session, so it cannot move."
    elif starts_at is None:
        errors["starts_at"] = "Enter the new date and time"
    elif starts_at <= timezone.now():
        errors["starts_at"] = "The new time must be in the future"
    if starts_at and ends_at and ends_at <= starts_at:
        errors["ends_at"] = "The end time must be after the start time"
    if room is not None and (site is None or room.site_id != site.pk):
        errors["room"] = (
            f"{room.name} is not at {site or 'an online session'}. Choose a room at the site."
        )
    if not (reason or "").strip():
        errors["reason"] = "Say why the session is moving"
    if not errors and site is not None:
        closed = ClosedDays(site, timezone.localdate(starts_at), timezone.localdate(starts_at))
        why = closed.reason(timezone.localdate(starts_at))
        if why:
            errors["starts_at"] = (
                f"{site} is closed on {day_text(timezone.localdate(starts_at))}: {why}"
            )
    if errors:
        raise ValidationError(errors)
    ensure_no_clash(
        starts_at=starts_at,
        ends_at=ends_at,
        therapists=list(session.therapists.all()),
        people=session_people(session),
        room=room,
        exclude_session=session,
        fields={"therapists": "starts_at", "people": "starts_at", "room": "room"},
    )
    session.starts_at, session.ends_at, session.site, session.room = starts_at, ends_at, site, room
    session.full_clean()
    session.save()
    audit_reason(session, reason.strip())
    if session.episode_id or session.group_id:
        renumber_block(episode=session.episode, group=session.group)
    reminders_session_changed(session=session)
    return session


@dataclass
class Cancelled:
    session: Session
    replacement: Session | None = None
    # Why no replacement was booked, for a session cancelled by the service.
    not_replaced: str = ""


@transaction.atomic
def session_cancel(*, session, by, reason, actor, late=False) -> Cancelled:
    """Cancel a session. Cancelled by the person: their attendance says so (late or not).
    Cancelled by the service: it is offered again in the same slot, in the first free week
    after the block's last session (or the result says why it could not be)."""
    session = _locked_session(session)
    errors = {}
    if by not in Session.CancelledBy.values:
        errors["by"] = "Say who cancelled: the person or the service"
    elif by == Session.CancelledBy.CLIENT and session.kind != Session.Kind.INDIVIDUAL:
        errors["by"] = (
            "A group session or event is cancelled by the service. If one person cannot "
            "come, record it on their attendance."
        )
    if session.is_cancelled:
        errors["by"] = "This session is already cancelled"
    elif _marked(session):
        errors["by"] = "Attendance has been marked for this session, so it cannot be cancelled."
    if not (reason or "").strip():
        errors["reason"] = "Say why the session is cancelled"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    session.status = Session.Status.CANCELLED
    session.cancelled_by = by
    session.cancellation_reason = reason.strip()[:300]
    session.cancelled_at = now
    session.save()
    if by == Session.CancelledBy.CLIENT:
        status = Attendance.Status.CANCELLED_LATE if late else Attendance.Status.CANCELLED_BY_CLIENT
        session.attendances.filter(episode=session.episode).update(
            status=status, marked_by=actor, marked_at=now
        )
    else:
        session.attendances.filter(status=Attendance.Status.EXPECTED).update(
            status=Attendance.Status.CANCELLED_BY_SERVICE, marked_by=actor, marked_at=now
        )
    reminders_session_cancelled(session=session)
    result = Cancelled(session=session)
    if by == Session.CancelledBy.SERVICE:
        result.replacement, result.not_replaced = _replacement_book(session, actor)
    if session.episode_id or session.group_id:
        renumber_block(episode=session.episode, group=session.group)
    if result.replacement is not None:
        result.replacement.refresh_from_db(fields=["number"])
    return result


def _replacement_book(session, actor):
    """Book a session in place of one the service cancelled: same slot, first free week
    after the block's last session. Returns (session, "") or (None, why not)."""
    if session.kind == Session.Kind.COMMUNITY:
        return None, "Community events are not booked again automatically."
    if session.episode_id and not session.episode.is_active:
        return None, "The episode of care has ended."
    block = (
        Session.objects.filter(episode=session.episode)
        if session.episode_id
        else session.group.sessions.all()
    )
    last = (
        block.exclude(pk=session.pk)
        .filter(status=Session.Status.SCHEDULED)
        .order_by("-starts_at")
        .first()
    )
    latest = max(session.starts_at, last.starts_at) if last else session.starts_at
    start = timezone.localtime(session.starts_at)
    length = session.ends_at - session.starts_at
    therapists = list(session.therapists.all())
    first = timezone.localdate(latest) + timedelta(weeks=1)
    days, _ = weekly_dates(site=session.site, first=first, count=REPLACEMENT_WEEKS)
    problems = []
    for day in days:
        starts_at = aware(day, start.time())
        if starts_at <= timezone.now():
            continue
        members = _group_members_on(session.group, day) if session.group_id else []
        people = [session.episode.person] if session.episode_id else [m.person for m in members]
        try:
            ensure_no_clash(
                starts_at=starts_at,
                ends_at=starts_at + length,
                therapists=therapists,
                people=people,
                room=session.room,
            )
        except ValidationError as error:
            problems.append(f"{day_text(day)}: {error.messages[0]}")
            continue
        if session.episode_id:
            replacement = _individual_session(
                session.episode,
                therapists,
                starts_at,
                starts_at + length,
                session.site,
                session.room,
                actor,
                replaces=session,
            )
        else:
            replacement = Session.objects.create(
                kind=Session.Kind.GROUP,
                programme=session.programme,
                group=session.group,
                site=session.site,
                room=session.room,
                starts_at=starts_at,
                ends_at=starts_at + length,
                replaces=session,
                created_by=actor,
            )
            replacement.therapists.set(therapists)
            Attendance.objects.bulk_create(
                [Attendance(session=replacement, episode=m) for m in members]
            )
            reminders_plan(session=replacement)
        return replacement, ""
    why = f"No free week in the {REPLACEMENT_WEEKS} weeks after the block's last session"
    if problems:
        why += f" (the first: {problems[0]})"
    return None, why + ". Book it later from the episode's or the group's page."


def _group_members_on(group, day):
    ids = group.memberships.current(on=day).values("episode_id")
    return list(Episode.objects.filter(pk__in=ids).select_related("person").order_by("pk"))
