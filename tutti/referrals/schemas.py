from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from tutti.core.vocab import Circumstance, Need, Route
from tutti.referrals.models import Urgency

RouteCode = Literal[tuple(code for code in Route.values if code != Route.INTERNAL)]
NeedCode = Literal[tuple(Need.values)]
CircumstanceCode = Literal[tuple(Circumstance.values)]
UrgencyCode = Literal[tuple(Urgency.values)]


class PersonIn(Schema):
    given_name: str = Field(min_length=1, max_length=100)
    family_name: str = Field(min_length=1, max_length=100)
    date_of_birth: date
    nhs_number: str | None = Field(None, max_length=14, description="10 digits, spaces allowed")
    postcode: str = Field(min_length=1, max_length=10)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=30)


class ReferrerIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=254)
    organisation: str = Field(min_length=1, max_length=200)
    ods_code: str | None = Field(
        None,
        max_length=6,
        description="The organisation's ODS code. With route gp, an open GP practice on the "
        "ODS list, like F83006",
    )
    role: str | None = Field(None, max_length=100, description="Job title, like GP or SENCO")
    phone: str | None = Field(None, max_length=30)


class ReferralIn(Schema):
    route: RouteCode
    programme: str | None = Field(None, description="A programme code, like CAMDEN-16-24")
    person: PersonIn
    referrer: ReferrerIn
    needs: list[NeedCode] = []
    circumstances: list[CircumstanceCode] = []
    reason: str = Field(min_length=1, max_length=10000)
    consent_to_refer: bool
    # As the professional form asks them; all optional.
    urgency: UrgencyCode = Field(
        "routine", description="How soon support is needed; urgent if safeguarding_concern"
    )
    safeguarding_concern: bool = Field(
        False, description="A safeguarding concern the service must know about now"
    )
    risks: str = Field("", max_length=10000, description="Risks and safeguarding concerns")
    lives_alone: bool | None = None
    no_regular_social_contact: bool | None = Field(
        None, description="Does not see family, friends or a group regularly"
    )
    no_other_support: bool | None = Field(
        None, description="No other service or support is involved now"
    )
    other_services: str = Field(
        "", max_length=10000, description="Other services involved, each with a contact"
    )


class EventOut(Schema):
    status: str
    at: datetime


class ReferralOut(Schema):
    reference: str
    status: str
    programme: str | None
    eligible: bool | None
    eligibility_reasons: list[str]
    history: list[EventOut]


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    errors: list[ErrorItem]
