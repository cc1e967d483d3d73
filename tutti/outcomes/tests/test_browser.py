"""Answering online on a phone, and a person's chart, in a real browser checked with axe-core.

Uses the browser fixtures of tutti/accounts/tests/test_browser.py (Debian's Chromium through
Playwright; skipped without it unless TUTTI_REQUIRE_BROWSER=1). Screenshots land in /tmp.
"""

from datetime import date, timedelta

import pytest
from django.test import Client

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.tests.browser import (  # noqa: F401  (fixtures)
    SCREENSHOT_DIR,
    _open_tab,
    assert_no_browser_problems,
    assert_no_serious_axe_violations,
    browser,
    page,
)
from tutti.outcomes import links
from tutti.outcomes.tests.factories import ResponseFactory, caseload, completed, measure

try:
    from playwright.sync_api import expect
except ImportError:
    expect = None

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):  # noqa: F811
    context, tab = _open_tab(browser, live_server, bypass_csp=True)
    tab.set_viewport_size({"width": 390, "height": 844})
    yield tab
    context.close()


def link_for(response, easy_read=False):
    actor = UserFactory(roles=[Role.THERAPIST])
    _, token = links.response_link_create(response=response, actor=actor, easy_read=easy_read)
    return f"/questionnaire/{token}/"


def test_easy_read_feedback_on_a_phone_with_the_keyboard(phone):
    person, referral, _ = caseload()
    response = ResponseFactory(
        person=person, referral=referral, measure=measure("survey_service_user"), occasion="end"
    )
    phone.goto(link_for(response, easy_read=True))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Some questions for you")
    phone.screenshot(path=str(SCREENSHOT_DIR / "tutti-questionnaire-start.png"), full_page=True)
    assert_no_serious_axe_violations(phone)
    phone.get_by_label("I am answering for myself").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Start now").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Music therapy was good for me. I could be creative."
    )
    big = phone.get_by_role("button", name="Yes, a lot")
    assert big.bounding_box()["height"] >= 60 and big.bounding_box()["width"] >= 300
    phone.screenshot(path=str(SCREENSHOT_DIR / "tutti-questionnaire-easy-read.png"), full_page=True)
    assert_no_serious_axe_violations(phone)
    big.focus()
    with phone.expect_navigation():
        phone.keyboard.press("Enter")
    for name in ("Yes", "Not sure"):
        with phone.expect_navigation():
            phone.get_by_role("button", name=name, exact=True).click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your answers")
    assert_no_serious_axe_violations(phone)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Answers sent")
    assert_no_serious_axe_violations(phone)
    assert_no_browser_problems(phone)
    response.refresh_from_db()
    assert response.answers == [5, 4, 3]


def test_a_standard_question_shows_its_error_and_keeps_going(phone):
    person, referral, _ = caseload()
    response = ResponseFactory(person=person, referral=referral, measure=measure("ons4"))
    phone.goto(link_for(response))
    phone.get_by_label("I am answering for myself").check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Start now").click()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Continue").click()
    expect(phone.locator(".nhsuk-error-summary")).to_contain_text("Choose an answer")
    phone.screenshot(path=str(SCREENSHOT_DIR / "tutti-questionnaire-error.png"), full_page=True)
    assert_no_serious_axe_violations(phone)
    phone.get_by_label("7", exact=True).check()
    with phone.expect_navigation():
        phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("worthwhile")
    assert_no_browser_problems(phone)


def test_a_persons_chart_and_its_table(page, live_server):  # noqa: F811
    person, referral, therapist = caseload()
    start = date.today() - timedelta(days=84)
    completed("swemwbs", [2, 3, 3, 3, 2, 2, 3], person=person, referral=referral, on=start)
    completed(
        "swemwbs",
        [3, 3, 3, 3, 3, 3, 3],
        person=person,
        referral=referral,
        occasion="review",
        on=start + timedelta(days=42),
    )
    completed(
        "swemwbs",
        [4, 4, 4, 3, 3, 3, 4],
        person=person,
        referral=referral,
        occasion="end",
        on=date.today(),
    )
    completed("core10", [3, 1, 1, 2, 3, 0, 3, 3, 3, 2], person=person, referral=referral, on=start)
    completed(
        "core10",
        [1, 3, 3, 1, 1, 0, 2, 1, 2, 1],
        person=person,
        referral=referral,
        occasion="end",
        on=date.today(),
    )
    client = Client()
    client.force_login(therapist)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(f"/outcomes/people/{person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(person.full_name)
    chart = page.get_by_role("img", name="SWEMWBS over time")
    expect(chart).to_be_visible()
    expect(page.locator("p", has_text="Reliable improvement")).to_have_count(2)
    expect(page.get_by_role("table", name="SWEMWBS responses")).to_contain_text("22.35 (raw 25)")
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-outcomes-chart.png"), full_page=True)
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)
