"""The impact page in a real browser (Debian's Chromium through Playwright), checked with
axe-core, under the site's Content-Security-Policy, on a phone and with the keyboard.
Skipped without /usr/bin/chromium unless TUTTI_REQUIRE_BROWSER=1. Screenshots land in /tmp."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tutti.accounts.roles import Role
from tutti.core.tests.browser import (
    SCREENSHOT_DIR,
    assert_no_browser_problems,
    assert_no_serious_axe_violations,
    assert_styled,
    expect,
    tab_to,
)
from tutti.reports.forms import dates_data
from tutti.reports.tests.conftest import YEAR_END, YEAR_START

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
PHONE = {"width": 375, "height": 812}
YEAR = urlencode(dates_data(YEAR_START, YEAR_END))


def user_with(role, **extra):
    for name in Role.values:  # live_server tests flush the groups the migration made
        Group.objects.get_or_create(name=name)
    user = get_user_model().objects.create_user(
        username=f"{role}-user", email=f"{role}@example.org", password=PASSWORD, **extra
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def sign_in(page, user):
    page.goto("/account/sign-in/")
    page.get_by_label("Email address or username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def test_the_impact_page_passes_axe_and_works_with_the_keyboard(page, world):
    sign_in(page, user_with(Role.COORDINATOR))
    page.goto(f"/reports/impact/?{YEAR}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Impact report")
    expect(page.get_by_text("2 people accessed our services, each counted once.")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert_styled(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-impact-report.png"), full_page=True)
    assert_no_serious_axe_violations(page)

    # Open the filters with the keyboard, choose a programme and show the report again.
    summary = page.locator("summary", has_text="Change the period, programme or place")
    tab_to(page, summary)
    page.keyboard.press("Enter")
    programme = page.get_by_label("Programme", exact=True)
    tab_to(page, programme)
    programme.select_option("P1")
    assert_no_serious_axe_violations(page)
    button = page.get_by_role("button", name="Show the report")
    tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Covering: programme Individual therapy (P1).")).to_be_visible()
    expect(page.get_by_text("1 person accessed our services, each counted once.")).to_be_visible()
    assert_no_browser_problems(page)


def test_the_impact_page_on_a_phone_under_the_content_security_policy(strict_page, world):
    strict_page.set_viewport_size(PHONE)
    sign_in(strict_page, user_with(Role.COORDINATOR))
    strict_page.goto(f"/reports/impact/?{YEAR}")
    expect(strict_page.get_by_role("heading", level=1)).to_contain_text("Impact report")
    strict_page.wait_for_load_state("networkidle")
    width = strict_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the report scrolls sideways on a phone ({width}px)"
    strict_page.screenshot(
        path=str(SCREENSHOT_DIR / "tutti-impact-report-phone.png"), full_page=True
    )
    assert_no_browser_problems(strict_page)


def test_a_commissioner_sees_small_numbers_hidden(page, world):
    commissioner = user_with(Role.COMMISSIONER, organisation=world.funder)
    sign_in(page, commissioner)
    page.goto(f"/reports/impact/?{YEAR}")
    expect(page.get_by_text("Covering every programme you fund", exact=False)).to_have_count(0)
    expect(page.locator(".tutti-figures")).to_contain_text("<5")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-impact-commissioner.png"), full_page=True)
    assert_no_serious_axe_violations(page)


def test_the_equity_page_and_its_chart_pass_axe(page, world):
    sign_in(page, user_with(Role.COORDINATOR))
    page.goto(f"/reports/equity/?{YEAR}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Equity report")
    expect(page.get_by_role("img", name="People reached and the area's population")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-equity-report.png"), full_page=True)
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="Age band").click()
    expect(page.get_by_text("Referrals and acceptance, by age band")).to_be_visible()
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)
