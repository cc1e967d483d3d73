"""The register and the session record in a real browser (Debian's Chromium through
Playwright, under the site's Content-Security-Policy, axe-core for accessibility): skipped
without /usr/bin/chromium unless TUTTI_REQUIRE_BROWSER=1. Screenshots land in /tmp (or
TUTTI_SCREENSHOT_DIR)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tutti.core.tests.browser import (
    AXE_JS,
    SCREENSHOT_DIR,
    assert_no_browser_problems,
    expect,
    tab_to,
)
from tutti.delivery.models import Attendance, ReviewTask, Session, SessionRecord
from tutti.delivery.services.attendance import attendance_mark
from tutti.delivery.tests.factories import (
    AttendanceFactory,
    EpisodeFactory,
    GroupFactory,
    SessionFactory,
    at,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"  # UserFactory's


def assert_no_serious_axe_violations(page):
    """axe-core under the site's CSP: a <script> tag would be refused, so the test hands axe
    to the page through the browser's debugging channel, which the CSP does not govern."""
    page.evaluate(AXE_JS.read_text())
    results = page.evaluate("axe.run()")
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    report = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in serious
    )
    assert not serious, f"axe found serious problems on {page.url}:\n{report}"


def check_page(page, heading, screenshot=None):
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    page.wait_for_load_state("networkidle")
    if screenshot:
        page.screenshot(path=str(SCREENSHOT_DIR / f"tutti-{screenshot}.png"), full_page=True)
    assert_no_serious_axe_violations(page)


def sign_in(page, user):
    # The first request compiles the URLs and templates: on a busy machine that can outlast
    # the browser's patience, so do it here first (the live server shares this process).
    Client().get("/account/sign-in/")
    page.goto("/account/sign-in/")
    page.get_by_label("Email address or username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def press(page, target):
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_therapist_marks_the_register_and_writes_the_group_record(strict_page):
    page = strict_page
    today = timezone.localdate()
    group = GroupFactory(name="Tuesday songwriters", starts_on=today - timedelta(weeks=2))
    therapist = group.therapists.get()
    ana = EpisodeFactory(programme=group.programme, group=group, referral__person__given_name="Ana")
    ben = EpisodeFactory(programme=group.programme, group=group, referral__person__given_name="Ben")
    sessions = []
    for weeks_ago in (1, 0):
        session = SessionFactory(
            kind=Session.Kind.GROUP,
            group=group,
            episode=None,
            programme=group.programme,
            number=2 - weeks_ago,
            starts_at=at(today - timedelta(weeks=weeks_ago, days=1), 16),
        )
        for episode in (ana, ben):
            AttendanceFactory(session=session, episode=episode)
        sessions.append(session)
    last_week, this_week = sessions
    attendance_mark(
        session=last_week,
        marks={ana.pk: Attendance.Status.ATTENDED, ben.pk: Attendance.Status.DID_NOT_ATTEND},
        actor=therapist.user,
    )

    sign_in(page, therapist.user)
    page.goto(f"/delivery/sessions/{this_week.pk}/attendance/")
    check_page(page, "Attendance", "delivery-register")
    press(page, page.get_by_role("button", name="Save attendance"))
    check_page(page, "Attendance", "delivery-register-errors")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        f"Choose whether {ana.person.full_name} came"
    )
    ana_group = page.get_by_role("group", name=ana.person.full_name)
    tab_to(page, ana_group.get_by_role("radio", name="Attended"))
    page.keyboard.press("Space")
    page.get_by_role("group", name=ben.person.full_name).get_by_role(
        "radio", name="Did not attend"
    ).check()
    press(page, page.get_by_role("button", name="Save attendance"))
    check_page(page, "Attendance", "delivery-register-saved")
    expect(page.locator("main")).to_contain_text("Attendance saved")
    expect(page.locator("main")).to_contain_text("Missed 2 sessions in a row")
    assert ReviewTask.objects.get().episode == ben

    press(page, page.get_by_role("link", name="Write or amend the session record"))
    check_page(page, "Session record", "delivery-record")
    press(page, page.get_by_role("button", name="Save session record"))
    check_page(page, "Session record", "delivery-record-errors")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Write a note, or choose the musical work"
    )
    page.get_by_role("checkbox", name="Song-writing").check()
    page.get_by_label("Instruments used (optional)").fill("guitar, shakers")
    page.get_by_role("checkbox", name="Parent or carer").check()
    page.get_by_label("Group note").fill("The group wrote a second verse together.")
    page.get_by_label(f"Note about {ana.person.full_name} (optional)").fill("Sang it alone.")
    press(page, page.get_by_role("button", name="Save session record"))
    check_page(page, "Session record", "delivery-record-saved")
    expect(page.locator("main")).to_contain_text("Session record saved")
    record = SessionRecord.objects.get(session=this_week)
    assert record.musical_work == ["songwriting"] and record.present == ["parent_carer"]
    assert record.notes_about.get().episode == ana

    page.get_by_label("Group note").fill("The group wrote a second verse and sang it twice.")
    press(page, page.get_by_role("button", name="Save session record"))
    press(page, page.get_by_role("link", name="See every version of this record"))
    check_page(page, "Every version of the session record", "delivery-record-history")
    expect(page.locator("main")).to_contain_text("sang it twice")
    expect(page.locator("main")).to_contain_text("The group wrote a second verse together.")
    assert_no_browser_problems(page)
