from datetime import date

import pytest
from django.core.exceptions import ValidationError

from tutti.workforce.tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", ["AS12345", "MT", "mt-123", "MT12 345", "12345"])
def test_hcpc_number_must_be_mt_and_digits(number):
    therapist = TherapistFactory.build(user=TherapistFactory().user, hcpc_number=number)
    with pytest.raises(ValidationError) as error:
        therapist.full_clean()
    assert "hcpc_number" in error.value.message_dict


def test_trainee_needs_a_supervisor_who_is_qualified():
    trainee = TherapistFactory(
        is_trainee=True, hcpc_number="", registration_expires=None, supervisor=TherapistFactory()
    )
    trainee.full_clean()
    other = TherapistFactory.build(
        user=TherapistFactory().user,
        is_trainee=True,
        hcpc_number="",
        registration_expires=None,
        supervisor=None,
    )
    with pytest.raises(ValidationError, match="supervising therapist"):
        other.full_clean()
    other.supervisor = trainee
    with pytest.raises(ValidationError, match="cannot be a supervisor"):
        other.full_clean()


def test_registration_lapses_after_its_expiry_date():
    therapist = TherapistFactory(registration_expires=date(2026, 1, 31))
    assert not therapist.registration_lapsed(date(2026, 1, 31))
    assert therapist.registration_lapsed(date(2026, 2, 1))
