import pytest
from django.core.exceptions import ValidationError

from tutti.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_age_range_must_run_upwards():
    programme = ProgrammeFactory.build(min_age=24, max_age=16)
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert "max_age" in error.value.message_dict


def test_unknown_need_codes_are_named():
    programme = ProgrammeFactory.build(needs=["communication", "juggling"])
    with pytest.raises(ValidationError, match="juggling"):
        programme.full_clean()


@pytest.mark.parametrize("code", ["camden-16-24", "CAMDEN 16", "-CAMDEN", "CAMDEN--16"])
def test_programme_codes_are_capitals_digits_and_hyphens(code):
    with pytest.raises(ValidationError):
        ProgrammeFactory.build(code=code).full_clean()
    ProgrammeFactory.build(code="CAMDEN-16-24").full_clean()
