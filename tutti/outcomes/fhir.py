"""FHIR R4 Questionnaire for each measure and QuestionnaireResponse for a completed response,
each checked with `fhir.resources` before it leaves.

fhir.resources 8 models FHIR R5, R4B and STU3; R4B (4.3) is the release that carries R4's
Questionnaire and QuestionnaireResponse unchanged, so it is the one used to validate.
A Questionnaire never carries licensed wording: items of a licensed measure are numbered only.
"""

from django.utils import timezone
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from tutti.outcomes.library import option_labels
from tutti.outcomes.models import AnsweredBy
from tutti.outcomes.presenters import measure_items

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
SCORE_LINK_IDS = {"raw": "score-raw", "metric": "score-metric"}


def questionnaire_url(base_url, code):
    return f"{base_url.rstrip('/')}/api/v1/measures/{code}/fhir"


def _answer_options(measure):
    labels = {} if measure.wording_licensed else option_labels(measure)
    options = []
    for value in measure.scale_values:
        label = labels.get(value, str(value))
        coding = {"system": f"urn:tutti:measure:{measure.code}:answer", "code": str(value)}
        if label != str(value):
            coding["display"] = label
        options.append({"valueCoding": coding})
    return options


def questionnaire(measure, *, base_url) -> dict:
    """The measure as a FHIR R4 Questionnaire (JSON-ready dict), validated."""
    items = []
    for item in measure_items(measure):
        shown = not measure.wording_licensed and item["wording_entered"]
        text = item["wording"] if shown else (item["label"] or f"Item {item['number']}")
        items.append(
            {
                "linkId": str(item["number"]),
                "prefix": str(item["number"]),
                "text": text,
                "type": "choice",
                "required": False,
                "answerOption": _answer_options(measure),
            }
        )
    if measure.definition["scoring"]["method"] == "sum":
        items.append(
            {
                "linkId": SCORE_LINK_IDS["raw"],
                "text": "Total score",
                "type": "decimal",
                "readOnly": True,
            }
        )
    if measure.change_on == "metric":
        items.append(
            {
                "linkId": SCORE_LINK_IDS["metric"],
                "text": "Metric score",
                "type": "decimal",
                "readOnly": True,
            }
        )
    data = {
        "resourceType": "Questionnaire",
        "id": measure.code.replace("_", "-"),
        "url": questionnaire_url(base_url, measure.code),
        "name": "".join(part.capitalize() for part in measure.code.split("_")),
        "title": measure.name,
        "status": "active" if measure.is_active else "retired",
        "subjectType": ["Patient"] if measure.person_is_subject else ["Organization"],
        "description": measure.summary,
        "copyright": measure.licence,
        "item": items,
    }
    return Questionnaire.model_validate(data).model_dump(mode="json", exclude_none=True)


def _answer_items(response):
    items = []
    for number, answer in enumerate(response.answers, start=1):
        entry = {"linkId": str(number)}
        if response.measure.is_goal_based and number <= len(response.goals):
            entry["text"] = response.goals[number - 1]
        if answer is not None:
            entry["answer"] = [
                {
                    "valueCoding": {
                        "system": f"urn:tutti:measure:{response.measure.code}:answer",
                        "code": str(answer),
                    }
                }
            ]
        items.append(entry)
    for name, value in (("raw", response.raw_score), ("metric", response.metric_score)):
        if value is not None:
            items.append({"linkId": SCORE_LINK_IDS[name], "answer": [{"valueDecimal": value}]})
    return items


def questionnaire_response(response, *, base_url) -> dict:
    """A completed response as a FHIR R4 QuestionnaireResponse (JSON-ready dict), validated."""
    if not response.is_completed:
        raise ValueError("Only a completed response can be exported.")
    data = {
        "resourceType": "QuestionnaireResponse",
        "id": f"tutti-response-{response.pk}",
        "questionnaire": questionnaire_url(base_url, response.measure.code),
        "status": "completed",
        "authored": timezone.localtime(response.completed_at).isoformat(),
        "item": _answer_items(response),
    }
    person = response.person
    if person is not None:
        subject = {"reference": f"Patient/{person.pk}"}
        if person.nhs_number:
            subject["identifier"] = {"system": NHS_NUMBER_SYSTEM, "value": person.nhs_number}
        data["subject"] = subject
        if response.answered_by == AnsweredBy.PERSON:
            data["source"] = subject
        elif response.answered_by in (AnsweredBy.PROXY, AnsweredBy.FAMILY):
            data["source"] = {"display": response.proxy_relationship or "Family member or carer"}
    elif response.organisation_id:
        data["subject"] = {"display": response.organisation.name}
    if response.entered_by_id:
        data["author"] = {"display": response.entered_by.display_name}
    return QuestionnaireResponse.model_validate(data).model_dump(mode="json", exclude_none=True)
