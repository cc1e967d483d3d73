"""An ended episode with sessions, a confidential note and outcome measures: what the
discharge letter (page and FHIR document) is built from. Shared by delivery and FHIR tests."""

from datetime import timedelta

from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.delivery.models import Attendance, Episode, SessionRecord
from tutti.delivery.services.episodes import episode_end
from tutti.delivery.tests.factories import AttendanceFactory, EpisodeFactory, SessionFactory, at
from tutti.outcomes.tests.factories import completed
from tutti.people.tests.factories import PersonFactory
from tutti.referrals.models import Status
from tutti.referrals.tests.factories import ReferralFactory
from tutti.workforce.tests.factories import TherapistFactory

SUMMARY = "Alex wrote three songs about moving schools and led the group's last performance."
NOTE = "CONFIDENTIAL-SESSION-NOTE: talked about a worry at home."


def ended_episode(
    *, referred_by=None, api_token=None, measures=True, end=True, person=None, **referral
):
    """An episode of twelve weeks: five sessions attended, one missed, one cancelled by the
    person, one cancelled by the service; SWEMWBS at baseline and end (a reliable rise);
    ended with a discharge summary. A session record carries a note the letter must never
    show."""
    today = timezone.localdate()
    start = today - timedelta(weeks=12)
    person = person or PersonFactory(
        given_name="Alex", family_name="Rivers", nhs_number="9434765919", preferred_name=""
    )
    therapist = TherapistFactory(user__full_name="Jo Harmon")
    made = ReferralFactory(
        person=person,
        status=Status.ACTIVE,
        referred_by=referred_by,
        api_token=api_token,
        referrer_name="Dr Priya Shah",
        referrer_role="GP",
        therapist=therapist,
        **referral,
    )
    episode = EpisodeFactory(
        referral=made,
        person=person,
        start_date=start,
        planned_sessions=10,
        goals=["Sing with others", "Feel calmer at school"],
        therapists=[therapist],
    )
    marks = [Attendance.Status.ATTENDED] * 5 + [
        Attendance.Status.DID_NOT_ATTEND,
        Attendance.Status.CANCELLED_BY_CLIENT,
        Attendance.Status.CANCELLED_BY_SERVICE,
    ]
    for week, mark in enumerate(marks, start=1):
        session = SessionFactory(episode=episode, starts_at=at(start + timedelta(weeks=week)))
        AttendanceFactory(session=session, episode=episode, status=mark)
        if week == 1:
            SessionRecord.objects.create(session=session, notes=NOTE, written_by=therapist.user)
    if measures:
        completed(
            "swemwbs",
            [3, 3, 3, 3, 2, 2, 2],
            person=person,
            referral=made,
            on=start + timedelta(days=3),
            actor=therapist.user,
        )
        completed(
            "swemwbs",
            [4, 4, 3, 3, 3, 3, 3],
            person=person,
            referral=made,
            occasion="end",
            on=today - timedelta(days=1),
            actor=therapist.user,
        )
    if end:
        episode_end(
            episode=episode,
            ended_on=today,
            reason=Episode.EndReason.COMPLETED,
            outcome=Episode.Outcome.GOALS_MET,
            discharge_summary=SUMMARY,
            actor=UserFactory(roles=[Role.COORDINATOR]),
        )
    return episode
