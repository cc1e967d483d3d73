"""Two registers marked at the same moment for the same person (their two missed sessions,
marked by two therapists from separate threads). The database allows one open review per
episode and kind; the second marking must find the first's review, not fail. PostgreSQL
only: SQLite runs one writer at a time anyway."""

from datetime import timedelta

from django.utils import timezone

from tutti.core.tests.concurrency import postgresql_only, together
from tutti.delivery.models import Attendance, ReviewTask
from tutti.delivery.services.attendance import attendance_mark
from tutti.delivery.tests.factories import AttendanceFactory, EpisodeFactory, SessionFactory, at
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = postgresql_only

ROUNDS = 5


def test_two_missed_sessions_marked_at_once_raise_one_review():
    today = timezone.localdate()
    for _ in range(ROUNDS):
        one, two = TherapistFactory(), TherapistFactory()
        episode = EpisodeFactory(therapists=[one, two])
        sessions = []
        # Two earlier misses, already marked: each new miss completes a run of two or more.
        for days_ago, therapist in ((3, one), (2, two)):
            session = SessionFactory(
                episode=episode,
                starts_at=at(today - timedelta(days=days_ago)),
                therapists=[therapist],
            )
            AttendanceFactory(session=session, episode=episode, status="expected")
            sessions.append((session, therapist))
        _, refusals = together(
            *[
                lambda s=session, t=therapist, e=episode: attendance_mark(
                    session=s, marks={e.pk: Attendance.Status.DID_NOT_ATTEND}, actor=t.user
                )
                for session, therapist in sessions
            ]
        )
        assert refusals == []  # both registers are saved
        tasks = ReviewTask.objects.filter(episode=episode, status=ReviewTask.Status.OPEN)
        assert tasks.count() == 1
        assert tasks.get().reason.startswith("Missed 2 sessions in a row")
