"""The code systems and identifiers the FHIR API speaks, and how a referral's status reads
in FHIR's request statuses. Decisions: docs/adr/0005-fhir.md."""

from tutti.referrals.models import Status, Urgency

FHIR_VERSION = "4.0.1"
CONTENT_TYPE = "application/fhir+json"

# NHS and UK Core identifiers and profiles.
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
ETHNIC_CATEGORY_URL = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-EthnicCategory"
UK_CORE = "https://fhir.hl7.org.uk/StructureDefinition/"
SERVICE_REQUEST_PROFILE = UK_CORE + "UKCore-ServiceRequest"
PATIENT_PROFILE = UK_CORE + "UKCore-Patient"

SNOMED = "http://snomed.info/sct"
SOCIAL_PRESCRIBING_REFERRAL = ("871731000000106", "Referral to social prescribing service")
PATIENT_REFERRAL = ("3457005", "Patient referral")

# FHIR's own extension for a request resource that has no statusReason element (R4's
# ServiceRequest has none).
STATUS_REASON_URL = "http://hl7.org/fhir/StructureDefinition/request-statusReason"

# Tutti's own codes, in the same `urn:tutti:` namespace as the outcome measures' answers.
PROGRAMME_SYSTEM = "urn:tutti:programme"
REFERRAL_SYSTEM = "urn:tutti:referral"
REFERRAL_STATUS_SYSTEM = "urn:tutti:referral-status"
ROUTE_SYSTEM = "urn:tutti:route"
NEED_SYSTEM = "urn:tutti:need"
CIRCUMSTANCE_SYSTEM = "urn:tutti:circumstance"

# A referral's status as a FHIR request status. The referral was sent, so it is never a
# draft: it is in force (active) while the service works on it, paused (on-hold) while the
# service waits for information it asked for, completed when therapy ends, and revoked when
# it ends without therapy (declined, signposted elsewhere, withdrawn). entered-in-error is
# for records made by mistake, which a withdrawn referral is not. The detailed status goes in
# the request-statusReason extension.
FHIR_STATUS = {
    Status.RECEIVED: "active",
    Status.INFO_REQUESTED: "on-hold",
    Status.WAITING: "active",
    Status.OFFERED: "active",
    Status.ACTIVE: "active",
    Status.COMPLETED: "completed",
    Status.DECLINED: "revoked",
    Status.SIGNPOSTED: "revoked",
    Status.WITHDRAWN: "revoked",
}

# ServiceRequest.priority <-> a referral's urgency: routine is routine; FHIR's "urgent"
# (sooner than routine) is "soon"; "asap" and "stat" are "urgent".
URGENCY_FROM_PRIORITY = {
    "routine": Urgency.ROUTINE,
    "urgent": Urgency.SOON,
    "asap": Urgency.URGENT,
    "stat": Urgency.URGENT,
}
PRIORITY_FROM_URGENCY = {
    Urgency.ROUTINE: "routine",
    Urgency.SOON: "urgent",
    Urgency.URGENT: "asap",
}

# Patient.gender -> NHS Data Dictionary PERSON STATED GENDER CODE.
GENDER = {"male": "1", "female": "2", "other": "9", "unknown": "X"}

# Who referred, when the referral does not say (urn:tutti:route), from the kind of
# organisation the token belongs to.
ROUTE_FROM_ORGANISATION_KIND = {
    "gp_practice": "gp",
    "school": "school",
    "council": "council",
    "hospital": "health",
    "hospice": "health",
    "care_home": "health",
    "charity": "voluntary",
    "community": "voluntary",
}
DEFAULT_ROUTE = "other_professional"

# Back to the referrer (tutti.fhir.outbound): outcome measures and the discharge letter.
LOINC = "http://loinc.org"
DISCHARGE_SUMMARY = ("18842-5", "Discharge summary")  # the document's type (Composition.type)
OBSERVATION_CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
SURVEY_CATEGORY = ("survey", "Survey")
UCUM = "http://unitsofmeasure.org"
# Tutti's own: a measure's total score (code `<measure>-<raw|metric>`, or `gbo-goals` for Goal
# Based Outcomes, one component a goal), the occasion it was taken on, reliable change from
# baseline (Jacobson & Truax), and why an episode ended and how far its goals were met.
MEASURE_SCORE_SYSTEM = "urn:tutti:measure-score"
MEASURE_OCCASION_SYSTEM = "urn:tutti:measure-occasion"
RELIABLE_CHANGE_SYSTEM = "urn:tutti:reliable-change"
EPISODE_END_REASON_SYSTEM = "urn:tutti:episode-end-reason"
EPISODE_OUTCOME_SYSTEM = "urn:tutti:episode-outcome"
DISCHARGE_LETTER_SYSTEM = "urn:tutti:discharge-letter"
# Extensions Tutti defines (there is no FHIR element for these): on the ServiceRequest, the
# discharge letter once the episode has ended; on the EpisodeOfCare, why it ended, how far the
# goals were met and the sessions planned, offered and attended.
DISCHARGE_LETTER_URL = "urn:tutti:extension:discharge-letter"
EPISODE_END_REASON_URL = "urn:tutti:extension:episode-end-reason"
EPISODE_OUTCOME_URL = "urn:tutti:extension:episode-outcome"
EPISODE_SESSIONS_URL = "urn:tutti:extension:episode-sessions"
