import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tutti.core.postcodes import is_pseudo_postcode, normalise_postcode


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("  SW1A   1AA ", "SW1A 1AA"),
        ("nw12db", "NW1 2DB"),
        ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A 0AX", "W1A 0AX"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("GIR 0AA", "GIR 0AA"),
        ("zz993vz", "ZZ99 3VZ"),
    ],
)
def test_valid_postcodes_are_stored_in_the_standard_form(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "QX1 1AA",  # Q never first
        "VX1 1AA",
        "AB1 1CI",  # C and I never in the inward code
        "AB1 1AK",
        "AI1 1AA",  # I never second
        "A1 AA",
        "SW1A 1A",
        "12345",
        "SW1A1AAA",
        "W1I 1AA",  # I is not allowed in A9A
        "EC1C 1BB",  # C is not allowed in AA9A
    ],
)
def test_invalid_postcodes_are_refused_with_a_reason(typed):
    with pytest.raises(ValidationError) as error:
        normalise_postcode(typed)
    assert "postcode" in str(error.value).lower()


def test_empty_postcode_asks_for_one():
    with pytest.raises(ValidationError, match="Enter a postcode"):
        normalise_postcode("   ")


def test_nhs_pseudo_postcode_means_no_fixed_abode():
    assert is_pseudo_postcode(normalise_postcode("ZZ99 3VZ"))
    assert not is_pseudo_postcode("NW1 2DB")


@given(st.text(max_size=12))
def test_any_text_is_either_normalised_or_refused_never_crashes(text):
    try:
        result = normalise_postcode(text)
    except ValidationError:
        return
    assert normalise_postcode(result) == result  # idempotent
    assert " " in result and result == result.upper()
