"""Completed outcome measures back to the referring system: each as the QuestionnaireResponse
tutti.outcomes.fhir builds (basedOn the referral's ServiceRequest), and its total score as an
Observation derived from it, carrying the reliable change from baseline on the later ones.

Scores are coded in Tutti's own system (codes.MEASURE_SCORE_SYSTEM): `<measure>-raw` or
`<measure>-metric` (the score change is measured on, as the outcomes app reports it), and
`gbo-goals` for Goal Based Outcomes, with one component a goal and no total. No LOINC code is
claimed: the measures' LOINC panels do not all exist, and a wrong one would mislead.
"""

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from tutti.delivery.letters import measure_results
from tutti.fhir import codes
from tutti.fhir.outbound import coding, instant, patient_identity, service_request_reference
from tutti.outcomes import fhir as outcomes_fhir

SCORE_UNIT = {"unit": "score", "system": codes.UCUM, "code": "{score}"}


def response_id(response):
    return f"tutti-response-{response.pk}"


def observation_id(response):
    return f"tutti-score-{response.pk}"


def questionnaire_response(response, *, referral, site_url, subject=None) -> dict:
    """The outcomes app's QuestionnaireResponse, based on the referral and naming the person
    as the ServiceRequest does (`subject` replaces it, e.g. a Patient in a document)."""
    data = outcomes_fhir.questionnaire_response(response, base_url=site_url)
    subject = subject or patient_identity(response.person)
    if data.get("source") == data.get("subject"):
        data["source"] = subject
    data["subject"] = subject
    data["basedOn"] = [service_request_reference(referral)]
    return QuestionnaireResponse.model_validate(data).model_dump(mode="json", exclude_none=True)


def _score_code(measure):
    if measure.is_goal_based:
        return "gbo-goals", f"{measure.short_name} goal ratings"
    return (
        f"{measure.code}-{measure.change_on}",
        f"{measure.short_name} {measure.change_on} score",
    )


def _value(value):
    value = float(value)
    return int(value) if value == int(value) else round(value, 2)


def observation(response, *, referral, change=None, subject=None):
    """The score of one completed response as an Observation, or None when it has none (a
    response that could not be scored). `change` is the ScoreChange from baseline it ends, if
    it is the latest review or end."""
    measure = response.measure
    code, display = _score_code(measure)
    data = {
        "resourceType": "Observation",
        "id": observation_id(response),
        "status": "final",
        "basedOn": [service_request_reference(referral)],
        "category": [
            {"coding": [coding(codes.OBSERVATION_CATEGORY_SYSTEM, *codes.SURVEY_CATEGORY)]},
            {
                "coding": [
                    coding(
                        codes.MEASURE_OCCASION_SYSTEM,
                        response.occasion,
                        response.get_occasion_display(),
                    )
                ]
            },
        ],
        "code": {
            "coding": [coding(codes.MEASURE_SCORE_SYSTEM, code, display)],
            "text": f"{measure.name}: {display}",
        },
        "subject": subject or patient_identity(response.person),
        "effectiveDateTime": instant(response.completed_at),
        "derivedFrom": [{"reference": f"QuestionnaireResponse/{response_id(response)}"}],
    }
    if measure.is_goal_based:
        components = []
        for number, answer in enumerate(response.answers, start=1):
            if answer is None:
                continue
            goal = response.goals[number - 1] if number <= len(response.goals) else ""
            components.append(
                {
                    "code": {"text": f"Goal {number}: {goal}" if goal else f"Goal {number}"},
                    "valueInteger": int(answer),
                }
            )
        if not components:
            return None
        data["component"] = components
    else:
        if response.change_value is None or not response.score.get("scored", True):
            return None
        data["valueQuantity"] = {"value": _value(response.change_value), **SCORE_UNIT}
        band = response.score.get("band")
        if band:
            data["note"] = [{"text": f"Band: {band}"}]
    if change is not None and not measure.is_goal_based:
        data["interpretation"] = [_interpretation(change)]
    return Observation.model_validate(data).model_dump(mode="json", exclude_none=True)


def _interpretation(change):
    sign = "+" if change.difference > 0 else "−" if change.difference < 0 else ""
    text = (
        f"{change.reliable or 'Change'} from baseline: {sign}{abs(change.difference):g} "
        f"({change.direction}; {'higher' if change.higher_is_better else 'lower'} is better)"
    )
    if change.criterion_text:
        text += f"; reliable when more than {change.criterion_text}"
    return {
        "coding": [
            coding(codes.RELIABLE_CHANGE_SYSTEM, change.category.value, change.category.label)
        ],
        "text": text,
    }


def _changes(results):
    """{response pk: ScoreChange} for each latest review or end that ends a change."""
    return {
        change.latest_response_id: change
        for result in results
        if not result.measure.is_goal_based
        for change in result.changes
    }


def measure_resources(referral, *, site_url):
    """[(QuestionnaireResponse, Observation or None)] for the referral's completed outcome
    measures (feedback surveys are not outcome measures and are not sent), oldest first."""
    results = measure_results(referral)
    changes = _changes(results)
    responses = sorted(
        (response for result in results for response in result.responses),
        key=lambda r: (r.completed_at, r.pk),
    )
    return [
        (
            questionnaire_response(response, referral=referral, site_url=site_url),
            observation(response, referral=referral, change=changes.get(response.pk)),
        )
        for response in responses
    ]


def searchset(entries, *, self_url, total) -> dict:
    """A searchset Bundle of (fullUrl, resource, mode) entries."""
    data = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [{"relation": "self", "url": self_url}],
        "entry": [
            {"fullUrl": url, "resource": resource, "search": {"mode": mode}}
            for url, resource, mode in entries
        ],
    }
    return Bundle.model_validate(data).model_dump(mode="json", exclude_none=True)
