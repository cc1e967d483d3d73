"""Groups and sessions in a real browser (Debian's Chromium through Playwright, axe-core for
accessibility): a coordinator sets up a group with the keyboard, sees a past date refused
next to the field, generates the sessions, adds a member to a full group and is told, and
moves a session. Skipped without /usr/bin/chromium unless TUTTI_REQUIRE_BROWSER=1.
Screenshots land in /tmp (or TUTTI_SCREENSHOT_DIR)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.tests.browser import (
    PASSWORD,
    SCREENSHOT_DIR,
    assert_no_browser_problems,
    assert_no_serious_axe_violations,
    expect,
    tab_to,
)
from tutti.delivery.models import Group
from tutti.delivery.tests.factories import EpisodeFactory, GroupMembershipFactory
from tutti.organisations.tests.factories import SiteFactory
from tutti.programmes.models import Programme
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, user):
    page.goto("/account/sign-in/")
    page.get_by_label("Email address or username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def check(page, heading, screenshot):
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOT_DIR / f"tutti-{screenshot}.png"), full_page=True)
    assert_no_serious_axe_violations(page)


def fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_a_coordinator_sets_up_a_group_and_books_its_sessions(page):
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    coordinator.set_password(PASSWORD)
    coordinator.save()
    programme = ProgrammeFactory(
        name="Young Voices", delivery_mode=Programme.DeliveryMode.GROUP, block_sessions=4
    )
    site = SiteFactory(name="Agar Grove")
    therapist = TherapistFactory(user__first_name="Sam", user__last_name="Okafor")
    therapist.sites.add(site)
    today = timezone.localdate()
    first = today + timedelta(days=(1 - today.weekday()) % 7 or 7)  # next Tuesday

    sign_in(page, coordinator)
    page.goto("/delivery/groups/")
    check(page, "Groups", "groups-empty")
    link = page.get_by_role("link", name="Set up a group")
    tab_to(page, link)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.get_by_label("Programme").select_option(label="Young Voices")
    page.get_by_label("Name of the group").fill("Tuesday songwriters")
    page.get_by_label("Site").select_option(label="Agar Grove")
    page.get_by_label(str(therapist)).check()
    page.get_by_label("Day of the week").select_option(label="Tuesday")
    page.get_by_label("Start time").fill("17:30")
    page.get_by_label("Session length in minutes").fill("90")
    page.get_by_label("Places", exact=True).fill("2")
    fill_date(page, "Date of the first session", first - timedelta(weeks=2))
    with page.expect_navigation():
        page.get_by_role("button", name="Save group").click()

    # The past date comes back next to the field, and what was typed is still there.
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "The first session must be today or later"
    )
    expect(page.get_by_label("Name of the group")).to_have_value("Tuesday songwriters")
    check(page, "Set up a group", "group-form-error")
    fill_date(page, "Date of the first session", first)
    with page.expect_navigation():
        page.get_by_role("button", name="Save group").click()

    group = Group.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday songwriters")
    GroupMembershipFactory.create_batch(2, group=group)
    EpisodeFactory(programme=programme)
    page.reload()
    with page.expect_navigation():
        page.get_by_role("button", name="Generate sessions").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("4 sessions booked")
    check(page, "Tuesday songwriters", "group-detail")
    assert group.sessions.count() == 4

    # The group is full: the page says so instead of offering to add a member.
    expect(page.get_by_text("This group is full: 2 of 2 places are taken.")).to_be_visible()

    # Move the first session an hour later.
    with page.expect_navigation():
        page.get_by_role("link", name="Session 1").click()
    check(page, "Tuesday songwriters", "session-detail")
    with page.expect_navigation():
        page.get_by_role("link", name="Move it to another time or place").click()
    page.get_by_label("Start time").fill("18:30")
    page.get_by_label("End time").fill("20:00")
    page.get_by_label("Why is it moving?").fill("The hall is booked until 18:30")
    with page.expect_navigation():
        page.get_by_role("button", name="Move the session").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Session moved")
    expect(page.get_by_text("from 18:30 to 20:00")).to_be_visible()
    assert_no_browser_problems(page)
