"""The unmet need report in a real browser under the site's CSP, checked with axe: a
coordinator chooses Camden with the keyboard and reads its map (from the committed sample's
boundaries), shaded by referrals and then by deprivation; on a phone nothing scrolls
sideways. Skipped without /usr/bin/chromium unless TUTTI_REQUIRE_BROWSER=1."""

from urllib.parse import urlencode

import pytest
from django.core.management import call_command

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.tests.browser import (
    SCREENSHOT_DIR,
    assert_no_browser_problems,
    expect,
    tab_to,
)
from tutti.delivery.tests.test_offers_browser import (
    assert_no_serious_axe_violations,
    press,
    sign_in,
)
from tutti.geography.boundaries import FILE_NAME
from tutti.geography.models import Area, LocalAuthority
from tutti.geography.tests.conftest import SAMPLE_DIR
from tutti.people.tests.factories import PersonFactory
from tutti.referrals.tests.factories import ReferralFactory
from tutti.reports.forms import dates_data
from tutti.reports.tests.unmet_world import YEAR, build_unmet_world, noon

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 812}
CAMDEN = "E09000007"
QUERY = urlencode(dates_data(*YEAR))


def with_camden():
    """The unmet need places, and Camden's outlines with two of its LSOAs imported."""
    world = build_unmet_world()
    call_command("import_boundaries", str(SAMPLE_DIR / FILE_NAME), "--no-progress", verbosity=0)
    LocalAuthority.objects.create(code=CAMDEN, name="Camden", nation="England")
    for code, decile in [("E01000842", 3), ("E01000956", 2)]:
        Area.objects.create(
            code=code, kind=Area.Kind.LSOA21, local_authority_id=CAMDEN, imd_decile=decile
        )
    person = PersonFactory(lsoa_code="E01000956", local_authority_code=CAMDEN)
    ReferralFactory(person=person, programme=world.programme, received_at=noon(YEAR[0]))
    return world


def test_a_coordinator_chooses_camden_and_reads_its_map(strict_page):
    with_camden()
    page = strict_page
    sign_in(page, UserFactory(roles=[Role.COORDINATOR]))
    page.goto(f"/reports/unmet-need/?{QUERY}&la=E09000901")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Unmet need report")
    expect(
        page.get_by_role("img", name="Deprivation against referrals per 10,000 residents")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Neighbourhoods in Northtown")).to_be_visible()
    expect(
        page.get_by_text("No map: there are no LSOA boundaries loaded for Northtown")
    ).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert_no_serious_axe_violations(page)

    choose = page.get_by_label("Local authority", exact=True)
    tab_to(page, choose)
    choose.select_option(CAMDEN)
    press(page, page.get_by_role("button", name="Show its neighbourhoods"))
    expect(page.get_by_role("heading", name="Neighbourhoods in Camden")).to_be_visible()
    expect(
        page.get_by_role("img", name="Map of Camden: referrals per 10,000 residents")
    ).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-unmet-need-camden.png"), full_page=True)
    assert_no_serious_axe_violations(page)

    press(page, page.get_by_role("link", name="deprivation", exact=True))
    expect(page.get_by_role("img", name="Map of Camden: IMD decile")).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.emulate_media(media="print")
    expect(page.locator(".tutti-map-choices")).to_be_hidden()
    expect(page.locator("svg.tutti-map")).to_be_visible()
    assert_no_browser_problems(page)


def test_the_unmet_need_report_on_a_phone(strict_page):
    with_camden()
    page = strict_page
    page.set_viewport_size(PHONE)
    sign_in(page, UserFactory(roles=[Role.ADMINISTRATOR]))
    page.goto(f"/reports/unmet-need/?{QUERY}&la={CAMDEN}")
    expect(
        page.get_by_role("img", name="Map of Camden: referrals per 10,000 residents")
    ).to_be_visible()
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the report scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-unmet-need-phone.png"), full_page=True)
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)
