"""Emails sent by the background worker (django-tasks). They carry dates and course details,
never anything about clients."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from tutti.workforce.models import Participant, RegistrationWarning


def _site_url(path):
    base = settings.TUTTI_SITE_URL.rstrip("/")
    return f"{base}{path}" if base else ""


@task()
def send_registration_warning(warning_id: int) -> None:
    """Email one registration warning to each recipient, once.

    The warning is claimed by stamping `sent_at` before sending, so a task delivered twice
    sends nothing the second time; if sending fails the stamp is taken back for a retry.
    """
    claimed = RegistrationWarning.objects.filter(pk=warning_id, sent_at=None).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return
    warning = RegistrationWarning.objects.select_related("therapist__user").get(pk=warning_id)
    try:
        for user in warning.recipients.filter(is_active=True).exclude(email=""):
            own = user.pk == warning.therapist.user_id
            context = {
                "warning": warning,
                "therapist": warning.therapist,
                "own": own,
                "lapsed": warning.stage == RegistrationWarning.Stage.LAPSED,
                "days_left": (warning.registration_expires - warning.warned_on).days,
                "link": _site_url(reverse("accounts:dashboard" if own else "workforce:quality")),
                "service": settings.TUTTI_ORGANISATION_NAME,
            }
            whose = "Your" if own else f"{warning.therapist}'s"
            verb = "has run out" if context["lapsed"] else "is running out"
            send_mail(
                subject=f"{whose} HCPC registration {verb}",
                message=render_to_string("workforce/email/registration_warning.txt", context),
                from_email=None,
                recipient_list=[user.email],
            )
    except Exception:
        RegistrationWarning.objects.filter(pk=warning_id).update(sent_at=None)
        raise


def _participant_email(participant_id, template, subject, base_url):
    from tutti.workforce.training.selectors import waiting_list_position
    from tutti.workforce.training.tokens import cancel_token

    participant = Participant.objects.select_related("cohort__course", "cohort__venue").get(
        pk=participant_id
    )
    cohort = participant.cohort
    cancel_url = ""
    if participant.cancel_key:
        path = reverse("courses:cancel", kwargs={"token": cancel_token(participant)})
        cancel_url = f"{base_url.rstrip('/')}{path}"
    context = {
        "participant": participant,
        "cohort": cohort,
        "course": cohort.course,
        "sessions": list(cohort.sessions.all()),
        "position": waiting_list_position(participant),
        "cancel_url": cancel_url,
        "service": settings.TUTTI_ORGANISATION_NAME,
    }
    send_mail(
        subject=subject.format(course=cohort.course.title),
        message=render_to_string(template, context),
        from_email=None,
        recipient_list=[participant.email],
    )


@task()
def send_sign_up_confirmation(participant_id: int, base_url: str) -> None:
    """'You have a place' or 'you are number N on the waiting list', with the cancel link."""
    participant = Participant.objects.only("status").get(pk=participant_id)
    subject = (
        "You have a place: {course}"
        if participant.status == Participant.Status.PLACE
        else "You are on the waiting list: {course}"
    )
    _participant_email(participant_id, "workforce/email/sign_up.txt", subject, base_url)


@task()
def send_place_offered(participant_id: int, base_url: str) -> None:
    """A place freed up and the first person waiting has it now."""
    _participant_email(
        participant_id, "workforce/email/place_offered.txt", "A place is free: {course}", base_url
    )


@task()
def send_cancellation_confirmation(participant_id: int, base_url: str) -> None:
    _participant_email(
        participant_id, "workforce/email/cancelled.txt", "Cancelled: {course}", base_url
    )
