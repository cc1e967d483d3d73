"""Reading the people in a FHIR referral: the Patient (UK Core) as the person referred, and
the requester (Practitioner, PractitionerRole or Organization) as the referrer."""

from datetime import date

from tutti.fhir import codes
from tutti.people.models import EthnicCategory


def _pick(items, preferred_uses):
    """The index of the first item with the most preferred `use`, else of the first item."""
    items = list(items or [])
    for use in preferred_uses:
        for index, item in enumerate(items):
            if getattr(item, "use", None) == use:
                return index
    return 0 if items else None


def read_patient(place, resolver, incoming):
    """Fill in `incoming.person` (and the GP practice) from a Patient."""
    patient, person, paths = place.resource, incoming.person, incoming.paths

    index = _pick(patient.name, ("official", "usual"))
    if index is None:
        paths["person.given_name"] = paths["person.family_name"] = place.at(".name")
    else:
        name = patient.name[index]
        person["given_name"] = (name.given or [""])[0]
        person["family_name"] = name.family or ""
        given_at = f".name[{index}].given[0]" if name.given else f".name[{index}].given"
        paths["person.given_name"] = place.at(given_at)
        paths["person.family_name"] = place.at(f".name[{index}].family")

    paths["person.date_of_birth"] = place.at(".birthDate")
    if isinstance(patient.birthDate, date):
        person["date_of_birth"] = patient.birthDate
    elif patient.birthDate:  # FHIR allows "1970" or "1970-09"; eligibility needs the day
        incoming.problems.append(
            (
                "person.date_of_birth",
                "Give the full date of birth (year, month and day): the programmes' age "
                "rules need it.",
            )
        )

    numbers = [
        (i, (identifier.value or "").strip())
        for i, identifier in enumerate(patient.identifier or [])
        if identifier.system == codes.NHS_NUMBER_SYSTEM
    ]
    if numbers:
        i, number = numbers[0]
        person["nhs_number"] = number
        paths["person.nhs_number"] = place.at(f".identifier[{i}].value")
        if len({value.replace(" ", "") for _, value in numbers}) > 1:
            incoming.problems.append(
                ("person.nhs_number", "The Patient has two different NHS numbers.")
            )

    index = _pick([a for a in patient.address or []], ("home",))
    if index is not None and not patient.address[index].postalCode:
        with_postcode = [i for i, a in enumerate(patient.address) if a.postalCode]
        index = with_postcode[0] if with_postcode else index
    if index is None:
        paths["person.postcode"] = place.at(".address")
    else:
        address = patient.address[index]
        lines = list(address.line or [])
        person["postcode"] = address.postalCode or ""
        person["address_line_1"] = lines[0] if lines else ""
        person["address_line_2"] = ", ".join(lines[1:])
        person["town"] = address.city or ""
        at = f".address[{index}]"
        paths["person.postcode"] = place.at(f"{at}.postalCode" if address.postalCode else at)
        paths["person.address_line_1"] = place.at(f"{at}.line[0]")
        paths["person.address_line_2"] = place.at(f"{at}.line[1]")
        paths["person.town"] = place.at(f"{at}.city")

    for field, systems in (("email", ("email",)), ("phone", ("phone", "sms"))):
        for i, telecom in enumerate(patient.telecom or []):
            if telecom.system in systems and telecom.value:
                person[field] = telecom.value.strip()
                paths[f"person.{field}"] = place.at(f".telecom[{i}].value")
                break

    if patient.gender:
        person["gender"] = codes.GENDER[patient.gender]
    for extension in patient.extension or []:
        if extension.url == codes.ETHNIC_CATEGORY_URL and extension.valueCodeableConcept:
            for coding in extension.valueCodeableConcept.coding or []:
                if coding.code in EthnicCategory.values:
                    person["ethnicity"] = coding.code
    index = _pick_preferred_language(patient.communication)
    if index is not None:
        language = patient.communication[index].language
        words = language.text or next((c.display for c in language.coding or [] if c.display), "")
        if words:
            person["preferred_language"] = words
            paths["person.preferred_language"] = place.at(f".communication[{index}].language")

    _read_gp_practice(place, resolver, incoming)


def _pick_preferred_language(communications):
    communications = list(communications or [])
    for index, communication in enumerate(communications):
        if communication.preferred:
            return index
    return 0 if communications else None


def _ods_code(identifiers):
    for index, identifier in enumerate(identifiers or []):
        if identifier.system == codes.ODS_SYSTEM and identifier.value:
            return index, identifier.value.strip().upper()
    return None, ""


def _read_gp_practice(place, resolver, incoming):
    """The person's GP practice (Patient.generalPractitioner), by its ODS code: programmes
    may serve the patients of named practices."""
    for index, reference in enumerate(place.resource.generalPractitioner or []):
        at = f".generalPractitioner[{index}]"
        if reference.identifier and reference.identifier.system == codes.ODS_SYSTEM:
            code = (reference.identifier.value or "").strip().upper()
            path = place.at(f"{at}.identifier.value")
        else:
            target = resolver.resolve(reference, place)
            if target is None or target.type != "Organization":
                continue
            i, code = _ods_code(target.resource.identifier)
            path = target.at(f".identifier[{i}].value")
        if code:
            incoming.fields["gp_practice_code"] = code
            incoming.paths["gp_practice_code"] = path
            return


def _human_name(names):
    index = _pick(names, ("official", "usual"))
    if index is None:
        return ""
    name = names[index]
    if name.text:
        return name.text.strip()
    parts = [*(name.prefix or []), *(name.given or []), name.family or ""]
    return " ".join(part for part in parts if part).strip()


def read_requester(request, resolver, incoming):
    """The referrer: a Practitioner (name, email, phone), a PractitionerRole (its
    practitioner, organisation and role) or an Organization (name and ODS code)."""
    fields, paths = incoming.fields, incoming.paths
    reference = request.resource.requester
    if reference is None:
        return
    if reference.display:
        fields["referrer_name"] = reference.display.strip()
        paths["referrer_name"] = request.at(".requester.display")
    target = resolver.resolve(reference, request)
    practitioner = organisation = None
    if target is not None and target.type == "PractitionerRole":
        role = target.resource
        practitioner = resolver.resolve(role.practitioner, target)
        organisation = resolver.resolve(role.organization, target)
        for concept in role.code or []:
            words = concept.text or next((c.display for c in concept.coding or [] if c.display), "")
            if words:
                fields["referrer_role"] = words
                paths["referrer_role"] = target.at(".code")
                break
        _read_telecom(target, incoming)
    elif target is not None and target.type == "Practitioner":
        practitioner = target
    elif target is not None and target.type == "Organization":
        organisation = target
    if practitioner is not None and practitioner.type == "Practitioner":
        name = _human_name(practitioner.resource.name)
        if name:
            fields["referrer_name"] = name
            paths["referrer_name"] = practitioner.at(".name")
        _read_telecom(practitioner, incoming)
    if organisation is not None and organisation.type == "Organization":
        if organisation.resource.name:
            fields["referrer_organisation_name"] = organisation.resource.name.strip()
            paths["referrer_organisation_name"] = organisation.at(".name")
        _, incoming.referrer_ods_code = _ods_code(organisation.resource.identifier)


def _read_telecom(place, incoming):
    for field, systems in (("referrer_email", ("email",)), ("referrer_phone", ("phone",))):
        if field in incoming.fields:
            continue
        for i, telecom in enumerate(place.resource.telecom or []):
            if telecom.system in systems and telecom.value:
                incoming.fields[field] = telecom.value.strip()
                incoming.paths[field] = place.at(f".telecom[{i}].value")
                break
