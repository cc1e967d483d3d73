"""The resources the FHIR API sends: a referral as a ServiceRequest, the CapabilityStatement,
and a transaction's response Bundle, each checked with fhir.resources before it leaves.

fhir.resources 8 models R5, R4B and STU3; R4B (4.3) carries R4's ServiceRequest, Bundle,
OperationOutcome and CapabilityStatement unchanged, so it validates what this R4 API sends.
"""

from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.servicerequest import ServiceRequest

from tutti.core.vocab import Circumstance, Need, Route
from tutti.fhir import codes
from tutti.fhir.outbound import capability as outbound_capability
from tutti.fhir.outbound import discharge_letter_extension
from tutti.referrals.models import Status

# Bump when what the API accepts or answers changes.
CAPABILITY_DATE = "2026-11-22"


def _instant(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _coding(system, code, display=None):
    return {"system": system, "code": code, **({"display": display} if display else {})}


def service_request(referral) -> dict:
    """The referral as the FHIR ServiceRequest its sender reads back: its status as a FHIR
    request status, the detailed status beside it, the programme, needs and circumstances."""
    status = Status(referral.status)
    category = [{"coding": [_coding(codes.SNOMED, *codes.PATIENT_REFERRAL)]}]
    if referral.route:
        route = Route(referral.route)
        category.append({"coding": [_coding(codes.ROUTE_SYSTEM, route.value, route.label)]})
    if referral.route == Route.LINK_WORKER:
        code = {"coding": [_coding(codes.SNOMED, *codes.SOCIAL_PRESCRIBING_REFERRAL)]}
    else:
        code = {"text": "Referral to music therapy"}
    person = referral.person
    subject = {"type": "Patient"}
    if person.nhs_number:
        subject["identifier"] = {"system": codes.NHS_NUMBER_SYSTEM, "value": person.nhs_number}
    else:
        subject["display"] = person.full_name
    reasons = [
        {"coding": [_coding(codes.NEED_SYSTEM, code, Need(code).label)]}
        for code in referral.needs
        if code in Need.values
    ] + [
        {"coding": [_coding(codes.CIRCUMSTANCE_SYSTEM, code, Circumstance(code).label)]}
        for code in referral.circumstances
        if code in Circumstance.values
    ]
    data = {
        "resourceType": "ServiceRequest",
        "id": referral.reference,
        "meta": {
            "lastUpdated": _instant(referral.status_changed_at),
            "profile": [codes.SERVICE_REQUEST_PROFILE],
        },
        "extension": [
            {
                "url": codes.STATUS_REASON_URL,
                "valueCodeableConcept": {
                    "coding": [_coding(codes.REFERRAL_STATUS_SYSTEM, status.value, status.label)],
                    "text": status.label,
                },
            }
        ],
        "identifier": [{"system": codes.REFERRAL_SYSTEM, "value": referral.reference}],
        "status": codes.FHIR_STATUS[status],
        "intent": "order",
        "category": category,
        "priority": codes.PRIORITY_FROM_URGENCY.get(referral.urgency, "routine"),
        "code": code,
        "subject": subject,
        "authoredOn": _instant(referral.received_at),
    }
    if referral.programme_id:
        programme = referral.programme
        data["performer"] = [
            {
                "type": "HealthcareService",
                "identifier": {"system": codes.PROGRAMME_SYSTEM, "value": programme.code},
                "display": programme.name,
            }
        ]
    if letter := discharge_letter_extension(referral):
        data["extension"].append(letter)
    if reasons:
        data["reasonCode"] = reasons
    if referral.referrer_name or referral.referrer_organisation_name:
        data["requester"] = {
            "display": referral.referrer_name or referral.referrer_organisation_name
        }
    return ServiceRequest.model_validate(data).model_dump(mode="json", exclude_none=True)


def transaction_response(referral, *, entry_types, location, created=True) -> dict:
    """A transaction's answer: the ServiceRequest created (with its location); the Patient
        and the other resources were recorded as part of the referral and have no address of
        their own here, so their entries say 202 Accepted. A retry with the same Idempotency-Key
    finds the ServiceRequest made before: 200 OK."""
    entries = []
    for kind in entry_types:
        if kind == "ServiceRequest":
            response = {
                "status": "201 Created" if created else "200 OK",
                "location": location,
                "lastModified": _instant(referral.created_at),
            }
        else:
            response = {"status": "202 Accepted"}
        entries.append({"response": response})
    data = {"resourceType": "Bundle", "type": "transaction-response", "entry": entries}
    return Bundle.model_validate(data).model_dump(mode="json", exclude_none=True)


PROGRAMME_CHOICE = (
    "The programme asked for is a performer identified by system "
    f"'{codes.PROGRAMME_SYSTEM}' and a programme code, like CAMDEN-16-24 (the directory "
    "lists the codes): either the performer reference's identifier or a HealthcareService "
    "in the Bundle (or contained) carrying that identifier. With no such performer the "
    "coordinator chooses the programme at triage."
)

SERVICE_REQUEST_DOCS = (
    "A referral. Create: status 'active'; subject refers to the Patient (in the transaction "
    "Bundle, or contained in the ServiceRequest as '#id'); reasonCode (text or codes) or note "
    f"says why. {PROGRAMME_CHOICE} Needs and circumstances are reasonCode codings of systems "
    f"'{codes.NEED_SYSTEM}' and '{codes.CIRCUMSTANCE_SYSTEM}'. The route (who referred) is a "
    f"category coding of system '{codes.ROUTE_SYSTEM}'; otherwise a code of SNOMED CT "
    f"{codes.SOCIAL_PRESCRIBING_REFERRAL[0]} ({codes.SOCIAL_PRESCRIBING_REFERRAL[1]}) means "
    "a social prescribing link worker, and otherwise the kind of organisation the token "
    "belongs to decides. The requester (Practitioner, PractitionerRole or Organization, with "
    "an ODS code) is the referrer. An active ServiceRequest is the sender's statement that "
    "the person agreed to the referral; a Consent sent with it that is rejected, inactive or "
    "denies makes intake refuse it. Idempotency-Key makes a retry return the referral "
    "already made. Read: only the token that sent the referral; status active while it is "
    "triaged, waiting, offered and in therapy, on-hold while the service waits for "
    "information, completed, or revoked (declined, signposted elsewhere, withdrawn); the "
    f"detailed status is in the {codes.STATUS_REASON_URL} extension (system "
    f"'{codes.REFERRAL_STATUS_SYSTEM}')."
)


def capability_statement(*, base_url) -> dict:
    bearer = {"text": "Bearer token issued by an administrator"}
    data = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": CAPABILITY_DATE,
        "publisher": "Tutti",
        "kind": "instance",
        "software": {"name": "Tutti"},
        "implementation": {
            "description": "Referrals to a music therapy service",
            "url": base_url,
        },
        "fhirVersion": codes.FHIR_VERSION,
        "format": [codes.CONTENT_TYPE, "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": (
                    "Referrals in, as UK Core ServiceRequest and Patient. Every referral goes "
                    "through the same checks as every other route: eligibility for the "
                    "programme asked for, NHS number check digit, postcode, and a person "
                    "already known linked and flagged for a coordinator to confirm. Errors "
                    "are OperationOutcomes naming the element at fault (expression). Too many "
                    "calls get 429 with Retry-After."
                ),
                "security": {
                    "service": [bearer],
                    "description": (
                        "Authorization: Bearer <token>, a token an administrator issues with "
                        "the scope 'fhir:write' (create referrals and read those it sent)."
                    ),
                },
                "resource": [
                    {
                        "type": "ServiceRequest",
                        "profile": codes.SERVICE_REQUEST_PROFILE,
                        "documentation": SERVICE_REQUEST_DOCS
                        + outbound_capability.SERVICE_REQUEST_NOTE,
                        "interaction": [
                            {"code": "create", "documentation": "A referral"},
                            {"code": "read", "documentation": "Only by the token that sent it"},
                        ],
                        "versioning": "no-version",
                        "readHistory": False,
                        "updateCreate": False,
                    },
                    {
                        "type": "Patient",
                        "profile": codes.PATIENT_PROFILE,
                        "documentation": (
                            "The person referred, accepted only with a referral: in the "
                            "transaction Bundle or contained in the ServiceRequest. Identifier "
                            f"'{codes.NHS_NUMBER_SYSTEM}' (check digit verified), name, "
                            "birthDate (full date), address with postalCode, telecom, gender, "
                            "UK Core ethnic category, communication, generalPractitioner "
                            f"(ODS code, '{codes.ODS_SYSTEM}'). Not readable on its own."
                        ),
                    },
                    *outbound_capability.RESOURCES,
                ],
                "interaction": [
                    {
                        "code": "transaction",
                        "documentation": (
                            "POST [base] with a transaction Bundle: one ServiceRequest, its "
                            "Patient, and any Practitioner, PractitionerRole, Organization, "
                            "HealthcareService or Consent they refer to, each entry "
                            "request.method POST. All or nothing."
                        ),
                    }
                ],
            }
        ],
    }
    return CapabilityStatement.model_validate(data).model_dump(mode="json", exclude_none=True)
