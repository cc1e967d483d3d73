"""Answering online through a one-time link: no account, nothing personal in the URL.

The link carries only a random token; only its SHA-256 is stored. It works until it expires or
the answers are sent; after that it cannot be used again. Each answer is saved as it is given,
so a half-finished form keeps its answers, and the same link picks up where it stopped.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from tutti.outcomes import scoring
from tutti.outcomes.models import AnsweredBy, Channel, Respondent, ResponseLink, ResponseStatus
from tutti.outcomes.notifications import risk_alert_queue
from tutti.outcomes.services import apply_score

log = logging.getLogger(__name__)

LINK_LIFETIME = timedelta(days=14)


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


class LinkState(StrEnum):
    READY = "ready"
    USED = "used"
    EXPIRED = "expired"
    STOPPED = "stopped"  # revoked, or the therapist entered the answers another way
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Link:
    state: LinkState
    link: ResponseLink | None = None

    @property
    def response(self):
        return self.link.response if self.link else None


def link_refusal(response):
    """Why a link cannot be made for this response, or ''."""
    measure = response.measure
    if not response.is_open:
        return f"This {measure.short_name} is already {response.get_status_display().lower()}."
    if not measure.wording_entered:
        return (
            f"{measure.short_name} cannot be answered online yet: item wording not entered. "
            "Ask your administrator to enter it from the licensed copy."
        )
    if measure.is_goal_based and not response.goals:
        return "Enter the person's goals first: they are asked how close they are to each."
    return ""


@transaction.atomic
def response_link_create(*, response, actor, easy_read=False) -> tuple[ResponseLink, str]:
    """A new link for the response (any earlier one stops working). Returns the link and its
    token, which is shown or sent once and never stored."""
    refusal = link_refusal(response)
    if refusal:
        raise ValidationError(refusal)
    now = timezone.now()
    response.links.filter(used_at=None, revoked_at=None).update(revoked_at=now)
    if easy_read != response.easy_read:
        response.easy_read = easy_read
        response.save(update_fields=["easy_read"])
    token = secrets.token_urlsafe(32)
    link = ResponseLink.objects.create(
        response=response,
        token_hash=_hash(token),
        created_at=now,
        created_by=actor,
        expires_at=now + LINK_LIFETIME,
    )
    return link, token


class EmailNotSent(Exception):
    pass


def response_link_email(*, response, to, url):
    """Email the link; it says what it is for, never what the answers are about."""
    context = {
        "url": url,
        "days": LINK_LIFETIME.days,
        "service": settings.TUTTI_ORGANISATION_NAME,
        "easy_read": response.easy_read,
    }
    try:
        send_mail(
            subject=f"Questions from {settings.TUTTI_ORGANISATION_NAME}",
            message=render_to_string("outcomes/email/link.txt", context),
            from_email=None,
            recipient_list=[to],
        )
    except Exception as error:  # SMTP and network errors are many; the link is still shown
        log.warning("Could not email a questionnaire link: %s", type(error).__name__)
        raise EmailNotSent from error


def link_find(token: str | None = None, *, link_id=None, lock=False) -> Link:
    queryset = ResponseLink.objects.select_related("response__measure")
    if lock:
        queryset = queryset.select_for_update()
    if link_id is not None:
        link = queryset.filter(pk=link_id).first()
    else:
        link = queryset.filter(token_hash=_hash(token or "")).first()
    if link is None:
        return Link(LinkState.UNKNOWN)
    if link.used_at is not None or link.response.status == ResponseStatus.COMPLETED:
        return Link(LinkState.USED, link)
    if link.revoked_at is not None or not link.response.is_open:
        return Link(LinkState.STOPPED, link)
    if link.is_expired():
        return Link(LinkState.EXPIRED, link)
    return Link(LinkState.READY, link)


def _ready(link_id) -> ResponseLink:
    found = link_find(link_id=link_id, lock=True)
    if found.state != LinkState.READY:
        raise LinkNotReady(found)
    return found.link


class LinkNotReady(Exception):
    def __init__(self, found: Link):
        self.found = found
        super().__init__(found.state)


@transaction.atomic
def response_link_open(*, token) -> Link:
    """Someone opened the link: the response is now started online."""
    found = link_find(token, lock=True)
    if found.state != LinkState.READY:
        return found
    link, response = found.link, found.link.response
    now = timezone.now()
    if link.first_opened_at is None:
        link.first_opened_at = now
        link.save(update_fields=["first_opened_at"])
    if response.status == ResponseStatus.DUE:
        response.status = ResponseStatus.IN_PROGRESS
        response.channel = Channel.ONLINE
        response.started_at = now
        count = len(response.goals) if response.measure.is_goal_based else None
        response.answers = [None] * (count or response.measure.item_count)
        if response.measure.respondent != Respondent.PERSON:
            response.answered_by = response.measure.respondent
        response.save(update_fields=["status", "channel", "started_at", "answers", "answered_by"])
    return found


@transaction.atomic
def response_respondent_save(*, link_id, answered_by, proxy_relationship="") -> None:
    link = _ready(link_id)
    response = link.response
    answered_by = AnsweredBy(answered_by)
    if answered_by not in (AnsweredBy.PERSON, AnsweredBy.PROXY):
        raise ValidationError({"answered_by": "Choose who is answering."})
    if answered_by == AnsweredBy.PROXY and not proxy_relationship.strip():
        raise ValidationError(
            {"proxy_relationship": "Say how you know the person, like 'mum' or 'carer'."}
        )
    response.answered_by = answered_by
    response.proxy_relationship = proxy_relationship.strip() if answered_by == "proxy" else ""
    response.save(update_fields=["answered_by", "proxy_relationship"])


@transaction.atomic
def response_answer_save(*, link_id, number: int, answer: int | None) -> None:
    """Keep one answer (None: skipped) as soon as it is given."""
    link = _ready(link_id)
    response = link.response
    answers = list(response.answers)
    if not 1 <= number <= len(answers):
        raise ValidationError({"answer": "There is no such question."})
    trial = [a if i != number - 1 else answer for i, a in enumerate(answers)]
    try:
        scoring.check_answers(response.measure.definition, trial)
    except scoring.AnswerError:
        raise ValidationError({"answer": "Choose one of the answers."}) from None
    response.answers = trial
    response.save(update_fields=["answers"])


@transaction.atomic
def response_submit(*, link_id, alert_url="") -> Link:
    """Send the answers: score them, complete the response and spend the link. A risk answer
    (CORE-10 item 6 above 0) is flagged to the therapist at once."""
    link = _ready(link_id)
    response = link.response
    if response.measure.respondent == Respondent.PERSON and not response.answered_by:
        raise ValidationError({"answered_by": "Say who is answering these questions."})
    result = scoring.score(response.measure.definition, list(response.answers))
    if not result.answered:
        raise ValidationError({"answers": "Answer at least one question before you send."})
    now = timezone.now()
    apply_score(response, result)
    response.status = ResponseStatus.COMPLETED
    response.completed_at = now
    response.save()
    link.used_at = now
    link.save(update_fields=["used_at"])
    if response.risk_flagged:
        risk_alert_queue(response, url=alert_url)
    return Link(LinkState.USED, link)
