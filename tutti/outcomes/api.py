"""The public measures API: definitions, scoring and FHIR Questionnaires. No personal data is
read or kept; the API's rate limits apply (429 with Retry-After)."""

from ninja import Router, Status

from tutti.config.api import error_body
from tutti.outcomes import fhir, scoring
from tutti.outcomes.presenters import measure_for_api
from tutti.outcomes.schemas import ErrorOut, MeasureOut, ScoreIn, ScoreOut
from tutti.outcomes.selectors import active_measures

router = Router(tags=["measures"])


def _base_url(request):
    return request.build_absolute_uri("/")


def _measure(code):
    return active_measures().filter(code=code.strip().lower()).first()


def _unknown(code):
    codes = ", ".join(active_measures().values_list("code", flat=True))
    return Status(
        404, error_body((None, f"There is no measure with code '{code}'. The codes are: {codes}."))
    )


@router.get("", auth=None, response=list[MeasureOut], summary="The measure library")
def measure_list(request):
    """Every measure and feedback survey by code, with its items, scale, scoring rule,
    missing-item rule, bands, reliable-change figures and licence note. Licensed wording is
    never published."""
    return [measure_for_api(measure) for measure in active_measures()]


@router.get("/{code}", auth=None, response={200: MeasureOut, 404: ErrorOut}, summary="One measure")
def measure_detail(request, code: str):
    measure = _measure(code)
    if measure is None:
        return _unknown(code)
    return Status(200, measure_for_api(measure))


@router.post(
    "/{code}/score",
    auth=None,
    response={200: ScoreOut, 404: ErrorOut, 422: ErrorOut},
    summary="Score a list of answers",
)
def measure_score(request, code: str, payload: ScoreIn):
    """Score answers exactly as the measure's authors define it. 422 names each answer that
    is off the scale or missing where the measure cannot be scored without it."""
    measure = _measure(code)
    if measure is None:
        return _unknown(code)
    try:
        result = scoring.score(measure.definition, payload.answers)
    except scoring.AnswerError as error:
        return Status(422, error_body(*error.errors))
    if not result.scored:
        return Status(422, error_body(*result.problems))
    return Status(200, result.as_dict())


@router.get(
    "/{code}/fhir",
    auth=None,
    response={200: dict, 404: ErrorOut},
    summary="The measure as a FHIR R4 Questionnaire",
)
def measure_questionnaire(request, code: str):
    measure = _measure(code)
    if measure is None:
        return _unknown(code)
    return Status(200, fhir.questionnaire(measure, base_url=_base_url(request)))
