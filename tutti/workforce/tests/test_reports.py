"""Therapist hours delivered, by site and programme, over a chosen period (the report page)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.delivery.models import Session
from tutti.delivery.tests.factories import GroupFactory, SessionFactory, at
from tutti.organisations.tests.factories import SiteFactory
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.workforce.reports import hours_delivered, last_twelve_months
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def service(today):
    """A month of sessions: some delivered, some not (cancelled, still to come, too early)."""
    ten_days_ago = today - timedelta(days=10)
    hall = SiteFactory(name="Abbey Hall")
    school = SiteFactory(name="Brook School")
    strings = ProgrammeFactory(name="Strings for schools")
    voices = ProgrammeFactory(name="Young Voices")
    ann, bo, cy = TherapistFactory(), TherapistFactory(), TherapistFactory()

    def session(**kwargs):
        minutes = kwargs.pop("minutes", 60)
        starts_at = kwargs.pop("starts_at", at(ten_days_ago, 10))
        return SessionFactory(
            starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), **kwargs
        )

    # 45 minutes with Ann at the hall.
    session(episode__programme=strings, site=hall, therapists=[ann], minutes=45)
    # A one-hour group at the hall run by two therapists: two therapist-hours.
    group = GroupFactory(programme=voices, site=hall, therapists=[ann, bo])
    session(
        kind=Session.Kind.GROUP,
        group=group,
        episode=None,
        programme=voices,
        site=hall,
        therapists=[ann, bo],
        starts_at=at(ten_days_ago, 16),
    )
    # Half an hour online with Cy.
    session(episode__programme=voices, site=None, therapists=[cy], minutes=30)
    # A 90-minute community event at the school with no programme.
    session(
        kind=Session.Kind.COMMUNITY,
        episode=None,
        programme=None,
        title="Spring concert",
        site=school,
        therapists=[bo],
        minutes=90,
        starts_at=at(ten_days_ago, 19),
    )
    # Not delivered: cancelled, still to come, and long before the period.
    session(
        episode__programme=strings,
        site=hall,
        therapists=[ann],
        status=Session.Status.CANCELLED,
        starts_at=at(ten_days_ago, 12),
    )
    session(
        episode__programme=strings,
        site=hall,
        therapists=[ann],
        starts_at=at(today + timedelta(days=2)),
    )
    session(
        episode__programme=strings,
        site=school,
        therapists=[cy],
        starts_at=at(today - timedelta(days=800)),
    )
    return {"hall": hall, "school": school, "strings": strings, "voices": voices}


def _by_label(rows):
    return {row.label: row for row in rows}


def test_hours_are_counted_once_for_each_therapist_in_a_session_that_happened(today, service):
    report = hours_delivered(*last_twelve_months(today))
    sites = _by_label(report["by_site"])
    assert list(sites) == ["Abbey Hall", "Brook School", "Online"]  # online last
    hall = sites["Abbey Hall"]
    assert (hall.sessions, hall.individual, hall.group, hall.community) == (2, 0.75, 2.0, 0)
    assert hall.hours == 2.75
    assert sites["Brook School"].community == 1.5 and sites["Brook School"].sessions == 1
    assert sites["Online"].individual == 0.5 and sites["Online"].key is None

    programmes = _by_label(report["by_programme"])
    assert list(programmes) == ["Strings for schools", "Young Voices", "No programme"]
    assert programmes["Strings for schools"].hours == 0.75
    assert programmes["Young Voices"].hours == 2.5  # the group and the online session
    assert programmes["No programme"].hours == 1.5

    total = report["total"]
    assert (total.sessions, total.hours) == (4, 4.75)


def test_the_period_decides_which_sessions_count(today, service):
    long_ago = today - timedelta(days=800)
    report = hours_delivered(long_ago, long_ago)
    assert [r.label for r in report["by_site"]] == ["Brook School"]
    assert report["total"].hours == 1.0
    nothing = hours_delivered(today - timedelta(days=5), today)
    assert nothing["by_site"] == [] and nothing["total"].sessions == 0


def test_a_session_still_going_on_is_not_counted_until_it_ends(today):
    now = timezone.now()
    SessionFactory(starts_at=now - timedelta(minutes=20), ends_at=now + timedelta(minutes=25))
    assert hours_delivered(today, today)["total"].sessions == 0
    later = hours_delivered(today, today, now=now + timedelta(minutes=30))
    assert later["total"].hours == 0.75


def test_the_figures_come_from_three_queries_however_many_sessions(
    today, service, django_assert_num_queries
):
    for _ in range(5):
        SessionFactory(starts_at=at(today - timedelta(days=3)))
    with django_assert_num_queries(3):
        hours_delivered(*last_twelve_months(today))


def test_the_last_twelve_months_run_up_to_today():
    assert last_twelve_months(date(2026, 6, 15)) == (date(2025, 6, 16), date(2026, 6, 15))
    assert last_twelve_months(date(2028, 2, 29)) == (date(2027, 3, 1), date(2028, 2, 29))


def _page(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("workforce:reports"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_report_shows_the_last_twelve_months_by_default_with_links_for_coordinators(
    client, today, service
):
    page = _page(client, UserFactory(roles=[Role.COORDINATOR]))
    first, last = last_twelve_months(today)
    assert f"From {first:%-d %B %Y} to {last:%-d %B %Y}." in page
    assert "therapist-hours delivered in 4 sessions" in page
    assert "a one-hour group run by two therapists is two therapist-hours" in page
    assert ">Online</th>" in page and "No programme" in page
    programme_url = reverse("delivery:programme", kwargs={"code": service["voices"].code})
    assert f'<a href="{programme_url}">Young Voices</a>' in page
    assert reverse("reports:impact") + "?date_from_0=" in page
    # The weekly availability is still there, called what it is.
    assert "Therapist hours available" in page and "not time delivered" in page


def test_a_clinical_lead_sees_the_figures_without_links_to_pages_they_cannot_open(client, service):
    lead = UserFactory(roles=[Role.SUPERVISOR])
    page = _page(client, lead)
    assert "Young Voices" in page
    assert reverse("delivery:programme", kwargs={"code": service["voices"].code}) not in page
    assert reverse("reports:impact") not in page


def test_a_chosen_period(client, today, service):
    long_ago = today - timedelta(days=800)
    page = _page(
        client,
        UserFactory(roles=[Role.ADMINISTRATOR]),
        date_from_0=long_ago.day,
        date_from_1=long_ago.month,
        date_from_2=long_ago.year,
        date_to_0=long_ago.day,
        date_to_1=long_ago.month,
        date_to_2=long_ago.year,
    )
    assert "therapist-hours delivered in 1 session<" in page
    assert "Abbey Hall" not in page.split("Therapist hours available")[0]


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        (
            {"date_from": ("1", "", "2025"), "date_to": ("31", "3", "2026")},
            "date_from",
            "The first day must include a month",
        ),
        (
            {"date_from": ("31", "2", "2025"), "date_to": ("31", "3", "2026")},
            "date_from",
            "The first day must be a real date",
        ),
        (
            {"date_from": ("1", "4", "2026"), "date_to": ("31", "3", "2026")},
            "date_to",
            "The last day must be the same as or after the first",
        ),
        (
            {"date_from": ("1", "1", "2999"), "date_to": ("2", "1", "2999")},
            "date_from",
            "The first day must be today or earlier",
        ),
        (
            {"date_from": ("1", "1", "2001"), "date_to": ("1", "1", "2024")},
            "date_to",
            "Choose a period of 10 years or less",
        ),
        ({"date_to": ("31", "3", "2026")}, "date_from", "Enter the first day"),
    ],
)
def test_a_wrong_period_is_explained_next_to_the_field_and_what_was_typed_stays(
    client, typed, field, message
):
    params = {
        f"{name}_{index}": part for name, parts in typed.items() for index, part in enumerate(parts)
    }
    page = " ".join(_page(client, UserFactory(roles=[Role.COORDINATOR]), **params).split())
    assert "There is a problem" in page
    assert f'<a href="#id_{field}_0" > {message}' in page  # the summary
    assert (
        f'id="id_{field}-error" > <span class="nhsuk-u-visually-hidden">Error: </span>{message}'
        in page
    )
    for name, parts in typed.items():
        for index, part in enumerate(parts):
            assert f'name="{name}_{index}" type="text" value="{part}"' in page
    assert "therapist-hours delivered in" not in page
    # The rest of the report is still there.
    assert "HCPC registration" in page
