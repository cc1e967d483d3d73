"""Programme eligibility: each rule checked, each answer given a reason in plain words.

Rules (all that a programme sets must be met):
- age on the referral date within min_age..max_age;
- where it lives or who its GP is: the home postcode's local authority, or its postcode
  district, or the GP practice, is one the programme serves (any one of these is enough);
- at least one of the programme's circumstances, and at least one of its needs, if it names any.
Missing information never counts as meeting a rule: the reason says what is needed.
"""

from dataclasses import dataclass, field
from datetime import date

from tutti.core.vocab import Circumstance, Need


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: list[str] = field(default_factory=list)


def _age_on(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _age_range(programme):
    low, high = programme.min_age, programme.max_age
    if low is not None and high is not None:
        return f"{low}–{high}"
    if low is not None:
        return f"{low} and over"
    return f"up to {high}"


def _labels(codes, choices):
    names = dict(choices.choices)
    return ", ".join(names.get(code, code).lower() for code in codes)


def check_eligibility(
    programme,
    *,
    on: date,
    date_of_birth: date | None = None,
    geography=None,
    gp_practice: str | None = None,
    gp_practice_name: str | None = None,
    needs=(),
    circumstances=(),
) -> Eligibility:
    """`geography` is a resolved postcode (tutti.geography) or None when no postcode is known."""
    ok = True
    reasons = []
    kind = "group" if programme.delivery_mode == "group" else "programme"

    if programme.min_age is not None or programme.max_age is not None:
        if date_of_birth is None:
            ok = False
            reasons.append(f"Date of birth needed: the {kind} is for ages {_age_range(programme)}")
        else:
            age = _age_on(date_of_birth, on)
            too_young = programme.min_age is not None and age < programme.min_age
            too_old = programme.max_age is not None and age > programme.max_age
            if too_young or too_old:
                ok = False
                reasons.append(f"Aged {age}: the {kind} is for {_age_range(programme)}")
            else:
                reasons.append(f"Aged {age}: within {_age_range(programme)}")

    if programme.local_authorities or programme.postcode_districts or programme.gp_practices:
        place_ok, place_reasons = _check_place(programme, geography, gp_practice, gp_practice_name)
        ok = ok and place_ok
        reasons.extend(place_reasons)

    for wanted, given, choices, what in (
        (programme.circumstances, circumstances, Circumstance, "circumstances"),
        (programme.needs, needs, Need, "needs"),
    ):
        if not wanted:
            continue
        matching = [code for code in given if code in wanted]
        if matching:
            reasons.append(f"Has {what} the {kind} works with: {_labels(matching, choices)}")
        else:
            ok = False
            reasons.append(f"The {kind} is for people with {_labels(wanted, choices)}")

    if not programme.open_to_referrals:
        ok = False
        reasons.append(f"The {kind} is not taking referrals at the moment")
    return Eligibility(eligible=ok, reasons=reasons)


def _check_place(programme, geography, gp_practice, gp_practice_name):
    """Any one of address (local authority or postcode district) or GP practice is enough."""
    found = []
    missed = []
    areas = ", ".join(programme.local_authority_names or programme.local_authorities)
    if geography is not None and getattr(geography, "status", None) == "found":
        la_name = geography.local_authority_name or geography.local_authority_code
        if geography.local_authority_code in programme.local_authorities:
            found.append(f"{geography.postcode} is in {la_name}")
        else:
            district = geography.postcode.split(" ")[0]
            if district in programme.postcode_districts:
                found.append(
                    f"{geography.postcode} is in the {district} area the {_noun(programme)} serves"
                )
            elif programme.local_authorities or programme.postcode_districts:
                missed.append(
                    f"{geography.postcode} is in {la_name}, not {areas or _districts(programme)}"
                )
    elif geography is not None and getattr(geography, "postcode", None):
        district = geography.postcode.split(" ")[0]
        if district in programme.postcode_districts:
            found.append(
                f"{geography.postcode} is in the {district} area the {_noun(programme)} serves"
            )
        elif programme.local_authorities or programme.postcode_districts:
            missed.append(f"We could not find where {geography.postcode} is")
    elif programme.local_authorities or programme.postcode_districts:
        missed.append("Postcode needed to check the area")

    if programme.gp_practices:
        code = (gp_practice or "").strip().upper()
        if code and code in programme.gp_practices:
            found.append(
                f"GP practice {gp_practice_name or code} is one the {_noun(programme)} serves"
            )
        elif code:
            missed.append(
                f"GP practice {gp_practice_name or code} is not one the {_noun(programme)} serves"
            )

    if found:
        return True, found
    where = areas or _districts(programme) or "the practices it serves"
    return False, missed + [
        f"The {_noun(programme)} is for people who live in {where}"
        + (" or have a GP there" if programme.gp_practices else "")
    ]


def _noun(programme):
    return "group" if programme.delivery_mode == "group" else "programme"


def _districts(programme):
    return ", ".join(programme.postcode_districts)
