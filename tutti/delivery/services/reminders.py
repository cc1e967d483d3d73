"""Session reminders by email or text message, sent by the background worker.

A Reminder row is made for each participant and session and is the record of what happened
to the message: queued, sent, skipped (the person opted out or there is no address) or failed.
Scheduling code calls, inside its transaction:

    reminders_plan(session=…)               after a session is booked or generated
    reminders_session_changed(session=…)    after its time or place changed
    reminders_session_cancelled(session=…)  after it was cancelled

Each queues a task to run when the message is due (`send_reminder`); `send_due_reminders`
(run by `manage.py send_reminders`, and by every send) picks up anything whose task was lost,
so a reminder is never dropped silently. A failed send is tried again after 5 minutes, 30
minutes and 2 hours; after that it is marked failed and a review task tells the coordinator,
who can try it again from the reminders page.

Messages say when and where, and nothing clinical: anyone may read a phone or an inbox.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import default_task_backend, task

from tutti.delivery.models import Attendance, Episode, Reminder, ReviewTask, Session
from tutti.delivery.sms import SmsError, send_sms

log = logging.getLogger(__name__)

RETRY_AFTER = [timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
MAX_ATTEMPTS = len(RETRY_AFTER) + 1


# ---------------------------------------------------------------------------------------
# Planning, called by scheduling code


def reminders_plan(*, session: Session) -> list[Reminder]:
    """Queue the reminder before the session for each participant still expected."""
    if session.is_cancelled or session.kind == Session.Kind.COMMUNITY:
        return []
    now = timezone.now()
    if session.starts_at <= now:
        return []
    hours = session.programme.reminder_hours_before if session.programme_id else 24
    send_after = max(now, session.starts_at - timedelta(hours=hours))
    planned = []
    for episode in _participants(session):
        channel = _channel(episode)
        if channel is None:
            continue
        reminder, created = Reminder.objects.get_or_create(
            session=session,
            episode=episode,
            channel=channel,
            kind=Reminder.Kind.UPCOMING,
            defaults={"send_after": send_after},
        )
        if not created and reminder.status == Reminder.Status.QUEUED:
            reminder.send_after = send_after
            reminder.save(update_fields=["send_after", "updated_at"])
        if reminder.status == Reminder.Status.QUEUED:
            _enqueue(reminder)
            planned.append(reminder)
    return planned


def reminders_session_changed(*, session: Session) -> list[Reminder]:
    """Tell each participant now, and move the reminder before the session to the new time
    (a reminder already sent for the old time is queued again for the new one)."""
    notices = _notify_now(session, Reminder.Kind.CHANGED)
    stale = Reminder.objects.filter(session=session, kind=Reminder.Kind.UPCOMING).exclude(
        status=Reminder.Status.QUEUED
    )
    for reminder in stale:
        reminder.status = Reminder.Status.QUEUED
        reminder.sent_at = None
        reminder.attempts = 0
        reminder.last_error = ""
        reminder.save(update_fields=["status", "sent_at", "attempts", "last_error", "updated_at"])
    reminders_plan(session=session)
    return notices


def reminders_session_cancelled(*, session: Session) -> list[Reminder]:
    """Stop the reminder before the session and tell each participant it is cancelled."""
    Reminder.objects.filter(
        session=session, kind=Reminder.Kind.UPCOMING, status=Reminder.Status.QUEUED
    ).update(
        status=Reminder.Status.SKIPPED,
        last_error="The session was cancelled",
        updated_at=timezone.now(),
    )
    if session.starts_at <= timezone.now():
        return []
    return _notify_now(session, Reminder.Kind.CANCELLED)


def _participants(session):
    statuses = [Attendance.Status.EXPECTED]
    if session.is_cancelled:
        statuses.append(Attendance.Status.CANCELLED_BY_SERVICE)
    ids = session.attendances.filter(status__in=statuses).values("episode_id")
    return Episode.objects.filter(pk__in=ids, status=Episode.Status.ACTIVE).select_related("person")


def _channel(episode):
    if episode.reminder_channel == Episode.ReminderChannel.SMS:
        return Reminder.Channel.SMS
    if episode.reminder_channel == Episode.ReminderChannel.EMAIL:
        return Reminder.Channel.EMAIL
    return None  # opted out: no reminder is made at all


def _notify_now(session, kind):
    notices = []
    for episode in _participants(session):
        channel = _channel(episode)
        if channel is None:
            continue
        reminder = Reminder.objects.create(
            session=session,
            episode=episode,
            channel=channel,
            kind=kind,
            send_after=timezone.now(),
        )
        _enqueue(reminder)
        notices.append(reminder)
    return notices


def _enqueue(reminder):
    """Queue the send for when it is due, once the booking has been saved."""
    reminder_id, due = reminder.pk, reminder.send_after

    def queue():
        if default_task_backend.supports_defer:
            send_reminder.using(run_after=due).enqueue(reminder_id)
        elif due <= timezone.now():
            send_reminder.enqueue(reminder_id)
        # else: a backend that cannot defer relies on `send_due_reminders`.

    transaction.on_commit(queue)


# ---------------------------------------------------------------------------------------
# Sending, in the background worker


@task()
def send_reminder(reminder_id: int) -> str:
    return reminder_send(reminder_id=reminder_id)


@task()
def send_due_reminders() -> int:
    return reminders_send_due()


def reminders_send_due(*, now=None) -> int:
    """Send every queued reminder that is due. Returns how many were tried."""
    now = now or timezone.now()
    due = Reminder.objects.filter(status=Reminder.Status.QUEUED, send_after__lte=now)
    ids = list(due.order_by("send_after").values_list("pk", flat=True)[:1000])
    for reminder_id in ids:
        reminder_send(reminder_id=reminder_id, now=now)
    return len(ids)


def reminder_send(*, reminder_id: int, now=None) -> str:
    """Send one reminder if it is still queued and due; record what happened."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder = (
            Reminder.objects.select_for_update(of=("self",))
            .select_related("session__site", "session__programme", "episode__person")
            .filter(pk=reminder_id)
            .first()
        )
        if reminder is None or reminder.status != Reminder.Status.QUEUED:
            return "not queued"
        if reminder.send_after > now:
            return "not due"
        session = reminder.session
        if reminder.kind == Reminder.Kind.UPCOMING and (
            session.is_cancelled or session.starts_at <= now
        ):
            return _finish(reminder, Reminder.Status.SKIPPED, "The session no longer needs one")
        if reminder.episode.reminder_channel == Episode.ReminderChannel.NONE:
            return _finish(reminder, Reminder.Status.SKIPPED, "The person opted out")
        address = _address(reminder)
        if not address:
            # Not worth retrying: the coordinator has to find an address (or a way to tell them).
            what = "email address" if reminder.channel == Reminder.Channel.EMAIL else "mobile"
            reminder.attempts = MAX_ATTEMPTS
            return _failed(reminder, LookupError(f"No {what} on record"), now=now)
        reminder.attempts += 1
        try:
            _deliver(reminder, address)
        except (OSError, SmsError) as error:
            return _failed(reminder, error, now=now)
        reminder.sent_at = now
        return _finish(reminder, Reminder.Status.SENT, "")


def _finish(reminder, status, note):
    reminder.status = status
    reminder.last_error = note[:300]
    reminder.save(update_fields=["status", "last_error", "attempts", "sent_at", "updated_at"])
    return status


def _failed(reminder, error, *, now):
    # The error's class and text, which come from the mail or SMS provider, never the address.
    reminder.last_error = (
        str(error) if isinstance(error, LookupError) else f"{type(error).__name__}: {error}"
    )[:300]
    log.warning("Reminder %s could not be sent (attempt %s)", reminder.pk, reminder.attempts)
    if reminder.attempts < MAX_ATTEMPTS:
        reminder.send_after = now + RETRY_AFTER[reminder.attempts - 1]
        reminder.save(update_fields=["attempts", "last_error", "send_after", "updated_at"])
        _enqueue(reminder)
        return "retrying"
    reminder.status = Reminder.Status.FAILED
    reminder.save(update_fields=["status", "attempts", "last_error", "updated_at"])
    _review_task_raise(reminder)
    return Reminder.Status.FAILED


def _review_task_raise(reminder):
    try:
        with transaction.atomic():
            ReviewTask.objects.create(
                episode=reminder.episode,
                kind=ReviewTask.Kind.REMINDER_FAILED,
                reason=(
                    f"A {reminder.get_channel_display().lower()} about the session on "
                    f"{timezone.localtime(reminder.session.starts_at):%-d %B at %H:%M} "
                    f"could not be sent after {reminder.attempts} tries"
                ),
            )
    except IntegrityError:
        pass  # an open task for this episode already says so


def _address(reminder):
    episode = reminder.episode
    person = episode.person
    if episode.reminder_to == Episode.ReminderTo.CONTACT:
        contact = person.contacts.filter(is_main_contact=True).first()
        source = contact
    else:
        source = person
    if source is None:
        return ""
    return source.email if reminder.channel == Reminder.Channel.EMAIL else source.phone


def _deliver(reminder, address):
    session = reminder.session
    context = {
        "kind": reminder.kind,
        "starts_at": timezone.localtime(session.starts_at),
        "ends_at": timezone.localtime(session.ends_at),
        "site": session.site,
        "service": settings.TUTTI_ORGANISATION_NAME,
        "contact_email": settings.TUTTI_CONTACT_EMAIL,
    }
    if reminder.channel == Reminder.Channel.EMAIL:
        subject = {
            Reminder.Kind.UPCOMING: "Your music therapy session",
            Reminder.Kind.CHANGED: "Your music therapy session has changed",
            Reminder.Kind.CANCELLED: "Your music therapy session is cancelled",
        }[reminder.kind]
        send_mail(
            subject=subject,
            message=render_to_string("delivery/email/reminder.txt", context),
            from_email=None,
            recipient_list=[address],
        )
    else:
        send_sms(to=address, body=render_to_string("delivery/sms/reminder.txt", context).strip())


# ---------------------------------------------------------------------------------------
# The coordinator's actions


def reminder_retry(*, reminder: Reminder, actor) -> Reminder:
    """Try a failed reminder again now (after, say, the address was corrected)."""
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
        if reminder.status != Reminder.Status.FAILED:
            return reminder
        reminder.status = Reminder.Status.QUEUED
        reminder.attempts = 0
        reminder.send_after = timezone.now()
        reminder.save(update_fields=["status", "attempts", "send_after", "updated_at"])
        _enqueue(reminder)
    return reminder
