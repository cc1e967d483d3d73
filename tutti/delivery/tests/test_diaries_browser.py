"""The week diary and the partner page in a real browser under the site's Content-Security-
Policy (Debian's Chromium through Playwright; axe-core for accessibility). Skipped without
/usr/bin/chromium unless TUTTI_REQUIRE_BROWSER=1. Screenshots land in /tmp (or
TUTTI_SCREENSHOT_DIR)."""

import pytest
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.tests.browser import (
    AXE_JS,
    PASSWORD,
    SCREENSHOT_DIR,
    assert_no_browser_problems,
    expect,
    tab_to,
)
from tutti.delivery.diaries import Week
from tutti.delivery.models import Session
from tutti.delivery.tests.factories import (
    AttendanceFactory,
    EpisodeFactory,
    GroupFactory,
    GroupMembershipFactory,
    SessionFactory,
    at,
)
from tutti.organisations.tests.factories import OrganisationFactory, SiteFactory
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def staff(**kwargs):
    user = UserFactory(**kwargs)
    user.set_password(PASSWORD)
    user.save()
    return user


def sign_in(page, user):
    page.goto("/account/sign-in/")
    page.get_by_label("Email address or username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def assert_accessible(page):
    """axe-core, run through the DevTools protocol: the page keeps its CSP (no inline
    script tag is added), so this checks the page exactly as a person's browser shows it."""
    page.evaluate(AXE_JS.read_text())
    results = page.evaluate("axe.run()")
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in serious
    )
    assert not serious, f"axe found serious problems on {page.url}:\n{report}"


def test_a_therapist_moves_through_their_weeks_in_place_with_the_keyboard(strict_page):
    page = strict_page
    user = staff(roles=[Role.THERAPIST])
    me = TherapistFactory(user=user)
    week = Week.containing(timezone.localdate())
    site = SiteFactory(name="Camden Centre")
    this_week = EpisodeFactory(
        therapists=[me], referral__person__given_name="Ada", referral__person__family_name="Lee"
    )
    SessionFactory(episode=this_week, site=site, starts_at=at(week.days[1], 10))
    cancelled = SessionFactory(
        episode=this_week,
        site=site,
        starts_at=at(week.days[3], 10),
        status=Session.Status.CANCELLED,
        cancelled_by=Session.CancelledBy.SERVICE,
        cancellation_reason="Room flooded",
    )
    next_week = EpisodeFactory(
        therapists=[me], referral__person__given_name="Bo", referral__person__family_name="Ray"
    )
    SessionFactory(episode=next_week, site=site, starts_at=at(week.next.days[0], 11))

    sign_in(page, user)
    page.goto("/delivery/diary/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your sessions")
    expect(page.locator("#diary")).to_contain_text("Ada Lee")
    expect(page.locator(".tutti-cancelled")).to_contain_text("Room flooded")
    struck = page.locator(".tutti-cancelled td").first.evaluate(
        "cell => getComputedStyle(cell).textDecorationLine"
    )
    assert struck == "line-through"
    assert cancelled.pk
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-diary-week.png"), full_page=True)
    assert_accessible(page)

    # Next week, with the keyboard: htmx swaps the diary in place (the page is not reloaded:
    # the marker set on this window survives), the address bar follows, the focus stays on
    # the link pressed, and the change is announced.
    page.evaluate("window.stillHere = true")
    nxt = page.locator("#diary-next")
    tab_to(page, nxt)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('?')[0]}?week={week.next.iso}")
    expect(page.locator("#diary")).to_contain_text("Bo Ray")
    expect(page.locator("#diary")).not_to_contain_text("Ada Lee")
    expect(page.locator("#diary-status")).to_have_text(f"Showing the week of {week.next.label}")
    assert page.evaluate("window.stillHere === true")
    assert page.evaluate("document.activeElement.id") == "diary-next"
    assert week.next.label in page.title()

    # Back in the browser's history: this week again (fetched afresh, never from storage).
    page.go_back()
    expect(page.locator("#diary")).to_contain_text("Ada Lee")
    stored = page.evaluate("JSON.stringify(localStorage)")
    assert "Ada Lee" not in stored and "Bo Ray" not in stored
    page.wait_for_load_state("networkidle")
    assert_no_browser_problems(page)


def test_partner_staff_see_their_sites_sessions_accessibly(strict_page):
    page = strict_page
    school = OrganisationFactory(name="Hill Primary School")
    user = staff(roles=[Role.PARTNER], organisation=school)
    hall = SiteFactory(organisation=school, name="School hall")
    group = GroupFactory(site=hall, name="Year 4 music group")
    last_week = Week.containing(timezone.localdate()).previous
    held = SessionFactory(
        kind=Session.Kind.GROUP,
        episode=None,
        group=group,
        programme=group.programme,
        site=hall,
        starts_at=at(last_week.days[2], 14),
    )
    for status in ("attended", "dna"):
        member = GroupMembershipFactory(group=group)
        AttendanceFactory(session=held, episode=member.episode, status=status)

    sign_in(page, user)
    page.get_by_role("link", name="Sessions at your sites").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sessions at your sites")
    page.get_by_role("link", name="Previous week").click()
    expect(page.locator("#diary")).to_contain_text("Year 4 music group")
    expect(page.locator("#diary")).to_contain_text("1 of 2 attended")
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-partner-sessions.png"), full_page=True)
    assert_accessible(page)
    page.set_viewport_size({"width": 375, "height": 812})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the partner page scrolls sideways on a phone ({width}px)"
    page.wait_for_load_state("networkidle")
    assert_no_browser_problems(page)
