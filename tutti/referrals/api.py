import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from ninja import Header, Router, Status
from ninja.errors import HttpError

from tutti.accounts.api_auth import TokenAuth
from tutti.accounts.middleware import api_call_record_in_transaction
from tutti.config.api import error_body
from tutti.geography.services import referrer_ods_code_problem
from tutti.referrals.intake import referral_check, referral_submit
from tutti.referrals.lookups import gp_practice_problem, programme_by_code, referrer_organisation
from tutti.referrals.models import Channel, Referral
from tutti.referrals.schemas import ErrorOut, ReferralIn, ReferralOut

router = Router(tags=["referrals"])


def _out(referral, events=None):
    """The referral as the API shows it; `events` when the caller has them already."""
    if events is None:
        events = referral.events.all()
    return {
        "reference": referral.reference,
        "status": referral.status,
        "programme": referral.programme.code if referral.programme else None,
        "eligible": referral.eligible,
        "eligibility_reasons": referral.eligibility_reasons,
        "history": [{"status": e.status, "at": e.at} for e in events],
    }


@router.post(
    "",
    auth=TokenAuth("referrals:create"),
    response={
        200: ReferralOut,
        201: ReferralOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Send a referral",
)
def create_referral(
    request, payload: ReferralIn, idempotency_key: str = Header("", alias="Idempotency-Key")
):
    """Create a referral. With an `Idempotency-Key` header, a retry with the same key returns
    the referral already made (200) instead of making another."""
    token = request.auth
    key = idempotency_key.strip()[:100]
    body_hash = ""  # what a retry with the same key must match; only kept with a key
    if key:
        body_hash = hashlib.sha256(
            json.dumps(payload.dict(), sort_keys=True, default=str).encode()
        ).hexdigest()
        earlier = _earlier(token, key, body_hash)
        if earlier is not None:
            return Status(200, _out(earlier))

    found = []  # problems seen here; intake's own checks still run, to name every bad field
    programme = None
    if payload.programme:
        programme = programme_by_code(payload.programme)
        if programme is None:
            found.append(("programme", f"There is no programme with code '{payload.programme}'."))
    referrer = payload.referrer
    ods_code = (referrer.ods_code or "").strip().upper()
    problem = referrer_ods_code_problem(
        ods_code, payload.route, practice_problem=gp_practice_problem
    )
    if problem:
        found.append(("referrer.ods_code", problem))
    fields = {
        "person": payload.person.dict(),
        "programme": programme,
        "route": payload.route,
        "referrer_name": referrer.name,
        "referrer_email": referrer.email,
        "referrer_role": (referrer.role or "").strip(),
        "referrer_phone": (referrer.phone or "").strip(),
        "referrer_organisation": None
        if problem
        else referrer_organisation(ods_code=ods_code, token=token),
        "referrer_organisation_name": referrer.organisation,
        "gp_practice_code": ods_code if payload.route == "gp" else "",
        "needs": payload.needs,
        "circumstances": payload.circumstances,
        "reason": payload.reason,
        "consent_to_refer": payload.consent_to_refer,
        "urgency": payload.urgency,
        "safeguarding_concern": payload.safeguarding_concern,
        "risks": payload.risks.strip(),
        "lives_alone": payload.lives_alone,
        "no_regular_social_contact": payload.no_regular_social_contact,
        "no_other_support": payload.no_other_support,
        "other_services": payload.other_services.strip(),
        "channel": Channel.API,
        "api_token": token,
        "idempotency_key": key,
        "submitted_body_hash": body_hash,
    }
    try:
        if found:
            referral_check(**fields)
            return Status(422, error_body(*found))
        submitted = referral_submit(
            **fields,
            # The call's record commits with the referral: one durable commit, not two.
            also=lambda _: api_call_record_in_transaction(request=request, status=201),
        )
    except ValidationError as error:
        # Named as the body names them (referrer.email, not referrer_email).
        named = {name for name, _ in found}
        return Status(
            422,
            error_body(
                *found,
                *(
                    (_BODY_NAMES.get(field, field), message)
                    for field, messages in error.message_dict.items()
                    if _BODY_NAMES.get(field, field) not in named
                    for message in messages
                ),
            ),
        )
    except IntegrityError:
        # The same key arrived twice at once; the other request made the referral.
        earlier = _earlier(token, key, body_hash) if key else None
        if earlier is None:
            raise
        return Status(200, _out(earlier))
    return Status(201, _out(submitted.referral, submitted.events))


# Intake's names for the fields the body nests.
_BODY_NAMES = {
    "referrer_name": "referrer.name",
    "referrer_email": "referrer.email",
    "referrer_role": "referrer.role",
    "referrer_phone": "referrer.phone",
    "referrer_organisation_name": "referrer.organisation",
    "gp_practice_code": "referrer.ods_code",
    "__all__": None,
}


def _earlier(token, key, body_hash):
    earlier = (
        Referral.objects.filter(api_token=token, idempotency_key=key)
        .select_related("programme")
        .first()
    )
    if earlier is not None and earlier.submitted_body_hash != body_hash:
        raise HttpError(
            409, "This Idempotency-Key was used with a different referral. Use a new key."
        )
    return earlier


@router.get(
    "/{reference}",
    auth=TokenAuth("referrals:read-own"),
    response={200: ReferralOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A referral's status and history",
)
def get_referral(request, reference: str):
    """Only to the token that sent it; any other gets 404."""
    referral = (
        Referral.objects.filter(reference=reference, api_token=request.auth)
        .select_related("programme")
        .first()
    )
    if referral is None:
        return Status(
            404, error_body((None, "No referral with that reference was sent with this token."))
        )
    return Status(200, _out(referral))
