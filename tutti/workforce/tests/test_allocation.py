"""The block on new allocations: who the offer code may give a new client to."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutti.workforce.selectors import (
    ensure_therapist_can_take_new_clients,
    therapist_can_take_new_clients,
    therapists_available_for_allocation,
)
from tutti.workforce.tests.factories import TherapistFactory, TraineeFactory

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 10)


def test_a_therapist_whose_registration_lapsed_cannot_be_given_new_clients():
    lapsed = TherapistFactory(registration_expires=TODAY - timedelta(days=1))
    allowed, reason = therapist_can_take_new_clients(lapsed, on=TODAY)
    assert not allowed
    assert "HCPC registration ran out on 9 March 2027" in reason
    assert "cannot be given new clients" in reason
    assert lapsed not in therapists_available_for_allocation(on=TODAY)
    with pytest.raises(ValidationError) as error:
        ensure_therapist_can_take_new_clients(lapsed, on=TODAY)
    assert "ran out" in error.value.message_dict["therapist"][0]


def test_registration_is_valid_through_its_last_day():
    therapist = TherapistFactory(registration_expires=TODAY)
    assert therapist_can_take_new_clients(therapist, on=TODAY) == (True, "")
    assert therapist in therapists_available_for_allocation(on=TODAY)
    assert therapist_can_take_new_clients(therapist, on=TODAY + timedelta(days=1))[0] is False


def test_a_renewal_lifts_the_block():
    therapist = TherapistFactory(registration_expires=TODAY - timedelta(days=30))
    assert not therapist_can_take_new_clients(therapist, on=TODAY)[0]
    therapist.registration_expires = TODAY + timedelta(days=700)
    therapist.save()
    assert therapist_can_take_new_clients(therapist, on=TODAY) == (True, "")


def test_trainees_need_a_supervisor_and_a_placement_that_has_not_ended():
    trainee = TraineeFactory()
    assert therapist_can_take_new_clients(trainee, on=TODAY) == (True, "")
    trainee.placement_ends_on = TODAY - timedelta(days=1)
    trainee.save()
    allowed, reason = therapist_can_take_new_clients(trainee, on=TODAY)
    assert not allowed and "placement ended" in reason
    assert trainee not in therapists_available_for_allocation(on=TODAY)


def test_switched_off_accounts_are_never_available():
    therapist = TherapistFactory()
    therapist.user.is_active = False
    therapist.user.save()
    assert not therapist_can_take_new_clients(therapist, on=TODAY)[0]
    assert not therapists_available_for_allocation(on=TODAY).exists()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    trainee=st.booleans(),
    has_supervisor=st.booleans(),
    days_to_expiry=st.one_of(st.none(), st.integers(-400, 400)),
    placement_days_left=st.one_of(st.none(), st.integers(-30, 30)),
    active=st.booleans(),
)
def test_the_queryset_and_the_function_always_agree(
    trainee, has_supervisor, days_to_expiry, placement_days_left, active
):
    """The optimiser reads the queryset, the offer code calls the function: they must never
    disagree about anyone."""
    supervisor = TherapistFactory() if has_supervisor else None
    therapist = TherapistFactory(
        is_trainee=trainee,
        hcpc_number="" if trainee else "MT55555",
        registration_expires=None
        if days_to_expiry is None
        else TODAY + timedelta(days=days_to_expiry),
        supervisor=supervisor if trainee else None,
        placement_ends_on=None
        if placement_days_left is None or not trainee
        else TODAY + timedelta(days=placement_days_left),
    )
    therapist.user.is_active = active
    therapist.user.save()
    allowed, reason = therapist_can_take_new_clients(therapist, on=TODAY)
    listed = therapists_available_for_allocation(on=TODAY).filter(pk=therapist.pk).exists()
    assert allowed == listed
    assert bool(reason) != allowed
    therapist.delete()
    if supervisor:
        supervisor.delete()
