"""Reading a referral sent as FHIR: a transaction Bundle of a Patient and a ServiceRequest
(with the practitioner, organisation and consent they point to), or a ServiceRequest with its
Patient contained.

The result is what referral intake takes, the same arguments the JSON API passes, and for
each of them the element it came from, so that intake's answers ("not a valid NHS number")
name the element at fault ("Patient.identifier[0].value"). Nothing here decides whether a
referral is valid: parsing checks the FHIR structure, intake checks the referral.
"""

import json

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import ValidationError as PydanticError

from tutti.fhir import codes
from tutti.fhir.inbound.people import read_patient, read_requester
from tutti.fhir.inbound.request import read_consent, read_programme, read_reasons, read_route
from tutti.fhir.inbound.resources import Incoming, Place, Resolver
from tutti.fhir.outcome import FhirError, Issue, fhir_path

TOO_DEEP = "The body is nested too deeply to be a FHIR resource."
SUPPORTED_IN_BUNDLE = (
    "Patient",
    "ServiceRequest",
    "Practitioner",
    "PractitionerRole",
    "Organization",
    "HealthcareService",
    "Consent",
)


def parse_json(body: bytes) -> dict:
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise FhirError.one(
            400, f"The body is not valid JSON: {error}.", code="structure"
        ) from None
    except RecursionError:
        raise FhirError.one(400, TOO_DEEP, code="structure") from None
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        raise FhirError.one(
            400,
            "The body must be one FHIR resource: a JSON object with a resourceType.",
            code="structure",
        )
    return data


def _validated(model, data, root, entry_types=()):
    """The resource checked against FHIR R4 (fhir.resources), or 400 naming each element."""
    try:
        return model.model_validate(data)
    except RecursionError:
        raise FhirError.one(400, TOO_DEEP, code="structure") from None
    except PydanticError as error:
        issues = []
        for problem in error.errors():
            loc = tuple(problem.get("loc", ()))
            expression = (fhir_path(root, loc),)
            if len(loc) >= 3 and loc[0] == "entry" and loc[2] == "resource":
                index = loc[1]
                if isinstance(index, int) and index < len(entry_types) and entry_types[index]:
                    expression = (fhir_path(entry_types[index], loc[3:]),) + expression
            message = problem.get("msg", "Invalid value").split("\n")[0]
            code = "required" if problem.get("type") == "missing" else "structure"
            issues.append(Issue(message, code, expression))
        raise FhirError(400, issues) from None


def read_service_request(data: dict) -> Incoming:
    """POST [base]/ServiceRequest: one ServiceRequest with its Patient contained."""
    if data["resourceType"] != "ServiceRequest":
        raise FhirError.one(
            400,
            f"[base]/ServiceRequest takes a ServiceRequest, not a {data['resourceType']}. "
            "Send a transaction Bundle to [base] itself.",
            code="structure",
            expression=("ServiceRequest.resourceType",),
        )
    request = _validated(ServiceRequest, data, "ServiceRequest")
    return _read_referral(Place(request, ("ServiceRequest",)), Resolver())


def read_transaction(data: dict) -> Incoming:
    """POST [base]: a transaction Bundle holding one ServiceRequest and its Patient."""
    if data["resourceType"] != "Bundle":
        raise FhirError.one(
            400,
            f"[base] takes a transaction Bundle, not a {data['resourceType']}. "
            "Send a single ServiceRequest to [base]/ServiceRequest.",
            code="structure",
            expression=("Bundle.resourceType",),
        )
    entry_types = [
        (entry.get("resource") or {}).get("resourceType") if isinstance(entry, dict) else None
        for entry in (data.get("entry") or [] if isinstance(data.get("entry"), list) else [])
    ]
    bundle = _validated(Bundle, data, "Bundle", entry_types)
    if bundle.type != "transaction":
        raise FhirError.one(
            422,
            f"Send a Bundle of type 'transaction' (this one is '{bundle.type}').",
            code="not-supported",
            expression=("Bundle.type",),
        )
    places, issues = [], []
    for index, entry in enumerate(bundle.entry or []):
        where = f"Bundle.entry[{index}]"
        if entry.resource is None:
            issues.append(Issue("Each entry needs a resource.", "required", (where,)))
            continue
        kind = entry.resource.get_resource_type()
        if kind not in SUPPORTED_IN_BUNDLE:
            issues.append(
                Issue(
                    f"A referral Bundle cannot hold a {kind}. It holds a ServiceRequest and its "
                    f"Patient, and may hold: {', '.join(SUPPORTED_IN_BUNDLE[2:])}.",
                    "not-supported",
                    (f"{where}.resource",),
                )
            )
        method = entry.request.method if entry.request else None
        url = (entry.request.url or "").split("?")[0].strip("/") if entry.request else ""
        if method != "POST" or url != kind:
            issues.append(
                Issue(
                    f"Each entry is created: request.method 'POST' and request.url '{kind}'.",
                    "not-supported" if method and method != "POST" else "required",
                    (f"{where}.request",),
                )
            )
        places.append((Place(entry.resource, (kind, f"{where}.resource")), entry.fullUrl))
    if issues:
        raise FhirError(422, issues)
    requests = [place for place, _ in places if place.type == "ServiceRequest"]
    patients = [place for place, _ in places if place.type == "Patient"]
    if len(requests) != 1 or len(patients) > 1:
        raise FhirError.one(
            422,
            "A referral Bundle holds one ServiceRequest (the referral) and one Patient "
            f"(the person referred); this one has {len(requests)} and {len(patients)}.",
            code="invariant",
            expression=("Bundle.entry",),
        )
    incoming = _read_referral(requests[0], Resolver(places))
    if patients and incoming.paths["person"] != patients[0].roots:
        raise FhirError.one(
            422,
            "The Patient in the Bundle is not the one the ServiceRequest refers to "
            "(ServiceRequest.subject).",
            code="invariant",
            expression=requests[0].at(".subject"),
        )
    incoming.entry_types = [place.type for place, _ in places]
    return incoming


def _read_referral(request: Place, resolver: Resolver) -> Incoming:
    service_request = request.resource
    incoming = Incoming(default_path=request.at())
    issues = []
    if service_request.status != "active":
        issues.append(
            Issue(
                f"Only an active ServiceRequest is a referral (this one is "
                f"'{service_request.status}'). Send it when it is ready, with status 'active'.",
                "business-rule",
                request.at(".status"),
            )
        )
    if service_request.doNotPerform:
        issues.append(
            Issue(
                "A ServiceRequest with doNotPerform is not a referral.",
                "business-rule",
                request.at(".doNotPerform"),
            )
        )
    patient = resolver.resolve(service_request.subject, request)
    if patient is None or patient.type != "Patient":
        issues.append(
            Issue(
                "The person referred must come with the referral: ServiceRequest.subject "
                "refers to the Patient in the Bundle, or to one contained in the "
                "ServiceRequest ('#id').",
                "required",
                request.at(".subject"),
            )
        )
    if issues:
        raise FhirError(422, issues)

    incoming.paths["person"] = patient.roots
    read_patient(patient, resolver, incoming)
    read_route(request, incoming)
    read_programme(request, resolver, incoming)
    read_reasons(request, incoming)
    read_requester(request, resolver, incoming)
    read_consent(request, resolver, incoming)
    if service_request.priority:
        incoming.fields["urgency"] = codes.URGENCY_FROM_PRIORITY[service_request.priority]
        incoming.paths["urgency"] = request.at(".priority")
    return incoming
