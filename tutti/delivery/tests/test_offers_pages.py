"""The coordinator's offer pages and the person's one-time link, through the test client."""

import re
from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from markupsafe import escape

from tutti.core.models import AccessEvent
from tutti.delivery.models import Episode, Offer
from tutti.delivery.services import offers as services
from tutti.delivery.tests.offer_helpers import (
    coordinator,
    group_of,
    next_day,
    programme_at_a_site,
    therapist_with_time,
    waiting,
)
from tutti.people.models import Contact
from tutti.people.tests.factories import PersonFactory
from tutti.referrals.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    programme, site = programme_at_a_site()
    therapist, slot = therapist_with_time(site, weekday=0, start=time(9))
    return programme, site, therapist, slot


@pytest.fixture
def signed_in(client):
    user = coordinator()
    client.force_login(user)
    return user


def field_error(body, name):
    """The error message shown next to a field (empty when there is none)."""
    found = re.search(rf'id="id_{name}-error"[^>]*>.*?Error: </span>(.*?)</span>', body, re.S)
    return " ".join(found.group(1).split()) if found else ""


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def make_offer(referral, therapist, slot, actor):
    return services.offer_make(
        referral=referral,
        kind="individual",
        therapist=therapist,
        slot=slot,
        first_session_on=next_day(slot.weekday),
        actor=actor,
        send_link=False,
    )


# ---------------------------------------------------------------------------------------
# Making an offer


def test_a_coordinator_makes_an_individual_offer_from_the_page(client, signed_in, setting):
    programme, _, therapist, slot = setting
    referral = waiting(programme)
    page = client.get(f"/delivery/offers/new/{referral.reference}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"{therapist}: Monday 09:00" in body
    assert AccessEvent.objects.filter(object_id=str(referral.pk), actor=signed_in).exists()

    answer = client.post(
        f"/delivery/offers/new/{referral.reference}/",
        {
            "kind": "individual",
            "therapist": therapist.pk,
            "slot": slot.pk,
            **date_fields("first_session_on", next_day(0)),
        },
    )

    offer = Offer.objects.get(referral=referral)
    assert answer.status_code == 302 and answer.url == f"/delivery/offers/{offer.pk}/"
    referral.refresh_from_db()
    assert referral.status == Status.OFFERED


def test_missing_and_wrong_choices_are_shown_next_to_the_fields_and_kept(
    client, signed_in, setting
):
    programme, site, therapist, slot = setting
    lapsed, lapsed_slot = therapist_with_time(
        site, weekday=3, registration_expires=timezone.localdate() - timedelta(days=2)
    )
    referral = waiting(programme)
    url = f"/delivery/offers/new/{referral.reference}/"

    empty = client.post(url, {"kind": "individual"})
    body = empty.content.decode()
    assert empty.status_code == 200 and "There is a problem" in body
    assert field_error(body, "therapist") == "Choose a therapist"
    assert field_error(body, "slot").startswith("Choose a weekly time")
    assert field_error(body, "first_session_on") == "Enter the date of the first session"

    refused = client.post(
        url,
        {
            "kind": "individual",
            "therapist": lapsed.pk,
            "slot": lapsed_slot.pk,
            **date_fields("first_session_on", next_day(3)),
        },
    )
    body = refused.content.decode()
    assert "HCPC registration ran out" in field_error(body, "therapist")
    assert f'<option value="{lapsed.pk}" selected' in body  # what was chosen is kept
    referral.refresh_from_db()
    assert referral.status == Status.WAITING


def test_a_full_group_is_refused_next_to_the_group_field(client, signed_in, setting):
    programme, site, _, _ = setting
    group = group_of(programme, site, capacity=1)
    services.offer_make(
        referral=waiting(programme), kind="group", group=group, actor=signed_in, send_link=False
    )
    referral = waiting(programme)

    page = client.post(
        f"/delivery/offers/new/{referral.reference}/", {"kind": "group", "group": group.pk}
    )

    body = page.content.decode()
    assert f"{group} (Tuesdays 16:00, full)" in body
    assert field_error(body, "group").startswith(f"{group} is full: its 1 places are all taken")


def test_a_referral_not_waiting_gets_a_message_not_a_form(client, signed_in, setting):
    programme, _, therapist, slot = setting
    referral = waiting(programme)
    offer = make_offer(referral, therapist, slot, signed_in)

    page = client.get(f"/delivery/offers/new/{referral.reference}/")

    body = page.content.decode()
    assert "No offer can be made" in body and "offered a place" in body
    assert f"/delivery/offers/{offer.pk}/" in body
    assert "Make the offer" not in body


def test_the_waiting_list_and_the_referral_link_to_making_an_offer(client, signed_in, setting):
    programme, *_ = setting
    referral = waiting(programme)
    link = f"/delivery/offers/new/{referral.reference}/"

    assert link in client.get(f"/waiting-lists/{programme.code}/").content.decode()
    assert link in client.get(f"/referrals/{referral.reference}/").content.decode()
    why = client.get(f"/waiting-lists/referral/{referral.reference}/")
    assert link in why.content.decode()


def test_the_offer_list_highlights_answers_overdue(client, signed_in, setting):
    programme, site, therapist, slot = setting
    late = make_offer(waiting(programme), therapist, slot, signed_in)
    Offer.objects.filter(pk=late.pk).update(respond_by=timezone.localdate() - timedelta(days=2))
    other, other_slot = therapist_with_time(site, weekday=2)
    on_time = make_offer(waiting(programme), other, other_slot, signed_in)

    body = client.get("/delivery/offers/").content.decode()

    assert "1 is past the date asked for" in body
    rows = body.split('<tr class="nhsuk-table__row">')[1:]
    first, second = rows[1], rows[2]  # the header row comes first
    assert escape(late.referral.person.full_name) in first and "Overdue" in first
    assert escape(on_time.referral.person.full_name) in second and "Overdue" not in second


# ---------------------------------------------------------------------------------------
# Recording the answer


def test_recording_yes_opens_the_episode_page(client, signed_in, setting):
    programme, _, therapist, slot = setting
    offer = make_offer(waiting(programme), therapist, slot, signed_in)

    page = client.post(
        f"/delivery/offers/{offer.pk}/accept/",
        {"goal_1": "To join in with songs", "goal_2": "", "goal_3": "To feel calmer"},
    )

    episode = Episode.objects.get(offer=offer)
    assert page.status_code == 302 and page.url == f"/delivery/episodes/{episode.pk}/"
    assert episode.goals == ["To join in with songs", "To feel calmer"]
    assert "To join in with songs" in client.get(page.url).content.decode()


def test_a_too_long_goal_is_refused_next_to_it_and_kept(client, signed_in, setting):
    programme, _, therapist, slot = setting
    offer = make_offer(waiting(programme), therapist, slot, signed_in)

    page = client.post(f"/delivery/offers/{offer.pk}/accept/", {"goal_1": "x" * 301})

    body = page.content.decode()
    assert field_error(body, "goal_1") == "Keep each goal to 300 characters or fewer"
    assert "x" * 301 in body
    assert not Episode.objects.exists()


def test_recording_no_keeps_the_waiting_time_and_says_so(client, signed_in, setting):
    programme, _, therapist, slot = setting
    referral = waiting(programme, weeks=5)
    since = referral.waiting_since
    offer = make_offer(referral, therapist, slot, signed_in)

    page = client.post(f"/delivery/offers/{offer.pk}/decline/", {"reason": "Too far to travel"})

    assert page.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.WAITING and referral.waiting_since == since
    detail = client.get(page.url).content.decode()
    assert "back on the waiting list, with its waiting time" in detail
    assert "Too far to travel" in detail


def test_an_answered_offer_refuses_another_answer_with_a_message(client, signed_in, setting):
    programme, _, therapist, slot = setting
    offer = make_offer(waiting(programme), therapist, slot, signed_in)
    client.post(f"/delivery/offers/{offer.pk}/decline/", {"reason": ""})

    again = client.post(f"/delivery/offers/{offer.pk}/accept/", {})

    assert again.status_code == 409
    assert "This offer was declined on" in again.content.decode()
    assert not Episode.objects.exists()


def test_withdrawing_without_a_reason_is_refused_next_to_the_field(client, signed_in, setting):
    programme, _, therapist, slot = setting
    offer = make_offer(waiting(programme), therapist, slot, signed_in)

    page = client.post(f"/delivery/offers/{offer.pk}/withdraw/", {"reason": ""})

    assert field_error(page.content.decode(), "reason") == "Say why"
    offer.refresh_from_db()
    assert offer.is_pending


def test_no_answer_before_the_date_is_refused_with_a_message(client, signed_in, setting):
    programme, _, therapist, slot = setting
    offer = make_offer(waiting(programme), therapist, slot, signed_in)

    page = client.post(f"/delivery/offers/{offer.pk}/no-answer/", follow=True)

    assert "has not passed yet" in page.content.decode()
    offer.refresh_from_db()
    assert offer.is_pending


# ---------------------------------------------------------------------------------------
# The link


def adult_with_email():
    return PersonFactory(email="sam@example.org")


def child_with_carer():
    child = PersonFactory(date_of_birth=timezone.localdate().replace(year=2018), email="")
    Contact.objects.create(
        person=child,
        name="Alex",
        relationship="parent",
        email="alex@example.org",
        is_main_contact=True,
    )
    return child


def test_the_link_goes_to_the_person_from_16_or_else_their_main_contact():
    assert services.link_recipient(adult_with_email()) == "sam@example.org"
    assert services.link_recipient(child_with_carer()) == "alex@example.org"
    assert services.link_recipient(PersonFactory(email="")) == ""


def emailed_link():
    [message] = mail.outbox
    return re.search(r"http://testserver(/offer/[^/\s]+/)", message.body).group(1), message


def test_making_an_offer_emails_a_one_time_link_storing_only_its_hash(
    client, signed_in, setting, django_capture_on_commit_callbacks
):
    programme, _, therapist, slot = setting
    referral = waiting(programme, person=adult_with_email())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/delivery/offers/new/{referral.reference}/",
            {
                "kind": "individual",
                "therapist": therapist.pk,
                "slot": slot.pk,
                "send_link": "on",
                **date_fields("first_session_on", next_day(0)),
            },
        )

    path, message = emailed_link()
    offer = Offer.objects.get(referral=referral)
    token = path.split("/")[2]
    assert message.to == ["sam@example.org"]
    assert referral.person.family_name not in message.body  # nothing about the person
    assert offer.link_token_hash == services._hash(token) and token not in offer.link_token_hash
    assert offer.link_expires_at > timezone.now()


def open_offer(client, offer):
    token = services.offer_link_issue(offer=offer)
    return client.get(f"/offer/{token}/"), token


def test_the_person_says_yes_through_the_link_once(client, setting):
    programme, site, therapist, slot = setting
    referral = waiting(programme)
    offer = make_offer(referral, therapist, slot, coordinator())

    opened, token = open_offer(client, offer)
    assert opened.status_code == 302 and opened.url == "/offer/answer/"
    page = client.get("/offer/answer/")
    body = page.content.decode()
    assert f"We have a place in music therapy for {referral.person.given_name}" in body
    assert "Every Monday at 09:00" in body and site.name in body and str(therapist) in body
    assert token not in body

    empty = client.post("/offer/answer/", {})
    assert field_error(empty.content.decode(), "answer") == "Choose yes or no"

    sent = client.post("/offer/answer/", {"answer": "yes"})
    assert sent.status_code == 302 and sent.url == "/offer/answered/"
    assert "You said yes" in client.get(sent.url).content.decode()
    offer.refresh_from_db()
    referral.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED and offer.answered_via == "link"
    assert offer.answered_by is None and referral.status == Status.ACTIVE
    assert Episode.objects.filter(offer=offer).exists()

    again = client.get(f"/offer/{token}/")
    assert again.status_code == 410 and "This offer has been answered" in again.content.decode()


def test_the_person_says_no_through_the_link_with_a_reason(client, setting):
    programme, _, therapist, slot = setting
    referral = waiting(programme)
    offer = make_offer(referral, therapist, slot, coordinator())
    open_offer(client, offer)

    client.post("/offer/answer/", {"answer": "no", "reason": "We are away that month"})

    offer.refresh_from_db()
    referral.refresh_from_db()
    assert (
        offer.status == Offer.Status.DECLINED and offer.decline_reason == "We are away that month"
    )
    assert referral.status == Status.WAITING
    assert "You stay on our waiting list" in client.get("/offer/answered/").content.decode()


def test_an_unknown_replaced_or_run_out_link_says_so_plainly(client, setting):
    programme, _, therapist, slot = setting
    offer = make_offer(waiting(programme), therapist, slot, coordinator())
    unknown = client.get("/offer/not-a-real-token/")
    assert unknown.status_code == 404 and "This link does not work" in unknown.content.decode()

    _, old = open_offer(client, offer)
    services.offer_link_issue(offer=offer)  # a newer link replaces it
    assert client.get(f"/offer/{old}/").status_code == 404
    assert client.get("/offer/answer/").status_code == 404  # the open page stops too

    token = services.offer_link_issue(offer=offer)
    Offer.objects.filter(pk=offer.pk).update(link_expires_at=timezone.now() - timedelta(1))
    ran_out = client.get(f"/offer/{token}/")
    assert ran_out.status_code == 410 and "This link has run out" in ran_out.content.decode()


def test_a_withdrawn_offer_link_says_the_offer_is_closed(client, setting):
    programme, _, therapist, slot = setting
    offer = make_offer(waiting(programme), therapist, slot, coordinator())
    token = services.offer_link_issue(offer=offer)
    services.offer_withdraw(offer=offer, actor=coordinator(), reason="Therapist left")

    page = client.get(f"/offer/{token}/")

    assert page.status_code == 410 and "This offer is closed" in page.content.decode()


def test_the_coordinator_shows_a_new_link_once_with_a_new_answer_date(client, signed_in, setting):
    programme, _, therapist, slot = setting
    offer = make_offer(waiting(programme), therapist, slot, signed_in)
    new_date = offer.respond_by - timedelta(days=1)

    page = client.post(
        f"/delivery/offers/{offer.pk}/link/",
        {"action": "show", **date_fields("respond_by", new_date)},
    )

    body = page.content.decode()
    url = re.search(r'id="link-url">http://testserver(/offer/[^<]+)<', body).group(1)
    offer.refresh_from_db()
    assert offer.respond_by == new_date
    assert client.get(url).status_code == 302


def test_a_group_filled_before_the_answer_is_told_plainly(client, setting):
    programme, site, _, _ = setting
    group = group_of(programme, site, capacity=1)
    offer = services.offer_make(
        referral=waiting(programme),
        kind="group",
        group=group,
        actor=coordinator(),
        send_link=False,
    )
    from tutti.delivery.tests.factories import GroupMembershipFactory

    GroupMembershipFactory(group=group)
    open_offer(client, offer)

    page = client.post("/offer/answer/", {"answer": "yes"})

    assert page.status_code == 409 and "Sorry, this place has gone" in page.content.decode()
    offer.refresh_from_db()
    assert offer.is_pending
