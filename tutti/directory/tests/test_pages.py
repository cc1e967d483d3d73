import re
from datetime import time, timedelta

import pytest
from django.utils import timezone

from tutti.delivery.models import Group
from tutti.delivery.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db


def page(response):
    """The page's HTML with runs of white space made one space, as a reader sees it."""
    html = response.content.decode().replace("&#39;", "'").replace("&#34;", '"')
    return re.sub(r"\s+", " ", html)


def names_in_order(html):
    """The programme names of the result cards, top to bottom."""
    return re.findall(r'<h3 class="nhsuk-card__heading[^"]*"><a href="[^"]+">([^<]+)</a>', html)


def test_the_list_shows_every_programme_taking_referrals_by_name(client, directory):
    response = client.get("/services/")
    html = page(response)
    assert response.status_code == 200
    assert "<h1>Find music therapy</h1>" in html
    assert names_in_order(html) == [
        "Camden Young Voices",
        "Individual music therapy at the Holloway centre",
        "Music therapy in Herefordshire primary schools",
        "Online music therapy for adults",
    ]
    assert "A choir that has closed" not in html
    assert 'href="/services/CAMDEN-16-24/"' in html
    assert '<label class="nhsuk-label" for="id_postcode" > Postcode </label>' in html


def test_a_link_worker_finds_the_camden_group_nearest_to_a_camden_postcode(client, directory):
    html = page(client.get("/services/", {"postcode": "nw12db"}))
    assert "4 services, nearest to NW1 2DB first" in html
    order = names_in_order(html)
    assert order[0] == "Camden Young Voices"
    assert order[1] == "Individual music therapy at the Holloway centre"
    # Hereford is far away; online has no place to travel to, so it comes last.
    assert order[2:] == [
        "Music therapy in Herefordshire primary schools",
        "Online music therapy for adults",
    ]
    assert "0.4 miles away" in html  # NW1 2DB to Agar Grove (NW1 0PP): 0.7 km
    assert (
        "Only for people who live in Herefordshire, County of: NW1 2DB is not in this area" in html
    )
    assert 'value="nw12db"' in html  # what was typed stays in the box


@pytest.mark.parametrize(
    "typed, message",
    [
        ("NW1", "Enter a full UK postcode, like SW1A 1AA."),
        ("QQ1 1QQ", "QQ1 1QQ is not a valid UK postcode"),
        ("NW1 9ZZ", "We could not find NW1 9ZZ. Check it and enter it again"),
        ("ZZ99 3VZ", "ZZ99 3VZ is not the postcode of an address"),
        ("AB11 3AG", "We do not know where AB11 3AG is on a map"),
        ("x" * 40, "Enter a UK postcode, like NW1 2DB."),
    ],
)
def test_a_postcode_that_cannot_be_used_is_explained_next_to_the_field(
    client, directory, typed, message
):
    response = client.get("/services/", {"postcode": typed, "need": "confidence"})
    html = page(response)
    assert response.status_code == 200
    assert "There is a problem" in html  # the error summary
    assert 'href="#id_postcode"' in html
    field_error = re.search(r'id="id_postcode-error" > <span[^>]*>Error: </span>([^<]*)<', html)
    assert message in field_error.group(1)
    assert f'value="{typed}"' in html  # what was typed is kept
    assert "<title>Error: Find music therapy" in html
    # The valid part of the search still applies.
    assert names_in_order(html) == ["Camden Young Voices"]


def test_filtering_by_need_and_by_circumstance(client, directory):
    html = page(client.get("/services/", {"need": "communication"}))
    assert names_in_order(html) == [
        "Individual music therapy at the Holloway centre",
        "Music therapy in Herefordshire primary schools",
    ]
    html = page(client.get("/services/", {"circumstance": "dementia"}))
    assert names_in_order(html) == ["Online music therapy for adults"]
    html = page(client.get("/services/", {"need": "communication", "circumstance": "dementia"}))
    assert names_in_order(html) == []
    assert "No service matches what you chose" in html


def test_an_unknown_need_is_an_error_next_to_its_field(client, directory):
    html = page(client.get("/services/", {"need": "flying"}))
    assert "Choose something from the list." in html
    assert 'href="#id_need"' in html


def test_the_programme_page_says_who_it_is_for_where_when_and_how_to_be_referred(client, directory):
    response = client.get("/services/CAMDEN-16-24/")
    html = page(response)
    assert response.status_code == 200
    assert "<h1>Camden Young Voices</h1>" in html
    assert "Group music therapy, at a community venue" in html
    assert "<li>Ages 16–24</li>" in html
    assert "<li>People who live in Camden or have a GP there</li>" in html
    assert (
        "<li>People with any of these: <ul> <li>Mental health</li><li>Social isolation</li>" in html
    )
    assert "<li>Self-expression</li>" in html
    assert "Agar Grove<br>Camden Town<br>London<br>NW1 0PP" in html
    assert "Step-free entrance; accessible toilet." in html
    assert "12 weekly sessions of 90 minutes" in html
    assert 'href="/refer/?programme=CAMDEN-16-24"' in html
    assert 'href="/refer/professional/"' in html
    assert 'choose "Camden Young Voices"' in html


def test_a_closed_programme_says_so_and_offers_no_referral(client, directory):
    html = page(client.get("/services/closed-choir/"))
    assert "Not taking referrals at the moment" in html
    assert "/refer/?programme=" not in html


def test_an_unknown_programme_is_not_found(client, directory):
    assert client.get("/services/NO-SUCH-THING/").status_code == 404


def test_a_group_s_day_and_time_is_the_programme_s_timetable(client, directory):
    today = timezone.localdate()
    site = directory.young.sites.get()
    GroupFactory(
        programme=directory.young,
        site=site,
        weekday=1,
        start_time=time(18, 0),
        minutes=90,
        starts_on=today + timedelta(days=10),
        therapists=[],
    )
    GroupFactory(programme=directory.young, site=site, status=Group.Status.FINISHED, therapists=[])
    html = page(client.get("/services/CAMDEN-16-24/"))
    assert "Tuesdays, 6pm to 7:30pm, at Agar Grove Community Centre" in html
    assert f"Starts {(today + timedelta(days=10)):%-d %B %Y}: 12 weekly sessions" in html
    assert html.count("Tuesdays,") == 1  # the finished group is not shown
    listing = page(client.get("/services/"))
    assert "Tuesdays, 6pm to 7:30pm, at Agar Grove Community Centre" in listing


def test_the_home_page_links_to_the_directory(client, db):
    assert 'href="/services/"' in page(client.get("/"))
