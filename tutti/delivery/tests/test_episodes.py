"""An episode of care: who sees its page, its goals, and ending it."""

import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone
from markupsafe import escape

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.models import AccessEvent
from tutti.delivery.models import Attendance, Episode, GroupMembership, Reminder, Session
from tutti.delivery.services import episodes as services
from tutti.delivery.tests.factories import (
    AttendanceFactory,
    EpisodeFactory,
    GroupFactory,
    GroupMembershipFactory,
    SessionFactory,
    at,
)
from tutti.referrals.models import Status
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def episode(today):
    return EpisodeFactory(start_date=today - timedelta(weeks=8), goals=["To sing with others"])


def end(episode, **fields):
    values = {
        "ended_on": timezone.localdate(),
        "reason": Episode.EndReason.COMPLETED,
        "outcome": Episode.Outcome.GOALS_MET,
        "discharge_summary": "Ten sessions of song-writing; joined in more each week.",
        "actor": UserFactory(roles=[Role.COORDINATOR]),
    }
    values.update(fields)
    return services.episode_end(episode=episode, **values)


def field_error(body, name):
    found = re.search(rf'id="id_{name}-error"[^>]*>.*?Error: </span>(.*?)</span>', body, re.S)
    return " ".join(found.group(1).split()) if found else ""


# ---------------------------------------------------------------------------------------
# Goals


def test_goals_are_set_up_to_three_and_audited(episode):
    actor = episode.therapists.first().user

    services.episode_goals_set(
        episode=episode, goals=["To sing", " ", "To rest", "To play"][:3], actor=actor
    )
    assert episode.goals == ["To sing", "To rest"]
    with pytest.raises(ValidationError) as error:
        services.episode_goals_set(episode=episode, goals=["a", "b", "c", "d"], actor=actor)
    assert error.value.message_dict["goals"] == ["Give up to 3 goals."]
    change = LogEntry.objects.get_for_object(episode).filter(action=LogEntry.Action.UPDATE)
    assert change.exists()


def test_the_goals_page_shows_an_error_next_to_the_goal_and_keeps_the_others(client, episode):
    client.force_login(episode.therapists.first().user)

    page = client.post(
        f"/delivery/episodes/{episode.pk}/goals/",
        {"goal_1": "To feel calmer", "goal_2": "y" * 301, "goal_3": ""},
    )

    body = page.content.decode()
    assert field_error(body, "goal_2") == "Keep each goal to 300 characters or fewer"
    assert 'value="To feel calmer"' in body
    episode.refresh_from_db()
    assert episode.goals == ["To sing with others"]


# ---------------------------------------------------------------------------------------
# Ending


def test_ending_completes_the_referral_and_cancels_the_sessions_to_come(episode, today):
    past = SessionFactory(episode=episode, starts_at=at(today - timedelta(weeks=1)))
    AttendanceFactory(session=past, episode=episode, status=Attendance.Status.ATTENDED)
    coming = [
        SessionFactory(episode=episode, starts_at=at(today + timedelta(weeks=n)), number=n)
        for n in (1, 2)
    ]
    for session in coming:
        AttendanceFactory(session=session, episode=episode)
        Reminder.objects.create(
            session=session,
            episode=episode,
            channel=Reminder.Channel.EMAIL,
            kind=Reminder.Kind.UPCOMING,
            send_after=session.starts_at - timedelta(days=1),
        )

    end(episode)

    episode.refresh_from_db()
    episode.referral.refresh_from_db()
    assert episode.status == Episode.Status.ENDED and episode.ended_on == today
    assert episode.outcome == "met" and episode.end_reason == "completed"
    assert episode.referral.status == Status.COMPLETED
    assert episode.referral.events.filter(
        status=Status.COMPLETED, reason="Episode of care ended: Completed the planned sessions"
    ).exists()
    past.refresh_from_db()
    assert past.status == Session.Status.SCHEDULED  # what happened stays
    for session in coming:
        session.refresh_from_db()
        assert session.status == Session.Status.CANCELLED
        assert session.cancelled_by == Session.CancelledBy.SERVICE
        assert session.cancellation_reason == "Episode ended"
        assert session.attendances.get().status == Attendance.Status.CANCELLED_BY_SERVICE
    assert not Reminder.objects.filter(status=Reminder.Status.QUEUED).exists()
    assert services.sessions_delivered(episode) == 1


@pytest.mark.parametrize(
    "reason, status",
    [
        (Episode.EndReason.GOALS_MET, Status.COMPLETED),
        (Episode.EndReason.REFERRED_ON, Status.COMPLETED),
        (Episode.EndReason.PERSON_CHOSE, Status.WITHDRAWN),
        (Episode.EndReason.MOVED, Status.WITHDRAWN),
        (Episode.EndReason.DIED, Status.WITHDRAWN),
        (Episode.EndReason.OTHER, Status.WITHDRAWN),
    ],
)
def test_the_reason_decides_whether_the_referral_completed_or_withdrew(episode, reason, status):
    end(episode, reason=reason, outcome=Episode.Outcome.NOT_KNOWN)
    episode.referral.refresh_from_db()
    assert episode.referral.status == status


def test_ending_a_group_members_episode_ends_their_place(today):
    group = GroupFactory(starts_on=today - timedelta(weeks=3))
    membership = GroupMembershipFactory(
        group=group,
        joined_on=today - timedelta(weeks=3),
        episode__start_date=today - timedelta(weeks=3),
        episode__group=group,
    )
    later = SessionFactory(
        kind=Session.Kind.GROUP,
        episode=None,
        group=group,
        programme=group.programme,
        starts_at=at(today + timedelta(weeks=1)),
    )
    AttendanceFactory(session=later, episode=membership.episode)

    end(membership.episode, reason=Episode.EndReason.MOVED)

    membership.refresh_from_db()
    assert membership.left_on == today and membership.left_reason == "Moved away"
    assert not later.attendances.filter(episode=membership.episode).exists()
    assert GroupMembership.objects.filter(group=group).current().count() == 0


def test_bad_endings_are_refused_field_by_field_and_nothing_changes(episode, today):
    with pytest.raises(ValidationError) as error:
        end(
            episode,
            ended_on=episode.start_date - timedelta(days=1),
            reason="bored",
            outcome="",
            discharge_summary="  ",
        )
    problems = error.value.message_dict
    assert problems["ended_on"][0].startswith("The end date must be on or after the start date")
    assert problems["reason"] == ["Choose why the episode ended."]
    assert problems["outcome"] == ["Choose how far the goals were met."]
    assert problems["discharge_summary"] == ["Write a discharge summary."]

    with pytest.raises(ValidationError) as error:
        end(episode, ended_on=today + timedelta(days=1))
    assert "cannot be in the future" in error.value.message_dict["ended_on"][0]
    episode.refresh_from_db()
    assert episode.is_active and episode.referral.status == Status.ACTIVE


def test_an_ended_episode_cannot_end_again(episode):
    end(episode)
    with pytest.raises(ValidationError) as error:
        end(episode)
    assert "This episode ended on" in error.value.messages[0]


def test_the_end_page_shows_errors_next_to_the_fields_and_keeps_the_summary(client, episode):
    client.force_login(episode.therapists.first().user)

    page = client.post(
        f"/delivery/episodes/{episode.pk}/end/",
        {
            "ended_on_0": "31",
            "ended_on_1": "2",
            "ended_on_2": "2026",
            "discharge_summary": "Worked on turn-taking.",
        },
    )

    body = page.content.decode()
    assert "There is a problem" in body
    assert field_error(body, "ended_on") == "Date the episode ended must be a real date"
    assert field_error(body, "reason") == "Choose why the episode ended"
    assert "Worked on turn-taking." in body
    episode.refresh_from_db()
    assert episode.is_active


def test_ending_from_the_page(client, episode, today):
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))

    page = client.post(
        f"/delivery/episodes/{episode.pk}/end/",
        {
            "ended_on_0": today.day,
            "ended_on_1": today.month,
            "ended_on_2": today.year,
            "reason": "person_chose",
            "outcome": "partly",
            "discharge_summary": "Chose to stop after exams.",
        },
    )

    assert page.status_code == 302
    body = client.get(page.url).content.decode()
    assert "Chose to stop after exams." in body and "Withdrawn" in body


# ---------------------------------------------------------------------------------------
# Who sees the page


def test_the_episodes_therapist_sees_the_page_and_the_view_is_recorded(client, episode):
    therapist = episode.therapists.first()
    client.force_login(therapist.user)

    page = client.get(f"/delivery/episodes/{episode.pk}/")

    body = page.content.decode()
    assert page.status_code == 200
    assert escape(episode.person.full_name) in body and "To sing with others" in body
    assert f"/people/{episode.person_id}/" in body
    assert re.search(r"Sessions attended\s*</dt>\s*<dd[^>]*>\s*0\s*</dd>", body)
    assert AccessEvent.objects.filter(
        actor=therapist.user, object_id=str(episode.pk), person_id=episode.person_id
    ).exists()


def test_their_supervisor_and_a_coordinator_see_it_another_therapist_does_not(client, episode):
    supervisor = TherapistFactory(user__roles=[Role.SUPERVISOR])
    therapist = episode.therapists.first()
    therapist.supervisor = supervisor
    therapist.save()
    url = f"/delivery/episodes/{episode.pk}/"

    for user, code in [
        (supervisor.user, 200),
        (UserFactory(roles=[Role.COORDINATOR]), 200),
        (TherapistFactory().user, 404),
        (UserFactory(roles=[Role.PARTNER]), 403),
        (UserFactory(roles=[Role.COMMISSIONER]), 403),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == code, user
