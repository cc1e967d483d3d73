"""Answering online through a one-time link: no account, nothing personal in the URL, answers
kept as they are given, and the link cannot be used again once the answers are sent."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from markupsafe import escape

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.outcomes.models import MeasureItem, ResponseLink, ResponseStatus
from tutti.outcomes.tests.factories import ResponseFactory, caseload, measure
from tutti.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def therapist(client):
    user = UserFactory(roles=[Role.THERAPIST])
    client.force_login(user)
    return user


def make_link(client, response, **options):
    page = client.post(f"/outcomes/responses/{response.pk}/link/", options).content.decode()
    found = re.search(r"http://testserver(/questionnaire/[A-Za-z0-9_-]+/)", page)
    assert found, page
    return found.group(1)


def answer_all(phone, answers):
    for number, answer in enumerate(answers, start=1):
        data = {"skip": "1"} if answer is None else {"answer": str(answer)}
        phone.post(f"/questionnaire/question/{number}/", data)


def test_a_person_answers_on_their_phone_and_the_link_is_spent(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral, measure=measure("ucla3"))
    link = make_link(client, response)
    token = link.split("/")[2]
    # Only the token's hash is kept, and nothing about the person is in the link.
    stored = ResponseLink.objects.get()
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert re.fullmatch(r"/questionnaire/[A-Za-z0-9_-]{43}/", link)  # the token, nothing else

    phone = Client()
    assert phone.get(link)["Location"] == "/questionnaire/start/"
    start = phone.get("/questionnaire/start/").content.decode()
    assert "Who is answering these questions?" in start
    assert escape(person.family_name) not in start  # a forwarded link shows no name
    assert phone.post("/questionnaire/start/", {"answered_by": "person"})["Location"] == (
        "/questionnaire/question/1/"
    )
    question = phone.get("/questionnaire/question/1/").content.decode()
    assert "How often do you feel that you lack companionship?" in question
    assert "Question 1 of 3" in question and "Hardly ever or never" in question
    answer_all(phone, [1, 2, 3])
    check = phone.get("/questionnaire/check/").content.decode()
    assert "Hardly ever or never" in check and "Often" in check
    assert phone.post("/questionnaire/check/")["Location"] == "/questionnaire/sent/"
    assert "Answers sent" in phone.get("/questionnaire/sent/").content.decode()

    response.refresh_from_db()
    assert response.status == ResponseStatus.COMPLETED and response.channel == "online"
    assert response.answers == [1, 2, 3] and response.raw_score == 6
    assert response.answered_by == "person"
    stored.refresh_from_db()
    assert stored.used_at is not None

    # Replayed: the link, and the pages behind it, refuse; nothing changes.
    again = Client().get(link)
    assert again.status_code == 410 and "These answers have been sent" in again.content.decode()
    assert phone.post("/questionnaire/question/1/", {"answer": "3"}).status_code == 410
    assert phone.post("/questionnaire/check/").status_code == 410
    response.refresh_from_db()
    assert response.answers == [1, 2, 3]


def test_a_half_finished_form_keeps_its_answers(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral, measure=measure("ons4"))
    link = make_link(client, response)
    phone = Client()
    phone.get(link)
    phone.post("/questionnaire/start/", {"answered_by": "person"})
    phone.post("/questionnaire/question/1/", {"answer": "7"})
    phone.post("/questionnaire/question/2/", {"answer": "0"})
    response.refresh_from_db()
    assert response.status == ResponseStatus.IN_PROGRESS
    assert response.answers == [7, 0, None, None]

    # The browser closed (the session is gone); the same link carries on.
    later = Client()
    assert later.get(link)["Location"] == "/questionnaire/start/"
    assert "You have started already" in later.get("/questionnaire/start/").content.decode()
    assert later.post("/questionnaire/start/", {"answered_by": "person"})["Location"] == (
        "/questionnaire/question/3/"
    )
    page = later.get("/questionnaire/question/1/").content.decode()
    assert re.search(r'value="7"\s+checked', page)
    # The therapist sees how far it got, and finishing it on paper starts from those answers.
    detail = client.get(f"/outcomes/responses/{response.pk}/").content.decode()
    assert "2 of 4 answered so far" in detail
    entry = client.get(f"/outcomes/responses/{response.pk}/enter/").content.decode()
    assert re.search(r'<option value="7"\s+selected', entry)


def test_a_question_can_be_skipped_and_an_empty_answer_is_explained(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral, measure=measure("ons4"))
    phone = Client()
    phone.get(make_link(client, response))
    phone.post("/questionnaire/start/", {"answered_by": "person"})
    error = phone.post("/questionnaire/question/1/", {}).content.decode()
    assert "Choose an answer, or choose" in error and "There is a problem" in error
    phone.post("/questionnaire/question/1/", {"skip": "1"})
    answer_all(phone, [None, 6, 5, 2])
    assert "Skipped" in phone.get("/questionnaire/check/").content.decode()
    phone.post("/questionnaire/check/")
    response.refresh_from_db()
    assert response.is_completed and response.score["bands"] == [None, "Medium", "Medium", "Low"]


def test_a_carer_answering_is_recorded_as_a_proxy(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral, measure=measure("ucla3"))
    phone = Client()
    phone.get(make_link(client, response))
    page = phone.post("/questionnaire/start/", {"answered_by": "proxy"}).content.decode()
    assert "Say how you know them" in page
    phone.post("/questionnaire/start/", {"answered_by": "proxy", "proxy_relationship": "Mum"})
    answer_all(phone, [2, 2, 2])
    assert (
        "Answered for someone else, as their Mum"
        in phone.get("/questionnaire/check/").content.decode()
    )
    phone.post("/questionnaire/check/")
    response.refresh_from_db()
    assert (response.answered_by, response.proxy_relationship) == ("proxy", "Mum")


def test_the_easy_read_version_has_short_words_and_big_buttons(client, therapist):
    person, referral, _ = caseload(therapist)
    survey = measure("survey_service_user")
    response = ResponseFactory(person=person, referral=referral, measure=survey, occasion="end")
    phone = Client()
    phone.get(make_link(client, response, easy_read="on"))
    start = phone.get("/questionnaire/start/").content.decode()
    assert "Some questions for you" in start and "tutti-easy-read" in start
    phone.post("/questionnaire/start/", {"answered_by": "person"})
    page = phone.get("/questionnaire/question/1/").content.decode()
    assert "Music therapy was good for me. I could be creative." in page
    assert "tutti-answer-buttons" in page
    assert re.search(r'<button[^>]*name="answer"[^>]*value="5"', page)
    assert "Yes, a lot" in page
    answer_all(phone, [5, 4, 2])
    phone.post("/questionnaire/check/")
    response.refresh_from_db()
    assert response.easy_read and [i["agree"] for i in response.score["items"]] == [
        True,
        True,
        False,
    ]


def test_family_feedback_does_not_ask_who_is_answering(client, therapist):
    person, referral, _ = caseload(therapist)
    survey = measure("survey_family_carer")
    response = ResponseFactory(person=person, referral=referral, measure=survey, occasion="end")
    phone = Client()
    phone.get(make_link(client, response))
    assert "Who is answering" not in phone.get("/questionnaire/start/").content.decode()
    assert phone.post("/questionnaire/start/")["Location"] == "/questionnaire/question/1/"
    answer_all(phone, [4])
    phone.post("/questionnaire/check/")
    response.refresh_from_db()
    assert response.answered_by == "family" and response.is_completed


def test_an_expired_link_says_so(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral, measure=measure("ucla3"))
    link = make_link(client, response)
    ResponseLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    reply = Client().get(link)
    assert reply.status_code == 410 and "This link has run out" in reply.content.decode()


def test_an_unknown_link_says_so(client):
    reply = Client().get("/questionnaire/" + "x" * 43 + "/")
    assert reply.status_code == 404 and "This link does not work" in reply.content.decode()


def test_pages_without_a_link_send_nobody_anywhere(client):
    phone = Client()
    assert phone.get("/questionnaire/start/").status_code == 404
    assert phone.get("/questionnaire/question/1/").status_code == 404
    assert phone.post("/questionnaire/check/").status_code == 404


def test_a_new_link_stops_the_old_one_but_keeps_the_answers(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral, measure=measure("ucla3"))
    first = make_link(client, response)
    phone = Client()
    phone.get(first)
    phone.post("/questionnaire/start/", {"answered_by": "person"})
    phone.post("/questionnaire/question/1/", {"answer": "3"})
    second = make_link(client, response)
    assert Client().get(first).status_code == 410
    fresh = Client()
    fresh.get(second)
    assert "You have started already" in fresh.get("/questionnaire/start/").content.decode()
    response.refresh_from_db()
    assert response.answers[0] == 3


def test_entering_the_answers_stops_an_open_link(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral, measure=measure("ucla3"))
    link = make_link(client, response)
    today = timezone.localdate()
    client.post(
        f"/outcomes/responses/{response.pk}/enter/",
        {
            "item_1": "1",
            "item_2": "1",
            "item_3": "1",
            "answered_by": "person",
            "completed_on_0": today.day,
            "completed_on_1": today.month,
            "completed_on_2": today.year,
        },
    )
    reply = Client().get(link)
    assert reply.status_code == 410 and "These answers have been sent" in reply.content.decode()


def test_a_risk_answer_online_is_flagged_to_the_therapist(
    client, django_capture_on_commit_callbacks
):
    person, referral, therapist = caseload()
    client.force_login(therapist)
    core10 = measure("core10")
    for item in MeasureItem.objects.filter(measure=core10):
        item.wording = f"Licensed item {item.number}"
        item.save()
    response = ResponseFactory(person=person, referral=referral, measure=core10)
    phone = Client()
    phone.get(make_link(client, response))
    phone.post("/questionnaire/start/", {"answered_by": "person"})
    answer_all(phone, [1, 3, 3, 1, 1, 1, 1, 1, 1, 1])
    with django_capture_on_commit_callbacks(execute=True):
        phone.post("/questionnaire/check/")
    response.refresh_from_db()
    assert response.risk_flagged and response.score["risk"] is True
    [email] = mail.outbox
    assert email.to == [therapist.email]
    assert "look at today" in email.subject + email.body
    assert "Licensed item" not in email.body and person.family_name not in email.body


def test_the_link_can_be_emailed_without_saying_what_it_is_about(client, therapist):
    person, referral, _ = caseload(therapist, person=PersonFactory(email="sam@example.org"))
    response = ResponseFactory(person=person, referral=referral, measure=measure("ucla3"))
    link = make_link(client, response, send_email="on")
    [email] = mail.outbox
    assert email.to == ["sam@example.org"] and link in email.body
    assert "loneliness" not in email.body.lower() and person.family_name not in email.body


def test_a_licensed_measure_cannot_go_online_until_its_wording_is_entered(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral, measure=measure("swemwbs"))
    client.post(f"/outcomes/responses/{response.pk}/link/")
    assert not ResponseLink.objects.exists()
