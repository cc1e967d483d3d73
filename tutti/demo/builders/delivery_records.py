"""The attendance and session records part of the demo (issue 5 items 5 and 6, issue 9's
trainee sign-off), on two groups that have been meeting for some weeks:

- Camden Young Voices, Thursdays, run by the demo therapist (Sam Okafor) with people already
  in therapy: six sessions held, their registers marked. One member missed the last two, so
  the non-attendance rule raised a review for the coordinator (nobody was discharged). Four
  sessions have a record; one was amended the next day, so its history shows both versions.
  The latest session is still to write up.
- Teen Sound Lab, Wednesdays, co-run by the trainee on placement and a qualified colleague.
  The trainee wrote the records: the first was signed off by their supervisor (the demo
  clinical lead, Ruth Ellison), the second returned with comments and amended, the third
  waits for sign-off, so both wait in the clinical lead's sign-off queue.

The weeks already gone are history: the groups and their past sessions are recorded as they
were booked then (the booking services only book from today), and the times of marking and
writing are set to just after each session. Everything else goes through the delivery
services (registers, the rule, records, sign-off), as the therapists and the supervisor.
Runs after `build_demo`, `build_workforce` and `build_delivery_groups`.
"""

from dataclasses import dataclass
from datetime import time, timedelta

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import (
    Attendance,
    Episode,
    Group,
    GroupMembership,
    ParticipantNote,
    ReviewTask,
    Session,
    SessionRecord,
)
from tutti.delivery.services.attendance import attendance_mark
from tutti.delivery.services.calendar import aware, weekly_dates
from tutti.delivery.services.records import (
    session_record_return,
    session_record_save,
    session_record_sign_off,
)
from tutti.delivery.services.reminders import reminders_plan
from tutti.delivery.services.scheduling import ensure_no_clash
from tutti.demo.builders.session_notes import CAMDEN_AMENDED, CAMDEN_RECORDS, TRAINEE_RECORDS
from tutti.programmes.models import Programme
from tutti.referrals.models import Referral, Status
from tutti.workforce.models import Therapist

A = Attendance.Status
User = get_user_model()


@dataclass
class Story:
    programme: str
    name: str
    slots: list  # (weekday, start time) to try, first free one wins
    weeks_ago: int  # the first session was this many weeks ago (the weeks up to now are held)
    members: int
    min_members: int


CAMDEN = Story(
    "CAMDEN-16-24",
    "Camden Young Voices: Thursday group",
    [(3, time(18, 0)), (2, time(18, 0)), (0, time(18, 0))],
    weeks_ago=7,
    members=5,
    min_members=2,  # someone must attend while another misses
)
TEENS = Story(
    "AUTISM-TEENS",
    "Teen Sound Lab: Wednesday group",
    [(2, time(16, 30)), (0, time(16, 30)), (4, time(16, 30))],
    weeks_ago=3,
    members=4,
    min_members=1,
)


def camden_attendance(member, index, held, members):
    """What each Camden member did at each held session: the last member missed the last
    two (the rule fires when the latest register is marked); the first cancelled late once
    and the second cancelled in good time once, which neither count nor break a run."""
    if member == members - 1 and index >= held - 2:
        return A.DID_NOT_ATTEND
    if member == 0 and index == 1:
        return A.CANCELLED_LATE
    if member == 1 and index == 2:
        return A.CANCELLED_BY_CLIENT
    return A.ATTENDED


def teens_attendance(member, index, held, members):
    if member == 1 and index == 1:
        return A.CANCELLED_BY_CLIENT
    if member == 3 and index == held - 1:
        return A.DID_NOT_ATTEND
    return A.ATTENDED


def build_delivery_records(*, seed) -> dict:
    """Build the story above. Returns counts, for the command's summary."""
    coordinator = User.objects.get(username="coordinator")
    therapist = Therapist.objects.select_related("user").get(user__username="therapist")
    trainee = (
        Therapist.objects.filter(is_trainee=True, supervisor__user__username="supervisor")
        .select_related("user", "supervisor__user")
        .order_by("pk")
        .first()
    )
    with transaction.atomic(), set_actor(coordinator):
        camden = _group_with_history(CAMDEN, [therapist], coordinator)
    counts = {"registers": 0, "records": 0, "reviews": 0, "awaiting_sign_off": 0}
    if camden is not None:
        group, sessions, members = camden
        with transaction.atomic(), set_actor(therapist.user):
            counts["registers"] += _mark(sessions, members, camden_attendance, therapist.user)
            counts["records"] += _camden_records(sessions, members, therapist.user)
    if trainee is not None:
        colleague = (
            Therapist.objects.filter(sites=trainee.placement_site or trainee.sites.first())
            .filter(is_trainee=False)
            .exclude(user__username__in=["therapist", "supervisor"])
            .order_by("pk")
            .first()
        )
        therapists = [t for t in (colleague, trainee) if t is not None]
        with transaction.atomic(), set_actor(coordinator):
            teens = _group_with_history(TEENS, therapists, coordinator)
        if teens is not None:
            group, sessions, members = teens
            with transaction.atomic(), set_actor(trainee.user):
                counts["registers"] += _mark(sessions, members, teens_attendance, trainee.user)
                counts["records"] += _trainee_records(sessions, members, trainee)
    counts["reviews"] = ReviewTask.objects.filter(status=ReviewTask.Status.OPEN).count()
    counts["awaiting_sign_off"] = SessionRecord.objects.filter(
        status=SessionRecord.Status.AWAITING_SIGN_OFF
    ).count()
    return counts


# The groups, as they were set up weeks ago


def _group_with_history(story, therapists, coordinator):
    """The group, its members (people already in therapy in the programme) and its sessions:
    those already held and those still to come. None if the programme or people are missing."""
    programme = Programme.objects.filter(code=story.programme).first()
    if programme is None or not therapists:
        return None
    site = programme.sites.order_by("pk").first()
    referrals = list(
        Referral.objects.filter(programme=programme, status=Status.ACTIVE, episode__isnull=True)
        .select_related("person")
        .order_by("pk")
    )
    ours = [r for r in referrals if r.therapist_id in {t.pk for t in therapists}]
    chosen = (ours + [r for r in referrals if r not in ours])[: story.members]
    if len(chosen) < story.min_members:
        return None
    today = timezone.localdate()
    for weekday, start in story.slots:
        first = today - timedelta(weeks=story.weeks_ago)
        first += timedelta(days=(weekday - first.weekday()) % 7)
        days, _ = weekly_dates(site=site, first=first, count=programme.block_sessions)
        people = [r.person for r in chosen]
        try:
            with transaction.atomic():
                for day in days:
                    starts_at = aware(day, start)
                    ensure_no_clash(
                        starts_at=starts_at,
                        ends_at=starts_at + timedelta(minutes=programme.session_minutes),
                        therapists=therapists,
                        people=people,
                    )
        except ValidationError:
            continue  # somebody is busy at this time in some week: try the next slot
        return _create(story, programme, site, therapists, chosen, days, start, coordinator)
    return None


def _create(story, programme, site, therapists, referrals, days, start, coordinator):
    group = Group.objects.create(
        programme=programme,
        name=story.name,
        site=site,
        weekday=days[0].weekday(),
        start_time=start,
        minutes=programme.session_minutes,
        capacity=6,
        min_age=programme.min_age,
        max_age=programme.max_age,
        starts_on=days[0],
        planned_sessions=programme.block_sessions,
        status=Group.Status.RUNNING,
        created_by=coordinator,
    )
    group.therapists.set(therapists)
    members = []
    for referral in referrals:
        episode = Episode.objects.create(
            referral=referral,
            person=referral.person,
            programme=programme,
            group=group,
            site=site,
            goals=["To join in with others", "To feel more confident"],
            planned_sessions=programme.block_sessions,
            start_date=days[0],
        )
        episode.therapists.set(therapists)
        GroupMembership.objects.create(group=group, episode=episode, joined_on=days[0])
        members.append(episode)
    now = timezone.now()
    held = []
    for number, day in enumerate(days, start=1):
        starts_at = aware(day, start)
        session = Session.objects.create(
            kind=Session.Kind.GROUP,
            programme=programme,
            group=group,
            site=site,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=programme.session_minutes),
            number=number,
            created_by=coordinator,
        )
        session.therapists.set(therapists)
        Attendance.objects.bulk_create([Attendance(session=session, episode=e) for e in members])
        if session.ends_at <= now:
            held.append(session)
        else:
            reminders_plan(session=session)
    return group, held, members


# Registers


def _mark(sessions, members, plan, actor):
    """Mark each held session's register in turn, as the therapist did just after each one;
    `plan(member, index, held, members)` says what each member did."""
    for index, session in enumerate(sessions):
        marks = {
            member.pk: plan(m, index, len(sessions), len(members))
            for m, member in enumerate(members)
        }
        started = timezone.now()
        tasks = attendance_mark(session=session, marks=marks, actor=actor)
        just_after = session.ends_at + timedelta(minutes=20)
        Attendance.objects.filter(session=session).update(marked_at=just_after)
        ReviewTask.objects.filter(
            pk__in=[task.pk for task in tasks], created_at__gte=started
        ).update(created_at=just_after)
    return len(sessions)


# Records


def _write(session, actor, *, musical_work, instruments, notes, member_notes=None, present=()):
    return session_record_save(
        session=session,
        data={
            "musical_work": musical_work,
            "instruments": instruments,
            "present": list(present),
            "notes": notes,
        },
        member_notes=member_notes or {},
        actor=actor,
    )


def _camden_records(sessions, members, actor):
    """A record for each held session but the latest (still to write up); the last one
    written was amended the next morning, so its history shows both versions."""
    to_write = list(zip(sessions[:-1], CAMDEN_RECORDS, strict=False))
    for number, (session, (work, instruments, notes)) in enumerate(to_write, start=1):
        written_at = session.ends_at + timedelta(hours=1)
        present = ["partner_staff"] if number == 1 else []
        record = _write(
            session,
            actor,
            musical_work=work,
            instruments=instruments,
            notes=notes,
            present=present,
        )
        if number < len(to_write):
            _backdate(record, [written_at])
            continue
        record = _write(
            session,
            actor,
            musical_work=work,
            instruments=instruments,
            notes=notes + CAMDEN_AMENDED,
            present=present,
            member_notes={
                members[0].pk: "Sang alone for the first time, then asked to do it again.",
                members[1].pk: "Chose the keyboard over singing; kept the beat for everyone.",
            },
        )
        next_morning = aware(timezone.localdate(session.ends_at) + timedelta(days=1), time(9, 15))
        _backdate(record, [written_at, min(next_morning, timezone.now())])
    return len(to_write)


def _trainee_records(sessions, members, trainee):
    supervisor = trainee.supervisor.user
    written = 0
    for index, (session, (work, instruments, notes)) in enumerate(
        zip(sessions, TRAINEE_RECORDS, strict=False)
    ):
        record = _write(
            session,
            trainee.user,
            musical_work=work,
            instruments=instruments,
            notes=notes,
            present=["parent_carer"] if index == 0 else [],
        )
        times = [session.ends_at + timedelta(hours=1)]
        if index == 0:
            session_record_sign_off(record=record, actor=supervisor)
            times.append(session.ends_at + timedelta(days=2))
        elif index == 1:
            session_record_return(
                record=record,
                comment="Say what you saw rather than how the group seemed: who joined in, "
                "how, and what changed during the session.",
                actor=supervisor,
            )
            record = _write(
                session,
                trainee.user,
                musical_work=work,
                instruments=instruments,
                notes="Movement to music with scarves: all four joined in, two copying the "
                "leader's shapes. Free drumming afterwards grew louder until one member "
                "covered their ears; we agreed a quiet signal and played softer.",
            )
            times += [session.ends_at + timedelta(days=1), session.ends_at + timedelta(days=2)]
        _backdate(record, [min(t, timezone.now()) for t in times])
        written += 1
    return written


def _backdate(record, times):
    """Each version of the record (and the notes written with it) at the time it happened,
    oldest first; the later versions keep the last time given."""
    versions = list(record.history.order_by("history_date", "history_id"))
    for version, at in zip(versions, times + [times[-1]] * len(versions), strict=False):
        type(version).objects.filter(pk=version.pk).update(history_date=at)
    notes = ParticipantNote.history.filter(record_id=record.pk)
    notes.update(history_date=times[-1])
    SessionRecord.objects.filter(pk=record.pk).update(created_at=times[0], updated_at=times[-1])
    if record.signed_off_at:
        SessionRecord.objects.filter(pk=record.pk).update(signed_off_at=times[-1])
