"""Emails about responses, sent by the background worker. They carry a link to sign in and
nothing clinical: an email can be read by anyone with the inbox."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task

from tutti.accounts.roles import Role


def risk_alert_recipients(response, *, exclude_user_id=None):
    """The therapist seeing the person; failing that, every coordinator."""
    from tutti.referrals.models import Referral, Status

    users = []
    if response.referral_id and response.referral.therapist_id:
        users = [response.referral.therapist.user]
    elif response.person_id:
        referrals = Referral.objects.filter(
            person_id=response.person_id,
            status__in=[Status.OFFERED, Status.ACTIVE],
            therapist__isnull=False,
        ).select_related("therapist__user")
        users = [referral.therapist.user for referral in referrals]
    if not users:
        users = list(get_user_model().objects.filter(groups__name=Role.COORDINATOR, is_active=True))
    return sorted(
        {
            user.email
            for user in users
            if user.is_active and user.pk != exclude_user_id and user.email
        }
    )


@task()
def send_risk_alert(response_id: int, url: str, exclude_user_id: int | None = None) -> None:
    from tutti.outcomes.models import Response

    response = Response.objects.select_related("referral__therapist__user").get(pk=response_id)
    recipients = risk_alert_recipients(response, exclude_user_id=exclude_user_id)
    if not recipients:
        return
    send_mail(
        subject="A questionnaire needs you to look at it today",
        message=render_to_string(
            "outcomes/email/risk_alert.txt",
            {"url": url, "service": settings.TUTTI_ORGANISATION_NAME},
        ),
        from_email=None,
        recipient_list=recipients,
    )


def risk_alert_queue(response, *, url, actor=None):
    """Tell the therapist at once, after the answers are safely saved."""
    exclude = actor.pk if actor is not None and actor.is_authenticated else None
    transaction.on_commit(lambda: send_risk_alert.enqueue(response.pk, url, exclude))
