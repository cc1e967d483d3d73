"""What the CapabilityStatement says about the resources sent back to the referrer."""

from tutti.fhir import codes

BASED_ON = {
    "name": "based-on",
    "type": "reference",
    "documentation": (
        "ServiceRequest/<id>: the referral, as GET ServiceRequest names it (required). Only a "
        "referral this token sent finds anything."
    ),
}

SCORE_DOCS = (
    f"Scores are coded in '{codes.MEASURE_SCORE_SYSTEM}': '<measure>-raw' or "
    "'<measure>-metric' (the score change is measured on; measure codes as GET "
    "/api/v1/measures lists them), valueQuantity in UCUM '{score}'; 'gbo-goals' for Goal Based "
    "Outcomes, one component a goal. category: 'survey', and the occasion "
    f"('{codes.MEASURE_OCCASION_SYSTEM}': baseline, review, end). The latest review or end "
    f"carries the change from baseline as interpretation ('{codes.RELIABLE_CHANGE_SYSTEM}': "
    "reliable_improvement, no_reliable_change, reliable_deterioration, not_set; Jacobson & "
    "Truax at the 95% level)."
)

SERVICE_REQUEST_NOTE = (
    " Once the episode of care has ended, the extension "
    f"{codes.DISCHARGE_LETTER_URL} refers to the discharge letter (Bundle/discharge-<id>)."
)

RESOURCES = [
    {
        "type": "QuestionnaireResponse",
        "documentation": (
            "A completed outcome measure for a referral this token sent, basedOn its "
            "ServiceRequest; questionnaire is the measure's Questionnaire (GET "
            "/api/v1/measures/<code>/fhir). Searched by based-on; the searchset includes the "
            "Observation of each score (search.mode 'include'). Feedback surveys are not sent."
        ),
        "interaction": [
            {"code": "read", "documentation": "Only by the token that sent the referral"},
            {"code": "search-type", "documentation": "based-on=ServiceRequest/<id>"},
        ],
        "searchParam": [BASED_ON],
    },
    {
        "type": "Observation",
        "documentation": "The score of a completed outcome measure, derivedFrom its "
        "QuestionnaireResponse. " + SCORE_DOCS,
        "interaction": [
            {"code": "read", "documentation": "Only by the token that sent the referral"},
            {"code": "search-type", "documentation": "based-on=ServiceRequest/<id>"},
        ],
        "searchParam": [BASED_ON],
    },
    {
        "type": "Bundle",
        "documentation": (
            "The discharge letter, read at Bundle/discharge-<ServiceRequest id> once the "
            "episode of care has ended, by the token that sent the referral: a document "
            f"Bundle whose Composition (LOINC {codes.DISCHARGE_SUMMARY[0]}, "
            f"{codes.DISCHARGE_SUMMARY[1]}) has sections Person, Music therapy, Discharge "
            "summary and Outcome measures, followed by the Patient, the service "
            "(Organization), the therapists (Practitioner), the EpisodeOfCare "
            "(referralRequest: the ServiceRequest; extensions "
            f"{codes.EPISODE_END_REASON_URL}, {codes.EPISODE_OUTCOME_URL} and "
            f"{codes.EPISODE_SESSIONS_URL}: planned, offered, attended) and an Observation "
            "for each score. The same letter as the printable page the referrer reads."
        ),
        "interaction": [{"code": "read", "documentation": "The discharge letter document"}],
    },
    {
        "type": "Composition",
        "documentation": "Only as the first entry of the discharge letter document (Bundle).",
    },
]
