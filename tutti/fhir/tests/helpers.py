"""Building FHIR requests from the NHS's published examples (see data/README.md)."""

import copy
import json
from pathlib import Path

DATA = Path(__file__).parent / "data"

# The fullUrls the BaRS example gives its resources; its ServiceRequest refers to them.
PATIENT_URL = "urn:uuid:9589fb37-87a2-48d8-968f-b371429208a8"
SERVICE_REQUEST_URL = "urn:uuid:236bb75d-90ef-461f-b71e-fde7f899802c"
PRACTITIONER_URL = "urn:uuid:7d948662-bade-450e-b6c5-9bb6ee39cb56"


def example(name):
    return json.loads((DATA / f"{name}.json").read_text())


def uk_core_patient():
    return example("ukcore-patient-richard-smith")


def bars_patient():
    return example("bars-111-to-ed-patient")


def bars_service_request():
    return example("bars-111-to-ed-servicerequest")


def bars_practitioner():
    return example("bars-111-to-ed-practitioner")


def transaction(*entries):
    """A transaction Bundle of (fullUrl, resource) pairs, each created with POST."""
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": url,
                "resource": copy.deepcopy(resource),
                "request": {"method": "POST", "url": resource["resourceType"]},
            }
            for url, resource in entries
        ],
    }


def nhs_example_bundle(patient=None):
    """The UK Core Patient (or another) with the BaRS ServiceRequest and its requester."""
    return transaction(
        (PATIENT_URL, patient or uk_core_patient()),
        (SERVICE_REQUEST_URL, bars_service_request()),
        (PRACTITIONER_URL, bars_practitioner()),
    )


def service_request_with_patient(patient=None, **changes):
    """A ServiceRequest with its Patient contained, as POST [base]/ServiceRequest takes."""
    patient = copy.deepcopy(patient or uk_core_patient())
    patient["id"] = "person"
    data = {
        "resourceType": "ServiceRequest",
        "contained": [patient],
        "status": "active",
        "intent": "order",
        "subject": {"reference": "#person"},
        "reasonCode": [{"text": "Low mood and withdrawn since a bereavement; loves singing."}],
    }
    data.update(changes)
    return data


def post(client, path, data, token=None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    body = data if isinstance(data, str | bytes) else json.dumps(data)
    headers.setdefault("content_type", "application/fhir+json")
    return client.post(path, body, **headers)


def get(client, path, token=None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.get(path, **headers)


def issues(response):
    body = response.json()
    assert body["resourceType"] == "OperationOutcome", body
    return body["issue"]


def expressions(response):
    return [path for issue in issues(response) for path in issue.get("expression", [])]
