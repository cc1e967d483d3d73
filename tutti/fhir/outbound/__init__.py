"""Back to the referrer: what the system that sent a referral can read once the person is
seen. Completed outcome measures (QuestionnaireResponse, with an Observation of each total
score) and the discharge letter (a FHIR document: a Bundle of type document whose Composition
says what the printable letter says). Only to the token that sent the referral. Decisions:
docs/adr/0008-back-to-the-referrer.md."""

import uuid

from django.utils import timezone

from tutti.fhir import codes

# uuid5 namespace for the document's fullUrls: the same record gives the same urn:uuid.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:tutti:fhir")


def instant(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds")


def coding(system, code, display=None):
    return {"system": system, "code": code, **({"display": display} if display else {})}


def urn(kind, key):
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}/{key}')}"


def patient_identity(person) -> dict:
    """The person as the ServiceRequest names them: by NHS number (what the sender's system
    knows them by), else by name. The Patient has no address of its own on this server."""
    subject = {"type": "Patient"}
    if person.nhs_number:
        subject["identifier"] = {"system": codes.NHS_NUMBER_SYSTEM, "value": person.nhs_number}
    subject["display"] = person.full_name
    return subject


def service_request_reference(referral) -> dict:
    return {
        "reference": f"ServiceRequest/{referral.reference}",
        "identifier": {"system": codes.REFERRAL_SYSTEM, "value": referral.reference},
    }


def letter_id(referral) -> str:
    return f"discharge-{referral.reference}"


def discharge_letter_extension(referral):
    """On the ServiceRequest once the episode of care has ended: where its discharge letter
    is (a relative reference, read from this server)."""
    from tutti.delivery.models import Episode

    if not Episode.objects.filter(referral=referral, status=Episode.Status.ENDED).exists():
        return None
    return {
        "url": codes.DISCHARGE_LETTER_URL,
        "valueReference": {
            "reference": f"Bundle/{letter_id(referral)}",
            "type": "Bundle",
            "display": "Discharge letter",
        },
    }
