"""Eligibility answers with reasons in plain words (the resolved postcode is a plain value)."""

from dataclasses import dataclass
from datetime import date

import pytest

from tutti.geography.models import LocalAuthority
from tutti.programmes.eligibility import check_eligibility
from tutti.programmes.tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 21)


@dataclass(frozen=True)
class Place:
    postcode: str
    status: str = "found"
    local_authority_code: str = "E09000007"
    local_authority_name: str = "Camden"


ISLINGTON = Place("N7 6PA", local_authority_code="E09000019", local_authority_name="Islington")


@pytest.fixture
def camden_group():
    LocalAuthority.objects.get_or_create(code="E09000007", defaults={"name": "Camden"})
    return ProgrammeFactory(
        code="CAMDEN-16-24",
        delivery_mode="group",
        min_age=16,
        max_age=24,
        local_authorities=["E09000007"],
        gp_practices=["F83004"],
    )


def born(years_before_today):
    """Date of birth of someone who turned this age today."""
    return date(TODAY.year - years_before_today, TODAY.month, TODAY.day)


def test_young_person_with_camden_address_is_eligible(camden_group):
    result = check_eligibility(
        camden_group, on=TODAY, date_of_birth=born(19), geography=Place("NW1 2DB")
    )
    assert result.eligible
    assert "Aged 19: within 16–24" in result.reasons
    assert "NW1 2DB is in Camden" in result.reasons


def test_too_old_says_by_how_much_in_plain_words(camden_group):
    result = check_eligibility(
        camden_group, on=TODAY, date_of_birth=born(25), geography=Place("NW1 2DB")
    )
    assert not result.eligible
    assert "Aged 25: the group is for 16–24" in result.reasons


@pytest.mark.parametrize("age, eligible", [(15, False), (16, True), (24, True), (25, False)])
def test_age_edges_on_the_referral_date(camden_group, age, eligible):
    result = check_eligibility(
        camden_group, on=TODAY, date_of_birth=born(age), geography=Place("NW1 2DB")
    )
    assert result.eligible is eligible


def test_birthday_tomorrow_is_still_the_younger_age(camden_group):
    sixteen_tomorrow = date(TODAY.year - 16, TODAY.month, TODAY.day + 1)
    result = check_eligibility(
        camden_group, on=TODAY, date_of_birth=sixteen_tomorrow, geography=Place("NW1 2DB")
    )
    assert not result.eligible
    assert "Aged 15: the group is for 16–24" in result.reasons


def test_camden_gp_is_enough_without_a_camden_address(camden_group):
    result = check_eligibility(
        camden_group,
        on=TODAY,
        date_of_birth=born(18),
        geography=ISLINGTON,
        gp_practice="f83004",
        gp_practice_name="Brunswick Medical Centre",
    )
    assert result.eligible
    assert "GP practice Brunswick Medical Centre is one the group serves" in result.reasons


def test_neither_address_nor_gp_in_camden(camden_group):
    result = check_eligibility(
        camden_group, on=TODAY, date_of_birth=born(18), geography=ISLINGTON, gp_practice="Y00001"
    )
    assert not result.eligible
    assert "N7 6PA is in Islington, not Camden" in result.reasons


def test_postcode_not_in_the_lookup_is_not_guessed(camden_group):
    result = check_eligibility(
        camden_group,
        on=TODAY,
        date_of_birth=born(18),
        geography=Place("NW1 9ZZ", status="not_found"),
    )
    assert not result.eligible
    assert "We could not find where NW1 9ZZ is" in result.reasons


def test_missing_information_is_asked_for(camden_group):
    result = check_eligibility(camden_group, on=TODAY)
    assert not result.eligible
    assert "Date of birth needed: the group is for ages 16–24" in result.reasons
    assert "Postcode needed to check the area" in result.reasons


def test_circumstances_the_programme_is_for():
    dementia = ProgrammeFactory(circumstances=["dementia"], delivery_mode="individual")
    assert check_eligibility(dementia, on=TODAY, circumstances=["dementia"]).eligible
    result = check_eligibility(dementia, on=TODAY, circumstances=["autism"])
    assert not result.eligible
    assert "The programme is for people with dementia" in result.reasons


def test_closed_programme_takes_no_referrals():
    closed = ProgrammeFactory(open_to_referrals=False)
    result = check_eligibility(closed, on=TODAY)
    assert not result.eligible
    assert any("not taking referrals" in reason for reason in result.reasons)


def test_programme_without_rules_is_open_to_all():
    assert check_eligibility(ProgrammeFactory(), on=TODAY).eligible


class TestEligibilityApi:
    """GET /api/v1/programmes/{code}/eligibility, on the real geography sample."""

    @pytest.fixture(autouse=True)
    def geography(self):
        from django.core.management import call_command

        sample = "tutti/geography/data/sample"
        call_command("import_geography", sample, "--no-progress", verbosity=0)

    def test_camden_young_person(self, client, camden_group):
        response = client.get(
            "/api/v1/programmes/CAMDEN-16-24/eligibility",
            {"date_of_birth": "2005-06-01", "postcode": "nw1 2db"},
        )
        assert response.status_code == 200
        assert response.json()["eligible"] is True
        assert "NW1 2DB is in Camden" in response.json()["reasons"]

    def test_too_old(self, client, camden_group):
        data = client.get(
            "/api/v1/programmes/camden-16-24/eligibility",
            {"date_of_birth": "1990-01-01", "postcode": "NW1 2DB"},
        ).json()
        assert data["eligible"] is False
        assert any(reason.startswith("Aged ") and "16–24" in reason for reason in data["reasons"])

    @pytest.mark.parametrize(
        "params, field",
        [
            ({"postcode": "QX1 1AA"}, "postcode"),
            ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
            ({"date_of_birth": "yesterday"}, "date_of_birth"),
        ],
    )
    def test_bad_input_is_422_naming_the_field(self, client, camden_group, params, field):
        response = client.get("/api/v1/programmes/CAMDEN-16-24/eligibility", params)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field

    def test_unknown_programme_is_404(self, client):
        assert client.get("/api/v1/programmes/NOPE/eligibility").status_code == 404

    def test_too_many_checks_from_one_address_get_429_with_retry_after(self, client, camden_group):
        statuses = [
            client.get("/api/v1/programmes/CAMDEN-16-24/eligibility").status_code
            for _ in range(125)
        ]
        assert statuses[0] == 200
        assert statuses[-1] == 429
        last = client.get("/api/v1/programmes/CAMDEN-16-24/eligibility")
        assert int(last["Retry-After"]) > 0
        assert "errors" in last.json()
