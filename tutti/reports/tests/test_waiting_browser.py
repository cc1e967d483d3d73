"""The waiting list report in a real browser under the site's CSP, checked with axe: a
coordinator follows a figure to its list with the keyboard; on a phone nothing scrolls
sideways; printed, the filters and navigation are left out and the charts kept. Skipped
without /usr/bin/chromium unless TUTTI_REQUIRE_BROWSER=1."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.tests.browser import SCREENSHOT_DIR, assert_no_browser_problems, expect
from tutti.delivery.tests.test_offers_browser import (
    assert_no_serious_axe_violations,
    press,
    sign_in,
)
from tutti.people.tests.factories import PersonFactory
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.models import ReferralEvent, Status
from tutti.referrals.tests.factories import ReferralFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 375, "height": 812}


def waiting_list():
    """Three people waiting 2, 10 and 30 weeks for a programme with an 18-week target, and one
    offered a place three weeks ago."""
    now = timezone.now()
    programme = ProgrammeFactory(code="SONGS", name="Songs together", target_wait_weeks=18)
    for quintile, weeks, offered in [(1, 2, None), (3, 10, None), (5, 30, None), (2, 20, 3)]:
        since = now - timedelta(weeks=weeks)
        referral = ReferralFactory(
            person=PersonFactory(imd_decile=2 * quintile, imd_quintile=quintile),
            programme=programme,
            status=Status.OFFERED if offered else Status.WAITING,
            received_at=since,
            waiting_since=since,
        )
        ReferralEvent.objects.create(referral=referral, status=Status.WAITING, at=since)
        if offered:
            at = now - timedelta(weeks=offered)
            ReferralEvent.objects.create(referral=referral, status=Status.OFFERED, at=at)
    return programme


def test_a_coordinator_reads_the_waiting_list_report_and_follows_a_figure(strict_page):
    waiting_list()
    page = strict_page
    sign_in(page, UserFactory(roles=[Role.COORDINATOR]))
    page.goto("/reports/waiting/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waiting list report")
    expect(page.get_by_text("3 people are waiting now")).to_be_visible()
    expect(
        page.get_by_role("img", name="People waiting at the end of each month, by IMD quintile")
    ).to_be_visible()
    expect(
        page.get_by_role("img", name="People waiting now, by weeks waited so far")
    ).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-waiting-report.png"), full_page=True)
    assert_no_serious_axe_violations(page)

    page.emulate_media(media="print")
    expect(page.locator(".tutti-reports-nav")).to_be_hidden()
    expect(page.locator(".tutti-report-filters")).to_be_hidden()
    expect(page.locator("svg.tutti-chart").first).to_be_visible()
    page.emulate_media(media="screen")

    press(page, page.get_by_role("link", name="waiting longer than the 18-week target"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("People waiting now")
    expect(page.get_by_text("1 record, counted as on the report.")).to_be_visible()
    assert_no_serious_axe_violations(page)
    press(page, page.get_by_role("link", name="Back to the waiting list report"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Waiting list report")
    assert_no_browser_problems(page)


def test_the_waiting_list_report_on_a_phone(strict_page):
    waiting_list()
    page = strict_page
    page.set_viewport_size(PHONE)
    sign_in(page, UserFactory(roles=[Role.ADMINISTRATOR]))
    page.goto("/reports/waiting/?programme=SONGS")
    # 2 joined in the last 12 weeks (2 and 10 weeks ago), 1 was offered a place.
    expect(page.get_by_text("The list is growing by 0.1 people a week")).to_be_visible()
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the report scrolls sideways on a phone ({width}px)"
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-waiting-report-phone.png"), full_page=True)
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)
