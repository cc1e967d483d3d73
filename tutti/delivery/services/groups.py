"""Groups: setting one up, generating its block of weekly sessions, members joining and
leaving.

A group's places are guarded by a lock on the Group row: two people taking the last place
at the same moment queue on it, and the second is told the group is full.
"""

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import (
    Attendance,
    Episode,
    Group,
    GroupMembership,
    Offer,
    Reminder,
    Session,
)
from tutti.delivery.services.calendar import aware, day_text, weekly_dates
from tutti.delivery.services.reminders import reminders_plan
from tutti.delivery.services.scheduling import ensure_no_clash, lock_for_booking

GROUP_FIELDS = (
    "programme",
    "name",
    "site",
    "room",
    "weekday",
    "start_time",
    "minutes",
    "capacity",
    "min_age",
    "max_age",
    "starts_on",
    "planned_sessions",
)
# Fields that place the sessions: fixed once sessions have been generated.
SLOT_FIELDS = ("site", "room", "weekday", "start_time", "minutes", "starts_on")


def _member_label(person):
    return "One of the members"


def _locked_group(group) -> Group:
    return Group.objects.select_for_update().get(pk=group.pk)


def _check_group(group, therapists, *, today):
    errors = {}
    try:
        group.full_clean(exclude=["created_by"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if group.starts_on and group.weekday is not None:
        if group.starts_on.weekday() != group.weekday:
            errors.setdefault("starts_on", []).append(
                f"{day_text(group.starts_on)} is not a {group.get_weekday_display()}. "
                f"Choose a {group.get_weekday_display()}, the group's day."
            )
    if not therapists:
        errors.setdefault("therapists", []).append("Choose at least one therapist")
    elif group.site_id:
        for therapist in therapists:
            if not therapist.sites.filter(pk=group.site_id).exists():
                errors.setdefault("therapists", []).append(
                    f"{therapist} does not work at {group.site}. Choose therapists who do, "
                    "or add the site to their record first."
                )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def group_create(*, actor, therapists, planned_sessions=None, **fields) -> Group:
    """Set up a group. Its first session must be today or later, on the group's weekday."""
    unknown = set(fields) - set(GROUP_FIELDS)
    if unknown:
        raise TypeError(f"Not a group field: {', '.join(sorted(unknown))}")
    programme = fields.get("programme")
    if planned_sessions is None and programme is not None:
        planned_sessions = programme.block_sessions
    group = Group(created_by=actor, planned_sessions=planned_sessions, **fields)
    today = timezone.localdate()
    errors = {}
    if group.starts_on and group.starts_on < today:
        errors["starts_on"] = ["The first session must be today or later"]
    try:
        _check_group(group, therapists, today=today)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    group.save()
    group.therapists.set(therapists)
    return group


@transaction.atomic
def group_update(*, group, actor, therapists=None, **fields) -> Group:
    """Change a group. Once sessions are generated, its day, time, place and first date stay
    as they are (move single sessions instead); new therapists join its future sessions, and
    the places cannot drop below the members it has."""
    unknown = set(fields) - set(GROUP_FIELDS)
    if unknown:
        raise TypeError(f"Not a group field: {', '.join(sorted(unknown))}")
    locked = _locked_group(group)
    has_sessions = locked.sessions.exists()
    errors = {}
    for name, value in fields.items():
        if has_sessions and name in SLOT_FIELDS and getattr(locked, name) != value:
            errors.setdefault(name, []).append(
                "Sessions have been generated, so this cannot change here. "
                "Move or cancel single sessions from their pages."
            )
        setattr(locked, name, value)
    today = timezone.localdate()
    if not has_sessions and "starts_on" in fields and locked.starts_on < today:
        if locked.starts_on != group.starts_on:
            errors.setdefault("starts_on", []).append("The first session must be today or later")
    members = locked.memberships.current().count()
    if locked.capacity is not None and locked.capacity < members:
        errors.setdefault("capacity", []).append(
            f"The group has {members} members, so it needs at least {members} places"
        )
    therapists = list(therapists) if therapists is not None else list(locked.therapists.all())
    try:
        _check_group(locked, therapists, today=today)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    locked.save()
    before = set(locked.therapists.values_list("pk", flat=True))
    locked.therapists.set(therapists)
    if {t.pk for t in therapists} != before:
        _future_sessions_take_therapists(locked, therapists)
    group.refresh_from_db()
    return locked


def _future_sessions_take_therapists(group, therapists):
    lock_for_booking(therapists=therapists)
    for session in _future_sessions(group):
        ensure_no_clash(
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            therapists=therapists,
            exclude_session=session,
        )
        session.therapists.set(therapists)


def _future_sessions(group, *, from_day=None):
    now = timezone.now()
    sessions = group.sessions.filter(status=Session.Status.SCHEDULED, starts_at__gte=now)
    if from_day is not None:
        sessions = sessions.filter(starts_at__gte=aware(from_day, _midnight()))
    return sessions.order_by("starts_at")


def _midnight():
    return time(0, 0)


# ---------------------------------------------------------------------------------------
# Generating a block of sessions


@dataclass
class Generated:
    sessions: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # (date, reason)


@transaction.atomic
def group_sessions_generate(*, group, actor) -> Generated:
    """Book the group's planned sessions weekly from its slot, skipping public holidays
    where the site is and the service's closure dates. Each session has the group's
    therapists and an expected attendance for each member. A clash (a therapist, member or
    the room already busy) stops it with the date named, and nothing is booked."""
    group = _locked_group(group)
    therapists = list(group.therapists.order_by("pk"))
    members = list(group.memberships.current().select_related("episode__person"))
    people = [m.episode.person for m in members]
    lock_for_booking(therapists=therapists, people=people, room=group.room)
    booked = group.sessions.filter(status=Session.Status.SCHEDULED)
    wanted = group.planned_sessions - booked.count()
    if wanted <= 0:
        raise ValidationError(
            f"All {group.planned_sessions} sessions of this group are already booked."
        )
    last = group.sessions.order_by("-starts_at").first()
    first = group.starts_on
    if last is not None:
        first = max(first, timezone.localdate(last.starts_at) + timedelta(weeks=1))
    now = timezone.now()
    today = timezone.localdate()
    if group.starts_on < today:
        # Weeks already gone cannot have a session; start from this week's slot.
        first = max(first, today + timedelta(days=(group.weekday - today.weekday()) % 7))
    days, skipped = weekly_dates(site=group.site, first=first, count=wanted)
    if len(days) < wanted:
        raise ValidationError(
            f"Only {len(days)} of {wanted} weeks are open in the next two years. "
            "Check the closure dates."
        )
    result = Generated(skipped=skipped)
    number = booked.count()
    for day in days:
        starts_at = aware(day, group.start_time)
        if starts_at <= now:
            raise ValidationError(
                f"The session on {day_text(day)} would start in the past. "
                "Change the first session date."
            )
        ends_at = starts_at + timedelta(minutes=group.minutes)
        try:
            ensure_no_clash(
                starts_at=starts_at,
                ends_at=ends_at,
                therapists=therapists,
                people=[m.episode.person for m in members if _member_on(m, day)],
                room=group.room,
                person_label=_member_label,
            )
        except ValidationError as error:
            raise ValidationError(
                [
                    f"No sessions were booked. On {day_text(day)}: {message}"
                    for message in error.messages
                ]
            ) from None
        number += 1
        session = Session.objects.create(
            kind=Session.Kind.GROUP,
            programme=group.programme,
            group=group,
            site=group.site,
            room=group.room,
            starts_at=starts_at,
            ends_at=ends_at,
            number=number,
            created_by=actor,
        )
        session.therapists.set(therapists)
        Attendance.objects.bulk_create(
            [Attendance(session=session, episode=m.episode) for m in members if _member_on(m, day)]
        )
        reminders_plan(session=session)
        result.sessions.append(session)
    if group.status == Group.Status.FORMING:
        group.status = Group.Status.RUNNING
        group.save(update_fields=["status", "updated_at"])
    return result


def _member_on(membership, day: date) -> bool:
    return membership.joined_on <= day and (membership.left_on is None or membership.left_on > day)


# ---------------------------------------------------------------------------------------
# Members


def group_places_taken(group) -> int:
    return group.memberships.current().count()


def group_places_offered(group) -> int:
    """Places held for offers waiting for an answer (accepting one joins through
    group_member_add, after the offer is no longer waiting)."""
    return Offer.objects.filter(group=group, status=Offer.Status.PENDING).count()


@transaction.atomic
def group_member_add(*, group, episode, joined_on, actor) -> GroupMembership:
    """Give an episode a place in a group, if there is one free (checked under a lock on the
    group, so two people cannot take the last place). The member is expected at each of the
    group's sessions from the day they join."""
    group = _locked_group(group)
    episode = Episode.objects.select_related("person").get(pk=episode.pk)
    errors = {}
    if episode.status != Episode.Status.ACTIVE:
        errors["episode"] = "This episode of care has ended, so it cannot join a group"
    elif episode.programme_id != group.programme_id:
        errors["episode"] = (
            f"This episode is in {episode.programme}; the group is in {group.programme}"
        )
    elif group.memberships.current().filter(episode=episode).exists():
        errors["episode"] = "This person is already a member of the group"
    elif group.status == Group.Status.FINISHED:
        errors["episode"] = "This group has finished"
    elif joined_on is not None and not group.takes_age(
        age := episode.person.age_on(max(joined_on, group.starts_on))
    ):
        errors["episode"] = f"This group is for ages {group.age_band}; this person is {age}"
    else:
        taken, offered = group_places_taken(group), group_places_offered(group)
        if taken + offered >= group.capacity:
            errors["episode"] = (
                f"This group is full: {taken + offered} of {group.capacity} places are taken"
                + (f" or offered ({offered} waiting for an answer)" if offered else "")
            )
    if joined_on is None:
        errors["joined_on"] = "Enter the date they join"
    if errors:
        raise ValidationError(errors)
    lock_for_booking(people=[episode.person])
    sessions = list(_future_sessions(group, from_day=joined_on))
    for session in sessions:
        ensure_no_clash(
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            people=[episode.person],
            exclude_session=session,
            fields={"people": "episode"},
        )
    membership = GroupMembership(group=group, episode=episode, joined_on=joined_on)
    membership.full_clean()
    membership.save()
    if episode.group_id is None or episode.site_id is None:
        episode.group = episode.group or group
        episode.site = episode.site or group.site
        episode.save(update_fields=["group", "site", "updated_at"])
    for session in sessions:
        Attendance.objects.get_or_create(session=session, episode=episode)
        reminders_plan(session=session)
    return membership


@transaction.atomic
def group_member_leave(*, membership, left_on, reason, actor) -> GroupMembership:
    """Record that a member left (or is leaving) the group: they are no longer expected at
    its sessions from that day, and their reminders for them stop."""
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    _locked_group(membership.group)
    errors = {}
    if membership.left_on is not None:
        errors["left_on"] = f"They already left on {day_text(membership.left_on)}"
    elif left_on is None:
        errors["left_on"] = "Enter the date they leave"
    elif left_on < membership.joined_on:
        errors["left_on"] = (
            f"The leaving date must be on or after the day they joined, "
            f"{day_text(membership.joined_on)}"
        )
    if not (reason or "").strip():
        errors["reason"] = "Say why they are leaving"
    if errors:
        raise ValidationError(errors)
    membership.left_on = left_on
    membership.left_reason = reason.strip()
    membership.save(update_fields=["left_on", "left_reason"])
    later = membership.group.sessions.filter(starts_at__gte=aware(left_on, _midnight()))
    Attendance.objects.filter(
        session__in=later, episode=membership.episode, status=Attendance.Status.EXPECTED
    ).delete()
    Reminder.objects.filter(
        session__in=later,
        episode=membership.episode,
        kind=Reminder.Kind.UPCOMING,
        status=Reminder.Status.QUEUED,
    ).update(status=Reminder.Status.SKIPPED, last_error="Left the group", updated_at=timezone.now())
    return membership
