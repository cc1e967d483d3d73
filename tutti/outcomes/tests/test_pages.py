"""Staff pages: who sees a person's outcomes, planning and entering responses, the chart."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from markupsafe import escape

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.models import AccessEvent
from tutti.organisations.tests.factories import OrganisationFactory
from tutti.outcomes.models import MeasureItem, Response, ResponseStatus
from tutti.outcomes.tests.factories import ResponseFactory, caseload, completed, measure
from tutti.people.tests.factories import PersonFactory
from tutti.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

ALL_ITEMS_3 = {f"item_{n}": "3" for n in range(1, 8)}


def entry(**fields):
    today = timezone.localdate()
    data = {
        "completed_on_0": str(today.day),
        "completed_on_1": str(today.month),
        "completed_on_2": str(today.year),
        "answered_by": "person",
    }
    data.update(fields)
    return data


@pytest.fixture
def therapist(client):
    user = UserFactory(roles=[Role.THERAPIST])
    client.force_login(user)
    return user


def test_a_persons_chart_shows_their_change_from_baseline(client, therapist):
    person, referral, _ = caseload(therapist)
    start = date.today() - timedelta(days=90)
    completed("swemwbs", [3, 3, 3, 3, 2, 2, 2], person=person, referral=referral, on=start)
    completed(
        "swemwbs",
        [4, 4, 3, 3, 3, 3, 3],
        person=person,
        referral=referral,
        occasion="end",
        on=date.today(),
    )

    page = client.get(f"/outcomes/people/{person.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    # raw 18 → metric 17.43; raw 23 → 20.73: up 3.30, more than 2.87.
    assert "17.43 at baseline" in html and "20.73 at end" in html
    assert (
        "up 3.30 (better: higher is better). Reliable improvement: a change must be more "
        "than 2.87 to be reliable."
    ) in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert "<polyline" in html  # the line from baseline to end
    assert "17.43 (raw 18)" in html and "20.73 (raw 23)" in html  # the data table beside it
    event = AccessEvent.objects.get()
    assert (event.actor, event.person_id) == (therapist, person.pk)


def test_a_fall_on_core10_is_an_improvement(client, therapist):
    person, referral, _ = caseload(therapist)
    completed(
        "core10",
        [3, 1, 1, 3, 3, 0, 3, 3, 3, 2],
        person=person,
        referral=referral,
        on=date.today() - timedelta(days=80),
    )  # 26: severe
    completed(
        "core10",
        [1, 3, 3, 1, 1, 0, 2, 1, 2, 1],
        person=person,
        referral=referral,
        occasion="end",
        on=date.today(),
    )  # 11: mild
    html = client.get(f"/outcomes/people/{person.pk}/").content.decode()
    assert "down 15 (better: lower is better). Reliable improvement" in html
    assert "Severe" in html and "Mild" in html


def test_ons4_is_charted_item_by_item(client, therapist):
    person, referral, _ = caseload(therapist)
    completed("ons4", [4, 5, 4, 7], person=person, on=date.today() - timedelta(days=60))
    completed("ons4", [7, 7, 8, 3], person=person, occasion="end", on=date.today())
    html = client.get(f"/outcomes/people/{person.pk}/").content.decode()
    assert "Life satisfaction: 4 at baseline" in html
    assert "Anxiety: 7 at baseline" in html and "down 4 (better: lower is better)" in html
    assert html.count("<polyline") == 4


def test_goal_based_outcomes_show_change_per_goal(client, therapist):
    person, referral, _ = caseload(therapist)
    goals = ["Sing in the choir", "Talk to one new person a week"]
    completed("gbo", [2, 1], goals=goals, person=person, on=date.today() - timedelta(days=60))
    completed("gbo", [7, 4], goals=goals, person=person, occasion="end", on=date.today())
    html = client.get(f"/outcomes/people/{person.pk}/").content.decode()
    assert "Goal 1: Sing in the choir: 2 at baseline" in html and "up 5" in html
    assert "Goal 2: Talk to one new person a week: 1 at baseline" in html and "up 3" in html


@pytest.mark.parametrize("role", [Role.REFERRER, Role.PARTNER, Role.COMMISSIONER, Role.THERAPIST])
def test_people_outside_a_users_scope_are_not_found(client, role):
    client.force_login(UserFactory(roles=[role], organisation=OrganisationFactory()))
    person = PersonFactory()
    ReferralFactory(person=person)
    done = completed("ucla3", [2, 2, 2], person=person)
    assert client.get(f"/outcomes/people/{person.pk}/").status_code == 404
    assert client.get(f"/outcomes/responses/{done.pk}/").status_code == 404
    assert client.get(f"/outcomes/responses/{done.pk}/fhir/").status_code == 404
    assert not AccessEvent.objects.exists()


def test_a_coordinator_sees_anyone_but_cannot_without_signing_in(client):
    person = PersonFactory()
    assert client.get(f"/outcomes/people/{person.pk}/").status_code == 302
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    assert client.get(f"/outcomes/people/{person.pk}/").status_code == 200


def test_planning_puts_measures_on_the_therapists_due_list(client, therapist):
    person, referral, _ = caseload(therapist)
    soon = date.today() + timedelta(days=7)
    reply = client.post(
        f"/outcomes/people/{person.pk}/plan/",
        {
            "referral": str(referral.pk),
            "measures": ["swemwbs", "core10"],
            "baseline_due_0": "1",
            "baseline_due_1": "1",
            "baseline_due_2": "2020",
            "end_due_0": str(soon.day),
            "end_due_1": str(soon.month),
            "end_due_2": str(soon.year),
        },
    )
    assert reply.status_code == 302
    planned = Response.objects.filter(person=person)
    assert planned.count() == 4  # two measures × baseline and end (review left blank)
    assert set(planned.values_list("referral", flat=True)) == {referral.pk}
    due = client.get("/outcomes/").content.decode()
    assert due.count("CORE-10") == 2 and "Overdue" in due and escape(person.full_name) in due


def test_planning_twice_does_not_duplicate(client, therapist):
    person, referral, _ = caseload(therapist)
    data = {
        "referral": str(referral.pk),
        "measures": ["ucla3"],
        "baseline_due_0": "2",
        "baseline_due_1": "3",
        "baseline_due_2": "2026",
    }
    client.post(f"/outcomes/people/{person.pk}/plan/", data)
    client.post(f"/outcomes/people/{person.pk}/plan/", data)
    assert Response.objects.filter(person=person).count() == 1


def test_planning_needs_a_date_and_a_measure(client, therapist):
    person, referral, _ = caseload(therapist)
    reply = client.post(f"/outcomes/people/{person.pk}/plan/", {"referral": str(referral.pk)})
    html = reply.content.decode()
    assert "Choose at least one measure" in html
    assert not Response.objects.exists()


def test_a_therapist_enters_answers_and_the_score_is_worked_out(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral)
    reply = client.post(f"/outcomes/responses/{response.pk}/enter/", entry(**ALL_ITEMS_3))
    assert reply.status_code == 302
    response.refresh_from_db()
    assert response.status == ResponseStatus.COMPLETED
    assert (response.raw_score, response.metric_score) == (21, 19.25)
    assert response.entered_by == therapist and response.channel == "therapist"


def test_a_missing_item_is_shown_next_to_it_and_the_other_answers_are_kept(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral)
    answers = {**ALL_ITEMS_3, "item_4": "", "item_2": "5"}
    html = client.post(f"/outcomes/responses/{response.pk}/enter/", entry(**answers))
    html = html.content.decode()
    assert "Item 4 was not answered: SWEMWBS is scored only when all 7 items are answered." in html
    assert 'href="#id_item_4"' in html and 'id="id_item_4"' in html  # summary links to it
    assert re.search(r'name="item_2" type="radio" value="5"\s+checked', html)  # kept
    response.refresh_from_db()
    assert response.status == ResponseStatus.DUE


def test_answers_that_cannot_be_scored_can_still_be_saved_on_purpose(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral)
    data = entry(**{**ALL_ITEMS_3, "item_4": "", "save_unscored": "on"})
    assert client.post(f"/outcomes/responses/{response.pk}/enter/", data).status_code == 302
    response.refresh_from_db()
    assert response.is_completed and response.raw_score is None
    assert response.answers[3] is None and response.score["scored"] is False


def test_a_proxy_answer_must_say_who(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral)
    html = client.post(
        f"/outcomes/responses/{response.pk}/enter/", entry(**ALL_ITEMS_3, answered_by="proxy")
    ).content.decode()
    assert "Say how they know the person" in html
    client.post(
        f"/outcomes/responses/{response.pk}/enter/",
        entry(**ALL_ITEMS_3, answered_by="proxy", proxy_relationship="Dad"),
    )
    response.refresh_from_db()
    assert (response.answered_by, response.proxy_relationship) == ("proxy", "Dad")


def test_licensed_wording_not_entered_is_said_plainly(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral, measure=measure("core10"))
    html = client.get(f"/outcomes/responses/{response.pk}/enter/").content.decode()
    assert "Item wording not entered: ask your administrator" in html
    link_page = client.get(f"/outcomes/responses/{response.pk}/link/").content.decode()
    assert "cannot be answered online yet: item wording not entered" in link_page


def test_a_risk_answer_is_flagged_to_the_therapist_at_once(
    client, django_capture_on_commit_callbacks
):
    person, referral, therapist = caseload()
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    client.force_login(coordinator)
    response = ResponseFactory(person=person, referral=referral, measure=measure("core10"))
    answers = {f"item_{n}": "1" for n in range(1, 11)}
    answers["item_6"] = "2"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/outcomes/responses/{response.pk}/enter/", entry(**answers))
    response.refresh_from_db()
    assert response.risk_flagged
    [email] = mail.outbox
    assert email.to == [therapist.email]
    assert f"/outcomes/responses/{response.pk}/" in email.body
    assert person.given_name not in email.body and person.family_name not in email.body

    client.force_login(therapist)
    assert (
        "Risk answer to look at today"
        in client.get(f"/outcomes/people/{person.pk}/").content.decode()
    )
    assert "Risk answers to look at today" in client.get("/outcomes/").content.decode()
    client.post(f"/outcomes/responses/{response.pk}/risk-seen/")
    response.refresh_from_db()
    assert response.risk_reviewed_by == therapist
    assert (
        "Risk answer to look at today"
        not in client.get(f"/outcomes/people/{person.pk}/").content.decode()
    )


def test_a_response_exports_as_a_valid_fhir_questionnaire_response(client, therapist):
    person, referral, _ = caseload(therapist, person=PersonFactory(nhs_number="9997654323"))
    done = completed("core10", [2, 1, 2, 1, 2, 0, 3, 2, 3, None], person=person, referral=referral)
    reply = client.get(f"/outcomes/responses/{done.pk}/fhir/")
    assert reply["Content-Type"] == "application/fhir+json"
    body = reply.json()
    assert body["resourceType"] == "QuestionnaireResponse" and body["status"] == "completed"
    assert body["subject"]["identifier"]["value"] == "9997654323"
    assert body["questionnaire"].endswith("/api/v1/measures/core10/fhir")
    answered = {item["linkId"]: item.get("answer") for item in body["item"]}
    assert answered["10"] is None and answered["1"][0]["valueCoding"]["code"] == "2"
    assert float(answered["score-raw"][0]["valueDecimal"]) == 20  # 18 × 10 ÷ 9
    assert AccessEvent.objects.filter(action="export", person_id=person.pk).exists()


def test_an_open_response_cannot_be_exported(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral)
    assert client.get(f"/outcomes/responses/{response.pk}/fhir/").status_code == 404


def test_the_library_page_shows_licences_and_missing_wording(client, therapist):
    html = client.get("/outcomes/measures/").content.decode()
    assert "CC BY-ND" in html.replace("Creative Commons BY-ND", "CC BY-ND")
    assert html.count("Item wording not entered: ask your administrator") == 3  # W/SWEMWBS, CORE
    for item in MeasureItem.objects.filter(measure__code="core10"):
        item.wording = f"Licensed item {item.number}"
        item.save()
    html = client.get("/outcomes/measures/").content.decode()
    assert html.count("Item wording not entered: ask your administrator") == 2


def test_cancelling_a_planned_measure(client, therapist):
    person, referral, _ = caseload(therapist)
    response = ResponseFactory(person=person, referral=referral)
    client.post(f"/outcomes/responses/{response.pk}/cancel/")
    response.refresh_from_db()
    assert response.status == ResponseStatus.CANCELLED
    assert f"/outcomes/responses/{response.pk}/" not in client.get("/outcomes/").content.decode()


def test_partners_cannot_plan_or_enter(client):
    client.force_login(UserFactory(roles=[Role.PARTNER], organisation=OrganisationFactory()))
    person = PersonFactory()
    assert client.get(f"/outcomes/people/{person.pk}/plan/").status_code == 403
    assert client.get("/outcomes/").status_code == 403
