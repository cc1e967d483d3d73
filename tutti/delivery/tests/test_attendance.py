"""Marking a session's register, the non-attendance rule and the coordinator's reviews."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.models import AccessEvent
from tutti.delivery.models import Attendance, Episode, ReviewTask, Session
from tutti.delivery.services.attendance import (
    attendance_mark,
    dates_in_words,
    non_attendance_check,
    review_task_resolve,
)
from tutti.delivery.tests.factories import (
    AttendanceFactory,
    EpisodeFactory,
    GroupFactory,
    SessionFactory,
    at,
)
from tutti.referrals.models import Status
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db

A = Attendance.Status


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def episode():
    return EpisodeFactory()


def session_for(episode, day, **kwargs):
    """A past (or future) individual session of the episode, with its register row."""
    session = SessionFactory(episode=episode, starts_at=at(day, 10), **kwargs)
    AttendanceFactory(session=session, episode=episode)
    return session


def mark(session, episode, status, actor=None):
    actor = actor or session.therapists.first().user
    return attendance_mark(session=session, marks={episode.pk: status}, actor=actor)


def weekly(episode, today, statuses):
    """One session a week ending last week, marked with these statuses (oldest first)."""
    sessions = []
    for weeks_ago, status in zip(range(len(statuses), 0, -1), statuses, strict=True):
        session = session_for(episode, today - timedelta(weeks=weeks_ago))
        if status is not None:
            mark(session, episode, status)
        sessions.append(session)
    return sessions


# Marking


def test_a_therapist_marks_who_came_and_it_is_recorded_with_who_and_when(episode, today):
    session = session_for(episode, today - timedelta(days=1))
    therapist = session.therapists.get()
    mark(session, episode, A.ATTENDED)
    row = Attendance.objects.get(session=session)
    assert row.status == A.ATTENDED
    assert row.marked_by == therapist.user and row.marked_at is not None


def test_a_register_cannot_be_marked_before_the_session_starts(episode, today):
    session = session_for(episode, today + timedelta(days=2))
    with pytest.raises(ValidationError, match="once the session has started, at 10:00 on"):
        mark(session, episode, A.ATTENDED)


def test_a_cancelled_session_has_no_attendance_to_mark(episode, today):
    session = session_for(episode, today - timedelta(days=1), status=Session.Status.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        mark(session, episode, A.ATTENDED)


def test_a_community_event_has_no_register(today):
    event = SessionFactory(
        kind=Session.Kind.COMMUNITY,
        episode=None,
        programme=None,
        title="Spring concert",
        starts_at=at(today - timedelta(days=1)),
    )
    with pytest.raises(ValidationError, match="headcount"):
        attendance_mark(session=event, marks={}, actor=event.therapists.get().user)


def test_only_the_sessions_participants_and_real_statuses_can_be_marked(episode, today):
    session = session_for(episode, today - timedelta(days=1))
    stranger = EpisodeFactory()
    with pytest.raises(ValidationError) as error:
        mark(session, stranger, A.ATTENDED, actor=session.therapists.get().user)
    assert "not in this session's register" in str(error.value)
    with pytest.raises(ValidationError, match="Choose attended"):
        mark(session, episode, "expected")


def test_other_therapists_and_partners_cannot_mark_but_coordinators_can(episode, today):
    session = session_for(episode, today - timedelta(days=1))
    with pytest.raises(PermissionDenied):
        mark(session, episode, A.ATTENDED, actor=TherapistFactory().user)
    with pytest.raises(PermissionDenied):
        mark(session, episode, A.ATTENDED, actor=UserFactory(roles=[Role.PARTNER]))
    mark(session, episode, A.DID_NOT_ATTEND, actor=UserFactory(roles=[Role.COORDINATOR]))
    assert Attendance.objects.get(session=session).status == A.DID_NOT_ATTEND


# The non-attendance rule


def test_two_missed_sessions_in_a_row_raise_a_review_and_nobody_is_discharged(episode, today):
    sessions = weekly(episode, today, [A.ATTENDED, A.DID_NOT_ATTEND, A.CANCELLED_LATE])
    task = ReviewTask.objects.get(episode=episode)
    days = [timezone.localtime(s.starts_at).date() for s in sessions[1:]]
    assert task.kind == ReviewTask.Kind.NON_ATTENDANCE
    assert task.status == ReviewTask.Status.OPEN
    assert task.reason == f"Missed 2 sessions in a row ({dates_in_words(days)})"
    episode.refresh_from_db()
    assert episode.status == Episode.Status.ACTIVE
    assert episode.referral.status == Status.ACTIVE


def test_the_reason_names_the_dates_in_plain_words():
    year = timezone.localdate().year
    assert dates_in_words([date(year, 3, 10), date(year, 3, 3)]) == "3 and 10 March"
    assert (
        dates_in_words([date(year, 2, 24), date(year, 3, 3), date(year, 3, 10)])
        == "24 February, 3 and 10 March"
    )
    assert (
        dates_in_words([date(year - 1, 12, 29), date(year, 1, 5)])
        == f"29 December {year - 1} and 5 January {year}"
    )


def test_attending_breaks_the_run(episode, today):
    weekly(episode, today, [A.DID_NOT_ATTEND, A.ATTENDED, A.DID_NOT_ATTEND])
    assert not ReviewTask.objects.exists()


def test_cancellations_in_good_time_or_by_the_service_neither_count_nor_break_the_run(
    episode, today
):
    weekly(
        episode,
        today,
        [A.DID_NOT_ATTEND, A.CANCELLED_BY_SERVICE, A.CANCELLED_BY_CLIENT, None],
    )
    assert not ReviewTask.objects.exists()  # one miss so far; unmarked counts for nothing
    session = session_for(episode, today - timedelta(days=1))
    mark(session, episode, A.DID_NOT_ATTEND)
    assert ReviewTask.objects.get(episode=episode).reason.startswith("Missed 2 sessions")


def test_the_programme_decides_how_many_missed_sessions_raise_a_review(today):
    episode = EpisodeFactory(programme__non_attendance_review_after=3)
    weekly(episode, today, [A.DID_NOT_ATTEND, A.DID_NOT_ATTEND])
    assert not ReviewTask.objects.exists()
    mark(session_for(episode, today - timedelta(days=1)), episode, A.DID_NOT_ATTEND)
    assert ReviewTask.objects.get().reason.startswith("Missed 3 sessions in a row")


def test_a_longer_run_updates_the_open_review_instead_of_adding_another(episode, today):
    weekly(episode, today, [A.DID_NOT_ATTEND, A.DID_NOT_ATTEND, A.DID_NOT_ATTEND])
    task = ReviewTask.objects.get(episode=episode)
    assert task.reason.startswith("Missed 3 sessions in a row")
    # Running the rule again (say after a concurrent marking) finds the same open task.
    assert non_attendance_check(episode=episode) == task
    assert ReviewTask.objects.count() == 1


def test_after_a_review_is_resolved_the_rule_starts_afresh(episode, today):
    weekly(episode, today, [A.DID_NOT_ATTEND, A.DID_NOT_ATTEND])
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    task = ReviewTask.objects.get()
    review_task_resolve(
        task=task, resolution="Called the family: a bad fortnight", actor=coordinator
    )
    next_one = session_for(episode, today - timedelta(days=2))
    mark(next_one, episode, A.DID_NOT_ATTEND)
    assert not ReviewTask.objects.filter(status=ReviewTask.Status.OPEN).exists()
    mark(session_for(episode, today - timedelta(days=1)), episode, A.DID_NOT_ATTEND)
    assert ReviewTask.objects.filter(status=ReviewTask.Status.OPEN).count() == 1


def test_an_ended_episode_raises_no_review(episode, today):
    sessions = weekly(episode, today, [A.DID_NOT_ATTEND, None])
    Episode.objects.filter(pk=episode.pk).update(status=Episode.Status.ENDED, ended_on=today)
    episode.refresh_from_db()
    mark(sessions[1], episode, A.DID_NOT_ATTEND)
    assert not ReviewTask.objects.exists()


def test_a_group_register_marks_everyone_and_applies_the_rule_to_each(today):
    group = GroupFactory(starts_on=today - timedelta(weeks=3))
    members = [EpisodeFactory(programme=group.programme, group=group) for _ in range(3)]
    sessions = []
    for weeks_ago in (2, 1):
        session = SessionFactory(
            kind=Session.Kind.GROUP,
            group=group,
            episode=None,
            programme=group.programme,
            starts_at=at(today - timedelta(weeks=weeks_ago), 16),
        )
        for member in members:
            AttendanceFactory(session=session, episode=member)
        sessions.append(session)
    actor = group.therapists.get().user
    for session in sessions:
        attendance_mark(
            session=session,
            marks={
                members[0].pk: A.ATTENDED,
                members[1].pk: A.DID_NOT_ATTEND,
                members[2].pk: A.CANCELLED_BY_CLIENT,
            },
            actor=actor,
        )
    assert list(ReviewTask.objects.values_list("episode", flat=True)) == [members[1].pk]


# Resolving reviews


def test_resolving_a_review_needs_what_was_decided_and_a_coordinator(episode, today):
    weekly(episode, today, [A.DID_NOT_ATTEND, A.DID_NOT_ATTEND])
    task = ReviewTask.objects.get()
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    with pytest.raises(ValidationError, match="Say what was decided"):
        review_task_resolve(task=task, resolution="  ", actor=coordinator)
    with pytest.raises(PermissionDenied):
        review_task_resolve(task=task, resolution="Fine", actor=TherapistFactory().user)
    review_task_resolve(task=task, resolution="Moved to Thursdays", actor=coordinator)
    task.refresh_from_db()
    assert task.status == ReviewTask.Status.DONE and task.resolved_by == coordinator
    with pytest.raises(ValidationError, match="already been resolved"):
        review_task_resolve(task=task, resolution="Again", actor=coordinator)


# Pages


def test_the_session_therapist_marks_the_register_on_its_page(client, episode, today):
    session = session_for(episode, today - timedelta(days=1))
    session_for(episode, today - timedelta(days=8))
    mark(Session.objects.filter(episode=episode).first(), episode, A.DID_NOT_ATTEND)
    client.force_login(session.therapists.get().user)
    url = reverse("delivery:attendance", kwargs={"pk": session.pk})
    page = client.get(url).content.decode()
    assert escape(episode.person.full_name) in page and "Save attendance" in page
    assert AccessEvent.objects.filter(person_id=episode.person_id).exists()

    response = client.post(url, {})
    assert response.status_code == 200
    assert escape(f"Choose whether {episode.person.full_name} came") in response.content.decode()

    response = client.post(url, {f"episode_{episode.pk}": A.DID_NOT_ATTEND}, follow=True)
    page = response.content.decode()
    assert "Attendance saved" in page
    assert "Missed 2 sessions in a row" in page and "review" in page
    assert Attendance.objects.get(session=session).status == A.DID_NOT_ATTEND


def test_the_register_says_when_it_can_be_marked(client, episode, today):
    session = session_for(episode, today + timedelta(days=3))
    client.force_login(session.therapists.get().user)
    url = reverse("delivery:attendance", kwargs={"pk": session.pk})
    page = client.get(url).content.decode()
    assert "You can mark attendance once the session has started" in page
    assert "Save attendance" not in page
    response = client.post(url, {f"episode_{episode.pk}": A.ATTENDED}, follow=True)
    assert "once the session has started" in response.content.decode()
    assert Attendance.objects.get(session=session).status == A.EXPECTED


def test_the_register_is_only_for_those_who_see_the_session(client, episode, today):
    session = session_for(episode, today - timedelta(days=1))
    url = reverse("delivery:attendance", kwargs={"pk": session.pk})
    client.force_login(TherapistFactory().user)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(roles=[Role.PARTNER]))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(roles=[Role.COMMISSIONER]))
    assert client.get(url).status_code == 403
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    client.force_login(coordinator)
    assert client.post(url, {f"episode_{episode.pk}": A.ATTENDED}).status_code == 302
    assert Attendance.objects.get(session=session).marked_by == coordinator


def test_the_coordinator_lists_and_resolves_reviews(client, episode, today):
    weekly(episode, today, [A.DID_NOT_ATTEND, A.DID_NOT_ATTEND])
    task = ReviewTask.objects.get()
    client.force_login(TherapistFactory().user)
    assert client.get(reverse("delivery:reviews")).status_code == 403
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    page = client.get(reverse("delivery:reviews")).content.decode()
    assert escape(episode.person.full_name) in page and "Missed 2 sessions in a row" in page

    url = reverse("delivery:review", kwargs={"pk": task.pk})
    response = client.post(url, {"resolution": ""})
    assert "Say what was decided" in response.content.decode()
    assert AccessEvent.objects.filter(object_id=str(task.pk), person_id=episode.person_id)
    response = client.post(url, {"resolution": "Called the family"}, follow=True)
    assert "Review resolved" in response.content.decode()
    task.refresh_from_db()
    assert task.status == ReviewTask.Status.DONE and task.resolution == "Called the family"


def test_the_coordinators_dashboard_links_to_open_reviews(client, episode, today):
    weekly(episode, today, [A.DID_NOT_ATTEND, A.DID_NOT_ATTEND])
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("delivery:reviews") in page
    assert "Reviews of missed sessions (1)" in page


def test_the_session_page_leads_to_the_register_and_the_record(client, episode, today):
    session = session_for(episode, today - timedelta(days=1))
    register = reverse("delivery:attendance", kwargs={"pk": session.pk})
    record = reverse("delivery:session_record", kwargs={"pk": session.pk})
    client.force_login(session.therapists.get().user)
    page = client.get(reverse("delivery:session", kwargs={"pk": session.pk})).content.decode()
    assert register in page and record in page
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    page = client.get(reverse("delivery:session", kwargs={"pk": session.pk})).content.decode()
    assert register in page and record not in page
