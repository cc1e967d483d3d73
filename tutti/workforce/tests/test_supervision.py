"""Supervision records: no client-identifying text, targets, overdue alerts, the QA view."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.workforce.identifiers import client_identifier_problems
from tutti.workforce.selectors import supervision_due
from tutti.workforce.services import supervision_record_create
from tutti.workforce.tests.factories import (
    TherapistFactory,
    TraineeFactory,
    supervision_given,
)

TODAY = timezone.localdate()


@pytest.mark.parametrize(
    "text",
    [
        "Discussed the client 943 476 5919 and endings",
        "NHS no 9434765919.",
        "943-476-5919",
        "Visit at N7 0PZ went well",
        "lives near sw1a1aa",
        "G42 8NN",
    ],
)
def test_text_with_an_nhs_number_or_a_postcode_is_refused(text):
    assert client_identifier_problems(text)


@pytest.mark.parametrize(
    "text",
    [
        "Endings with children; 12 sessions; 45 minutes each.",
        "Phone 07700 900982 for the room booking",  # 11 digits: a phone number
        "Q3 4th review of the group",  # not a real postcode area
        "Managing a caseload of 14 over 2 sites",
        "",
    ],
)
def test_ordinary_supervision_text_is_accepted(text):
    assert client_identifier_problems(text) == []


@given(st.integers(min_value=10**9, max_value=10**10 - 1), st.sampled_from(["", " ", "-"]))
def test_any_ten_digit_number_is_refused_however_it_is_grouped(number, sep):
    digits = str(number)
    grouped = f"{digits[:3]}{sep}{digits[3:6]}{sep}{digits[6:]}"
    assert client_identifier_problems(f"We talked about {grouped} today")


@pytest.mark.django_db
def test_the_service_refuses_identifying_topics_with_a_clear_message():
    lead, therapist = TherapistFactory(), TherapistFactory()
    with pytest.raises(ValidationError) as error:
        supervision_record_create(
            supervisor=lead,
            supervisees=[therapist],
            held_on=TODAY,
            minutes=60,
            kind="individual",
            topics="Worried about the boy at NW1 0PP",
            actor=lead.user,
        )
    assert error.value.message_dict["topics"] == [
        "Remove the postcode (NW1 0PP). This record must not identify clients or where they live."
    ]


@pytest.mark.django_db
def test_individual_is_for_one_and_group_for_several_and_nobody_supervises_themselves():
    lead, a, b = TherapistFactory(), TherapistFactory(), TherapistFactory()
    base = dict(held_on=TODAY, minutes=60, topics="Endings", actor=None, supervisor=lead)
    with pytest.raises(ValidationError, match="Individual supervision is for one"):
        supervision_record_create(supervisees=[a, b], kind="individual", **base)
    with pytest.raises(ValidationError, match="Group supervision is for two or more"):
        supervision_record_create(supervisees=[a], kind="group", **base)
    with pytest.raises(ValidationError, match="cannot supervise themselves"):
        supervision_record_create(supervisees=[lead, a], kind="group", **base)
    with pytest.raises(ValidationError, match="today or in the past"):
        supervision_record_create(
            supervisees=[a],
            kind="individual",
            # Today's date now, not when the module was imported: a run may cross midnight.
            **{**base, "held_on": timezone.localdate() + timedelta(days=1)},
        )
    record = supervision_record_create(supervisees=[a, b], kind="group", **base)
    assert set(record.supervisees.all()) == {a, b}


@pytest.mark.django_db
def test_supervision_is_overdue_after_the_target_interval():
    therapist = TherapistFactory()  # every 4 weeks
    trainee = TraineeFactory()  # every week
    lead = TherapistFactory()
    supervision_given(lead, [therapist], TODAY - timedelta(weeks=4))
    supervision_given(lead, [trainee], TODAY - timedelta(days=8))
    assert not supervision_due(therapist, on=TODAY).overdue
    assert supervision_due(therapist, on=TODAY + timedelta(days=1)).overdue
    assert supervision_due(trainee, on=TODAY).overdue
    therapist.supervision_every_weeks = 6
    therapist.save()
    assert not supervision_due(therapist, on=TODAY + timedelta(days=10)).overdue


@pytest.mark.django_db
def test_the_form_warns_about_client_details_and_keeps_what_was_typed(client):
    lead_user = UserFactory(roles=[Role.SUPERVISOR, Role.THERAPIST])
    lead = TherapistFactory(user=lead_user)
    therapist = TherapistFactory()
    client.force_login(lead_user)
    url = reverse("workforce:supervision_new")
    page = client.get(url).content.decode()
    assert "Do not identify clients" in page
    form = {
        "supervisor": lead.pk,
        "kind": "individual",
        "supervisees": [therapist.pk],
        "held_on_0": TODAY.day,
        "held_on_1": TODAY.month,
        "held_on_2": TODAY.year,
        "minutes": "60",
        "topics": "Case of 943 476 5919, endings",
    }
    response = client.post(url, form)
    page = response.content.decode()
    assert "Remove the 10-digit number: it could be an NHS number." in page
    assert "Case of 943 476 5919, endings</textarea>" in page
    response = client.post(url, {**form, "topics": "Endings with children"})
    assert response.status_code == 302
    assert supervision_due(therapist).last == TODAY


@pytest.fixture
def team(db):
    lead_user = UserFactory(roles=[Role.SUPERVISOR, Role.THERAPIST], full_name="Ruth Ellison")
    lead = TherapistFactory(user=lead_user)
    overdue = TherapistFactory(user__full_name="Sam Okafor", dbs_checked_on=TODAY)
    lapsed = TherapistFactory(
        user__full_name="Nigel Power", registration_expires=TODAY - timedelta(days=3)
    )
    trainee = TraineeFactory(user__full_name="Terry Kelly", supervisor=lead)
    supervision_given(lead, [overdue], TODAY - timedelta(weeks=6))
    supervision_given(lead, [trainee], TODAY - timedelta(days=2))
    return {"lead": lead, "overdue": overdue, "lapsed": lapsed, "trainee": trainee}


def test_the_clinical_lead_sees_every_therapists_checks(client, team):
    client.force_login(team["lead"].user)
    page = client.get(reverse("workforce:quality")).content.decode()
    for name in ("Ruth Ellison", "Sam Okafor", "Nigel Power", "Terry Kelly"):
        assert name in page
    assert "Lapsed" in page and "Overdue" in page
    assert "1 therapist&#39;s registration has lapsed or is not recorded" in page
    assert "overdue for supervision" in page
    assert TODAY.strftime("%-d %B %Y") in page  # Sam's DBS date


def test_the_lead_is_alerted_on_the_dashboard_to_supervisees_overdue(client, team):
    supervision_given(team["lead"], [team["trainee"]], TODAY - timedelta(days=10))
    team["trainee"].supervision_received.filter(held_on=TODAY - timedelta(days=2)).delete()
    client.force_login(team["lead"].user)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Overdue for supervision with you: Terry Kelly." in page


def test_a_therapist_is_alerted_when_their_own_supervision_is_overdue(client, team):
    client.force_login(team["overdue"].user)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Your supervision was due by" in page


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMINISTRATOR, Role.PARTNER])
def test_nobody_else_sees_supervision_or_dbs(client, team, role):
    client.force_login(UserFactory(roles=[role]))
    pk = team["overdue"].pk
    assert client.get(reverse("workforce:quality")).status_code == 403
    assert client.get(reverse("workforce:supervision_list")).status_code == 403
    assert client.get(reverse("workforce:therapist", kwargs={"pk": pk})).status_code == 403


def test_a_therapist_sees_only_their_own_record_and_supervision(client, team):
    me = team["overdue"]
    client.force_login(me.user)
    assert client.get(reverse("workforce:therapist", kwargs={"pk": me.pk})).status_code == 200
    other = reverse("workforce:therapist", kwargs={"pk": team["lapsed"].pk})
    assert client.get(other).status_code == 404
    assert client.get(reverse("workforce:quality")).status_code == 403
    page = client.get(reverse("workforce:supervision_list")).content.decode()
    assert "Sam Okafor" in page and "Terry Kelly" not in page
    edit = reverse("workforce:registration_edit", kwargs={"pk": me.pk})
    assert client.get(edit).status_code == 403  # a clinical lead records renewals


def test_opening_a_therapists_record_is_audited(client, team):
    from tutti.core.models import AccessEvent

    client.force_login(team["lead"].user)
    client.get(reverse("workforce:therapist", kwargs={"pk": team["overdue"].pk}))
    event = AccessEvent.objects.get()
    assert event.actor == team["lead"].user and event.object_id == str(team["overdue"].pk)


def test_the_clinical_lead_records_a_renewal(client, team):
    lapsed = team["lapsed"]
    client.force_login(team["lead"].user)
    url = reverse("workforce:registration_edit", kwargs={"pk": lapsed.pk})
    renewed = TODAY + timedelta(days=730)
    response = client.post(
        url,
        {
            "hcpc_number": lapsed.hcpc_number,
            "registration_expires_0": renewed.day,
            "registration_expires_1": renewed.month,
            "registration_expires_2": renewed.year,
        },
    )
    assert response.status_code == 302
    lapsed.refresh_from_db()
    assert lapsed.registration_expires == renewed
    response = client.post(url, {"hcpc_number": "AB123"})
    page = response.content.decode()
    assert "MT followed by digits" in page
    assert "Enter the date the HCPC registration runs to." in page
