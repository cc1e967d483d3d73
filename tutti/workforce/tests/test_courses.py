"""Training courses: places and a first-come-first-served waiting list that moves up when a
place frees, the public sign-up and its one-time cancel link, registers and certificates."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.workforce.models import Attendance, Participant
from tutti.workforce.tests.factories import CohortFactory, ParticipantFactory
from tutti.workforce.training import services
from tutti.workforce.training.selectors import waiting_list_position
from tutti.workforce.training.tokens import cancel_token, participant_for_cancel_token

pytestmark = pytest.mark.django_db

BASE = "http://testserver/"
Status = Participant.Status


def sign_up(cohort, n, **extra):
    return services.participant_sign_up(
        cohort=cohort,
        name=f"Person {n}",
        email=f"person{n}@example.com",
        role="teacher",
        base_url=BASE,
        **extra,
    )


def cancel_link(message):
    return re.search(r"http://testserver(/courses/cancel/[^/\s]+/)", message.body).group(1)


def test_first_come_first_served_then_the_waiting_list_in_order():
    cohort = CohortFactory(capacity=2)
    people = [sign_up(cohort, n) for n in range(5)]
    assert [p.status for p in people] == [Status.PLACE] * 2 + [Status.WAITING] * 3
    assert [waiting_list_position(p) for p in people] == [None, None, 1, 2, 3]


def test_a_cancelled_place_goes_to_the_first_person_waiting_who_is_emailed(
    django_capture_on_commit_callbacks,
):
    cohort = CohortFactory(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        first, second, third, fourth = (sign_up(cohort, n) for n in range(4))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        moved = services.participant_cancel(participant=first, base_url=BASE)
    assert moved == [third]
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == Status.PLACE and third.moved_up
    assert waiting_list_position(fourth) == 1
    offered = next(m for m in mail.outbox if m.to == ["person2@example.com"])
    assert offered.subject.startswith("A place is free")
    assert "it is yours" in offered.body
    assert "/courses/cancel/" in offered.body  # they can cancel in turn
    cancelled = next(m for m in mail.outbox if m.to == ["person0@example.com"])
    assert "Your place on this course is cancelled" in cancelled.body

    # Leaving the waiting list frees no place: nobody moves.
    assert services.participant_cancel(participant=fourth, base_url=BASE) == []
    with pytest.raises(services.AlreadyCancelled):
        services.participant_cancel(participant=fourth, base_url=BASE)


def test_more_places_move_people_up_and_fewer_than_taken_is_refused():
    cohort = CohortFactory(capacity=1)
    people = [sign_up(cohort, n) for n in range(4)]
    services.cohort_update(cohort=cohort, actor=None, base_url=BASE, capacity=3)
    statuses = [Participant.objects.get(pk=p.pk).status for p in people]
    assert statuses == [Status.PLACE, Status.PLACE, Status.PLACE, Status.WAITING]
    with pytest.raises(ValidationError) as error:
        services.cohort_update(cohort=cohort, actor=None, base_url=BASE, capacity=2)
    assert "3 people already have a place" in error.value.message_dict["capacity"][0]


def test_the_same_email_cannot_sign_up_twice_but_can_after_cancelling():
    cohort = CohortFactory(capacity=5)
    person = sign_up(cohort, 1)
    with pytest.raises(ValidationError) as error:
        services.participant_sign_up(
            cohort=cohort,
            name="Someone",
            email="PERSON1@example.com",
            role="parent",
            base_url=BASE,
        )
    assert "already signed up" in error.value.message_dict["email"][0]
    services.participant_cancel(participant=person, base_url=BASE)
    assert sign_up(cohort, 1).status == Status.PLACE


def test_sign_up_closes_when_the_course_starts_or_is_closed():
    started = CohortFactory(sessions=[-1, 6])
    with pytest.raises(ValidationError, match="not taking sign-ups"):
        sign_up(started, 1)
    closed = CohortFactory(signup_open=False)
    with pytest.raises(ValidationError, match="not taking sign-ups"):
        sign_up(closed, 1)


def test_the_cancel_link_works_once_and_cannot_be_forged():
    cohort = CohortFactory(capacity=1)
    person = sign_up(cohort, 1)
    token = cancel_token(person)
    assert participant_for_cancel_token(token) == person
    assert participant_for_cancel_token(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert participant_for_cancel_token(f"{person.pk + 1}-{token.split('-')[1]}") is None
    assert participant_for_cancel_token("nonsense") is None
    services.participant_cancel(participant=person, base_url=BASE)
    assert participant_for_cancel_token(token) is None


def test_public_sign_up_and_cancel_from_start_to_finish(client, django_capture_on_commit_callbacks):
    """Two people sign up for the last place: one has it, one is number 1 on the waiting
    list. The first cancels from the link in their email; the second moves up and is told."""
    cohort = CohortFactory(capacity=1, course__title="Music for communication")
    page = client.get(reverse("courses:list")).content.decode()
    assert "Music for communication" in page and "1 place left" in page

    url = reverse("courses:sign_up", kwargs={"pk": cohort.pk})
    form = {"name": "Asha Patel", "email": "asha@example.com", "role": "teacher"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302 and response["Location"] == reverse("courses:signed_up")
    assert "asha" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "You have a place" in page
    asha_email = mail.outbox[-1]
    assert asha_email.to == ["asha@example.com"]
    assert asha_email.subject == "You have a place: Music for communication"

    other = client.__class__()
    with django_capture_on_commit_callbacks(execute=True):
        response = other.post(
            url, {"name": "Ben Okoro", "email": "ben@example.com", "role": "carer"}
        )
    page = other.get(response["Location"]).content.decode()
    assert "You are number 1 on the waiting list" in page
    assert "number 1 on the waiting list" in mail.outbox[-1].body

    link = cancel_link(asha_email)
    page = client.get(link).content.decode()
    assert "Do you want to cancel your place?" in page
    assert Participant.objects.get(email="asha@example.com").status == Status.PLACE  # GET only
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link)
    assert response["Location"] == reverse("courses:cancelled")
    assert "Your place is cancelled" in client.get(response["Location"]).content.decode()
    ben = Participant.objects.get(email="ben@example.com")
    assert ben.status == Status.PLACE
    assert any(m.to == ["ben@example.com"] and "it is yours" in m.body for m in mail.outbox)

    # The link is used up.
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    assert Participant.objects.get(email="ben@example.com").status == Status.PLACE


def test_sign_up_errors_are_shown_next_to_the_fields_with_answers_kept(client):
    cohort = CohortFactory()
    url = reverse("courses:sign_up", kwargs={"pk": cohort.pk})
    response = client.post(url, {"name": "Asha Patel", "email": "not an email"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert "Select which of these best describes you" in page
    assert 'value="Asha Patel"' in page
    assert not Participant.objects.exists()


def test_a_filled_honeypot_takes_no_place_and_says_how_to_get_one(client):
    cohort = CohortFactory()
    url = reverse("courses:sign_up", kwargs={"pk": cohort.pk})
    form = {"name": "Bot", "email": "bot@example.com", "role": "other", "website": "spam"}
    response = client.post(url, form)
    assert "We could not sign you up. Please email us" in response.content.decode()
    assert not Participant.objects.exists()
    assert mail.outbox == []


def test_a_closed_course_says_so(client):
    cohort = CohortFactory(signup_open=False)
    page = client.get(reverse("courses:sign_up", kwargs={"pk": cohort.pk})).content.decode()
    assert "This course is not taking sign-ups" in page
    assert (
        reverse("courses:sign_up", kwargs={"pk": cohort.pk})
        not in client.get(reverse("courses:list")).content.decode()
    )


def test_attendance_per_session_and_a_certificate_of_attendance(client):
    cohort = CohortFactory(capacity=3, sessions=[7, 14], course__title="Music for communication")
    came, missed = sign_up(cohort, 1), sign_up(cohort, 2)
    first, second = cohort.sessions.order_by("date")
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    services.attendance_record(session=first, attended_ids=[came.pk], actor=coordinator)
    services.attendance_record(session=second, attended_ids=[came.pk], actor=coordinator)
    assert Attendance.objects.filter(participant=missed, attended=False).count() == 2

    client.force_login(coordinator)
    page = client.get(reverse("workforce:certificate", kwargs={"pk": came.pk})).content.decode()
    assert "Certificate of attendance" in page and "Person 1" in page
    assert "2 sessions, 3 hours in all" in page
    assert "workforce/certificate.css" in page
    page = client.get(reverse("workforce:certificate", kwargs={"pk": missed.pk})).content.decode()
    assert "no certificate to print" in page

    with pytest.raises(ValidationError):
        services.attendance_record(session=first, attended_ids=[999999], actor=coordinator)


def test_the_register_page_records_who_came(client):
    cohort = CohortFactory(capacity=3)
    a, b = sign_up(cohort, 1), sign_up(cohort, 2)
    session = cohort.sessions.get()
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    url = reverse("workforce:register", kwargs={"pk": session.pk})
    response = client.post(url, {"attended": [str(b.pk)]})
    assert response.status_code == 302
    marks = dict(Attendance.objects.values_list("participant_id", "attended"))
    assert marks == {a.pk: False, b.pk: True}


def test_after_the_last_session_the_feedback_hook_is_asked(monkeypatch):
    asked = []

    def hook(*, participant, base_url=""):
        asked.append(participant.pk)
        return True

    monkeypatch.setattr(services, "request_course_feedback", hook)
    cohort = CohortFactory(capacity=3, sessions=[7, 14])
    a, b = sign_up(cohort, 1), sign_up(cohort, 2)
    first, last = cohort.sessions.order_by("date")
    services.attendance_record(session=first, attended_ids=[a.pk, b.pk], actor=None)
    assert asked == []
    services.attendance_record(session=last, attended_ids=[a.pk], actor=None)
    assert asked == [a.pk]
    a.refresh_from_db()
    assert a.feedback_requested_at is not None


def test_the_coordinator_cancels_a_place_and_the_next_person_moves_up(client):
    cohort = CohortFactory(capacity=1)
    first, waiting = sign_up(cohort, 1), sign_up(cohort, 2)
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    url = reverse("workforce:participant_cancel", kwargs={"pk": first.pk})
    assert "Cancel Person 1's place?" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    page = response.content.decode()
    assert "Person 2 moved up from the waiting list" in page
    assert "Moved up from the waiting list on" in page
    waiting.refresh_from_db()
    assert waiting.status == Status.PLACE


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.SUPERVISOR, Role.PARTNER, Role.REFERRER])
def test_only_coordinators_and_administrators_manage_courses(client, role):
    participant = ParticipantFactory()
    client.force_login(UserFactory(roles=[role]))
    for url in (
        reverse("workforce:courses"),
        reverse("workforce:cohort", kwargs={"pk": participant.cohort_id}),
        reverse("workforce:certificate", kwargs={"pk": participant.pk}),
        reverse("workforce:participant_cancel", kwargs={"pk": participant.pk}),
    ):
        assert client.get(url).status_code == 403, url


def test_a_coordinator_sets_up_a_course_cohort_and_session(client):
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    response = client.post(
        reverse("workforce:course_new"),
        {"title": "Singing together", "summary": "Songs for carers.", "is_published": "on"},
    )
    assert response.status_code == 302
    from tutti.workforce.models import Course

    course = Course.objects.get(title="Singing together")
    url = reverse("workforce:cohort_new", kwargs={"course_pk": course.pk})
    response = client.post(url, {"name": "Autumn", "capacity": "10", "signup_open": "on"})
    assert "Choose a venue, or tick that the cohort meets online" in response.content.decode()
    response = client.post(
        url, {"name": "Autumn", "capacity": "10", "signup_open": "on", "is_online": "on"}
    )
    cohort = course.cohorts.get()
    assert response["Location"] == reverse("workforce:cohort", kwargs={"pk": cohort.pk})
    day = timezone.localdate() + timedelta(days=20)
    url = reverse("workforce:session_new", kwargs={"cohort_pk": cohort.pk})
    session = {"date_0": day.day, "date_1": day.month, "date_2": day.year, "starts": "18:30"}
    response = client.post(url, {**session, "ends": "18:00"})
    assert "The end time must be after the start time" in response.content.decode()
    assert client.post(url, {**session, "ends": "19:30"}).status_code == 302
    page = client.get(reverse("courses:list")).content.decode()
    assert "Singing together" in page and "10 places left" in page
