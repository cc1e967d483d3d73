"""Finding the person a referral is for, when they are already known."""

from datetime import date

import pytest

from tutti.people.tests.factories import PersonFactory
from tutti.referrals.matching import find_known_person
from tutti.referrals.models import PersonMatch

pytestmark = pytest.mark.django_db

BORN = date(2008, 5, 17)


def find(**details):
    asked = {"date_of_birth": BORN, "postcode": "NW1 2DB", **details}
    return find_known_person(**asked)


def test_someone_new_is_new():
    PersonFactory(given_name="Ava", family_name="Stone", nhs_number="9434765919")
    assert find(given_name="Ben", family_name="Stone", nhs_number="9434765870") == (
        None,
        PersonMatch.NEW,
    )


def test_the_nhs_number_finds_them_whatever_the_other_details_say():
    known = PersonFactory(nhs_number="9434765919", postcode="E1 6AN")
    assert find(given_name="Someone", family_name="Else", nhs_number="9434765919") == (
        known,
        PersonMatch.NHS_NUMBER,
    )


def test_name_birth_and_postcode_find_them_with_other_capitals_and_spacing():
    PersonFactory(given_name="Ava", family_name="Stones")  # same birthday and postcode
    known = PersonFactory(given_name="Mary Ann", family_name="O'Neill")
    assert find(given_name="  mary   ANN ", family_name="o'neill") == (
        known,
        PersonMatch.NAME_DOB_POSTCODE,
    )
    # An NHS number nobody has does not stop the name from finding them.
    assert find(given_name="Mary Ann", family_name="O'Neill", nhs_number="9434765870") == (
        known,
        PersonMatch.NAME_DOB_POSTCODE,
    )


def test_the_same_birthday_and_postcode_alone_is_not_a_match():
    PersonFactory(given_name="Ava", family_name="Stone")
    assert find(given_name="Eve", family_name="Stone") == (None, PersonMatch.NEW)
    # Nor the same name at another postcode or born another day.
    assert find(given_name="Ava", family_name="Stone", postcode="NW1 2DA")[0] is None
    assert find(given_name="Ava", family_name="Stone", date_of_birth=date(2008, 5, 18))[0] is None
