"""Emails about referrals, sent by the background worker. They carry the reference and the
status, never clinical detail: an email can be read by anyone with the inbox."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from tutti.core.vocab import Route
from tutti.referrals.models import Referral


def _recipient(referral):
    return referral.referrer_email or referral.person.email


@task()
def send_acknowledgement(referral_id: int) -> None:
    referral = Referral.objects.select_related("person", "programme").get(pk=referral_id)
    to = _recipient(referral)
    if not to or referral.needs_review_reason:
        return
    context = {"referral": referral, "service": settings.TUTTI_ORGANISATION_NAME}
    send_mail(
        subject=f"We have your referral {referral.reference}",
        message=render_to_string("referrals/email/acknowledgement.txt", context),
        from_email=None,
        recipient_list=[to],
    )


def triage_outcome_recipient(referral):
    """Who is told the triage outcome: the referrer, or the person if they referred
    themselves. Nobody else: the coordinator tells them another way."""
    if referral.referrer_email:
        return referral.referrer_email
    if referral.route == Route.SELF:
        return referral.person.email
    return ""


@task()
def send_triage_outcome(referral_id: int) -> None:
    referral = Referral.objects.select_related("person").get(pk=referral_id)
    to = triage_outcome_recipient(referral)
    if not to:
        return
    event = referral.events.order_by("-at", "-pk").first()
    context = {
        "referral": referral,
        "event": event,
        # A self-referral's email is read by the person themselves.
        "to_person": referral.route == Route.SELF,
        "service": settings.TUTTI_ORGANISATION_NAME,
    }
    send_mail(
        subject=f"Update on referral {referral.reference}",
        message=render_to_string("referrals/email/triage_outcome.txt", context),
        from_email=None,
        recipient_list=[to],
    )
