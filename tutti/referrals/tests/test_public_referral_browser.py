"""The public referral form in a real browser, on a phone-sized screen, by keyboard alone.

Same set-up as tutti/accounts/tests/test_browser.py (Debian's Chromium through Playwright,
axe-core for accessibility; skipped without /usr/bin/chromium unless TUTTI_REQUIRE_BROWSER=1).
Every element is reached with the Tab key from the top of its page, so a control that a
keyboard cannot reach fails the test. Screenshots land in /tmp (or TUTTI_SCREENSHOT_DIR).
"""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from tutti.core.tests.browser import (
    SCREENSHOT_DIR,
    assert_no_browser_problems,
    assert_no_serious_axe_violations,
    assert_styled,
    expect,
    tab_to,
    type_into,  # noqa: F401 (browser and page are fixtures)
)
from tutti.referrals.models import Referral, ReferrerRelationship
from tutti.referrals.public import abuse
from tutti.referrals.tests.test_public_referral import SELF_ANSWERS, answer_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(page):  # noqa: F811
    page.set_viewport_size(PHONE)
    return page


def tick(page, label, exact=True):  # noqa: F811
    box = page.get_by_label(label, exact=exact)
    tab_to(page, box)
    page.keyboard.press("Space")
    expect(box).to_be_checked()


def choose(page, group, label):  # noqa: F811
    """Pick a radio the keyboard way: Tab into the group, then arrow keys."""
    radios = page.get_by_role("group", name=group).get_by_role("radio")
    target = page.get_by_role("radio", name=label, exact=True)
    tab_to(page, radios.first)
    page.keyboard.press("Space")
    for _ in range(radios.count()):
        if target.is_checked():
            return
        page.keyboard.press("ArrowDown")
    expect(target).to_be_checked()


def continue_(page, text="Continue"):  # noqa: F811
    tab_to(page, page.get_by_role("button", name=text))
    with page.expect_navigation():
        page.keyboard.press("Enter")


def check_page(page, heading, screenshot=None):  # noqa: F811
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"
    if screenshot:
        page.screenshot(path=str(SCREENSHOT_DIR / f"tutti-refer-{screenshot}.png"), full_page=True)
    assert_no_serious_axe_violations(page)


def test_a_parent_asks_for_music_therapy_with_the_keyboard_on_a_phone(phone):
    page = phone  # noqa: F811 (the tab from the page fixture, phone-sized)
    page.goto("/")
    tab_to(page, page.get_by_role("button", name="Ask for music therapy"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page, "Ask for music therapy", "start")
    assert_styled(page)
    continue_(page, "Start now")

    check_page(page, "Who needs music therapy?", "who-for")
    choose(page, "Who needs music therapy?", "My child")
    continue_(page)

    check_page(page, "What is your name?")
    type_into(page, "What is your name?", "Grace Adeyemi")
    continue_(page)

    check_page(page, "How can we contact you?")
    type_into(page, "Email address", "grace@example.org")
    type_into(page, "Phone number", "07700 900 982")
    choose(page, "What is the best way to contact you? (optional)", "Text message")
    continue_(page)

    check_page(page, "What is their name?", "name")
    type_into(page, "First name", "Tobi")
    type_into(page, "Last name", "Adeyemi")
    continue_(page)

    check_page(page, "What is their date of birth?", "date-of-birth")
    type_into(page, "Day", "2")
    page.keyboard.press("Tab")
    page.keyboard.type("11")
    page.keyboard.press("Tab")
    page.keyboard.type("2017")
    continue_(page)

    check_page(page, "What is their postcode?")
    type_into(page, "What is their postcode?", "NW1 2DB")
    continue_(page)

    check_page(page, "How can we contact them?")
    continue_(page)  # optional when someone else is the contact

    check_page(page, "What would they like help with?", "help-with")
    tick(page, "Communication")
    tick(page, "Social skills")
    continue_(page)

    check_page(page, "Do any of these apply to them?")
    tick(page, "Autism")
    continue_(page)

    check_page(page, "Do they live alone?")
    choose(page, "Do they live alone?", "No")
    continue_(page)

    check_page(page, "Do they see or talk to other people most weeks?")
    choose(page, "Do they see or talk to other people most weeks?", "Yes")
    continue_(page)

    check_page(page, "Do they get help from another service now?")
    choose(page, "Do they get help from another service now?", "Yes")
    type_into(page, "If yes, which services? (optional)", "Speech and language therapy")
    continue_(page)

    check_page(page, "Is there anything that would help them take part?")
    tick(page, "They need an interpreter")
    type_into(page, "Which language would they like to use? (optional)", "Yoruba")
    continue_(page)

    check_page(page, "Is there anything else you would like to tell us?")
    type_into(page, "Is there anything else you would like to tell us?", "He loves drums.")
    continue_(page)

    check_page(page, "Check your answers", "check")
    summary = page.locator(".nhsuk-summary-list")
    expect(summary).to_contain_text("Grace Adeyemi")
    expect(summary).to_contain_text("2 November 2017")
    expect(summary).to_contain_text("Speech and language therapy")

    # Change an answer: the Change link takes us there and Continue brings us back.
    tab_to(page, page.get_by_role("link", name="Change postcode"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    field = page.get_by_label("What is their postcode?")
    expect(field).to_have_value("NW1 2DB")
    tab_to(page, field)
    page.keyboard.press("Control+A")
    page.keyboard.type("LS1 1BA")
    continue_(page)
    check_page(page, "Check your answers")
    expect(summary).to_contain_text("LS1 1BA")

    choose(page, "Do they know about this request?", "I can decide for them")
    type_into(page, "If you can decide for them, tell us why", "He is my son and he is 9")
    tick(page, "I agree that the music therapy team", exact=False)
    continue_(page, "Send")

    check_page(page, "Request sent", "sent")
    referral = Referral.objects.get()
    expect(page.locator(".nhsuk-panel")).to_contain_text(referral.reference)
    assert referral.referrer_relationship == ReferrerRelationship.PARENT
    assert referral.person.postcode == "LS1 1BA"
    assert referral.other_services == "Speech and language therapy"
    assert [m.to for m in mail.outbox] == [["grace@example.org"]]
    assert_no_browser_problems(page)


def test_an_empty_answer_shows_the_error_summary_and_the_message(phone):
    page = phone  # noqa: F811 (the tab from the page fixture, phone-sized)
    page.goto("/refer/who-for/")
    continue_(page)

    expect(page).to_have_title(re.compile(r"^Error: Who needs music therapy\?"))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()  # NHS.UK frontend moves the focus there to be read out
    expect(summary).to_contain_text("Select who needs music therapy")
    expect(page.locator("#id_who-error")).to_contain_text("Select who needs music therapy")
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-refer-error.png"), full_page=True)
    assert_no_serious_axe_violations(page)

    # The summary's link takes a keyboard user to the first choice.
    tab_to(page, summary.get_by_role("link"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("radio", name="Me", exact=True)).to_be_focused()

    page.goto("/refer/")
    continue_(page, "Start now")
    expect(page.get_by_role("heading", level=1)).to_have_text("Who needs music therapy?")
    choose(page, "Who needs music therapy?", "Me")
    continue_(page)
    type_into(page, "First name", "Maureen")
    continue_(page)
    expect(page.locator("#id_family_name-error")).to_contain_text("Enter your last name")
    expect(page.get_by_label("First name", exact=True)).to_have_value("Maureen")
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)


def test_over_the_rate_limit_the_check_page_says_to_wait(phone, live_server, monkeypatch):
    page = phone  # noqa: F811 (the tab from the page fixture, phone-sized)
    # Answer the questions through the test client, then carry on in the browser.
    client = Client()
    answer_all(client, SELF_ANSWERS)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    monkeypatch.setattr(abuse, "minutes_to_wait", lambda request: 12)
    page.goto("/refer/check/")
    tick(page, "I agree that the music therapy team", exact=False)
    continue_(page, "Send")

    expect(page).to_have_title(re.compile(r"^Error: Check your answers"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Wait 12 minutes")
    expect(page.locator("#send-problem")).to_contain_text("then press Send again")
    expect(page.get_by_label("I agree that the music therapy team", exact=False)).to_be_checked()
    expect(page.locator(".nhsuk-summary-list")).to_contain_text("Maureen Okafor")
    check_page(page, "Check your answers", "rate-limited")
    assert not Referral.objects.exists()
    assert_no_browser_problems(page)
