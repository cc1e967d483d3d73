"""The unmet need page: who may see it, what it says, the map when boundaries are loaded (and
what it says when they are not), its lists and a commissioner's view."""

import json

import pytest
from django.core.management import call_command

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.geography.boundaries import FILE_NAME
from tutti.geography.models import Area, LocalAuthority
from tutti.geography.tests.conftest import SAMPLE_DIR
from tutti.people.tests.factories import PersonFactory
from tutti.referrals.tests.factories import ReferralFactory
from tutti.reports.forms import dates_data
from tutti.reports.tests.unmet_world import YEAR, build_unmet_world, noon

pytestmark = pytest.mark.django_db
URL = "/reports/unmet-need/"
DATES = dates_data(*YEAR)
CAMDEN = "E09000007"


@pytest.fixture
def unmet_world(db):
    return build_unmet_world()


def signed_in(client, *roles, **user):
    client.force_login(UserFactory(roles=list(roles), **user))
    return client


def test_a_coordinator_sees_local_authorities_ranked_with_a_chart(client, unmet_world):
    signed_in(client, Role.COORDINATOR)
    response = client.get(URL, DATES)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Of the 3 local authorities listed, 1 has high need and low reach: Northtown" in page
    assert "Deprivation against referrals per 10,000 residents, by local authority" in page
    assert page.index(">Northtown<") < page.index(">Southvale<") < page.index(">Eastmere<")
    assert "counted as 1,671 residents" in page
    # The most deprived authority's neighbourhoods are shown; no boundaries, so no map.
    assert "Neighbourhoods in Northtown" in page
    assert "No map: LSOA boundaries are not loaded." in page
    assert (
        "In Northtown, 3 of 4 LSOAs are in the most deprived 20% of areas; 2 of them have "
        "fewer referrals per 10,000 residents than Northtown as a whole (3.0)."
    ) in page


def test_choosing_a_local_authority_and_every_local_authority(client, unmet_world):
    signed_in(client, Role.ADMINISTRATOR)
    page = client.get(URL, {**DATES, "la": "E09000902"}).content.decode()
    assert "Neighbourhoods in Southvale" in page
    everywhere = client.get(URL, {**DATES, "areas": "all"}).content.decode()
    assert (
        "Of the 4 local authorities listed, 2 have high need and low reach: Westford" in everywhere
    )


def test_the_map_of_camden_from_the_sample_boundaries(client, unmet_world):
    call_command("import_boundaries", str(SAMPLE_DIR / FILE_NAME), "--no-progress", verbosity=0)
    LocalAuthority.objects.create(code=CAMDEN, name="Camden", nation="England")
    for code, decile in [("E01000842", 3), ("E01000956", 2)]:
        Area.objects.create(
            code=code, kind=Area.Kind.LSOA21, local_authority_id=CAMDEN, imd_decile=decile
        )
    person = PersonFactory(lsoa_code="E01000956", local_authority_code=CAMDEN)
    ReferralFactory(person=person, programme=unmet_world.programme, received_at=noon(YEAR[0]))
    signed_in(client, Role.COORDINATOR)
    page = client.get(URL, {**DATES, "la": CAMDEN}).content.decode()
    assert "Neighbourhoods in Camden" in page
    assert 'class="tutti-map"' in page
    svg = page[
        page.index('class="tutti-map"') : page.index("</svg>", page.index('class="tutti-map"'))
    ]
    assert svg.count("<path d=") == 130  # every outline; none flagged
    assert "Map of Camden: referrals per 10,000 residents" in page
    assert "No figures for this area" in page  # the outlines without imported areas
    by_decile = client.get(URL, {**DATES, "la": CAMDEN, "map": "deprivation"}).content.decode()
    assert "Map of Camden: IMD decile (darker is more deprived)" in by_decile
    # Unless asked, the page opens on the most deprived authority with outlines loaded.
    assert "Neighbourhoods in Camden" in client.get(URL, DATES).content.decode()


def test_referral_counts_link_to_the_referrals(client, unmet_world):
    signed_in(client, Role.COORDINATOR)
    page = client.get(URL, DATES).content.decode()
    assert "/reports/unmet-need/referrals/?" in page
    listed = client.get("/reports/unmet-need/referrals/", {**DATES, "la": "E09000901"})
    text = listed.content.decode()
    assert "2 records" in text and unmet_world.n1.reference in text
    one = client.get("/reports/unmet-need/referrals/", {**DATES, "lsoa": "E01900004"})
    assert "1 record," in one.content.decode() and unmet_world.n4.reference in one.content.decode()
    deciles = client.get(
        "/reports/unmet-need/referrals/", {**DATES, "la": "E09000901", "decile": "6"}
    ).content.decode()
    assert "1 record," in deciles and unmet_world.n4.reference in deciles
    assert client.get("/reports/unmet-need/referrals/", DATES).status_code == 404


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.PARTNER, Role.REFERRER, Role.SUPERVISOR])
def test_other_roles_may_not_see_it(client, unmet_world, role):
    signed_in(client, role)
    assert client.get(URL, DATES).status_code == 403


def test_a_commissioner_sees_their_area_with_small_numbers_hidden(client, unmet_world):
    signed_in(client, Role.COMMISSIONER, organisation=unmet_world.funder)
    page = client.get(URL, {**DATES, "areas": "all"}).content.decode()
    assert ">Westford<" not in page  # only the area their programme serves and reaches
    assert "Every local authority with deprivation data" not in page
    assert "/reports/unmet-need/referrals/" not in page
    assert (
        client.get("/reports/unmet-need/referrals/", {**DATES, "la": "E09000901"}).status_code
        == 403
    )
    data = json.loads(client.get(URL, {**DATES, "format": "json"}).content)
    assert data["small_numbers_suppressed"] is True
    rows = {row[0]: row for row in data["tables"]["authorities"]["rows"]}
    assert rows["Northtown"][5] == "<5" and rows["Southvale"][5] == 6
    for table in data["tables"].values():
        for row in [*table["rows"], table["total"]]:
            for value in row[1:]:
                if isinstance(value, int) and 0 < value < 5:
                    column = table["columns"][row.index(value)]["key"]
                    assert column not in ("referrals",), (table["title"], row)


def test_the_csv_download(client, unmet_world):
    signed_in(client, Role.COORDINATOR)
    text = client.get(URL, {**DATES, "format": "csv"}).content.decode()
    assert "Local authorities, most deprived first" in text
    assert "Northtown,4,75,2.5,6684,2,3.0,0.0,Yes" in text


def test_without_geography_the_page_says_there_is_nothing_to_compare(client, db):
    signed_in(client, Role.COORDINATOR)
    response = client.get(URL, DATES)
    assert response.status_code == 200
    assert "There are no local authorities with deprivation data to compare." in (
        response.content.decode()
    )
    assert client.get(URL, {**DATES, "la": "nonsense", "map": "nonsense"}).status_code == 200
