"""Reading the ServiceRequest itself: who referred (route), the programme asked for, why
(needs, circumstances and the reasons in words), and consent."""

from tutti.core.vocab import Circumstance, Need
from tutti.fhir import codes
from tutti.fhir.inbound.resources import Incoming, Place, Resolver
from tutti.fhir.outcome import FhirError

MAX_REASON = 10_000


def _codings(concepts, system, place, element):
    """(code, display, path) for each coding of `system` in a list of CodeableConcepts."""
    for i, concept in enumerate(concepts or []):
        for j, coding in enumerate(concept.coding or []):
            if coding.system == system and coding.code:
                yield coding.code, coding.display, place.at(f".{element}[{i}].coding[{j}].code")


def read_route(request: Place, incoming: Incoming):
    service_request = request.resource
    routes = list(_codings(service_request.category, codes.ROUTE_SYSTEM, request, "category"))
    if routes:
        code, _, path = routes[0]
        incoming.fields["route"] = code
        incoming.paths["route"] = path
        return
    concept = service_request.code
    if concept and any(
        coding.system == codes.SNOMED and coding.code == codes.SOCIAL_PRESCRIBING_REFERRAL[0]
        for coding in concept.coding or []
    ):
        incoming.fields["route"] = "link_worker"
        incoming.paths["route"] = request.at(".code")


def read_programme(request: Place, resolver: Resolver, incoming: Incoming):
    """The programme asked for: a performer identified by urn:tutti:programme, directly or
    through the HealthcareService it refers to. None asked for is fine: the coordinator
    chooses at triage, as for a JSON referral with no programme."""
    found = {}
    for index, performer in enumerate(request.resource.performer or []):
        where = f".performer[{index}]"
        identifier, path = performer.identifier, request.at(where + ".identifier.value")
        if not (identifier and identifier.system == codes.PROGRAMME_SYSTEM):
            target = resolver.resolve(performer, request)
            identifier = None
            if target is not None and target.type == "HealthcareService":
                for i, candidate in enumerate(target.resource.identifier or []):
                    if candidate.system == codes.PROGRAMME_SYSTEM:
                        identifier, path = candidate, target.at(f".identifier[{i}].value")
                        break
        if identifier and identifier.value:
            found.setdefault(identifier.value.strip().upper(), path)
    if len(found) > 1:
        raise FhirError.one(
            422,
            f"A referral asks for one programme; this one names {', '.join(found)}.",
            code="business-rule",
            expression=request.at(".performer"),
        )
    if found:
        [(code, path)] = found.items()
        incoming.programme_code = code
        incoming.paths["programme"] = path


def read_reasons(request: Place, incoming: Incoming):
    service_request = request.resource
    needs = list(_codings(service_request.reasonCode, codes.NEED_SYSTEM, request, "reasonCode"))
    circumstances = list(
        _codings(service_request.reasonCode, codes.CIRCUMSTANCE_SYSTEM, request, "reasonCode")
    )
    for name, found, vocabulary in (
        ("needs", needs, Need),
        ("circumstances", circumstances, Circumstance),
    ):
        incoming.fields[name] = [code for code, _, _ in found]
        if found:  # point at the first code intake will not know, if any
            unknown = [path for code, _, path in found if code not in vocabulary.values]
            incoming.paths[name] = (unknown or [found[0][2]])[0]
    ours = {codes.NEED_SYSTEM, codes.CIRCUMSTANCE_SYSTEM}
    lines = []
    for concept in service_request.reasonCode or []:
        codings = [c for c in concept.coding or [] if c.system not in ours]
        words = [c.display for c in codings if c.display]
        text = concept.text or ""
        if words and text and text not in words:
            lines.append(f"{text}: {'; '.join(words)}")
        elif text or words:
            lines.append(text or "; ".join(words))
    lines += [note.text for note in service_request.note or [] if note.text]
    reason = "\n".join(line.strip() for line in lines if line.strip())
    if not reason:
        raise FhirError.one(
            422,
            "Say why the person is being referred: ServiceRequest.reasonCode (text or codes) "
            "or ServiceRequest.note.",
            code="required",
            expression=request.at(".reasonCode"),
        )
    if len(reason) > MAX_REASON:
        raise FhirError.one(
            422,
            f"The reasons and notes come to {len(reason)} characters; keep them under "
            f"{MAX_REASON}.",
            code="too-long",
            expression=request.at(".note"),
        )
    incoming.fields["reason"] = reason
    incoming.paths["reason"] = request.at(".reasonCode")


def read_consent(request: Place, resolver: Resolver, incoming: Incoming):
    """An active ServiceRequest from a partner system is its statement that the person (or
    someone who may decide for them) agreed to the referral, as `consent_to_refer: true` is
    in the JSON API. A Consent resource sent with it that is refused, inactive or denies
    says otherwise, and intake then refuses the referral."""
    incoming.fields["consent_to_refer"] = True
    incoming.paths["consent_to_refer"] = request.at(".status")
    for consent in resolver.of_type("Consent", request):
        resource = consent.resource
        denied = resource.provision is not None and resource.provision.type == "deny"
        if resource.status in ("rejected", "inactive", "entered-in-error") or denied:
            incoming.fields["consent_to_refer"] = False
            incoming.paths["consent_to_refer"] = consent.at(
                ".provision.type" if denied else ".status"
            )
