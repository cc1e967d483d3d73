"""Feedback surveys reported as % agree or strongly agree with n; partner staff links."""

import re

import pytest
from django.test import Client

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.organisations.tests.factories import OrganisationFactory
from tutti.outcomes.library import library_load
from tutti.outcomes.models import Measure, MeasureItem, Response
from tutti.outcomes.tests.factories import completed
from tutti.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(client):
    user = UserFactory(roles=[Role.COORDINATOR])
    client.force_login(user)
    return user


def rows(html):
    """(statement, percent, n) for each row of the results tables."""
    cells = re.findall(r'<td class="nhsuk-table__cell[^"]*">\s*(.*?)\s*</td>', html, re.S)
    return [tuple(cells[i : i + 3]) for i in range(0, len(cells), 3)]


def test_each_statement_is_the_percent_who_agree_or_strongly_agree_with_n(client, coordinator):
    for answers in ([5, 4, 2], [4, 3, None], [1, 5, 5]):
        completed("survey_service_user", answers, person=PersonFactory(), occasion="end")
    completed(
        "survey_family_carer", [3], person=PersonFactory(), occasion="end", answered_by="family"
    )
    html = client.get("/outcomes/feedback/").content.decode()
    found = rows(html)
    assert ("Music therapy has provided a positive or creative experience.", "67%", "3") in found
    assert ("Music therapy has enhanced my quality of life.", "67%", "3") in found
    assert (
        "Music therapy has helped me develop social skills and interaction.",
        "50%",
        "2",
    ) in found
    assert (
        "Music therapy has improved my relationship with my relative or child.",
        "0%",
        "1",
    ) in found
    assert (
        "Music therapy has enhanced staff skills and understanding.",
        "No answers",
        "0",
    ) in found


def test_feedback_results_are_for_coordinators_and_administrators(client):
    client.force_login(UserFactory(roles=[Role.THERAPIST]))
    assert client.get("/outcomes/feedback/").status_code == 403


def test_partner_staff_answer_through_a_link_for_their_organisation(client, coordinator):
    school = OrganisationFactory(name="Hillside School")
    page = client.post("/outcomes/feedback/", {"organisation": str(school.pk)}).content.decode()
    link = re.search(r"http://testserver(/questionnaire/[A-Za-z0-9_-]+/)", page).group(1)
    staff = Client()
    staff.get(link)
    assert "Who is answering" not in staff.get("/questionnaire/start/").content.decode()
    staff.post("/questionnaire/start/")
    staff.post("/questionnaire/question/1/", {"answer": "5"})
    staff.post("/questionnaire/question/2/", {"answer": "4"})
    staff.post("/questionnaire/check/")
    response = Response.objects.get()
    assert response.person is None and response.organisation == school
    assert response.answered_by == "staff" and response.is_completed
    found = rows(client.get("/outcomes/feedback/").content.decode())
    assert (
        "Music therapy has changed the atmosphere of the organisation positively.",
        "100%",
        "1",
    ) in found


def test_loading_the_library_again_keeps_what_an_administrator_entered():
    core10 = Measure.objects.get(code="core10")
    MeasureItem.objects.filter(measure=core10, number=1).update(wording="Entered under licence")
    Measure.objects.filter(pk=core10.pk).update(change_sd="8.000", change_source="Our own norms")
    library_load()
    core10.refresh_from_db()
    assert core10.items.get(number=1).wording == "Entered under licence"
    assert str(core10.change_sd) == "8.000" and core10.change_source == "Our own norms"
    from tutti.outcomes.library import definitions

    assert Measure.objects.count() == len(definitions())  # loaded again, nothing duplicated
