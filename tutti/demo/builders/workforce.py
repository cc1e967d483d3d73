"""The workforce part of the demo: registration, availability, supervision, placements and
training courses. Runs after `build_demo`, on the team it made, through the workforce
services (history before today is written directly, with its own dates).

What a person trying the demo sees:
- the therapist whose registration runs out soonest now runs out in 10 days, and the
  14-day warning has been recorded and queued for them and the clinical leads;
- the demo therapist (Sam Okafor) is a week overdue for supervision;
- both trainees are on placement, with hours logged (their session notes' sign-off waits
  for session records, which are not part of Tutti yet);
- a full cohort with a waiting list, where one person already cancelled and the first
  person waiting moved up; an online course with places; and two finished cohorts with
  attendance, so certificates and the training reach report have something to show.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from auditlog.context import set_actor
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from faker import Faker

from tutti.organisations.models import Organisation, Site
from tutti.workforce.models import (
    Attendance,
    Participant,
    ParticipantRole,
    PlacementLog,
    SupervisionRecord,
    Therapist,
    WorkSetting,
)
from tutti.workforce.services import (
    availability_add,
    placement_log_add,
    registration_warnings_queue,
    supervision_record_create,
    therapist_update_placement,
    therapist_update_profile,
    therapist_update_registration,
)
from tutti.workforce.training.services import (
    cohort_create,
    cohort_session_add,
    course_create,
    participant_cancel,
    participant_sign_up,
)

DEMO_BASE_URL = "http://127.0.0.1:8000/"
REGISTRATION_LAPSES_IN_DAYS = 10

_SETTING_OF_KIND = {
    Organisation.Kind.SERVICE: WorkSetting.CENTRE,
    Organisation.Kind.SCHOOL: WorkSetting.SCHOOL,
    Organisation.Kind.CARE_HOME: WorkSetting.CARE_HOME,
    Organisation.Kind.HOSPITAL: WorkSetting.HOSPITAL,
    Organisation.Kind.HOSPICE: WorkSetting.HOSPICE,
    Organisation.Kind.COMMUNITY: WorkSetting.COMMUNITY,
}
_TOPICS = [
    "Endings with children and families; planning the last three sessions of a block.",
    "Managing a full caseload and protecting time for writing up.",
    "Using songwriting with adults who find it hard to talk about feelings.",
    "Working alongside ward staff; what to share at handover and what not to.",
    "Looking after yourself after a bereavement on the caseload.",
    "Group dynamics in a new community choir; when one voice dominates.",
    "Sensory overload in sessions and adapting the room.",
    "Supporting school staff to carry on the work between sessions.",
    "Reflective practice: a recording of an improvisation and what it showed.",
    "Safeguarding procedures and when to speak to the safeguarding lead.",
]


def build_workforce(*, seed):
    """Add the workforce story to a freshly seeded demo (see the module docstring)."""
    rng = random.Random(seed * 7 + 9)
    fake = Faker("en_GB")
    fake.seed_instance(seed + 9)
    today = timezone.localdate()
    coordinator = get_user_model().objects.get(username="coordinator")
    with transaction.atomic(), set_actor(coordinator):
        team = list(Therapist.objects.select_related("user").prefetch_related("sites"))
        _registration(team, today, coordinator)
        _profiles_and_availability(team, rng, coordinator)
        _placements(team, rng, today, coordinator)
        _supervision(team, rng, today)
        _courses(rng, fake, today, coordinator)
        registration_warnings_queue(on=today)


def _registration(team, today, actor):
    """The registration that runs out soonest now runs out in 10 days."""
    qualified = [t for t in team if not t.is_trainee and t.registration_expires]
    soonest = min(qualified, key=lambda t: (t.registration_expires, t.pk))
    therapist_update_registration(
        therapist=soonest,
        actor=actor,
        registration_expires=today + timedelta(days=REGISTRATION_LAPSES_IN_DAYS),
    )


def _profiles_and_availability(team, rng, actor):
    for therapist in team:
        sites = list(therapist.sites.select_related("organisation").order_by("pk"))
        settings = sorted(
            {_SETTING_OF_KIND.get(s.organisation.kind, WorkSetting.COMMUNITY) for s in sites}
        )
        groups = 0 if therapist.is_trainee else rng.choice([0, 1, 1, 2])
        therapist_update_profile(
            therapist=therapist,
            actor=actor,
            work_settings=[str(code) for code in settings],
            weekly_group_capacity=groups,
        )
        # Roughly an hour of slot for each session a week, a morning or an afternoon a day.
        hours_needed = therapist.weekly_capacity + 2 * groups
        days = sorted(rng.sample(range(5), k=min(5, max(1, -(-hours_needed // 4)))))
        for index, day in enumerate(days):
            morning = rng.random() < 0.5
            start = time(9, 30) if morning else time(13, 0)
            end = time(13, 0) if morning else time(17, 0)
            availability_add(
                therapist=therapist,
                site=sites[index % len(sites)],
                weekday=day,
                start=start,
                end=end,
                for_groups=groups > 0 and index == 0,
                actor=actor,
            )


def _placements(team, rng, today, actor):
    for trainee in (t for t in team if t.is_trainee):
        site = trainee.sites.order_by("pk").first()
        starts = today - timedelta(weeks=16)
        therapist_update_placement(
            therapist=trainee,
            actor=actor,
            placement_site=site,
            placement_starts_on=starts,
            placement_ends_on=starts + timedelta(weeks=40),
            placement_hours_target=500,
        )
        # Two placement days a week so far.
        for week in range(16):
            for day in sorted(rng.sample(range(5), 2)):
                worked_on = starts + timedelta(weeks=week, days=day)
                if worked_on > today:
                    continue
                for activity, hours in _placement_day(rng):
                    placement_log_add(
                        trainee=trainee,
                        worked_on=worked_on,
                        hours=hours,
                        activity=activity,
                        actor=trainee.user,
                    )


def _placement_day(rng):
    Activity = PlacementLog.Activity
    other = rng.choice([Activity.OBSERVATION, Activity.MEETINGS, Activity.PREPARATION])
    return [
        (Activity.CLINICAL, Decimal(rng.choice(["2", "2.5", "3"]))),
        (other, Decimal(rng.choice(["1", "1.5", "2"]))),
    ]


def _supervision(team, rng, today):
    """Trainees weekly with their supervisor; qualified therapists monthly in groups led by
    the clinical lead, who has their own supervision too. Sam Okafor's last one was five
    weeks ago, so it is overdue."""
    by_username = {t.user.username: t for t in team}
    lead = by_username["supervisor"]
    overdue = by_username.get("therapist")
    for trainee in (t for t in team if t.is_trainee):
        for week in range(12):
            _supervise(trainee.supervisor, [trainee], today - timedelta(weeks=week, days=1), rng)
    qualified = [t for t in team if not t.is_trainee and t.pk != lead.pk]
    groups = [qualified[i::3] for i in range(3)]
    for month in range(3):
        for offset, group in enumerate(groups):
            held_on = today - timedelta(weeks=4 * month, days=3 + 6 * offset)
            present = [t for t in group if not (t is overdue and month == 0)]
            _supervise(lead, present, held_on, rng)
    peer = next(t for t in qualified if t is not overdue)
    for month in range(3):
        _supervise(peer, [lead], today - timedelta(weeks=4 * month, days=10), rng)


def _supervise(supervisor, supervisees, held_on, rng):
    Kind = SupervisionRecord.Kind
    kind = Kind.INDIVIDUAL if len(supervisees) == 1 else Kind.GROUP
    return supervision_record_create(
        supervisor=supervisor,
        supervisees=supervisees,
        held_on=held_on,
        minutes=60 if kind == Kind.INDIVIDUAL else 90,
        kind=kind,
        topics=rng.choice(_TOPICS),
        actor=supervisor.user,
    )


def _courses(rng, fake, today, actor):
    centre = Site.objects.get(organisation__kind=Organisation.Kind.SERVICE)
    school = Site.objects.filter(organisation__kind=Organisation.Kind.SCHOOL).first()
    community = Site.objects.filter(name__startswith="Agar Grove").first() or centre
    communication = course_create(
        actor=actor,
        title="Music for communication: a course for school staff",
        summary="Simple ways to use songs, rhythm and turn-taking to help pupils with "
        "communication needs join in. Three afternoon sessions.",
        description="For teachers, teaching assistants and SENCOs. You do not need to play an "
        "instrument. Each session mixes a short talk, practice together and time to plan how "
        "you will use it in your class.",
    )
    singing = course_create(
        actor=actor,
        title="Singing together: for family carers of people living with dementia",
        summary="How familiar songs can help you connect with the person you care for. "
        "Four short online sessions.",
        description="For family carers and friends. Sessions are online, with captions.",
    )
    play = course_create(
        actor=actor,
        title="Music and play for parents of young children",
        summary="Songs and musical games for children under five, including children with "
        "additional needs.",
    )

    # A full cohort with a waiting list; one person cancelled and the first waiting moved up.
    full = cohort_create(
        course=communication,
        actor=actor,
        name="Summer term, Herefordshire",
        venue=school or centre,
        capacity=12,
        joining_details="Sign in at the school office; the music room is on the ground floor.",
    )
    _sessions(full, today + timedelta(days=15), 3, time(15, 45), time(17, 15), actor)
    people = [_person(fake, rng, ParticipantRole.TEACHER) for _ in range(15)]
    signed = [
        participant_sign_up(
            cohort=full,
            base_url=DEMO_BASE_URL,
            signed_up_at=timezone.now() - timedelta(days=20 - i, hours=rng.randrange(8)),
            **person,
        )
        for i, person in enumerate(people)
    ]
    participant_cancel(participant=signed[4], base_url=DEMO_BASE_URL, actor=None)

    online = cohort_create(
        course=singing,
        actor=actor,
        name="Autumn, online",
        is_online=True,
        capacity=20,
        joining_details="We email a video link the day before each session.",
    )
    _sessions(online, today + timedelta(days=24), 4, time(18, 30), time(19, 30), actor)
    for i in range(7):
        participant_sign_up(
            cohort=online,
            base_url=DEMO_BASE_URL,
            signed_up_at=timezone.now() - timedelta(days=10 - i),
            **_person(fake, rng, ParticipantRole.CARER),
        )

    _finished_cohort(
        communication,
        "Spring term, Camden",
        centre,
        today - timedelta(days=70),
        rng,
        fake,
        actor,
        roles=[ParticipantRole.TEACHER] * 8 + [ParticipantRole.PARTNER_STAFF] * 2,
    )
    _finished_cohort(
        play,
        "Spring, Camden Town",
        community,
        today - timedelta(days=50),
        rng,
        fake,
        actor,
        roles=[ParticipantRole.PARENT] * 7 + [ParticipantRole.CARER, ParticipantRole.OTHER],
    )


def _sessions(cohort, first, count, starts, ends, actor):
    for week in range(count):
        cohort_session_add(
            cohort=cohort, date=first + timedelta(weeks=week), starts=starts, ends=ends, actor=actor
        )


def _person(fake, rng, role):
    first, last = fake.first_name(), fake.last_name()
    local = "".join(c for c in f"{first}.{last}".lower() if c.isalnum() or c == ".")
    organisation = (
        fake.company() if role in (ParticipantRole.TEACHER, ParticipantRole.PARTNER_STAFF) else ""
    )
    return {
        "name": f"{first} {last}",
        "email": f"{local}{rng.randrange(10, 99)}@example.com",
        "role": role,
        "organisation": organisation,
    }


def _finished_cohort(course, name, venue, first, rng, fake, actor, *, roles):
    """A cohort that has already run: its sign-ups and registers are history, written with
    their own dates (the sign-up service only takes sign-ups for courses yet to start)."""
    cohort = cohort_create(
        course=course, actor=actor, name=name, venue=venue, capacity=len(roles), signup_open=False
    )
    _sessions(cohort, first, 3, time(10, 0), time(12, 0), actor)
    sessions = list(cohort.sessions.all())
    for role in roles:
        person = _person(fake, rng, role)
        at = timezone.make_aware(
            datetime.combine(first - timedelta(days=rng.randrange(7, 30)), time(12))
        )
        participant = Participant(
            cohort=cohort,
            status=Participant.Status.PLACE,
            signed_up_at=at,
            place_given_at=at,
            **person,
        )
        participant.full_clean()
        participant.save()
        for session in sessions:
            Attendance.objects.create(
                session=session,
                participant=participant,
                attended=rng.random() < 0.85,
                recorded_by=actor,
            )
