"""The Open Referral UK feed at /api/oruk/: every answer checked against the profile's
published JSON schemas (tests/data/oruk), paging, each filter, and every way to ask badly."""

import json
import uuid
from datetime import time, timedelta

import pytest
from django.utils import timezone

from tutti.core.vocab import Circumstance
from tutti.delivery.tests.factories import GroupFactory, GroupMembershipFactory
from tutti.directory.ids import NAMESPACE
from tutti.directory.taxonomy import TAXONOMIES
from tutti.organisations.models import Organisation, Site
from tutti.programmes.models import Programme
from tutti.workforce.tests.factories import TherapistFactory

from .oruk_schemas import assert_valid

pytestmark = pytest.mark.django_db
FEED = "/api/oruk"


def get(client, path, params=None, status=200):
    response = client.get(FEED + path, params or {})
    assert response.status_code == status, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def names(body):
    return [item["name"] for item in body["contents"]]


def error_of(body):
    [error] = body["errors"]
    return error["field"], error["message"]


@pytest.fixture
def group(directory):
    """The Camden group meets on Tuesdays at 6pm; a therapist and a member are in it."""
    therapist = TherapistFactory(
        user__first_name="Imogen", user__last_name="Thackeray", user__email="it@tutti.example"
    )
    group = GroupFactory(
        therapists=[therapist],
        programme=directory.young,
        site=directory.young.sites.get(),
        weekday=1,
        start_time=time(18, 0),
        minutes=90,
        starts_on=timezone.localdate() + timedelta(days=10),
    )
    person = GroupMembershipFactory(group=group).episode.referral.person
    person.given_name, person.family_name = "Zebedee", "Quartermaine"
    person.save()
    return group


def test_the_root_says_which_standard_and_where_its_openapi_is(client, db):
    body = get(client, "/")
    assert body == {
        "version": "HSDS-UK-3.0",
        "profile": "https://github.com/OpenReferralUK/uk-profile",
        "openapi_url": "http://testserver/api/oruk/openapi.json",
    }
    openapi = client.get("/api/oruk/openapi.json").json()
    assert {"/api/oruk/services", "/api/oruk/services/{id}", "/api/oruk/taxonomy_terms"} <= set(
        openapi["paths"]
    )


def test_every_list_and_record_validates_against_the_profile(client, directory, group):
    lists = {
        "/services": ("compiled/service_list.json", "compiled/service.json"),
        "/service_at_locations": (
            "compiled/service_at_location_list.json",
            "compiled/service_at_location.json",
        ),
        "/organizations": ("compiled/organization_list.json", "compiled/organization.json"),
        "/taxonomies": ("taxonomy.json", "taxonomy.json"),
        "/taxonomy_terms": ("taxonomy_term.json", "taxonomy_term.json"),
    }
    for path, (item_schema, record_schema) in lists.items():
        body = get(client, path, {"per_page": 500})
        assert_valid(body, item_schema, page=True)
        assert body["contents"], path
        for item in body["contents"]:
            assert_valid(get(client, f"{path}/{item['id']}"), record_schema)
    # Filtered and near a postcode too.
    near = {"postcode": "NW1 2DB", "proximity": "5000"}
    assert_valid(get(client, "/services", near), "compiled/service_list.json", page=True)
    assert_valid(
        get(client, "/service_at_locations", near),
        "compiled/service_at_location_list.json",
        page=True,
    )
    # A service that has closed still answers by its id.
    closed = str(uuid.uuid5(NAMESPACE, f"programme:{directory.closed.pk}"))
    assert_valid(get(client, f"/services/{closed}"), "compiled/service.json")


def test_the_schemas_refuse_what_the_standard_does_not_allow():
    from jsonschema import ValidationError

    bad = {"id": "not-a-uuid", "name": "A service", "status": "open"}
    with pytest.raises(AssertionError, match="is not a 'uuid'"):
        assert_valid(bad, "compiled/service.json")
    with pytest.raises(AssertionError, match="'open' is not one of"):
        assert_valid(bad | {"id": str(uuid.uuid4())}, "compiled/service.json")
    with pytest.raises(AssertionError, match="'total_items' is a required property"):
        assert_valid({"contents": []}, "compiled/service_list.json", page=True)
    assert ValidationError  # the library is there


def test_a_service_carries_its_locations_schedules_areas_and_needs(client, directory, group):
    young = str(uuid.uuid5(NAMESPACE, f"programme:{directory.young.pk}"))
    body = get(client, f"/services/{young}")
    assert body["name"] == "Camden Young Voices"
    assert body["status"] == "active"
    assert (body["minimum_age"], body["maximum_age"]) == (16, 24)
    assert body["url"] == "http://testserver/services/CAMDEN-16-24/"
    assert (
        "Who it is for: ages 16–24; people who live in Camden or have a GP there"
        in (body["description"])
    )
    assert body["organization"]["name"] == "Tutti Music Therapy"
    [at] = body["service_at_locations"]
    location = at["location"]
    assert location["name"] == "Agar Grove Community Centre"
    assert (location["latitude"], location["longitude"]) == (51.53592, -0.13006)
    [address] = location["addresses"]
    assert address == {
        "id": address["id"],
        "location_id": location["id"],
        "address_1": "Agar Grove, Camden Town",
        "city": "London",
        "region": "London",
        "state_province": "Camden",
        "postal_code": "NW1 0PP",
        "country": "GB",
        "address_type": "physical",
    }
    assert location["accessibility"][0]["description"] == "Step-free entrance; accessible toilet."
    weekly = [s for s in body["schedules"] if "byday" in s]
    assert len(weekly) == 1
    slot = weekly[0]
    assert (slot["freq"], slot["interval"], slot["byday"]) == ("WEEKLY", 1, "TU")
    assert slot["opens_at"][:5] == "18:00" and slot["closes_at"][:5] == "19:30"
    assert slot["opens_at"][5:] in ("Z", "+01:00")
    assert slot["service_at_location_id"] == at["id"]
    assert slot["dtstart"] == group.starts_on.isoformat()
    assert slot["valid_to"] == (group.starts_on + timedelta(weeks=11)).isoformat()
    assert [a["uri"] for a in body["service_areas"]] == [
        "http://statistics.data.gov.uk/id/statistical-geography/E09000007"
    ]
    tags = {(a["link_type"], a["taxonomy_term"]["term"]) for a in body["attributes"]}
    assert tags == {
        ("need", "self_expression"),
        ("need", "confidence"),
        ("eligibility", "mental_health"),
        ("eligibility", "social_isolation"),
    }


def test_nothing_about_a_person_is_ever_in_the_feed(client, directory, group):
    member = group.memberships.get().episode.referral.person
    therapist = group.therapists.get().user
    directory.community.email = "jo.bloggs@agar-grove.example"  # a host's staff address
    directory.community.save()
    everything = []
    for path in ["/services", "/service_at_locations", "/organizations"]:
        for item in get(client, path)["contents"]:
            everything.append(get(client, f"{path}/{item['id']}"))
    text = json.dumps(everything)
    for private in [
        member.given_name,
        member.family_name,
        therapist.get_full_name(),
        therapist.email,
        group.name,
        directory.community.email,
    ]:
        assert private and private not in text


def test_ids_are_uuids_derived_from_the_record_and_never_change(client, directory):
    body = get(client, "/services")
    ids = {item["name"]: item["id"] for item in body["contents"]}
    assert ids["Camden Young Voices"] == str(
        uuid.uuid5(NAMESPACE, f"programme:{directory.young.pk}")
    )
    directory.young.code = "CAMDEN-YOUNG"
    directory.young.save()
    assert get(client, "/services")["contents"][0]["id"] == ids["Camden Young Voices"]


def test_paging_uses_the_standard_envelope(client, directory):
    first = get(client, "/services", {"per_page": 3})
    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 4,
        "total_pages": 2,
        "page_number": 1,
        "size": 3,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    second = get(client, "/services", {"per_page": 3, "page": 2})
    assert (second["size"], second["first_page"], second["last_page"]) == (1, False, True)
    assert names(first) + names(second) == names(get(client, "/services"))
    beyond = get(client, "/services", {"per_page": 3, "page": 9})
    assert (beyond["contents"], beyond["empty"], beyond["page_number"]) == ([], True, 9)


def test_closed_programmes_are_left_out_of_the_lists(client, directory):
    assert "A choir that has closed" not in names(get(client, "/services"))
    closed = str(uuid.uuid5(NAMESPACE, f"programme:{directory.closed.pk}"))
    body = get(client, f"/services/{closed}")
    assert (body["status"], body["alert"]) == ("inactive", "Not taking referrals at the moment.")


def test_search_matches_every_word_anywhere_in_the_service(client, directory):
    assert names(get(client, "/services", {"search": "songwriting CAMDEN"})) == [
        "Camden Young Voices"
    ]
    assert names(get(client, "/services", {"search": "hereford"})) == [
        "Music therapy in Herefordshire primary schools"
    ]
    assert names(get(client, "/services", {"search": "dementia"})) == [
        "Online music therapy for adults"
    ]
    assert get(client, "/services", {"search": "trombone"})["empty"] is True


def test_filter_by_taxonomy_term_and_taxonomy(client, directory):
    confidence = TAXONOMIES["need"].term_id("confidence")
    assert names(get(client, "/services", {"taxonomy_term_id": confidence})) == [
        "Camden Young Voices"
    ]
    autism = TAXONOMIES["circumstance"].term_id("autism").upper()  # case does not matter
    assert len(names(get(client, "/services", {"taxonomy_term_id": autism}))) == 2
    assert get(client, "/services", {"taxonomy_term_id": str(uuid.uuid4())})["empty"]
    circumstances = TAXONOMIES["circumstance"].id
    assert get(client, "/services", {"taxonomy_id": circumstances})["total_items"] == 4
    terms = get(client, "/taxonomy_terms", {"taxonomy_id": circumstances, "per_page": 100})
    assert terms["total_items"] == len(Circumstance)
    assert {t["taxonomy_id"] for t in terms["contents"]} == {circumstances}


def test_filter_by_organization(client, directory):
    host = get(client, "/organizations", {"search": "agar"})["contents"][0]["id"]
    assert names(get(client, "/services", {"organization_id": host})) == ["Camden Young Voices"]
    service = get(client, "/organizations")["contents"][0]
    assert service["name"] == "Tutti Music Therapy"
    assert get(client, "/services", {"organization_id": service["id"]})["total_items"] == 4
    assert get(client, "/services", {"organization_id": str(uuid.uuid4())})["empty"]
    hosted = get(client, f"/organizations/{host}")
    assert [s["name"] for s in hosted["services"]] == ["Camden Young Voices"]


def test_filter_by_modified_after(client, directory):
    long_ago = timezone.now() - timedelta(days=400)
    for model in (Programme, Site, Organisation):  # update() leaves auto_now alone
        model.objects.update(updated_at=long_ago)
    directory.young.sites.get().save()  # the Camden group's venue changed today
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert names(get(client, "/services", {"modified_after": since})) == ["Camden Young Voices"]
    assert get(client, "/services", {"modified_after": "2000-01-01"})["total_items"] == 4
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert get(client, "/services", {"modified_after": tomorrow})["empty"]


def test_a_link_worker_finds_the_camden_group_by_postcode_and_distance(client, directory):
    near = get(client, "/services", {"postcode": "NW1 2DB", "proximity": "1000"})
    assert names(near) == ["Camden Young Voices"]  # Agar Grove is 0.7 km away
    wider = get(client, "/services", {"postcode": "nw12db", "proximity": "5000"})
    assert names(wider) == [
        "Camden Young Voices",
        "Individual music therapy at the Holloway centre",  # N7 is 3 km away
    ]
    # Without a distance: every service whose area includes the postcode, nearest first.
    in_area = get(client, "/services", {"postcode": "NW1 2DB"})
    assert names(in_area) == [
        "Camden Young Voices",
        "Individual music therapy at the Holloway centre",
        "Online music therapy for adults",
    ]
    at = get(client, "/service_at_locations", {"postcode": "NW1 2DB", "proximity": "1000"})
    assert [c["location"]["name"] for c in at["contents"]] == ["Agar Grove Community Centre"]


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"page": "0"}, "page", "page must be a whole number, 1 or more."),
        ({"page": "two"}, "page", "page must be a whole number, 1 or more."),
        ({"per_page": "100000"}, "per_page", "per_page must be a whole number from 1 to 500."),
        ({"per_page": "0"}, "per_page", "per_page must be a whole number from 1 to 500."),
        ({"proximity": "1000"}, "proximity", "proximity needs a postcode to measure from."),
        (
            {"postcode": "NW1 2DB", "proximity": "-5"},
            "proximity",
            "proximity must be a distance in metres, more than 0 and at most 1,000,000.",
        ),
        (
            {"taxonomy_term_id": "autism"},
            "taxonomy_term_id",
            f"taxonomy_term_id must be a UUID, like {NAMESPACE}.",
        ),
        (
            {"organization_id": "12"},
            "organization_id",
            f"organization_id must be a UUID, like {NAMESPACE}.",
        ),
        (
            {"modified_after": "last tuesday"},
            "modified_after",
            "modified_after must be a date like 2025-01-31 or a date and time like "
            "2025-01-31T09:00:00Z.",
        ),
        ({"modified_after": "2025-13-45"}, "modified_after", "modified_after must be a date"),
        ({"postcode": "banana"}, "postcode", "banana is not a UK postcode."),
        ({"postcode": "NW1 9ZZ"}, "postcode", "NW1 9ZZ is not a postcode we can find on a map."),
        ({"postcode": "AB11 3AG"}, "postcode", "AB11 3AG is not a postcode we can find"),
    ],
)
def test_a_parameter_that_cannot_be_used_gets_a_400_saying_why(
    client, directory, params, field, message
):
    body = get(client, "/services", params, status=400)
    assert error_of(body)[0] == field
    assert error_of(body)[1].startswith(message)
    get(client, "/service_at_locations", params, status=400)


def test_paging_limits_apply_to_every_list(client, directory):
    for path in ["/organizations", "/taxonomies", "/taxonomy_terms", "/service_at_locations"]:
        get(client, path, {"per_page": "100000"}, status=400)
    body = get(client, "/taxonomy_terms", {"taxonomy_id": "needs"}, status=400)
    assert error_of(body)[0] == "taxonomy_id"


@pytest.mark.parametrize(
    "path",
    ["/services", "/service_at_locations", "/organizations", "/taxonomies", "/taxonomy_terms"],
)
def test_an_unknown_or_malformed_id_is_a_404_in_json(client, directory, path):
    unknown = str(uuid.uuid4())
    field, message = error_of(get(client, f"{path}/{unknown}", status=404))
    assert field == "id" and message.endswith(f"with id '{unknown}'.")
    get(client, f"{path}/not-a-uuid", status=404)


def test_an_unknown_path_is_a_404_in_json(client, db):
    field, message = error_of(get(client, "/locations", status=404))
    assert message.startswith("There is nothing at /api/oruk/locations.")


def test_any_web_page_may_read_the_feed(client, db):
    preflight = client.options(
        FEED + "/services",
        HTTP_ORIGIN="https://directory.example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, OPTIONS"
    assert preflight["Access-Control-Allow-Headers"] == "accept"
    refused = client.post(FEED + "/services", {})
    assert refused.status_code == 405
    assert refused["Access-Control-Allow-Origin"] == "*"


def test_no_key_or_sign_in_is_needed(client, directory):
    assert client.get(FEED + "/services").status_code == 200
    client.cookies.clear()
    assert client.get(FEED + "/services", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 200
