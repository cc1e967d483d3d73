from datetime import date

from django.utils import timezone
from ninja import Router, Schema, Status

from tutti.config.api import error_body
from tutti.core.postcodes import normalise_postcode
from tutti.programmes.eligibility import check_eligibility
from tutti.programmes.models import Programme

router = Router(tags=["programmes"])


class EligibilityOut(Schema):
    eligible: bool
    reasons: list[str]


class ErrorOut(Schema):
    errors: list[dict]


@router.get(
    "/{code}/eligibility",
    auth=None,
    response={200: EligibilityOut, 404: ErrorOut, 422: ErrorOut},
    summary="Is this programme for me?",
)
def eligibility(
    request,
    code: str,
    date_of_birth: date | None = None,
    postcode: str | None = None,
    gp_practice: str | None = None,
):
    """The public "is this for me?" check: no personal data is stored or logged."""
    from tutti.geography.services import gp_practice as find_practice
    from tutti.geography.services import resolve_postcode

    programme = Programme.objects.filter(code=code.upper()).first()
    if programme is None:
        return Status(404, error_body((None, f"There is no programme with code '{code}'.")))
    today = timezone.localdate()
    if date_of_birth and date_of_birth > today:
        return Status(422, error_body(("date_of_birth", "Date of birth must be in the past.")))
    place = None
    if postcode:
        try:
            place = resolve_postcode(normalise_postcode(postcode))
        except Exception as error:  # ValidationError: say why, in the one error shape
            return Status(
                422, error_body(("postcode", " ".join(getattr(error, "messages", [str(error)]))))
            )
    practice_name = None
    if gp_practice:
        practice = find_practice(gp_practice.strip().upper())
        practice_name = practice.name.title() if practice else None
    result = check_eligibility(
        programme,
        on=today,
        date_of_birth=date_of_birth,
        geography=place,
        gp_practice=gp_practice,
        gp_practice_name=practice_name,
    )
    return Status(200, {"eligible": result.eligible, "reasons": result.reasons})
