"""The proposal page and its confirmation in a real browser, checked with axe-core.
Screenshots land in SCREENSHOT_DIR for a person to look at."""

import pytest
from django.contrib.auth.models import Group

from tutti.core.tests.browser import (
    PASSWORD,
    SCREENSHOT_DIR,
    assert_no_browser_problems,
    assert_no_serious_axe_violations,
    expect,
)
from tutti.referrals.models import Status
from tutti.waitlist.tests.allocation_helpers import (
    programme_at_a_site,
    therapist_with_slots,
    waiting,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def coordinator(transactional_db, django_user_model):
    group, _ = Group.objects.get_or_create(name="coordinator")
    user = django_user_model.objects.create_user(
        username="cora", email="cora@example.org", password=PASSWORD, full_name="Cora Hart"
    )
    user.groups.add(group)
    return user


def test_coordinator_proposes_and_confirms_offers_with_the_keyboard(page, coordinator):
    programme, site = programme_at_a_site()
    therapist_with_slots(site, 1, specialisms=["dementia"])
    first = waiting(programme, weeks=3, decile=1, urgency="urgent", circumstances=["dementia"])
    waiting(programme, weeks=20, decile=9)

    page.goto("/account/sign-in/")
    page.get_by_label("Email address or username").fill("cora")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.goto(f"/waiting-lists/{programme.code}/allocate/")

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Propose offers for {programme.name}"
    )
    expect(page.get_by_role("cell", name="Specialises in their circumstances")).to_be_visible()
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-allocation-proposal.png"), full_page=True)
    assert_no_serious_axe_violations(page)

    page.get_by_role("button", name="Confirm this offer").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(f"1 offer made for {programme.name}")
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-allocation-confirmed.png"), full_page=True)
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)
    first.refresh_from_db()
    assert first.status == Status.OFFERED
