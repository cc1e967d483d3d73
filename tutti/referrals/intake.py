"""Referral intake: the one way in for every route (public form, portal, file, JSON, FHIR).

`referral_submit` validates everything first, links the referral to a person already known
(flagged for a coordinator to confirm, never merged silently), checks eligibility for the
programme asked for, records the referral with its first event, and acknowledges it by email
once the transaction has committed. Nothing is stored unless all of it is valid.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tutti.core.vocab import Circumstance, Need, validate_codes
from tutti.people.models import Person, normalise_nhs_number
from tutti.people.services import person_locate
from tutti.programmes.eligibility import check_eligibility
from tutti.referrals.models import PersonMatch, Referral, ReferralEvent, Status

PERSON_FIELDS = {
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "nhs_number",
    "postcode",
    "address_line_1",
    "address_line_2",
    "town",
    "email",
    "phone",
    "preferred_language",
    "interpreter_needed",
    "communication_needs",
    "access_needs",
    "ethnicity",
    "gender",
}


@dataclass(frozen=True)
class Submitted:
    referral: Referral
    created_person: bool


def _prefixed(error: ValidationError, prefix: str) -> ValidationError:
    return ValidationError(
        {f"{prefix}{field}": messages for field, messages in error.message_dict.items()}
    )


def _clean_key(text):
    return " ".join(str(text or "").casefold().split())


def find_known_person(
    *, nhs_number="", given_name="", family_name="", date_of_birth=None, postcode=""
):
    """The person already on record as this one, and how we know, or (None, NEW)."""
    if nhs_number:
        person = Person.objects.filter(nhs_number=nhs_number).first()
        if person:
            return person, PersonMatch.NHS_NUMBER
    if given_name and family_name and date_of_birth and postcode:
        candidates = Person.objects.filter(
            date_of_birth=date_of_birth,
            postcode=postcode,
            family_name__iexact=family_name.strip(),
        )
        for person in candidates:
            if (_clean_key(person.given_name), _clean_key(person.family_name)) == (
                _clean_key(given_name),
                _clean_key(family_name),
            ):
                return person, PersonMatch.NAME_DOB_POSTCODE
    return None, PersonMatch.NEW


def referral_submit(
    *, person: dict, actor=None, received_at=None, programme=None, **referral_fields
) -> Submitted:
    """Validate and record a referral. Raises ValidationError naming each bad field
    (person fields as 'person.<name>'); stores nothing in that case."""
    details = {k: v for k, v in person.items() if k in PERSON_FIELDS and v is not None}
    details["nhs_number"] = normalise_nhs_number(details.get("nhs_number", ""))
    candidate = Person(**details)
    errors = {}
    try:
        candidate.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors.update(_prefixed(error, "person.").message_dict)
    for field, choices, what in (
        ("needs", Need, "need"),
        ("circumstances", Circumstance, "circumstance"),
    ):
        try:
            validate_codes(list(referral_fields.get(field, [])), choices, what)
        except ValidationError as error:
            errors[field] = error.messages
    if not referral_fields.get("consent_to_refer"):
        errors["consent_to_refer"] = [
            "The person (or someone who may decide for them) must agree to the referral."
        ]
    if programme is not None and not programme.open_to_referrals:
        errors["programme"] = [f"{programme.name} is not taking referrals at the moment."]
    if errors:
        raise ValidationError(errors)

    at = received_at or timezone.now()
    try:
        with transaction.atomic():
            return _record(candidate, details, actor, at, programme, referral_fields)
    except IntegrityError:
        # Someone recorded the same NHS number a moment ago: link to them instead.
        with transaction.atomic():
            return _record(candidate, details, actor, at, programme, referral_fields)


def _record(candidate, details, actor, at, programme, referral_fields):
    known, match = find_known_person(
        nhs_number=candidate.nhs_number,
        given_name=candidate.given_name,
        family_name=candidate.family_name,
        date_of_birth=candidate.date_of_birth,
        postcode=candidate.postcode,
    )
    if known is None:
        person_locate(candidate)
        candidate.save()
        subject = candidate
    else:
        subject = known
    referral = Referral(
        person=subject,
        programme=programme,
        received_at=at,
        status_changed_at=at,
        status=Status.RECEIVED,
        person_match=match,
        submitted_person=_snapshot(details),
        **referral_fields,
    )
    if programme is not None:
        result = check_eligibility(
            programme,
            on=at.date(),
            date_of_birth=candidate.date_of_birth,
            geography=_place(subject),
            gp_practice=referral.gp_practice_code,
            needs=referral.needs,
            circumstances=referral.circumstances,
        )
        referral.eligible, referral.eligibility_reasons = result.eligible, result.reasons
    referral.full_clean(exclude=["person"])
    referral.save()
    ReferralEvent.objects.create(referral=referral, status=Status.RECEIVED, at=at, actor=actor)
    if referral.referrer_email or subject.email:
        from tutti.referrals.notifications import send_acknowledgement

        transaction.on_commit(lambda: send_acknowledgement.enqueue(referral.pk))
    return Submitted(referral=referral, created_person=known is None)


def _snapshot(details):
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in details.items()}


def _place(person):
    """The person's stored geography in the shape the eligibility rules read."""
    from tutti.geography.services import resolve_postcode

    return resolve_postcode(person.postcode)
