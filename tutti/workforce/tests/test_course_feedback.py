"""After a course's last session, each person who came is emailed a link to the course
feedback survey; their answers are reported with the other surveys."""

import re

import pytest
from django.core import mail
from django.test import Client

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.outcomes.models import Response
from tutti.workforce.tests.factories import CohortFactory
from tutti.workforce.training import services

pytestmark = pytest.mark.django_db
BASE = "https://tutti.example"


def sign_up(cohort, n):
    return services.participant_sign_up(
        cohort=cohort,
        name=f"Person {n}",
        email=f"person{n}@example.com",
        role="teacher",
        base_url=BASE,
    )


def test_people_who_came_get_a_feedback_link_and_their_answers_count(
    django_capture_on_commit_callbacks,
):
    cohort = CohortFactory(capacity=3, sessions=[7, 14])
    came, missed = sign_up(cohort, 1), sign_up(cohort, 2)
    first, last = cohort.sessions.order_by("date")
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_record(
            session=first, attended_ids=[came.pk, missed.pk], actor=coordinator, base_url=BASE
        )
    assert mail.outbox == []  # not until the last session
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_record(
            session=last, attended_ids=[came.pk], actor=coordinator, base_url=BASE
        )

    (email,) = mail.outbox
    assert email.to == ["person1@example.com"]
    link = re.search(rf"{BASE}(/questionnaire/\S+/)", email.body).group(1)
    response = Response.objects.get(course_participant=came)
    assert response.measure.code == "survey_course" and response.person is None
    came.refresh_from_db()
    assert came.feedback_requested_at is not None

    them = Client()
    them.get(link)
    assert "Who is answering" not in them.get("/questionnaire/start/").content.decode()
    them.post("/questionnaire/start/")
    for number, answer in enumerate(["5", "4", "2"], start=1):
        them.post(f"/questionnaire/question/{number}/", {"answer": answer})
    them.post("/questionnaire/check/")
    response.refresh_from_db()
    assert response.is_completed and response.answered_by == "course"

    results = Client()
    results.force_login(coordinator)
    page = results.get("/outcomes/feedback/").content.decode()
    assert "Course feedback" in page or "training course" in page
    assert "I would recommend this course to others." in page


def test_no_email_address_means_no_request(django_capture_on_commit_callbacks):
    cohort = CohortFactory(capacity=2, sessions=[7])
    person = sign_up(cohort, 1)
    person.email = ""
    person.save()
    (only,) = cohort.sessions.all()
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_record(session=only, attended_ids=[person.pk], actor=None)
    assert not Response.objects.filter(course_participant=person).exists()
    person.refresh_from_db()
    assert person.feedback_requested_at is None
