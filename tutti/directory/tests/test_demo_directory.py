"""The issue's test: with the demo's programmes and the committed geography sample, a link
worker with a Camden postcode finds the Camden young people's group, on the page and in the
Open Referral UK feed."""

import re

import pytest

from tutti.demo.builders.base import Demo
from tutti.demo.builders.places import build_places
from tutti.demo.builders.programmes import build_programmes
from tutti.geography.tests.conftest import sample_geography  # noqa: F401 (a fixture)

from .oruk_schemas import assert_valid

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_programmes(sample_geography):  # noqa: F811
    demo = Demo.start(seed=8)
    build_places(demo)
    build_programmes(demo)
    return demo.programmes


def test_a_link_worker_in_camden_finds_camden_young_voices(client, demo_programmes):
    camden = demo_programmes["CAMDEN-16-24"]

    page = client.get("/services/", {"postcode": "NW1 2DB"}).content.decode()
    first = re.search(r'nhsuk-card__heading[^"]*"><a href="([^"]+)">([^<]+)</a>', page)
    assert first.groups() == ("/services/CAMDEN-16-24/", camden.name)
    assert "nearest to NW1 2DB first" in page

    feed = client.get("/api/oruk/services", {"postcode": "NW1 2DB", "proximity": "1500"})
    body = feed.json()
    assert_valid(body, "compiled/service_list.json", page=True)
    assert body["contents"][0]["name"] == camden.name
    full = client.get(f"/api/oruk/services/{body['contents'][0]['id']}").json()
    assert_valid(full, "compiled/service.json")
    [at] = full["service_at_locations"]
    assert at["location"]["addresses"][0]["postal_code"] == "NW1 0PP"
    assert at["location"]["addresses"][0]["state_province"] == "Camden"


def test_every_demo_service_validates(client, demo_programmes):
    body = client.get("/api/oruk/services", {"per_page": 100}).json()
    assert body["total_items"] == len(demo_programmes)
    for item in body["contents"]:
        assert_valid(client.get(f"/api/oruk/services/{item['id']}").json(), "compiled/service.json")
    organisations = client.get("/api/oruk/organizations").json()
    assert_valid(organisations, "compiled/organization_list.json", page=True)
    for item in organisations["contents"]:
        record = client.get(f"/api/oruk/organizations/{item['id']}").json()
        assert_valid(record, "compiled/organization.json")
