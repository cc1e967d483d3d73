"""Signing in, in a real browser: Debian's Chromium driven by Playwright, checked with axe-core.

These tests need /usr/bin/chromium (Debian's `chromium` package; Playwright never downloads a
browser here). Without it they are skipped, unless TUTTI_REQUIRE_BROWSER=1 is set (as CI does),
in which case they fail, so a machine without the browser cannot pass them silently.

Screenshots of the pages land in /tmp (or TUTTI_SCREENSHOT_DIR) for a person to look at.
"""

import re

import pytest
from django.contrib.auth.models import Group

from tutti.core.tests.browser import (
    PASSWORD,
    SCREENSHOT_DIR,
    assert_no_browser_problems,
    assert_no_serious_axe_violations,
    assert_styled,
    expect,
)

pytestmark = pytest.mark.browser

USERNAME = "cora"
WRONG_LOGIN = "The email address or password is not right"


@pytest.fixture
def coordinator(transactional_db, django_user_model):
    # live_server tests flush the database after each test, which removes the role groups
    # the data migration made, so make sure the one we need is there.
    group, _ = Group.objects.get_or_create(name="coordinator")
    user = django_user_model.objects.create_user(
        username=USERNAME, email="cora@example.org", password=PASSWORD, full_name="Cora Hart"
    )
    user.groups.add(group)
    return user


def test_coordinator_signs_in_with_the_keyboard(page, coordinator):
    page.goto("/account/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Tutti")
    assert_styled(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-sign-in.png"), full_page=True)
    assert_no_serious_axe_violations(page)

    page.get_by_label("Email address or username").focus()
    page.keyboard.type(USERNAME)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.get_by_role("button", name="Sign in").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/account/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Cora Hart")
    expect(page.get_by_role("heading", level=2, name="Referrals")).to_be_visible()
    expect(page.get_by_role("navigation", name="Account")).to_contain_text("Intake coordinator")
    assert_styled(page)
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-dashboard.png"), full_page=True)
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)


def test_wrong_password_shows_the_errors_and_keeps_the_username(page, coordinator):
    page.goto("/account/sign-in/")
    page.get_by_label("Email address or username").fill(USERNAME)
    page.get_by_label("Password", exact=True).fill("not the password at all")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title("Error: Sign in – Tutti")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary).to_contain_text(WRONG_LOGIN)
    # The same message next to the field, tied to it for screen readers.
    username = page.get_by_label("Email address or username")
    expect(page.locator("#id_username-error")).to_contain_text(WRONG_LOGIN)
    expect(username).to_have_attribute("aria-describedby", "id_username-error")
    expect(username).to_have_value(USERNAME)
    expect(page.get_by_label("Password", exact=True)).to_have_value("")
    # The summary's link takes a keyboard user to the field.
    summary.get_by_role("link").first.focus()
    page.keyboard.press("Enter")
    expect(username).to_be_focused()
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-sign-in-error.png"), full_page=True)
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)


def test_missing_password_is_shown_next_to_the_password_field(page, coordinator):
    page.goto("/account/sign-in/")
    page.get_by_label("Email address or username").fill(USERNAME)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()

    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter your password")
    expect(page.locator("#id_password-error")).to_contain_text("Enter your password")
    expect(page.get_by_label("Email address or username")).to_have_value(USERNAME)
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)


def test_pages_work_under_the_content_security_policy(strict_page, coordinator):
    """With the real CSP: our scripts run, nothing is refused, and errors take the focus."""
    page = strict_page
    page.goto("/account/sign-in/")
    assert_styled(page)
    # The inline script in the NHS.UK template needs the CSP nonce; without it the
    # frontend's JavaScript (password reveal, error summary focus) never starts.
    expect(page.locator("body")).to_have_class(re.compile(r"\bnhsuk-frontend-supported\b"))
    expect(page.get_by_role("button", name="Show password")).to_be_visible()

    page.get_by_label("Email address or username").fill(USERNAME)
    page.get_by_label("Password", exact=True).fill("not the password at all")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    # NHS.UK frontend moves the focus to the error summary, so it is read out first.
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Cora Hart")
    assert_styled(page)
    assert_no_browser_problems(page)
