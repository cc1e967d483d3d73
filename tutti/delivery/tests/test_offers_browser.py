"""Offers in a real browser (Debian's Chromium through Playwright, under the site's
Content-Security-Policy, axe-core for accessibility): the person answering through the link
on a phone, and a coordinator making an offer and recording the answer. Skipped without
/usr/bin/chromium unless TUTTI_REQUIRE_BROWSER=1. Screenshots land in /tmp (or
TUTTI_SCREENSHOT_DIR)."""

from datetime import time

import pytest
from django.test import Client

from tutti.core.tests.browser import (
    AXE_JS,
    SCREENSHOT_DIR,
    assert_no_browser_problems,
    expect,
    tab_to,
)
from tutti.delivery.models import Episode, Offer
from tutti.delivery.services import offers as services
from tutti.delivery.tests.offer_helpers import (
    coordinator,
    next_day,
    programme_at_a_site,
    therapist_with_time,
    waiting,
)
from tutti.people.tests.factories import PersonFactory
from tutti.referrals.models import Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"  # UserFactory's


def assert_no_serious_axe_violations(page):
    """axe-core under the site's CSP: a <script> tag would be refused, so axe is handed to
    the page through the browser's debugging channel, which the CSP does not govern."""
    page.evaluate(AXE_JS.read_text())
    results = page.evaluate("axe.run()")
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in serious
    )
    assert not serious, f"axe found serious problems on {page.url}:\n{report}"


def check_page(page, heading, screenshot):
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOT_DIR / f"tutti-{screenshot}.png"), full_page=True)
    assert_no_serious_axe_violations(page)


def press(page, target):
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.fixture
def offer_for_sam():
    programme, _ = programme_at_a_site()
    site = programme.sites.get()
    therapist, slot = therapist_with_time(site, weekday=0, start=time(16))
    referral = waiting(programme, person=PersonFactory(given_name="Sam"))
    return services.offer_make(
        referral=referral,
        kind="individual",
        therapist=therapist,
        slot=slot,
        first_session_on=next_day(0),
        actor=coordinator(),
        send_link=False,
    )


def test_the_person_says_no_through_the_link_on_a_phone_with_the_keyboard(
    strict_page, offer_for_sam
):
    page = strict_page
    page.set_viewport_size({"width": 390, "height": 844})
    token = services.offer_link_issue(offer=offer_for_sam)
    Client().get("/account/sign-in/")  # compile the URLs and templates before the browser waits

    page.goto(f"/offer/{token}/")
    check_page(page, "We have a place in music therapy for Sam", "offer-answer")
    expect(page.get_by_text("Every Monday at 16:00")).to_be_visible()

    press(page, page.get_by_role("button", name="Send my answer"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose yes or no")
    check_page(page, "We have a place", "offer-answer-error")

    # A radio group is one Tab stop; the arrow keys choose within it.
    tab_to(page, page.get_by_label("Yes, I want this place"))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("No, I do not want this place")).to_be_checked()
    tab_to(page, page.get_by_label("If you said no, you can tell us why (optional)"))
    page.keyboard.type("Mondays are hard for us")
    press(page, page.get_by_role("button", name="Send my answer"))
    check_page(page, "You said no", "offer-answered")
    assert_no_browser_problems(page)

    offer_for_sam.refresh_from_db()
    assert offer_for_sam.status == Offer.Status.DECLINED
    assert offer_for_sam.decline_reason == "Mondays are hard for us"
    assert offer_for_sam.referral.status == Status.WAITING

    page.goto(f"/offer/{token}/")
    check_page(page, "This offer has been answered", "offer-link-used")


def sign_in(page, user):
    Client().get("/account/sign-in/")
    page.goto("/account/sign-in/")
    page.get_by_label("Email address or username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def test_a_coordinator_makes_an_offer_and_records_yes(strict_page):
    page = strict_page
    programme, site = programme_at_a_site(name="Songs for Wellbeing")
    therapist, _ = therapist_with_time(site, weekday=2, start=time(10))
    referral = waiting(programme, person=PersonFactory(given_name="Robin", family_name="Hale"))
    first = next_day(2)
    sign_in(page, coordinator())

    page.goto(f"/waiting-lists/{programme.code}/")
    press(page, page.get_by_role("link", name="Make an offer to Robin Hale"))
    check_page(page, "Make an offer to Robin Hale", "offer-make")
    expect(page.get_by_role("radio", name="Individual sessions")).to_be_checked()  # no groups
    page.get_by_label("Therapist (for individual sessions)").select_option(str(therapist.pk))
    page.get_by_label("Weekly time (for individual sessions)").select_option(
        label=f"{therapist}: Wednesday 10:00 at {site}"
    )
    date = page.get_by_role("group", name="Date of the first session")
    date.get_by_label("Day").fill(str(first.day))
    date.get_by_label("Month").fill(str(first.month))
    date.get_by_label("Year").fill(str(first.year))
    press(page, page.get_by_role("button", name="Make the offer"))
    check_page(page, "Offer to Robin Hale", "offer-detail")

    press(page, page.get_by_role("link", name="They said yes"))
    check_page(page, "They said yes", "offer-accept")
    page.get_by_label("Goal 1").fill("To feel calmer at school")
    press(page, page.get_by_role("button", name="Record yes and open the episode"))
    check_page(page, "Robin Hale", "episode")
    expect(page.get_by_text("To feel calmer at school")).to_be_visible()
    assert_no_browser_problems(page)

    episode = Episode.objects.get(referral=referral)
    assert episode.start_date == first and episode.goals == ["To feel calmer at school"]

    page.goto("/delivery/offers/")
    check_page(page, "Offers waiting for an answer", "offers")
