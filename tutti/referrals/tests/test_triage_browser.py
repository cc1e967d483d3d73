"""Triage in a real browser: the queue and the triage page pass axe, and the decision's
decision keeps what was typed when a detail is missing. Same set-up as accounts' browser tests
(Debian's Chromium via Playwright; skipped without it unless TUTTI_REQUIRE_BROWSER=1)."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from tutti.core.tests.browser import (  # noqa: F401 (browser and page are fixtures)
    PASSWORD,
    SCREENSHOT_DIR,
    assert_no_browser_problems,
    assert_no_serious_axe_violations,
    assert_styled,
    browser,
    expect,
    page,
)
from tutti.people.tests.factories import PersonFactory
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def coordinator(transactional_db, django_user_model):
    # live_server tests flush the database after each test, roles included.
    group, _ = Group.objects.get_or_create(name="coordinator")
    user = django_user_model.objects.create_user(
        username="cora", email="cora@example.org", password=PASSWORD, full_name="Cora Hart"
    )
    user.groups.add(group)
    return user


@pytest.fixture
def referrals(coordinator):
    asked_for = ProgrammeFactory(name="Young people's group", min_age=16, max_age=24)
    ProgrammeFactory(name="Children's group", min_age=5, max_age=11)
    person = PersonFactory(
        given_name="Jordan", family_name="Mensah", date_of_birth=date(2007, 1, 1)
    )
    referral = ReferralFactory(
        person=person,
        programme=asked_for,
        referrer_name="Dr A Patel",
        referrer_email="a.patel@nhs.example",
        reason="Low mood since leaving school.",
        needs=["confidence"],
        received_at=timezone.now() - timedelta(days=9),
    )
    # A second referral for the same person, matched by name, date of birth and postcode.
    duplicate = ReferralFactory(
        person=person,
        programme=asked_for,
        person_match="name_dob_postcode",
        submitted_person={
            "given_name": "Jordan",
            "family_name": "Mensah",
            "date_of_birth": "2007-01-01",
            "postcode": person.postcode,
            "phone": "07700 900456",
        },
    )
    return referral, duplicate


def sign_in(page):  # noqa: F811
    page.goto("/account/sign-in/")
    page.get_by_label("Email address or username").fill("cora")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_triage_pages_are_accessible_and_the_decision_keeps_what_was_typed(page, referrals):  # noqa: F811
    referral, duplicate = referrals
    sign_in(page)

    page.goto("/referrals/triage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals to triage")
    expect(page.get_by_role("link", name=referral.reference)).to_be_visible()
    assert_styled(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-triage-queue.png"), full_page=True)
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name=referral.reference).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Triage referral {referral.reference}"
    )
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-triage-referral.png"), full_page=True)
    assert_no_serious_axe_violations(page)

    # From the keyboard: choose signposting, name the service, forget the reason.
    page.get_by_role("radio", name="Signpost elsewhere").focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("radio", name="Signpost elsewhere")).to_be_checked()
    page.get_by_label("Which service are they signposted to?").fill("Camden Youth Music")
    with page.expect_navigation():
        page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Give the reason for signposting them elsewhere"
    )
    expect(page.locator("#id_signpost_reason-error")).to_be_visible()
    expect(page.get_by_label("Which service are they signposted to?")).to_have_value(
        "Camden Youth Music"
    )
    expect(page.get_by_role("radio", name="Signpost elsewhere")).to_be_checked()
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-triage-error.png"), full_page=True)
    assert_no_serious_axe_violations(page)

    page.goto(f"/referrals/triage/{duplicate.reference}/")
    expect(page.get_by_role("heading", name="Is this the same person?")).to_be_visible()
    expect(page.get_by_text("Phone sent, none on record: 07700 900456")).to_be_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-triage-duplicate.png"), full_page=True)
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)
