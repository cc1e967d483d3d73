from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.delivery import sms
from tutti.delivery.models import Attendance, Episode, Reminder, ReviewTask, Session
from tutti.delivery.services import reminders
from tutti.delivery.tests.factories import AttendanceFactory, EpisodeFactory, SessionFactory
from tutti.people.models import Contact

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()


def booked_session(days_ahead=3, **episode_fields):
    episode = EpisodeFactory(
        referral__person__email="sam@example.com",
        referral__person__phone="07700900123",
        **episode_fields,
    )
    starts = timezone.now().replace(microsecond=0) + timedelta(days=days_ahead)
    session = SessionFactory(
        episode=episode, starts_at=starts, ends_at=starts + timedelta(minutes=45)
    )
    AttendanceFactory(session=session, episode=episode)
    return session


def send_later(hours):
    return reminders.reminders_send_due(now=timezone.now() + timedelta(hours=hours))


def test_a_reminder_is_emailed_the_programmes_hours_before_the_session(
    django_capture_on_commit_callbacks,
):
    session = booked_session(days_ahead=3)
    with django_capture_on_commit_callbacks(execute=True):
        (reminder,) = reminders.reminders_plan(session=session)
    assert reminder.send_after == session.starts_at - timedelta(hours=24)
    assert mail.outbox == []  # not due yet: nothing goes early

    assert send_later(hours=24 * 3 - 23) == 1
    (message,) = mail.outbox
    assert message.to == ["sam@example.com"]
    local = timezone.localtime(session.starts_at)
    assert f"{local:%H:%M}" in message.body and session.site.name in message.body
    # Nothing clinical or identifying beyond the time and place.
    assert session.episode.person.family_name not in message.body
    assert session.programme.name not in message.body
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT and reminder.sent_at is not None
    assert send_later(hours=24 * 3 - 22) == 0  # never sent twice


def test_a_person_who_opted_out_gets_no_reminders():
    session = booked_session(reminder_channel=Episode.ReminderChannel.NONE)
    assert reminders.reminders_plan(session=session) == []
    send_later(hours=100)
    assert mail.outbox == [] and sms.outbox == []


def test_reminders_by_text_message_to_the_main_contact():
    session = booked_session(
        reminder_channel=Episode.ReminderChannel.SMS, reminder_to=Episode.ReminderTo.CONTACT
    )
    Contact.objects.create(
        person=session.episode.person,
        name="Alex Carer",
        relationship=Contact.Relationship.choices[0][0],
        phone="07700900999",
        is_main_contact=True,
    )
    reminders.reminders_plan(session=session)
    send_later(hours=60)
    (text,) = sms.outbox
    assert text.to == "07700900999"
    assert "music therapy" in text.body


def test_a_failed_send_is_retried_then_shown_to_the_coordinator(monkeypatch, client):
    session = booked_session()
    (reminder,) = reminders.reminders_plan(session=session)

    def refuse(**kwargs):
        raise OSError("SMTP server refused the connection")

    monkeypatch.setattr(reminders, "send_mail", refuse)
    now = timezone.now() + timedelta(hours=60)
    reminders.reminders_send_due(now=now)
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.QUEUED and reminder.attempts == 1
    assert reminder.send_after == now + timedelta(minutes=5)

    for delay in (timedelta(minutes=5), timedelta(minutes=35), timedelta(hours=3)):
        reminders.reminders_send_due(now=now + delay)
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.FAILED and reminder.attempts == 4
    assert "refused" in reminder.last_error
    task = ReviewTask.objects.get(episode=session.episode, kind=ReviewTask.Kind.REMINDER_FAILED)
    assert "could not be sent after 4 tries" in task.reason

    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    page = client.get(reverse("delivery:reminders")).content.decode()
    assert session.episode.referral.reference in page and "Failed" in page

    monkeypatch.undo()
    response = client.post(reverse("delivery:reminder_retry", args=[reminder.pk]))
    assert response.status_code == 302
    reminders.reminders_send_due(now=now + timedelta(hours=4))
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert len(mail.outbox) == 1


def test_no_address_is_a_failure_the_coordinator_sees_at_once():
    session = booked_session()
    person = session.episode.person
    person.email = ""
    person.save()
    (reminder,) = reminders.reminders_plan(session=session)
    send_later(hours=60)
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.FAILED
    assert reminder.last_error == "No email address on record"
    assert ReviewTask.objects.filter(episode=session.episode).exists()


def test_cancelling_stops_the_reminder_and_tells_the_person_at_once(
    django_capture_on_commit_callbacks,
):
    session = booked_session()
    (upcoming,) = reminders.reminders_plan(session=session)
    session.status = Session.Status.CANCELLED
    session.cancelled_by = Session.CancelledBy.SERVICE
    session.save()
    Attendance.objects.filter(session=session).update(status=Attendance.Status.CANCELLED_BY_SERVICE)
    with django_capture_on_commit_callbacks(execute=True):
        (notice,) = reminders.reminders_session_cancelled(session=session)
    upcoming.refresh_from_db()
    assert upcoming.status == Reminder.Status.SKIPPED
    notice.refresh_from_db()
    assert notice.status == Reminder.Status.SENT  # the test worker runs tasks at once
    (message,) = mail.outbox
    assert "cancelled" in message.subject
    send_later(hours=60)
    assert len(mail.outbox) == 1  # the reminder before it is never sent


def test_moving_a_session_tells_the_person_and_moves_its_reminder():
    session = booked_session(days_ahead=3)
    (upcoming,) = reminders.reminders_plan(session=session)
    session.starts_at += timedelta(days=2)
    session.ends_at += timedelta(days=2)
    session.save()
    (notice,) = reminders.reminders_session_changed(session=session)
    assert notice.kind == Reminder.Kind.CHANGED
    upcoming.refresh_from_db()
    assert upcoming.send_after == session.starts_at - timedelta(hours=24)
    assert send_later(hours=1) == 1  # only the notice of the change is due now
    assert "has changed" in mail.outbox[0].subject


def test_only_coordinators_see_the_reminders_page(client):
    client.force_login(UserFactory(roles=[Role.THERAPIST]))
    assert client.get(reverse("delivery:reminders")).status_code == 403


def test_without_a_text_message_service_texts_fail_visibly(settings):
    settings.TUTTI_SMS_BACKEND = "tutti.delivery.sms.DisabledSmsBackend"
    session = booked_session(reminder_channel=Episode.ReminderChannel.SMS)
    (reminder,) = reminders.reminders_plan(session=session)
    for hours in (60, 61, 62, 65):
        send_later(hours=hours)
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.FAILED
    assert "No text message service is set up" in reminder.last_error
    assert sms.outbox == []
