"""Recording a referral sent as FHIR, through referral intake: the one way in for every route
(the same validation, eligibility and duplicate rules as the forms, files and JSON API)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tutti.core.audit import client_ip
from tutti.core.models import AccessEvent
from tutti.core.vocab import Route
from tutti.fhir import codes
from tutti.fhir.inbound import Incoming
from tutti.fhir.outcome import FhirError, Issue
from tutti.programmes.models import Programme
from tutti.referrals.intake import referral_check, referral_submit
from tutti.referrals.models import Channel, Referral
from tutti.referrals.selectors import referrer_organisation_for

PARTNER_ROUTES = [code for code in Route.values if code != Route.INTERNAL]


def fhir_referral_create(
    *, incoming: Incoming, token, idempotency_key="", body_hash=""
) -> tuple[Referral, bool]:
    """The referral made from `incoming`, and whether it is new: a retry with the same
    Idempotency-Key returns the referral already made. Raises FhirError (422 naming each
    element at fault, 409 for a key reused for another referral); stores nothing then."""
    key = idempotency_key.strip()[:100]
    if key:
        earlier = _earlier(token, key, body_hash)
        if earlier is not None:
            return earlier, False
    arguments = _intake_arguments(incoming, token)
    if key:
        arguments.update(idempotency_key=key, submitted_body_hash=body_hash)
    problems = list(incoming.problems)
    if arguments["route"] not in PARTNER_ROUTES:
        problems.append(("route", _unknown_route(arguments["route"])))
    if problems:
        # Say everything at once: what FHIR shows, and what intake finds in the rest.
        issues = [Issue(message, "value", incoming.where(field)) for field, message in problems]
        try:
            referral_check(**arguments)
        except ValidationError as error:
            said = {field for field, _ in problems}
            issues += [issue for field, issue in _issues(error, incoming) if field not in said]
        raise FhirError(422, issues)
    try:
        submitted = referral_submit(**arguments)
    except ValidationError as error:
        raise FhirError(422, [issue for _, issue in _issues(error, incoming)]) from None
    except IntegrityError:
        # The same key arrived twice at once; the other request made the referral.
        earlier = _earlier(token, key, body_hash) if key else None
        if earlier is None:
            raise
        return earlier, False
    return submitted.referral, True


def _intake_arguments(incoming: Incoming, token) -> dict:
    programme = None
    if incoming.programme_code:
        programme = Programme.objects.filter(code=incoming.programme_code).first()
        if programme is None:
            raise FhirError.one(
                422,
                f"There is no programme with code '{incoming.programme_code}'.",
                code="value",
                expression=incoming.where("programme"),
            )
    fields = dict(incoming.fields)
    route = fields.pop("route", None) or route_for(token)
    ods_code = incoming.referrer_ods_code
    if route == Route.GP and not fields.get("gp_practice_code") and len(ods_code) <= 6:
        fields["gp_practice_code"] = ods_code  # the referring GP practice is the person's
    organisation = referrer_organisation_for(
        ods_code=ods_code,
        name=fields.get("referrer_organisation_name", ""),
        route=route,
        token=token,
    )
    return {
        "person": incoming.person,
        "programme": programme,
        "route": route,
        "referrer_organisation": organisation,
        "channel": Channel.FHIR,
        "api_token": token,
        **fields,
    }


def route_for(token) -> str:
    """Who referred, when the referral does not say: the kind of organisation the token
    belongs to (a GP practice's system refers by the GP route)."""
    organisation = token.organisation if token.organisation_id else None
    if organisation is not None:
        return codes.ROUTE_FROM_ORGANISATION_KIND.get(organisation.kind, codes.DEFAULT_ROUTE)
    return codes.DEFAULT_ROUTE


def _earlier(token, key, body_hash):
    earlier = (
        Referral.objects.filter(api_token=token, idempotency_key=key)
        .select_related("programme", "person")
        .first()
    )
    if earlier is not None and earlier.submitted_body_hash != body_hash:
        raise FhirError.one(
            409,
            "This Idempotency-Key was used with a different referral. Use a new key.",
            code="conflict",
        )
    return earlier


def _issue_code(field, validation_code):
    if validation_code in ("required", "blank", "null"):
        return "required"
    if field in ("consent_to_refer", "programme"):
        return "business-rule"
    if validation_code == "max_length":
        return "too-long"
    return "value"


def _unknown_route(route):
    return f"Unknown route '{route}'. Use one of: {', '.join(PARTNER_ROUTES)}."


def _issues(error: ValidationError, incoming: Incoming):
    """(field, Issue) for each of intake's errors, at the element the field came from."""
    for field, errors in error.error_dict.items():
        for item in errors:
            for message in item.messages:
                yield field, Issue(message, _issue_code(field, item.code), incoming.where(field))


def referral_read_record(*, request, referral, token):
    """The partner system's read of a referral, in the person's trail like any other view."""
    return AccessEvent.objects.create(
        actor=None,
        actor_label=f"API token '{token.name}'"[:200],
        content_type_id=_referral_content_type_id(),
        object_id=str(referral.pk),
        person_id=referral.person_id,
        path=request.path[:300],
        remote_addr=client_ip(request),
    )


def _referral_content_type_id():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Referral).pk
