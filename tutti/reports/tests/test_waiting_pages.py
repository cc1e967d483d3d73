"""The waiting list page: who may see it, what it says, its downloads, its lists, and a
commissioner's view with small numbers hidden. Now is fixed at 20 March 2026 (waiting_world)."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.reports.forms import dates_data
from tutti.reports.tests.waiting_world import PERIOD, build_waiting_world, now

pytestmark = pytest.mark.django_db
URL = "/reports/waiting/"
DATES = dates_data(*PERIOD)


@pytest.fixture
def waiting_world(db, monkeypatch):
    monkeypatch.setattr(timezone, "now", now)
    return build_waiting_world()


def signed_in(client, *roles, **user):
    client.force_login(UserFactory(roles=list(roles), **user))
    return client


def test_a_coordinator_sees_the_list_over_time_waits_and_the_time_to_clear(client, waiting_world):
    signed_in(client, Role.COORDINATOR)
    response = client.get(URL, DATES)
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 January 2026 to 31 March 2026" in page
    assert (
        "6 people are waiting now, against 10 on 31 Jan 2026; 67% of them live in the most "
        "deprived 20% of areas."
    ) in page
    assert (
        "Of the 6 people waiting now, 3 have waited longer than their programme&#39;s target"
        in page
    )
    assert "median wait so far is 21.3 weeks, and 1 in 10 have waited more than 47.6 weeks" in page
    assert "The list is not getting shorter" in page and "There are 9 free places now." in page
    assert page.count('role="img"') == 2  # two charts, each with its table
    assert "People waiting at the end of each month, by IMD quintile" in page
    assert "26 to 52 weeks" in page


def test_one_programme_shows_its_target_and_when_the_list_would_clear(client, waiting_world):
    signed_in(client, Role.ADMINISTRATOR)
    page = client.get(URL, {**DATES, "programme": "WAIT-A"}).content.decode()
    assert "At these rates the list would clear in about 48 weeks" in page
    assert "26 to 52 weeks (over the 18-week target)" in page
    assert "Target: 18 weeks" in page  # the line on the chart
    assert "12 to 18 weeks (over" not in page


def test_without_dates_the_page_covers_the_last_twelve_months(client, waiting_world):
    signed_in(client, Role.COORDINATOR)
    page = client.get(URL).content.decode()
    assert "1 March 2025 to 20 March 2026" in page


def test_bad_dates_are_refused_next_to_the_field_and_kept(client, waiting_world):
    signed_in(client, Role.COORDINATOR)
    page = client.get(URL, {**DATES, "date_to_2": "2024"}).content.decode()
    assert "There is a problem" in page
    assert "The last day must be the same as or after the first" in page
    assert 'value="2024"' in page


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.PARTNER, Role.REFERRER, Role.SUPERVISOR])
def test_other_roles_may_not_see_it(client, waiting_world, role):
    signed_in(client, role)
    assert client.get(URL, DATES).status_code == 403
    assert client.get("/reports/waiting/referrals/", DATES).status_code == 403


def test_figures_link_to_the_referrals_they_count(client, waiting_world):
    w = waiting_world
    signed_in(client, Role.COORDINATOR)
    page = client.get(URL, DATES).content.decode()
    assert "/reports/waiting/referrals/?" in page

    def listed(**extra):
        response = client.get("/reports/waiting/referrals/", {**DATES, **extra})
        assert response.status_code == 200
        return response.content.decode()

    at_january = listed(at="2026-01-31", quintile="q4")
    assert "4 records" in at_january
    for referral in (w.r11, w.r12, w.r13, w.r14):
        assert referral.reference in at_january
    assert w.r9.reference not in at_january
    over = listed(over_target="1")
    assert "3 records" in over and w.r5.reference in over and w.r2.reference not in over
    band = listed(band="5")  # 26 to 52 weeks
    assert "2 records" in band and w.r1.reference in band and w.r5.reference in band
    joined = listed(programme="WAIT-A", joined="1")
    assert "7 records" in joined
    offered = listed(offered="1")
    assert "8 records" in offered and w.r13.reference in offered
    assert client.get("/reports/waiting/referrals/", {**DATES, "band": "99"}).status_code == 404


def test_the_json_download_has_the_same_figures(client, waiting_world):
    signed_in(client, Role.COORDINATOR)
    data = json.loads(client.get(URL, {**DATES, "format": "json"}).content)
    assert data["figures"]["waiting"]["value"] == 6
    assert data["figures"]["over_target"]["value"] == 3
    assert data["figures"]["median"]["value"] == 21.3
    assert data["tables"]["size"]["rows"][0] == ["31 Jan 2026", 3, 1, 1, 4, 0, 1, 10]
    assert data["tables"]["waits"]["total"] == ["Everyone waiting", 6, 100]
    csv_text = client.get(URL, {**DATES, "format": "csv"}).content.decode()
    assert "People waiting now,6" in csv_text


def test_a_commissioner_sees_only_what_they_fund_with_small_numbers_hidden(client, waiting_world):
    signed_in(client, Role.COMMISSIONER, organisation=waiting_world.funder)
    response = client.get(URL, DATES)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Songs for all" not in page  # programme A is not theirs
    assert "Music at home" in page
    assert "&lt;5 people are waiting now" in page
    assert "/reports/waiting/referrals/" not in page  # no lists behind the figures
    data = json.loads(client.get(URL, {**DATES, "format": "json"}).content)
    assert data["small_numbers_suppressed"] is True
    for table in data["tables"].values():
        for row in [*table["rows"], *([table["total"]] if table["total"] else [])]:
            for value in row[1:]:
                assert not (isinstance(value, int) and 0 < value < 5), (table["title"], row)


def test_a_commissioner_without_an_organisation_is_told_why_it_is_empty(client, waiting_world):
    signed_in(client, Role.COMMISSIONER)
    page = client.get(URL, DATES).content.decode()
    assert "No programmes to show" in page


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMINISTRATOR, Role.COMMISSIONER])
def test_dashboards_and_the_other_reports_link_to_both_pages(client, waiting_world, role):
    signed_in(client, role, organisation=waiting_world.funder)
    dashboard = client.get(reverse("accounts:dashboard")).content.decode()
    for page in (dashboard, client.get("/reports/impact/").content.decode()):
        assert 'href="/reports/waiting/"' in page and 'href="/reports/unmet-need/"' in page


def test_an_empty_service_says_nobody_is_waiting(client, db, monkeypatch):
    monkeypatch.setattr(timezone, "now", now)
    signed_in(client, Role.COORDINATOR)
    page = client.get(URL, DATES).content.decode()
    assert "0 people are waiting now, against 0 on 31 Jan 2026." in page
    assert "Nobody is waiting now." in page
    assert "Nobody is waiting, so there is no list to clear." in page
    for bad in ({"at": "yesterday"}, {"quintile": "q9"}):
        assert client.get("/reports/waiting/referrals/", {**DATES, **bad}).status_code == 404
