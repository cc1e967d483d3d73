"""Turn the public form's answers into a referral through the intake service.

`referral_send` is the form's one way to create a referral: it is refused over the rate limit,
made once only however many times Send is pressed (the reference is chosen before sending),
and any problem the intake service finds is sent back to the question it belongs to.
"""

import logging
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tutti.core.postcodes import NO_FIXED_ABODE
from tutti.programmes.models import Programme
from tutti.referrals.intake import referral_submit
from tutti.referrals.models import Channel, Referral
from tutti.referrals.public import abuse
from tutti.referrals.public.wording import BEST_WAY, NONE_OF_THESE, NOT_SURE, WHO_FOR

log = logging.getLogger(__name__)

# Where each field the intake service may refuse is asked: (question, form field).
FIELD_QUESTIONS = {
    "person.given_name": ("name", "given_name"),
    "person.family_name": ("name", "family_name"),
    "person.preferred_name": ("name", "preferred_name"),
    "person.date_of_birth": ("date-of-birth", "date_of_birth"),
    "person.postcode": ("postcode", "postcode"),
    "person.email": ("contact", "email"),
    "person.phone": ("contact", "phone"),
    "person.preferred_language": ("taking-part", "preferred_language"),
    "person.interpreter_needed": ("taking-part", "interpreter_needed"),
    "person.communication_needs": ("taking-part", "communication_needs"),
    "person.access_needs": ("taking-part", "access_needs"),
    "referrer_name": ("your-name", "name"),
    "referrer_email": ("your-contact", "email"),
    "referrer_phone": ("your-contact", "phone"),
    "needs": ("help-with", "needs"),
    "circumstances": ("circumstances", "circumstances"),
    "other_services": ("other-support", "which"),
    "reason": ("anything-else", "reason"),
    "programme": ("service", "keep"),
}
REVIEW_NOTE = (
    "Sent from the public form with its hidden spam-trap box filled in, so it may have come "
    "from a program rather than a person. No acknowledgement email was sent. Check that it "
    "is genuine before acting on it."
)


@dataclass
class Outcome:
    reference: str = ""
    emailed: bool = False
    wait_minutes: int = 0
    errors: list[str] = field(default_factory=list)  # shown on the check page

    @property
    def sent(self):
        return bool(self.reference)


def programme_chosen(journey):
    if not journey.programme_code:
        return None
    return Programme.objects.filter(code=journey.programme_code).first()


def _yes_no(value, *, yes, no):
    return {"yes": yes, "no": no}.get(value)


def referral_details(journey, *, consent_statement, automated):
    """The person dict and the referral's fields for `referral_submit`."""
    a = journey.answer
    who = a("who-for", "who", "me")
    route, relationship = WHO_FOR.get(who, WHO_FOR["me"])
    person = {
        "given_name": a("name", "given_name", ""),
        "family_name": a("name", "family_name", ""),
        "preferred_name": a("name", "preferred_name", ""),
        "date_of_birth": _iso_date(a("date-of-birth", "date_of_birth")),
        "postcode": NO_FIXED_ABODE
        if a("postcode", "no_fixed_address")
        else a("postcode", "postcode", ""),
        "email": a("contact", "email", ""),
        "phone": a("contact", "phone", ""),
        "preferred_language": a("taking-part", "preferred_language", ""),
        "interpreter_needed": bool(a("taking-part", "interpreter_needed")),
        "communication_needs": a("taking-part", "communication_needs", ""),
        "access_needs": a("taking-part", "access_needs", ""),
    }
    fields = {
        "channel": Channel.PUBLIC_FORM,
        "route": route,
        "referrer_relationship": relationship,
        "needs": [c for c in a("help-with", "needs", []) if c != NOT_SURE],
        "circumstances": [c for c in a("circumstances", "circumstances", []) if c != NONE_OF_THESE],
        "lives_alone": _yes_no(a("lives-alone", "lives_alone"), yes=True, no=False),
        "no_regular_social_contact": _yes_no(
            a("social-contact", "sees_people"), yes=False, no=True
        ),
        "no_other_support": _yes_no(a("other-support", "other_support"), yes=False, no=True),
        "other_services": a("other-support", "which", ""),
        "consent_to_refer": True,
    }
    if route == "family":
        fields["referrer_name"] = a("your-name", "name", "")
        fields["referrer_email"] = a("your-contact", "email", "")
        fields["referrer_phone"] = a("your-contact", "phone", "")
    lines = [a("anything-else", "reason", "").strip()]
    contacts = [("your-contact", "the person who asked")] if route == "family" else []
    contacts.append(("contact", "the person" if route == "family" else "them"))
    for slug, whom in contacts:
        best_way = a(slug, "best_way", "")
        if best_way in BEST_WAY and best_way != "any":
            lines.append(f"Best way to contact {whom}: {BEST_WAY[best_way].lower()}.")
    lines.append(f"Consent: {consent_statement}")
    fields["reason"] = "\n\n".join(line for line in lines if line)
    if automated:
        # Kept, never dropped, but held for a coordinator: no acknowledgement is sent to an
        # address a bot may have typed (see notifications.send_acknowledgement).
        fields["needs_review_reason"] = REVIEW_NOTE
    return person, fields


def _iso_date(value):
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _already_sent(reference, person):
    """The referral this form already made with `reference` (a second press of Send)."""
    referral = Referral.objects.filter(reference=reference, channel=Channel.PUBLIC_FORM).first()
    if referral is None:
        return None
    sent = referral.submitted_person
    same = (
        sent.get("given_name") == person["given_name"]
        and sent.get("family_name") == person["family_name"]
        and sent.get("date_of_birth") == _iso(person["date_of_birth"])
    )
    return referral if same else None


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


def _emailed(referral, automated):
    return not automated and bool(referral.referrer_email or referral.submitted_person.get("email"))


def _place_problems(journey, error):
    """Put each refused field's message on its question; return the ones with no question."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    elsewhere = []
    for key, messages in error.message_dict.items():
        place = FIELD_QUESTIONS.get(key)
        if place:
            journey.add_problem(*place, messages)
        else:
            elsewhere.extend(messages)
    journey.save()
    return elsewhere


def referral_send(*, journey, request, consent_statement) -> Outcome:
    automated = journey.automated or abuse.honeypot_filled(request.POST)
    person, fields = referral_details(
        journey, consent_statement=consent_statement, automated=automated
    )
    reference = journey.reference_for_sending()
    existing = _already_sent(reference, person)
    if existing:
        return Outcome(reference=existing.reference, emailed=_emailed(existing, automated))
    wait = abuse.minutes_to_wait(request)
    if wait:
        return Outcome(wait_minutes=wait)
    programme = programme_chosen(journey)
    if journey.programme_code and programme is None:
        journey.add_problem(
            "service", "keep", ["This service is no longer listed. Choose 'No' to go on."]
        )
        journey.save()
        return Outcome()
    try:
        submitted = referral_submit(
            person=person, programme=programme, reference=reference, **fields
        )
    except ValidationError as error:
        existing = _already_sent(reference, person)
        if existing:
            return Outcome(reference=existing.reference, emailed=_emailed(existing, automated))
        if "reference" in getattr(error, "error_dict", {}):
            # Another referral has this reference (very unlikely): choose another.
            journey.reference = ""
            journey.save()
            return Outcome(errors=["Something went wrong. Press Send again."])
        return Outcome(errors=_place_problems(journey, error))
    except IntegrityError:
        existing = _already_sent(reference, person)
        if existing:
            return Outcome(reference=existing.reference, emailed=_emailed(existing, automated))
        log.exception("A public referral could not be recorded")
        return Outcome(
            errors=["Something went wrong and your request was not sent yet. Press Send again."]
        )
    abuse.record_referral_sent(request)
    referral = submitted.referral
    return Outcome(reference=referral.reference, emailed=_emailed(referral, automated))
