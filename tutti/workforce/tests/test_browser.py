"""Course sign-up and the workforce pages in a real browser (Debian's Chromium through
Playwright, axe-core for accessibility), as in tutti/accounts/tests/test_browser.py: skipped
without /usr/bin/chromium unless TUTTI_REQUIRE_BROWSER=1. Screenshots land in /tmp (or
TUTTI_SCREENSHOT_DIR)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.core.tests.browser import (
    SCREENSHOT_DIR,
    assert_no_browser_problems,
    assert_no_serious_axe_violations,
    assert_styled,
    expect,
    tab_to,
    type_into,  # noqa: F401 (browser, page, strict_page are fixtures)
)
from tutti.workforce.models import Attendance, Participant
from tutti.workforce.tests.factories import (
    CohortFactory,
    ParticipantFactory,
    TherapistFactory,
    TraineeFactory,
    supervision_given,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
PASSWORD = "correct horse battery staple"


def press(page, target):  # noqa: F811
    tab_to(page, target)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def check_page(page, heading, screenshot=None, phone=True):  # noqa: F811
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    # Let the favicon finish loading: leaving a page mid-request counts as a failed request.
    page.wait_for_load_state("networkidle")
    if phone:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"
    if screenshot:
        page.screenshot(path=str(SCREENSHOT_DIR / f"tutti-{screenshot}.png"), full_page=True)
    assert_no_serious_axe_violations(page)


def sign_in(page, user):  # noqa: F811
    page.goto("/account/sign-in/")
    page.get_by_label("Email address or username").fill(user.username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def staff(role, **extra):
    for name in Role.values:  # live_server tests flush the groups the migration made
        Group.objects.get_or_create(name=name)
    user = get_user_model().objects.create_user(
        username=f"{role}-user", email=f"{role}@example.org", password=PASSWORD, **extra
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def test_a_teacher_signs_up_on_a_phone_with_the_keyboard_then_cancels(page):  # noqa: F811
    page.set_viewport_size(PHONE)
    cohort = CohortFactory(capacity=1, course__title="Music for communication")
    ParticipantFactory(cohort=cohort, email="first@example.com")  # the last place is taken

    page.goto("/courses/")
    check_page(page, "Training courses", "courses-list")
    assert_styled(page)
    expect(page.locator(".nhsuk-card")).to_contain_text("Full. You can join the waiting list")
    press(page, page.get_by_role("link", name=re.compile("Join the waiting list")))

    check_page(page, "Sign up: Music for communication")
    expect(page.locator(".nhsuk-inset-text")).to_contain_text("This course is full")
    press(page, page.get_by_role("button", name="Join the waiting list"))
    check_page(page, "Sign up", "courses-sign-up-errors")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("Enter your full name")
    expect(summary).to_contain_text("Select which of these best describes you")

    type_into(page, "Your full name", "Asha Patel")
    type_into(page, "Email address", "asha@example.com")
    radios = page.get_by_role("group", name="Which of these best describes you?")
    tab_to(page, radios.get_by_role("radio").first)
    page.keyboard.press("Space")  # the first answer: teacher or school staff
    type_into(page, "School or organisation (optional)", "Wyebridge Primary")
    press(page, page.get_by_role("button", name="Join the waiting list"))

    check_page(page, "You are number 1 on the waiting list", "courses-waiting")
    asha = Participant.objects.get(email="asha@example.com")
    assert asha.status == Participant.Status.WAITING and asha.role == "teacher"
    [email] = [m for m in mail.outbox if m.to == ["asha@example.com"]]
    link = re.search(r"https?://[^/\s]+(/courses/cancel/\S+/)", email.body).group(1)

    page.goto(link)
    check_page(page, "Do you want to leave the waiting list?", "courses-cancel")
    press(page, page.get_by_role("button", name="Yes, leave the waiting list"))
    check_page(page, "You have left the waiting list", "courses-cancelled")
    asha.refresh_from_db()
    assert asha.status == Participant.Status.CANCELLED
    assert_no_browser_problems(page)


def test_the_clinical_lead_checks_quality_and_records_supervision(page):  # noqa: F811
    today = timezone.localdate()
    lead_user = staff(Role.SUPERVISOR, full_name="Ruth Ellison")
    lead_user.groups.add(Group.objects.get(name=Role.THERAPIST))
    lead = TherapistFactory(user=lead_user)
    sam = TherapistFactory(user__full_name="Sam Okafor", dbs_checked_on=today)
    TherapistFactory(user__full_name="Nigel Power", registration_expires=today + timedelta(days=10))
    trainee = TraineeFactory(user__full_name="Terry Kelly", supervisor=lead)
    supervision_given(lead, [sam], today - timedelta(weeks=6))
    supervision_given(lead, [trainee], today - timedelta(days=2))

    sign_in(page, lead_user)
    page.goto("/workforce/quality/")
    check_page(page, "Quality and registration checks", "workforce-quality", phone=False)
    expect(page.get_by_role("main")).to_contain_text("1 person is overdue for supervision")
    expect(page.get_by_role("row", name=re.compile("Nigel Power"))).to_contain_text(
        "Due in 10 days"
    )

    page.goto("/workforce/supervision/new/")
    check_page(page, "Record supervision", phone=False)
    page.get_by_label("Individual", exact=True).check()
    page.get_by_label("Sam Okafor", exact=True).check()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Length in minutes").fill("60")
    page.get_by_label("Topics").fill("Sam's client at NW1 0PP")
    with page.expect_navigation():
        page.get_by_role("button", name="Save supervision record").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Remove the postcode (NW1 0PP)")
    expect(page.get_by_label("Topics")).to_have_value("Sam's client at NW1 0PP")
    check_page(page, "Record supervision", "workforce-supervision-error", phone=False)
    page.get_by_label("Topics").fill("Endings with children")
    with page.expect_navigation():
        page.get_by_role("button", name="Save supervision record").click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Supervision recorded")

    page.goto(f"/workforce/therapists/{trainee.pk}/")
    check_page(page, "Terry Kelly", "workforce-trainee", phone=False)
    assert_no_browser_problems(page)


def _attended_cohort():
    cohort = CohortFactory(capacity=3, sessions=[-14, -7], course__title="Music for communication")
    person = ParticipantFactory(cohort=cohort, name="Asha Patel")
    for session in cohort.sessions.all():
        Attendance.objects.create(session=session, participant=person, attended=True)
    return cohort, person


def test_a_coordinator_prints_a_certificate(page):  # noqa: F811
    coordinator = staff(Role.COORDINATOR, full_name="Priya Shah")
    cohort, _ = _attended_cohort()

    sign_in(page, coordinator)
    page.goto(f"/workforce/cohorts/{cohort.pk}/")
    check_page(page, cohort.name, "workforce-cohort", phone=False)
    with page.expect_navigation():
        page.get_by_role("link", name="Certificate for Asha Patel").click()
    check_page(page, "Certificate of attendance", "workforce-certificate", phone=False)
    # The print button appears only when its script runs (allowed by the CSP).
    expect(page.get_by_role("button", name="Print certificate")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("header.nhsuk-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Print certificate")).to_be_hidden()
    expect(page.locator(".tutti-certificate")).to_contain_text("Asha Patel")
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-workforce-certificate-print.png"))
    assert_no_browser_problems(page)


def test_the_print_button_works_under_the_content_security_policy(strict_page):  # noqa: F811
    coordinator = staff(Role.COORDINATOR, full_name="Priya Shah")
    _, person = _attended_cohort()
    sign_in(strict_page, coordinator)
    strict_page.goto(f"/workforce/participants/{person.pk}/certificate/")
    strict_page.wait_for_load_state("networkidle")
    expect(strict_page.get_by_role("button", name="Print certificate")).to_be_visible()
    assert_no_browser_problems(strict_page)


def test_a_coordinator_changes_the_period_of_hours_delivered_on_a_phone(page):  # noqa: F811
    from tutti.delivery.tests.factories import SessionFactory, at

    page.set_viewport_size(PHONE)
    today = timezone.localdate()
    SessionFactory(starts_at=at(today - timedelta(days=20)), site__name="Abbey Hall")
    SessionFactory(starts_at=at(today - timedelta(days=400)), site=None)
    coordinator = staff(Role.COORDINATOR, full_name="Priya Shah")

    sign_in(page, coordinator)
    page.goto("/workforce/reports/")
    check_page(page, "Workforce and training report", "workforce-report")
    main = page.get_by_role("main")
    expect(main).to_contain_text(re.compile(r"0.75\s*therapist-hours delivered in 1 session"))
    expect(page.get_by_role("table", name="Therapist-hours delivered, by site")).to_contain_text(
        "Abbey Hall"
    )

    earlier = today - timedelta(days=500)
    from_day = page.get_by_role("group", name="The first day")
    from_day.get_by_label("Day").fill(str(earlier.day))
    from_day.get_by_label("Month").fill(str(earlier.month))
    from_day.get_by_label("Year").fill("")
    press(page, page.get_by_role("button", name="Show hours delivered"))
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "The first day must include a year"
    )
    expect(from_day.get_by_label("Day")).to_have_value(str(earlier.day))
    check_page(page, "Workforce and training report", "workforce-report-error")

    from_day.get_by_label("Year").fill(str(earlier.year))
    press(page, page.get_by_role("button", name="Show hours delivered"))
    expect(main).to_contain_text(re.compile(r"1.5\s*therapist-hours delivered in 2 sessions"))
    expect(page.get_by_role("table", name="Therapist-hours delivered, by site")).to_contain_text(
        "Online"
    )
    check_page(page, "Workforce and training report")
    assert_no_browser_problems(page)


def test_a_therapist_reads_their_caseload_on_a_phone(page):  # noqa: F811
    from tutti.delivery.tests.factories import AttendanceFactory, EpisodeFactory, SessionFactory
    from tutti.outcomes.library import library_load
    from tutti.outcomes.tests.factories import ResponseFactory

    library_load()  # the live server's database was flushed of the migration's measures
    page.set_viewport_size(PHONE)
    me = TherapistFactory(user=staff(Role.THERAPIST, full_name="Sam Okafor"))
    episode = EpisodeFactory(therapists=[me], referral__person__given_name="Ada")
    session = SessionFactory(episode=episode)
    AttendanceFactory(session=session, episode=episode)
    ResponseFactory(person=episode.person, referral=episode.referral)

    sign_in(page, me.user)
    page.goto("/workforce/caseload/")
    check_page(page, "Your caseload", "workforce-caseload")
    row = page.get_by_role("row", name=re.compile(episode.person.full_name))
    expect(row).to_contain_text("1 due")
    press(page, row.get_by_role("link", name=re.compile(episode.person.full_name)))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_no_browser_problems(page)
