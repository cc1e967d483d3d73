"""The therapist's own details, the workforce report and the dashboard links, by role."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.workforce.models import Attendance
from tutti.workforce.tests.factories import (
    CohortFactory,
    ParticipantFactory,
    TherapistFactory,
    supervision_given,
)

pytestmark = pytest.mark.django_db


def test_a_therapist_changes_their_own_languages_and_capacity(client):
    me = TherapistFactory()
    client.force_login(me.user)
    url = reverse("workforce:profile_edit", kwargs={"pk": me.pk})
    response = client.post(
        url,
        {"languages": " ", "weekly_capacity": "12", "weekly_group_capacity": "nope"},
    )
    page = response.content.decode()
    assert "Enter at least one language, like English" in page
    assert "Enter a whole number, like 2" in page
    response = client.post(
        url,
        {
            "languages": "English, Welsh,, English",
            "weekly_capacity": "12",
            "weekly_group_capacity": "1",
            "specialisms": ["dementia"],
            "work_settings": ["care_home"],
        },
    )
    assert response.status_code == 302
    me.refresh_from_db()
    assert me.languages == ["English", "Welsh"]
    assert (me.weekly_capacity, me.weekly_group_capacity) == (12, 1)


def test_the_report_counts_registration_supervision_and_people_trained(client):
    today = timezone.localdate()
    lead = TherapistFactory(user=UserFactory(roles=[Role.SUPERVISOR, Role.THERAPIST]))
    TherapistFactory(registration_expires=today - timedelta(days=1))
    TherapistFactory(registration_expires=today + timedelta(days=20))
    supervised = TherapistFactory()
    supervision_given(lead, [supervised], today)
    cohort = CohortFactory(capacity=5, sessions=[-7])
    session = cohort.sessions.get()
    teacher = ParticipantFactory(cohort=cohort, role="teacher", email="a@example.com")
    parent = ParticipantFactory(cohort=cohort, role="parent", email="b@example.com")
    absent = ParticipantFactory(cohort=cohort, role="carer", email="c@example.com")
    for person, came in ((teacher, True), (parent, True), (absent, False)):
        Attendance.objects.create(session=session, participant=person, attended=came)

    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    page = client.get(reverse("workforce:reports")).content.decode()
    assert "No sessions were delivered in this period." in page
    assert '<span class="tutti-figure">2</span>' in page  # people trained
    assert ">Lapsed</th>" in page and ">Due for renewal within 60 days</th>" in page
    assert escape(supervised.user.full_name) not in page  # totals only
    assert "Area not known" in page or "Online" in page or "Camden" in page


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.PARTNER, Role.REFERRER, Role.COMMISSIONER])
def test_the_report_is_for_coordinators_clinical_leads_and_administrators(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("workforce:reports")).status_code == 403


QA = "Quality and registration checks"
COURSES = "Training courses"


@pytest.mark.parametrize(
    ("roles", "shown", "hidden"),
    [
        ([Role.COORDINATOR], [COURSES, "Workforce and training report"], ["Your caseload", QA]),
        ([Role.THERAPIST], ["Your caseload", "Your record"], [COURSES, QA]),
        ([Role.SUPERVISOR, Role.THERAPIST], [QA, "Record supervision"], [COURSES]),
        ([Role.PARTNER], [], ["Your caseload", COURSES, QA]),
    ],
)
def test_the_dashboard_links_fit_the_role(client, roles, shown, hidden):
    user = UserFactory(roles=roles)
    if Role.THERAPIST in roles:
        TherapistFactory(user=user)
    client.force_login(user)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for name in ("workforce:quality", "workforce:caseload", "workforce:courses"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "sign-in" in response["Location"]
