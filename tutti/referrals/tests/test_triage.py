"""Triage: what an intake coordinator sees and decides, and what the referrer is told."""

import csv
import functools
import gzip
import io
import re
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.models import AccessEvent
from tutti.people.models import Person
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals import services
from tutti.referrals.intake import referral_submit
from tutti.referrals.models import PersonMatch, Referral, ReferralEvent, Status
from tutti.referrals.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "geography" / "data" / "sample"
CAMDEN, ISLINGTON = "E09000007", "E09000019"
QUEUE = "/referrals/triage/"

# Words that must never reach an email: the reasons a coordinator types and the referral's
# clinical content.
CLINICAL = ["psychosis", "self-harm", "Low mood", "withdrawn", "autism", "Confidence"]


@functools.cache
def postcode_in(lad_code):
    """The first postcode in the committed sample that lies in this local authority."""
    with gzip.open(SAMPLE / "postcode_lsoa_lookup_uk_derived_nspl_may2025.csv.gz", "rt") as f:
        for row in csv.DictReader(f):
            if row["lad_code"] == lad_code and row["lsoa21cd"]:
                return row["pcds"]
    raise AssertionError(f"no postcode in {lad_code} in the sample")


@pytest.fixture
def geography():
    # Per test, not per module: a module-wide transaction would hide the data from the
    # second database session of the concurrency test at the end.
    call_command("import_geography", str(SAMPLE), "--no-progress", stdout=io.StringIO())


@pytest.fixture
def camden_postcode(geography):
    return postcode_in(CAMDEN)


@pytest.fixture
def coordinator(client):
    user = UserFactory(roles=[Role.COORDINATOR], full_name="Cora Hart")
    client.force_login(user)
    return user


@pytest.fixture
def programmes(geography):
    """A Camden group for 16–24s (the one asked for), an adults' programme open to anyone
    over 18, an Islington-only programme, a children's group, and one that is closed."""
    return {
        "camden": ProgrammeFactory(
            code="CAMDEN-16-24",
            name="Camden young people's group",
            delivery_mode="group",
            min_age=16,
            max_age=24,
            local_authorities=[CAMDEN],
        ),
        "adults": ProgrammeFactory(
            code="ADULTS", name="Adult individual sessions", delivery_mode="individual", min_age=18
        ),
        "islington": ProgrammeFactory(
            code="ISLINGTON", name="Islington community choir", local_authorities=[ISLINGTON]
        ),
        "children": ProgrammeFactory(
            code="KIDS-5-11", name="Children's group", delivery_mode="group", min_age=5, max_age=11
        ),
        "closed": ProgrammeFactory(
            code="CLOSED", name="Closed pilot", open_to_referrals=False, min_age=16
        ),
    }


def aged(years):
    """A date of birth for someone who is `years` old today."""
    return date(timezone.localdate().year - years, 1, 1)


PERSON = {
    "given_name": "Jordan",
    "family_name": "Mensah",
    "nhs_number": "999 765 4323",
    "phone": "07700 900123",
    "email": "jordan@example.org",
}


def submit(programme, postcode, days_ago=10, person=None, **fields):
    details = {**PERSON, "date_of_birth": aged(19), "postcode": postcode, **(person or {})}
    referral_fields = {
        "route": "gp",
        "consent_to_refer": True,
        "referrer_name": "Dr A Patel",
        "referrer_email": "a.patel@nhs.example",
        "reason": "Low mood, withdrawn since leaving school; loves writing lyrics.",
        "risks": "History of self-harm.",
        "needs": ["confidence", "social_skills"],
        "circumstances": ["mental_health", "autism"],
        "received_at": timezone.now() - timedelta(days=days_ago),
        **fields,
    }
    return referral_submit(person=details, programme=programme, **referral_fields).referral


@pytest.fixture
def referral(programmes, camden_postcode):
    return submit(programmes["camden"], camden_postcode)


def page_version(client, referral):
    """The stamp a triage page carries: what the coordinator saw when it was opened."""
    html = client.get(f"{QUEUE}{referral.reference}/").content.decode()
    return re.search(r'name="seen_version" value="([^"]+)"', html).group(1)


def _text(html):
    words = re.sub(r"<[^>]+>", " ", html)
    return " ".join(words.replace("&#39;", "'").replace("&amp;", "&").split())


def text(response):
    """The page's text with tags removed and spaces collapsed, as a person reads it."""
    return _text(response.content.decode())


def row_text(response, reference):
    """The text of the table row that holds this reference."""
    rows = re.findall(r"<tr\b.*?</tr>", response.content.decode(), re.S)
    [row] = [row for row in rows if reference in row]
    return _text(row)


def section_text(response, start, end):
    page = text(response)
    return page[page.index(start) : page.index(end, page.index(start))]


# --- the queue ---


def test_the_queue_lists_referrals_to_triage_oldest_first_with_their_wait(
    client, coordinator, programmes, camden_postcode
):
    newer = submit(programmes["camden"], camden_postcode, days_ago=3, urgency="urgent")
    older = submit(programmes["children"], camden_postcode, days_ago=12, person={"nhs_number": ""})
    asked = submit(None, camden_postcode, days_ago=7, person={"nhs_number": "", "phone": "1"})
    services.referral_request_information(referral=asked, actor=coordinator, reason="GP letter")
    accepted = submit(programmes["adults"], postcode_in(ISLINGTON), person={"nhs_number": ""})
    services.referral_accept(referral=accepted, actor=coordinator)
    Referral.objects.filter(pk=asked.pk).update(needs_review_reason="The spam trap was filled in.")

    response = client.get(QUEUE)

    assert response.status_code == 200
    page = text(response)
    positions = [page.find(r.reference) for r in (older, asked, newer)]
    assert -1 not in positions and positions == sorted(positions)
    assert accepted.reference not in page
    assert "12 days" in page and "7 days" in page and "3 days" in page
    # Eligibility as checked on arrival: the children's group is not for a 19-year-old.
    newest_row = row_text(response, newer.reference)
    assert "Camden young people's group" in newest_row and "Urgent" in newest_row
    assert "Eligible" in newest_row and "Not eligible" not in newest_row
    assert "Not eligible" in row_text(response, older.reference)
    assert "Not checked" in row_text(response, asked.reference)
    assert "More information asked for" in row_text(response, asked.reference)
    assert "Route GP" in newest_row
    for count in (
        "To triage 3 referrals",
        "New 2",
        "More information asked for 1",
        "Possible duplicates to confirm 2",  # the same name, date of birth and postcode
        "Needing review 1",
        "Urgent 1",
        "Not eligible for the programme asked for 1",
    ):
        assert count in page
    assert "Possible duplicate: confirm who this is" in row_text(response, older.reference)
    assert "Possible duplicate" not in newest_row
    assert "Risks or safeguarding concerns noted" in newest_row
    assert "Needs review before triage" in row_text(response, asked.reference)
    assert "Needs review" not in newest_row
    review = text(client.get(f"{QUEUE}{asked.reference}/"))
    assert "Look at this first The spam trap was filled in." in review


def test_a_safeguarding_concern_tops_the_queue_however_new(
    client, coordinator, programmes, camden_postcode
):
    older = [
        submit(programmes["camden"], camden_postcode, days_ago=30 - n, person={"nhs_number": ""})
        for n in range(3)
    ]
    concern = submit(
        None, camden_postcode, days_ago=0, person={"nhs_number": ""}, safeguarding_concern=True
    )
    page = text(client.get(QUEUE))
    positions = [page.find(r.reference) for r in (concern, *older)]
    assert -1 not in positions and positions == sorted(positions)
    assert "Safeguarding concerns 1" in page
    assert "Safeguarding concern raised by the referrer: act now" in row_text(
        client.get(QUEUE), concern.reference
    )


def test_an_empty_queue_says_so(client, coordinator):
    assert "There are no referrals to triage." in text(client.get(QUEUE))


@pytest.mark.parametrize(
    "role", [Role.THERAPIST, Role.SUPERVISOR, Role.PARTNER, Role.REFERRER, Role.COMMISSIONER]
)
def test_only_coordinators_and_administrators_may_triage(client, role, referral):
    user = UserFactory(roles=[role])
    client.force_login(user)
    # Even a referral this user may otherwise see (one they made) is not theirs to triage.
    Referral.objects.filter(pk=referral.pk).update(referred_by=user)
    page = f"{QUEUE}{referral.reference}/"
    assert client.get(QUEUE).status_code == 403
    assert client.get(page).status_code == 403
    assert client.post(page, {"decision": "decline", "decline_reason": "x"}).status_code == 403
    assert client.post(f"{page}person/", {"same_person": "yes"}).status_code == 403
    assert referral.events.count() == 1
    assert not AccessEvent.objects.exists()


def test_an_administrator_may_triage(client, referral):
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert client.get(QUEUE).status_code == 200
    assert client.get(f"{QUEUE}{referral.reference}/").status_code == 200


def test_signing_in_comes_first(client, referral):
    response = client.get(f"{QUEUE}{referral.reference}/")
    assert response.status_code == 302 and "sign-in" in response["Location"]


# --- the triage page ---


def test_the_coordinator_sees_every_programme_the_person_is_eligible_for_with_reasons(
    client, coordinator, programmes, camden_postcode
):
    referral = submit(programmes["camden"], camden_postcode, person={"nhs_number": ""})

    response = client.get(f"{QUEUE}{referral.reference}/")

    assert response.status_code == 200
    eligibility = section_text(response, "Every programme taking referrals", "What has happened")
    # Eligible ones first (the one asked for leading), each with its reasons in plain words.
    expected = [
        f"Camden young people's group Asked for Eligible Aged 19: within 16–24 "
        f"{camden_postcode} is in Camden",
        "Adult individual sessions Eligible Aged 19: within 18 and over",
        "Children's group Not eligible Aged 19: the group is for 5–11",
        f"Islington community choir Not eligible {camden_postcode} is in Camden, not Islington",
    ]
    positions = [eligibility.find(item) for item in expected]
    assert -1 not in positions, eligibility
    assert positions == sorted(positions)
    assert "Closed pilot" not in eligibility  # not taking referrals


def test_the_triage_page_shows_the_referral_and_is_audited(client, coordinator, referral):
    response = client.get(f"{QUEUE}{referral.reference}/", REMOTE_ADDR="203.0.113.9")

    page = text(response)
    for shown in (
        "Dr A Patel",
        "a.patel@nhs.example",
        "Low mood, withdrawn since leaving school",
        "History of self-harm.",
        "Confidence and self-esteem",
        "Autism",
        "Consent to the referral Given",
        "Lives alone Not known",
        "Jordan Mensah",
        "Camden young people's group",
    ):
        assert shown in page
    event = AccessEvent.objects.get()
    assert (event.actor, event.person_id, event.object_id) == (
        coordinator,
        referral.person_id,
        str(referral.pk),
    )
    assert event.remote_addr == "203.0.113.9"


def test_the_accept_choice_preselects_the_programme_asked_for(client, coordinator, referral):
    response = client.get(f"{QUEUE}{referral.reference}/")
    html = response.content.decode()
    selected = re.search(r'<option value="(\d+)" selected', html)
    assert selected and int(selected.group(1)) == referral.programme_id
    assert "Camden young people's group (eligible)" in html.replace("&#39;", "'")
    assert "Children's group (not eligible)" in html.replace("&#39;", "'")


# --- decisions ---


DECISIONS = [
    (
        {"decision": "accept", "programme": "camden"},
        Status.WAITING,
        "The person is now on our waiting list for music therapy.",
    ),
    (
        {"decision": "decline", "decline_reason": "Needs a psychosis service first."},
        Status.DECLINED,
        "we cannot offer music therapy this time",
    ),
    (
        {
            "decision": "signpost",
            "signposted_to": "Camden Youth Music",
            "signpost_reason": "Risk of psychosis: needs a youth service.",
        },
        Status.SIGNPOSTED,
        "Camden Youth Music",
    ),
    (
        {"decision": "ask", "info_needed": "The psychosis care plan from the GP."},
        Status.INFO_REQUESTED,
        "We need some more information before we can decide.",
    ),
]


@pytest.mark.parametrize("form, status, told", DECISIONS, ids=[d[1] for d in DECISIONS])
def test_each_decision_is_one_event_with_its_actor_and_one_email_without_clinical_detail(
    client,
    coordinator,
    referral,
    programmes,
    django_capture_on_commit_callbacks,
    form,
    status,
    told,
):
    if "programme" in form:
        form = {**form, "programme": programmes[form["programme"]].pk}
    form["seen_version"] = page_version(client, referral)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{QUEUE}{referral.reference}/", form)

    assert response.status_code == 302 and response["Location"] == QUEUE
    referral.refresh_from_db()
    assert referral.status == status
    new = referral.events.exclude(status=Status.RECEIVED)
    assert new.count() == 1
    event = new.get()
    assert event.actor == coordinator
    assert event.at == referral.status_changed_at
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["a.patel@nhs.example"]
    assert referral.reference in email.subject and referral.reference in email.body
    assert told in email.body
    for word in [*CLINICAL, "Jordan", "Mensah"]:
        assert word.lower() not in (email.subject + email.body).lower()
    followed = client.get(response["Location"])
    assert f"Referral {referral.reference}" in text(followed)
    assert "An email will tell the referrer." in text(followed)


def test_the_reasons_typed_are_kept_on_the_event(client, coordinator, referral):
    client.post(
        f"{QUEUE}{referral.reference}/",
        {"decision": "signpost", "signposted_to": "Camden Youth Music", "signpost_reason": "Age"},
    )
    event = referral.events.last()
    assert (event.status, event.signposted_to, event.reason) == (
        Status.SIGNPOSTED,
        "Camden Youth Music",
        "Age",
    )


@pytest.mark.parametrize(
    "form, field, message, kept",
    [
        ({}, "decision", "Select what to do with this referral", {}),
        (
            {"decision": "decline", "decline_reason": "  "},
            "decline_reason",
            "Give the reason the referral is declined",
            {},
        ),
        (
            {"decision": "signpost", "signposted_to": "Camden Youth Music"},
            "signpost_reason",
            "Give the reason for signposting them elsewhere",
            {"signposted_to": "Camden Youth Music"},
        ),
        (
            {"decision": "signpost", "signpost_reason": "Wants a youth service"},
            "signposted_to",
            "Enter the service they are signposted to",
            {"signpost_reason": "Wants a youth service"},
        ),
        (
            {"decision": "ask", "info_needed": ""},
            "info_needed",
            "Say what information is needed",
            {},
        ),
        (
            {"decision": "accept", "programme": "", "accept_anyway_reason": "Sibling attends"},
            "programme",
            "Choose the programme whose waiting list to join",
            {"accept_anyway_reason": "Sibling attends"},
        ),
    ],
)
def test_missing_details_are_asked_for_next_to_the_field_keeping_what_was_typed(
    client, coordinator, referral, django_capture_on_commit_callbacks, form, field, message, kept
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{QUEUE}{referral.reference}/", form)

    assert response.status_code == 200
    html = response.content.decode()
    at = html.index(f'id="id_{field}-error"')
    assert message in _text(html[at : at + 400])  # the message is next to the field
    assert "There is a problem" in html
    assert f'href="#id_{field}"' in html  # the error summary links to the field
    assert ">None</textarea>" not in html  # an empty answer stays empty
    for name, value in kept.items():
        kept_value = re.search(
            rf'id="id_{name}"[^>]*?(?:value="([^"]*)"|>([^<]*)</textarea>)', html
        )
        assert kept_value and value in (kept_value.group(1) or kept_value.group(2) or "")
    if form.get("decision"):
        assert f'value="{form["decision"]}" checked' in html
    assert referral.events.count() == 1
    assert not mail.outbox


def test_accepting_someone_not_eligible_is_warned_and_needs_a_reason(
    client, coordinator, referral, programmes
):
    children = programmes["children"]
    page = f"{QUEUE}{referral.reference}/"

    response = client.post(page, {"decision": "accept", "programme": children.pk})

    assert response.status_code == 200
    page_text = text(response)
    assert "Jordan Mensah is not eligible for Children's group" in page_text
    assert "Aged 19: the group is for 5–11" in page_text  # the warning says why
    assert "Say why you are accepting them anyway" in page_text
    referral.refresh_from_db()
    assert referral.status == Status.RECEIVED and referral.programme == programmes["camden"]

    response = client.post(
        page,
        {
            "decision": "accept",
            "programme": children.pk,
            "accept_anyway_reason": "Developmental age fits the group; agreed with the lead.",
        },
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.WAITING
    assert referral.programme == children
    assert referral.events.last().reason == (
        "Accepted although not eligible for Children's group: "
        "Developmental age fits the group; agreed with the lead."
    )


def test_accepting_onto_another_eligible_programme_moves_the_referral_there(
    client, coordinator, referral, programmes
):
    client.post(
        f"{QUEUE}{referral.reference}/",
        {"decision": "accept", "programme": programmes["adults"].pk},
    )
    referral.refresh_from_db()
    assert (referral.status, referral.programme) == (Status.WAITING, programmes["adults"])
    assert referral.waiting_since == referral.events.last().at


# --- two tabs, stale pages and illegal moves ---


def test_two_decisions_from_two_tabs_leave_exactly_one_and_the_second_is_told(
    client, coordinator, referral, programmes, django_capture_on_commit_callbacks
):
    other = UserFactory(roles=[Role.COORDINATOR], full_name="Sam Okoro")
    page = f"{QUEUE}{referral.reference}/"
    stale = page_version(client, referral)  # both tabs open the page now

    client.force_login(other)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(
            page,
            {"decision": "accept", "programme": programmes["camden"].pk, "seen_version": stale},
        )
    assert first.status_code == 302

    client.force_login(coordinator)
    typed = "Lives outside the area we serve at the moment."
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(
            page, {"decision": "decline", "decline_reason": typed, "seen_version": stale}
        )

    assert second.status_code == 200
    referral.refresh_from_db()
    assert referral.status == Status.WAITING
    decisions = referral.events.exclude(status=Status.RECEIVED)
    assert [(e.status, e.actor) for e in decisions] == [(Status.WAITING, other)]
    assert len(mail.outbox) == 1
    html = second.content.decode()
    at = html.index('id="id_decision-error"')
    error = _text(html[at : at + 600])  # next to the decision
    assert "This referral changed after you opened it" in error
    assert "Sam Okoro marked it ‘on the waiting list’" in error
    assert "Your decision has not been saved" in error
    assert f">{typed}</textarea>" in html  # nothing typed is lost
    assert 'value="decline" checked' in html
    assert "This referral does not need triage any more" in html


def test_a_decision_after_another_tab_asked_for_information_is_refused_too(
    client, coordinator, referral
):
    page = f"{QUEUE}{referral.reference}/"
    stale = page_version(client, referral)
    client.post(page, {"decision": "ask", "info_needed": "GP letter", "seen_version": stale})

    response = client.post(
        page, {"decision": "decline", "decline_reason": "Out of area", "seen_version": stale}
    )

    assert "This referral changed after you opened it" in text(response)
    assert "Check what changed, then decide again." in text(response)
    assert [e.status for e in referral.events.all()] == [Status.RECEIVED, Status.INFO_REQUESTED]


def test_an_illegal_move_is_refused_with_the_services_message(client, coordinator, referral):
    services.referral_decline(referral=referral, actor=coordinator, reason="Out of area")
    referral.refresh_from_db()
    page = f"{QUEUE}{referral.reference}/"
    assert "Save decision" not in text(client.get(page))  # nothing to decide any more

    response = client.post(
        page,
        {
            "decision": "accept",
            "programme": referral.programme_id,
            "seen_version": referral.status_changed_at.isoformat(),
        },
    )

    assert response.status_code == 200
    assert "A referral that is 'declined' cannot be moved to 'on the waiting list'." in text(
        response
    )
    assert referral.events.count() == 2


def test_the_service_refuses_a_decision_from_a_stale_page_or_on_a_closed_referral(
    coordinator, referral
):
    from tutti.referrals.triage.services import referral_triage, referral_version

    seen = referral_version(referral)
    referral_triage(referral=referral, actor=coordinator, decision="decline", reason="x")
    with pytest.raises(ValidationError, match="changed after you opened it"):
        referral_triage(
            referral=referral, actor=coordinator, decision="ask", reason="y", seen_version=seen
        )
    with pytest.raises(ValidationError, match="'declined' cannot be moved"):
        referral_triage(referral=referral, actor=coordinator, decision="ask", reason="y")
    assert referral.events.count() == 2


# --- emails ---


def test_a_self_referral_is_told_at_the_persons_own_address_in_the_second_person(
    client, coordinator, programmes, camden_postcode, django_capture_on_commit_callbacks
):
    referral = submit(
        programmes["camden"],
        camden_postcode,
        person={"nhs_number": ""},
        route="self",
        referrer_name="",
        referrer_email="",
        referrer_relationship="self",
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"{QUEUE}{referral.reference}/",
            {"decision": "accept", "programme": programmes["camden"].pk},
        )
    [email] = mail.outbox
    assert email.to == ["jordan@example.org"]
    assert "You are now on our waiting list for music therapy." in email.body
    assert f"Please quote the reference {referral.reference}" in email.body


def test_without_an_email_address_the_coordinator_is_told_to_tell_the_referrer(
    client, coordinator, programmes, camden_postcode, django_capture_on_commit_callbacks
):
    referral = submit(
        programmes["camden"], camden_postcode, person={"nhs_number": ""}, referrer_email=""
    )
    page = f"{QUEUE}{referral.reference}/"
    assert "There is no email address for the referrer" in text(client.get(page))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page, {"decision": "decline", "decline_reason": "x"}, follow=True)
    assert not mail.outbox  # a professional referral's outcome never goes to the person
    assert "There is no email address to tell the referrer: tell them another way." in text(
        response
    )


# --- possible duplicates ---


@pytest.fixture
def duplicate(referral, programmes, camden_postcode):
    """A second referral for the same NHS number, with a different phone number."""
    second = submit(
        programmes["adults"],
        camden_postcode,
        days_ago=2,
        person={"phone": "07700 900456", "given_name": "Jordan", "preferred_name": "Jo"},
    )
    assert second.person_id == referral.person_id
    assert second.person_match == PersonMatch.NHS_NUMBER
    return second


def test_a_possible_duplicate_is_shown_beside_the_record_with_differences_in_words(
    client, coordinator, duplicate
):
    response = client.get(f"{QUEUE}{duplicate.reference}/")

    page = text(response)
    assert "Is this the same person?" in page
    assert "because the NHS number is the same" in page
    assert "Phone differs: 07700 900123 on record, 07700 900456 sent" in page
    assert "Preferred name sent, none on record: Jo" in page
    assert "First name differs" not in page
    assert "Yes, this is the same person" in page and "No, this is someone else" in page
    # Triage waits for the answer.
    assert "before you triage this referral" in page
    assert "Save decision" not in page


def test_triage_is_refused_until_the_match_is_resolved(
    client, coordinator, duplicate, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{QUEUE}{duplicate.reference}/",
            {"decision": "decline", "decline_reason": "Already known"},
        )
    assert response.status_code == 200
    assert "Answer “Is this the same person?” before you triage it." in text(response)
    assert duplicate.events.count() == 1
    assert not mail.outbox


def test_confirming_the_same_person_is_recorded_with_who_and_opens_triage(
    client, coordinator, duplicate
):
    response = client.post(f"{QUEUE}{duplicate.reference}/person/", {"same_person": "yes"})

    assert response.status_code == 302
    assert response["Location"] == f"{QUEUE}{duplicate.reference}/"
    duplicate.refresh_from_db()
    assert duplicate.person_match_confirmed_at is not None
    assert duplicate.person_match == PersonMatch.NHS_NUMBER
    assert Person.objects.count() == 1
    entry = LogEntry.objects.get_for_object(duplicate).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == coordinator
    assert "person_match_confirmed_at" in entry.changes_dict
    page = client.get(response["Location"])
    assert "Confirmed: referral" in text(page)
    assert "Save decision" in text(page)
    assert "Is this the same person?" not in text(page)


def test_someone_else_gets_a_new_record_and_the_referral_moves_to_it(
    client, coordinator, referral, duplicate
):
    known = duplicate.person

    response = client.post(f"{QUEUE}{duplicate.reference}/person/", {"same_person": "no"})

    assert response.status_code == 302
    duplicate.refresh_from_db()
    new = duplicate.person
    assert new != known
    assert (new.given_name, new.family_name, new.phone, new.preferred_name) == (
        "Jordan",
        "Mensah",
        "07700 900456",
        "Jo",
    )
    assert new.local_authority_code == CAMDEN  # placed from the postcode
    assert new.nhs_number == ""  # two people never share one: checked with the referrer
    assert duplicate.person_match == PersonMatch.NEW
    assert duplicate.person_match_confirmed_at is not None
    referral.refresh_from_db()
    assert referral.person == known  # the first referral stays with the record
    created = LogEntry.objects.get_for_object(new).get(action=LogEntry.Action.CREATE)
    moved = LogEntry.objects.get_for_object(duplicate).get(action=LogEntry.Action.UPDATE)
    assert created.actor == coordinator and moved.actor == coordinator
    assert "person" in moved.changes_dict
    followed = text(client.get(response["Location"]))
    assert "A new record was made for Jordan Mensah" in followed
    assert "The NHS number sent belongs to the other record" in followed
    assert "Save decision" in followed


def test_a_name_date_of_birth_and_postcode_match_can_be_separated(
    client, coordinator, programmes, camden_postcode
):
    first = submit(programmes["camden"], camden_postcode, person={"nhs_number": ""})
    second = submit(
        programmes["camden"],
        camden_postcode,
        person={"nhs_number": "", "given_name": " jordan ", "email": "other@example.org"},
    )
    assert second.person_match == PersonMatch.NAME_DOB_POSTCODE
    assert "Email differs: jordan@example.org on record, other@example.org sent" in text(
        client.get(f"{QUEUE}{second.reference}/")
    )

    client.post(f"{QUEUE}{second.reference}/person/", {"same_person": "no"})

    second.refresh_from_db()
    assert second.person != first.person
    assert second.person.email == "other@example.org"
    assert Person.objects.count() == 2


def test_the_match_question_must_be_answered(client, coordinator, duplicate):
    response = client.post(f"{QUEUE}{duplicate.reference}/person/", {})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_same_person-error"' in html
    assert "Select yes if the referral is for the person on record" in html
    assert 'href="#id_same_person"' in html


def test_a_match_answered_in_another_tab_is_not_answered_twice(client, coordinator, duplicate):
    client.post(f"{QUEUE}{duplicate.reference}/person/", {"same_person": "yes"})
    response = client.post(f"{QUEUE}{duplicate.reference}/person/", {"same_person": "no"})
    assert response.status_code == 200
    assert f"{coordinator} has already confirmed that this is the same person" in text(response)
    assert Person.objects.count() == 1
    duplicate.refresh_from_db()
    assert duplicate.person_match_confirmed_by == coordinator
    page = text(client.get(f"{QUEUE}{duplicate.reference}/"))
    assert f"{coordinator} checked on" in page and "is for the person on record" in page


# --- the services on their own ---


def test_accept_onto_sets_the_programme_and_accepts_together(coordinator, referral, programmes):
    services.referral_accept_onto(
        referral=referral, programme=programmes["adults"], actor=coordinator, note="Better fit"
    )
    referral.refresh_from_db()
    assert (referral.status, referral.programme) == (Status.WAITING, programmes["adults"])
    assert referral.events.last().reason == "Better fit"


def test_a_refused_accept_leaves_the_programme_asked_for(coordinator, referral, programmes):
    services.referral_decline(referral=referral, actor=coordinator, reason="Out of area")
    with pytest.raises(ValidationError, match="cannot be moved"):
        services.referral_accept_onto(
            referral=referral, programme=programmes["adults"], actor=coordinator
        )
    referral.refresh_from_db()
    assert referral.programme == programmes["camden"]


def test_accept_onto_refuses_a_closed_programme(coordinator, referral, programmes):
    with pytest.raises(ValidationError, match="Closed pilot is not taking referrals"):
        services.referral_accept_onto(
            referral=referral, programme=programmes["closed"], actor=coordinator
        )
    assert ReferralEvent.objects.filter(referral=referral).count() == 1


def test_a_referral_for_someone_new_has_no_match_to_confirm(coordinator, referral):
    assert referral.person_match == PersonMatch.NEW
    with pytest.raises(ValidationError, match="nothing to confirm"):
        services.referral_confirm_person_match(referral=referral, actor=coordinator)
    with pytest.raises(ValidationError, match="nothing to confirm"):
        services.referral_separate_person(referral=referral, actor=coordinator)


# --- ways in ---


def test_the_dashboard_and_the_referral_link_to_triage(client, coordinator, referral):
    assert f'href="{QUEUE}"' in client.get("/account/dashboard/").content.decode()
    detail = client.get(f"/referrals/{referral.reference}/").content.decode()
    assert f'href="{QUEUE}{referral.reference}/"' in detail


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_at_the_same_moment_make_one_decision():
    """Two decisions racing in two database sessions: the second waits for the first's row
    lock, then sees the referral already accepted and is refused. (SQLite takes one writer
    at a time anyway and has no row locks, so this runs on PostgreSQL.)"""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI runs this)")
    from tutti.referrals.triage.services import referral_triage

    first, second = UserFactory(roles=[Role.COORDINATOR]), UserFactory(roles=[Role.COORDINATOR])
    programme = ProgrammeFactory()
    referral = ReferralFactory(programme=programme)
    locked, outcome = threading.Event(), {}

    def accept():
        try:
            with transaction.atomic():
                Referral.objects.select_for_update().get(pk=referral.pk)
                locked.set()
                time.sleep(0.5)  # the other coordinator presses "Save decision" now
                referral_triage(
                    referral=referral, actor=first, decision="accept", programme=programme
                )
        finally:
            connection.close()

    def decline():
        locked.wait(5)
        try:
            referral_triage(referral=referral, actor=second, decision="decline", reason="x")
        except ValidationError as error:
            outcome["refused"] = " ".join(error.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept), threading.Thread(target=decline)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert outcome["refused"] == (
        "A referral that is 'on the waiting list' cannot be moved to 'declined'."
    )
    assert [(e.status, e.actor) for e in referral.events.exclude(status=Status.RECEIVED)] == [
        (Status.WAITING, first)
    ]
