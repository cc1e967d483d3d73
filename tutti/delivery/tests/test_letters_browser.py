"""The discharge letter in a real browser under the site's CSP: the referrer reaches it from
their referral with the keyboard, axe finds nothing serious, and on paper only the letter
is left. Skipped without /usr/bin/chromium unless TUTTI_REQUIRE_BROWSER=1."""

import pytest
from django.test import Client

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.tests.browser import SCREENSHOT_DIR, assert_no_browser_problems, expect
from tutti.delivery.tests.letter_helpers import SUMMARY, ended_episode
from tutti.delivery.tests.test_offers_browser import (
    assert_no_serious_axe_violations,
    press,
    sign_in,
)
from tutti.outcomes.library import library_load
from tutti.outcomes.models import Measure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_referrer_reads_and_prints_the_letter(strict_page):
    if not Measure.objects.exists():  # a transactional test starts without the library
        library_load()
    referrer = UserFactory(roles=[Role.REFERRER], full_name="Priya Shah")
    episode = ended_episode(referred_by=referrer)
    Client().get("/account/sign-in/")  # compile the URLs and templates before the browser waits
    page = strict_page
    sign_in(page, referrer)

    page.goto(f"/referrals/{episode.referral.reference}/")
    press(page, page.get_by_role("link", name="Read the discharge letter"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Discharge from music therapy")
    expect(page.get_by_text(SUMMARY)).to_be_visible()
    expect(page.get_by_role("cell", name="Reliable improvement")).to_be_visible()
    expect(page.get_by_role("button", name="Print letter")).to_be_visible()  # the script ran
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-discharge-letter.png"), full_page=True)
    assert_no_serious_axe_violations(page)

    page.emulate_media(media="print")
    expect(page.locator("header.nhsuk-header")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(page.get_by_role("button", name="Print letter")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-discharge-letter-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    assert_no_browser_problems(page)
