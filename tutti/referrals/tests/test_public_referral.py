"""The public self/family referral form at /refer/, driven through the test client."""

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from tutti.core.vocab import Circumstance, Need, Route
from tutti.people.models import Person
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.models import Channel, Referral, ReferrerRelationship
from tutti.referrals.public import abuse, steps, submission

pytestmark = pytest.mark.django_db

DOB = {"date_of_birth_0": "9", "date_of_birth_1": "3", "date_of_birth_2": "1961"}
SELF_ANSWERS = [
    ("who-for", {"who": "me"}),
    ("name", {"given_name": "Maureen", "family_name": "Okafor", "preferred_name": "Mo"}),
    ("date-of-birth", DOB),
    ("postcode", {"postcode": "nw1 2db"}),
    ("contact", {"email": "mo@example.org", "phone": "07700 900 982", "best_way": "text"}),
    ("help-with", {"needs": [Need.CONFIDENCE, Need.EMOTIONAL_WELLBEING]}),
    ("circumstances", {"circumstances": [Circumstance.TRAUMA_BEREAVEMENT]}),
    ("lives-alone", {"lives_alone": "yes"}),
    ("social-contact", {"sees_people": "no"}),
    ("other-support", {"other_support": "yes", "which": "Bereavement counselling"}),
    (
        "taking-part",
        {
            "preferred_language": "English",
            "communication_needs": "Large print letters",
            "access_needs": "Step-free access",
        },
    ),
    ("anything-else", {"reason": "I lost my husband last year and I miss singing."}),
]
PARENT_ANSWERS = [
    ("who-for", {"who": "child"}),
    ("your-name", {"name": "Grace Adeyemi"}),
    ("your-contact", {"email": "grace@example.org", "phone": "", "best_way": "email"}),
    ("name", {"given_name": "Tobi", "family_name": "Adeyemi", "preferred_name": ""}),
    ("date-of-birth", {"date_of_birth_0": "2", "date_of_birth_1": "11", "date_of_birth_2": "2017"}),
    ("postcode", {"no_fixed_address": "on"}),
    ("contact", {"email": "", "phone": ""}),
    ("help-with", {"needs": [Need.COMMUNICATION, Need.SOCIAL_SKILLS]}),
    ("circumstances", {"circumstances": [Circumstance.AUTISM]}),
    ("lives-alone", {"lives_alone": "no"}),
    ("social-contact", {"sees_people": "yes"}),
    ("other-support", {"other_support": "not_sure", "which": "typed, then changed my mind"}),
    ("taking-part", {"interpreter_needed": "on", "preferred_language": "Yoruba"}),
    ("anything-else", {"reason": ""}),
]
SELF_CONSENT = {"consent": "on"}
PARENT_CONSENT = {
    "consent_basis": "i_decide",
    "decide_because": "He is my son and he is 9",
    "consent": "on",
}


class _Page(HTMLParser):
    """Just enough HTML reading for these tests: text by element id, and form values."""

    def __init__(self, html):
        super().__init__()
        self.texts, self.values, self.checked, self._open = {}, {}, set(), []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.checked.add((attrs["name"], attrs.get("value")))
            else:
                self.values[attrs["name"]] = attrs.get("value", "")
        if tag in ("input", "br", "img", "meta", "link"):
            return
        self._open.append([tag, attrs.get("id"), []])

    def handle_endtag(self, tag):
        while self._open:
            open_tag, element_id, parts = self._open.pop()
            text = " ".join("".join(parts).split())
            if element_id:
                self.texts[element_id] = text
            if self._open:
                self._open[-1][2].append(" " + "".join(parts) + " ")
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self._open:
            self._open[-1][2].append(data)


def page(response):
    return _Page(response.content.decode())


def answer(client, slug, data):
    return client.post(f"/refer/{slug}/", data)


def answer_all(client, answers):
    for slug, data in answers:
        response = answer(client, slug, data)
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
    return response


def send(client, consent, *, extra=None, **meta):
    return client.post("/refer/check/", {**consent, **(extra or {})}, **meta)


def test_the_start_page_says_what_it_is_and_starts_the_first_question(client):
    response = client.get("/refer/")
    text = response.content.decode()
    assert "Ask for music therapy" in text
    assert "You do not need to be able to play music" in text
    assert "What happens next" in text
    assert 'href="/refer/who-for/"' in text and "Start now" in text
    assert "Ask for music therapy" in client.get("/").content.decode()


def test_a_self_referral_from_start_to_finish(client, django_capture_on_commit_callbacks):
    assert answer_all(client, SELF_ANSWERS)["Location"] == "/refer/check/"
    check = client.get("/refer/check/")
    shown = check.content.decode()
    for expected in ("Maureen Okafor", "Likes to be called Mo", "9 March 1961", "NW1 2DB"):
        assert expected in shown
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, SELF_CONSENT)
    assert response["Location"] == "/refer/sent/"

    referral = Referral.objects.get()
    person = Person.objects.get()
    assert referral.person == person
    assert (person.given_name, person.family_name, person.preferred_name) == (
        "Maureen",
        "Okafor",
        "Mo",
    )
    assert person.date_of_birth == date(1961, 3, 9)
    assert person.postcode == "NW1 2DB"
    assert (person.email, person.phone) == ("mo@example.org", "07700 900 982")
    assert person.communication_needs == "Large print letters"
    assert person.access_needs == "Step-free access"
    assert referral.channel == Channel.PUBLIC_FORM
    assert referral.route == Route.SELF
    assert referral.referrer_relationship == ReferrerRelationship.SELF
    assert referral.referrer_name == referral.referrer_email == ""
    assert referral.needs == [Need.CONFIDENCE, Need.EMOTIONAL_WELLBEING]
    assert referral.circumstances == [Circumstance.TRAUMA_BEREAVEMENT]
    assert referral.lives_alone is True
    assert referral.no_regular_social_contact is True
    assert referral.no_other_support is False
    assert referral.other_services == "Bereavement counselling"
    assert referral.consent_to_refer is True
    assert "I miss singing" in referral.reason
    assert "Best way to contact them: text message." in referral.reason
    assert referral.needs_review_reason == ""

    confirmation = client.get("/refer/sent/").content.decode()
    assert referral.reference in confirmation
    assert "We have sent you an email" in confirmation

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["mo@example.org"]
    assert referral.reference in email.subject + email.body
    for clinical in ("bereave", "Bereave", "Okafor", "1961", "singing", "Confidence", "NW1"):
        assert clinical not in email.subject + email.body

    # The answers are gone from the session: starting again starts afresh.
    assert client.get("/refer/check/")["Location"] == "/refer/sent/"
    assert client.get("/refer/name/")["Location"] == "/refer/who-for/"


def test_a_parent_referral_records_who_asked(client, django_capture_on_commit_callbacks):
    answer_all(client, PARENT_ANSWERS)
    shown = client.get("/refer/check/").content.decode()
    assert "Their name" in shown and "Grace Adeyemi" in shown and "No fixed address" in shown
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, PARENT_CONSENT)
    assert response["Location"] == "/refer/sent/"

    referral = Referral.objects.get()
    assert Person.objects.count() == 1
    assert referral.route == Route.FAMILY
    assert referral.referrer_relationship == ReferrerRelationship.PARENT
    assert referral.referrer_name == "Grace Adeyemi"
    assert referral.referrer_email == "grace@example.org"
    assert referral.person.postcode == "ZZ99 3VZ"  # NHS pseudo-postcode: no fixed abode
    assert referral.person.email == ""
    assert referral.person.interpreter_needed is True
    assert referral.person.preferred_language == "Yoruba"
    assert referral.needs == [Need.COMMUNICATION, Need.SOCIAL_SKILLS]
    assert referral.lives_alone is False
    assert referral.no_regular_social_contact is False
    assert referral.no_other_support is None  # "not sure"
    assert referral.other_services == ""
    assert "He is my son and he is 9" in referral.reason
    assert "Best way to contact the person who asked: email." in referral.reason

    assert referral.reference in client.get("/refer/sent/").content.decode()
    assert [m.to for m in mail.outbox] == [["grace@example.org"]]
    assert referral.reference in mail.outbox[0].body
    assert "Tobi" not in mail.outbox[0].body and "utism" not in mail.outbox[0].body


def test_questions_about_someone_else_say_their(client):
    answer(client, "who-for", {"who": "cared_for"})
    answer(client, "your-name", {"name": "Sam Hill"})
    answer(client, "your-contact", {"phone": "01632 960 001"})
    text = client.get("/refer/name/").content.decode()
    assert "What is their name?" in text
    answer(client, "name", {"given_name": "Ivy", "family_name": "Hill"})
    assert "What is their date of birth?" in client.get("/refer/date-of-birth/").content.decode()
    response = answer(client, "date-of-birth", {})
    assert "Enter their date of birth" in page(response).texts["id_date_of_birth-error"]


def _walk_to(client, slug, answers=SELF_ANSWERS):
    for step_slug, data in answers:
        if step_slug == slug:
            return
        answer(client, step_slug, data)


@pytest.mark.parametrize(
    "slug, data, error_id, message, kept",
    [
        ("who-for", {}, "id_who", "Select who needs music therapy", {}),
        (
            "name",
            {"given_name": "", "family_name": "Okafor"},
            "id_given_name",
            "Enter your first name",
            {"family_name": "Okafor"},
        ),
        (
            "date-of-birth",
            {"date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": "2999"},
            "id_date_of_birth",
            "Your date of birth must be in the past",
            {"date_of_birth_0": "1", "date_of_birth_1": "1", "date_of_birth_2": "2999"},
        ),
        (
            "date-of-birth",
            {"date_of_birth_0": "31", "date_of_birth_1": "", "date_of_birth_2": "1961"},
            "id_date_of_birth",
            "Your date of birth must include a month",
            {"date_of_birth_0": "31", "date_of_birth_2": "1961"},
        ),
        (
            "postcode",
            {"postcode": "QX1 1AA"},
            "id_postcode",
            "QX1 1AA is not a valid UK postcode",
            {"postcode": "QX1 1AA"},
        ),
        (
            "postcode",
            {"postcode": ""},
            "id_postcode",
            "Enter your postcode, or tick the box if you do not have a fixed address",
            {},
        ),
        (
            "contact",
            {"email": "mo@example", "phone": "07700 900 982"},
            "id_email",
            "Enter an email address in the correct format, like name@example.com",
            {"email": "mo@example", "phone": "07700 900 982"},
        ),
        (
            "contact",
            {"email": "", "phone": ""},
            "id_email",
            "Enter an email address or a phone number, so we can contact you",
            {},
        ),
        (
            "contact",
            {"email": "", "phone": "call me"},
            "id_phone",
            "Enter a phone number, like",
            {"phone": "call me"},
        ),
        (
            "help-with",
            {},
            "id_needs",
            "Select what you would like help with, or select 'Not sure'",
            {},
        ),
        (
            "circumstances",
            {"circumstances": ["autism", "none"]},
            "id_circumstances",
            "You chose 'None of these' and other answers",
            {},
        ),
        ("lives-alone", {}, "id_lives_alone", "Select whether you live alone", {}),
        (
            "social-contact",
            {},
            "id_sees_people",
            "Select whether you see or talk to other people most weeks",
            {},
        ),
        (
            "other-support",
            {"which": "A day centre"},
            "id_other_support",
            "Select whether you get help from another service now",
            {},
        ),
        (
            "taking-part",
            {"preferred_language": "x" * 61},
            "id_preferred_language",
            "The language must be 60 characters or fewer",
            {"preferred_language": "x" * 61},
        ),
    ],
)
def test_a_wrong_answer_is_explained_next_to_its_field_and_kept(
    client, slug, data, error_id, message, kept
):
    _walk_to(client, slug)
    response = answer(client, slug, data)
    assert response.status_code == 200
    shown = page(response)
    assert message in shown.texts[f"{error_id}-error"]
    assert message in shown.texts["maincontent"]  # the error summary says it too
    assert f'href="#{error_id}' in response.content.decode()
    assert "<title>Error:" in response.content.decode()
    for name, value in kept.items():
        assert shown.values[name] == value


def test_the_check_page_sends_you_to_the_first_unanswered_question(client):
    assert client.get("/refer/check/")["Location"] == "/refer/who-for/"
    answer_all(client, SELF_ANSWERS[:4])
    assert client.get("/refer/check/")["Location"] == "/refer/contact/"
    # Questions further on cannot be skipped to either.
    assert client.get("/refer/lives-alone/")["Location"] == "/refer/contact/"
    # Questions already answered can be revisited, with their answers.
    shown = page(client.get("/refer/name/"))
    assert shown.values["given_name"] == "Maureen"
    assert shown.values["family_name"] == "Okafor"
    assert page(client.get("/refer/date-of-birth/")).values["date_of_birth_2"] == "1961"


def test_back_links_go_to_the_previous_question(client):
    assert 'href="/refer/"' in client.get("/refer/who-for/").content.decode()
    answer_all(client, PARENT_ANSWERS[:3])
    assert 'href="/refer/your-contact/"' in client.get("/refer/name/").content.decode()


def test_change_links_return_to_the_check_page(client):
    answer_all(client, SELF_ANSWERS)
    check = client.get("/refer/check/").content.decode()
    for slug, _ in SELF_ANSWERS:
        assert f'href="/refer/{slug}/"' in check
    changing = client.get("/refer/postcode/").content.decode()
    assert 'href="/refer/check/"' in changing  # the back link
    response = answer(client, "postcode", {"postcode": "LS1 1BA"})
    assert response["Location"] == "/refer/check/"
    assert "LS1 1BA" in client.get("/refer/check/").content.decode()


def test_changing_to_someone_else_asks_the_new_questions_then_returns(client):
    answer_all(client, SELF_ANSWERS)
    client.get("/refer/check/")
    assert answer(client, "who-for", {"who": "family"})["Location"] == "/refer/your-name/"
    assert answer(client, "your-name", {"name": "Ben Okafor"})["Location"] == "/refer/your-contact/"
    response = answer(client, "your-contact", {"email": "ben@example.org"})
    assert response["Location"] == "/refer/check/"
    check = client.get("/refer/check/").content.decode()
    assert "Ben Okafor" in check and "Do they know about this request?" in check


def test_the_family_consent_needs_a_reason_to_decide_for_them(client):
    answer_all(client, PARENT_ANSWERS)
    response = send(client, {"consent_basis": "i_decide", "decide_because": ""})
    shown = page(response)
    assert "Tell us why you can decide for them" in shown.texts["id_decide_because-error"]
    assert "tick the box to say you agree" in shown.texts["id_consent-error"]
    assert ("consent_basis", "i_decide") in shown.checked
    assert not Referral.objects.exists()


def test_a_filled_honeypot_is_recorded_for_review_and_not_emailed(
    client, django_capture_on_commit_callbacks
):
    for slug, data in SELF_ANSWERS:
        answer(
            client,
            slug,
            {**data, abuse.HONEYPOT_FIELD: "http://spam.example" if slug == "name" else ""},
        )
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, SELF_CONSENT)
    assert response["Location"] == "/refer/sent/"
    referral = Referral.objects.get()
    assert "spam-trap" in referral.needs_review_reason
    assert referral.person.email == "mo@example.org"  # kept where it belongs, not used
    assert referral.person.phone == "07700 900 982"
    assert mail.outbox == []
    confirmation = client.get("/refer/sent/").content.decode()
    assert referral.reference in confirmation and "We have sent you an email" not in confirmation


def test_the_honeypot_on_the_send_page_flags_too(client, django_capture_on_commit_callbacks):
    answer_all(client, PARENT_ANSWERS)
    with django_capture_on_commit_callbacks(execute=True):
        send(client, PARENT_CONSENT, extra={abuse.HONEYPOT_FIELD: "buy now"})
    referral = Referral.objects.get()
    assert referral.needs_review_reason
    assert referral.referrer_email == "grace@example.org"
    assert mail.outbox == []


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    text = client.get("/refer/who-for/").content.decode()
    trap = re.search(
        r'<div class="nhsuk-u-visually-hidden" aria-hidden="true">.*?</div>', text, re.S
    )
    assert trap and 'tabindex="-1"' in trap.group() and 'autocomplete="off"' in trap.group()


def test_the_rate_limit_refuses_with_a_message_keeps_the_answers_then_allows(client, monkeypatch):
    clock = [1_000_000.0]
    monkeypatch.setattr(abuse, "_now", lambda: clock[0])
    for _ in range(abuse.REFERRALS_PER_WINDOW):
        answer_all(client, SELF_ANSWERS)
        assert send(client, SELF_CONSENT)["Location"] == "/refer/sent/"
        clock[0] += 60
    assert Referral.objects.count() == abuse.REFERRALS_PER_WINDOW

    answer_all(client, SELF_ANSWERS)
    refused = send(client, SELF_CONSENT)
    assert refused.status_code == 200
    shown = page(refused)
    assert "Wait 55 minutes, then press Send again" in shown.texts["send-problem"]
    assert "Wait 55 minutes" in shown.texts["maincontent"]
    assert "Maureen Okafor" in refused.content.decode()  # the answers are still there
    assert ("consent", "on") in shown.checked
    assert Referral.objects.count() == abuse.REFERRALS_PER_WINDOW

    # Another address is not held up by this one.
    other = send(client, SELF_CONSENT, REMOTE_ADDR="192.0.2.44")
    assert other["Location"] == "/refer/sent/"
    answer_all(client, SELF_ANSWERS)

    clock[0] += abuse.WINDOW_SECONDS
    assert send(client, SELF_CONSENT)["Location"] == "/refer/sent/"
    assert Referral.objects.count() == abuse.REFERRALS_PER_WINDOW + 2


def test_the_rate_limit_never_keeps_the_address_itself(client):
    answer_all(client, SELF_ANSWERS)
    send(client, SELF_CONSENT, REMOTE_ADDR="203.0.113.9")
    from django.core.cache import cache

    keys = list(cache._cache.keys())  # the local-memory cache used here
    assert keys and not any("203.0.113.9" in key for key in keys)


def test_pressing_send_twice_makes_one_referral(client):
    answer_all(client, SELF_ANSWERS)
    assert send(client, SELF_CONSENT)["Location"] == "/refer/sent/"
    assert send(client, SELF_CONSENT)["Location"] == "/refer/sent/"
    assert Referral.objects.count() == 1


def test_two_sends_racing_with_the_same_answers_make_one_referral(client):
    """The second request arrived before the first had cleared the session."""
    answer_all(client, SELF_ANSWERS)
    client.get("/refer/check/")
    session = client.session
    before = dict(session[steps.SESSION_KEY])
    before["reference"] = steps.Journey(session).reference_for_sending()
    session[steps.SESSION_KEY] = before
    session.save()
    first = send(client, SELF_CONSENT)
    session = client.session
    session[steps.SESSION_KEY] = before
    session.save()
    second = send(client, SELF_CONSENT)
    assert first["Location"] == second["Location"] == "/refer/sent/"
    assert Referral.objects.count() == 1
    assert Referral.objects.get().reference == before["reference"]


def test_a_problem_found_on_sending_is_shown_on_its_question(client, monkeypatch):
    answer_all(client, SELF_ANSWERS)

    def refuse(**kwargs):
        raise ValidationError({"person.postcode": ["We cannot take this postcode."]})

    monkeypatch.setattr(submission, "referral_submit", refuse)
    response = send(client, SELF_CONSENT)
    assert response["Location"] == "/refer/postcode/"
    # The check page sends you back there until it is answered again.
    assert client.get("/refer/check/")["Location"] == "/refer/postcode/"
    shown = page(client.get("/refer/postcode/"))
    assert "We cannot take this postcode." in shown.texts["id_postcode-error"]
    assert shown.values["postcode"] == "NW1 2DB"
    monkeypatch.undo()
    assert answer(client, "postcode", {"postcode": "NW1 2DB"})["Location"] == "/refer/check/"
    assert send(client, SELF_CONSENT)["Location"] == "/refer/sent/"


def test_a_problem_with_no_question_is_shown_on_the_check_page(client, monkeypatch):
    answer_all(client, SELF_ANSWERS)

    def refuse(**kwargs):
        raise ValidationError({"route": ["Something is wrong with the route."]})

    monkeypatch.setattr(submission, "referral_submit", refuse)
    response = send(client, SELF_CONSENT)
    assert response.status_code == 200
    assert "Something is wrong with the route." in page(response).texts["send-problem"]
    assert not Referral.objects.exists()


def test_a_service_chosen_in_advance_is_asked_for(client):
    programme = ProgrammeFactory(code="CAMDEN-16-24", name="Camden young people")
    assert (
        "You are asking about: Camden young people"
        in client.get("/refer/?programme=CAMDEN-16-24").content.decode()
    )
    answer_all(client, SELF_ANSWERS)
    assert "Camden young people" in client.get("/refer/check/").content.decode()
    send(client, SELF_CONSENT)
    assert Referral.objects.get().programme == programme


def test_a_service_that_closed_meanwhile_can_be_dropped(client):
    programme = ProgrammeFactory(code="CLOSING", name="Closing soon")
    client.get("/refer/?programme=CLOSING")
    answer_all(client, SELF_ANSWERS)
    programme.open_to_referrals = False
    programme.save()
    response = send(client, SELF_CONSENT)
    assert response["Location"] == "/refer/service/"
    shown = page(client.get("/refer/service/"))
    assert "Closing soon is not taking referrals" in shown.texts["id_keep-error"]
    assert client.post("/refer/service/", {"keep": "no"})["Location"] == "/refer/check/"
    assert send(client, SELF_CONSENT)["Location"] == "/refer/sent/"
    assert Referral.objects.get().programme is None


def test_a_closed_or_unknown_service_on_the_start_page_is_explained(client):
    ProgrammeFactory(code="SHUT", name="Shut group", open_to_referrals=False)
    assert (
        "Shut group is not taking new requests"
        in client.get("/refer/?programme=SHUT").content.decode()
    )
    assert "not taking new requests" in client.get("/refer/?programme=NOPE").content.decode()
    assert client.get("/refer/?programme=<script>").status_code == 200


def test_nothing_personal_goes_into_a_url(client):
    locations = [answer(client, slug, data)["Location"] for slug, data in SELF_ANSWERS]
    locations.append(send(client, SELF_CONSENT)["Location"])
    assert all(re.fullmatch(r"/refer/[a-z-]+/", location) for location in locations)


def test_odd_requests_never_cause_an_error(client):
    assert client.get("/refer/no-such-question/").status_code == 404
    assert client.get("/refer/sent/")["Location"] == "/refer/"
    assert client.post("/refer/check/", {})["Location"] == "/refer/who-for/"
    session = client.session
    session[steps.SESSION_KEY] = {"answers": {"who-for": "nonsense", "name": {"x": 1}}}
    session.save()
    assert client.get("/refer/check/")["Location"] == "/refer/who-for/"
    assert client.get("/refer/").status_code == 200
    response = answer(client, "who-for", {"who": "somebody"})
    assert "Select who needs music therapy" in page(response).texts["id_who-error"]


def test_the_date_of_birth_is_kept_as_an_iso_string(client):
    answer_all(client, SELF_ANSWERS[:3])
    saved = client.session[steps.SESSION_KEY]["answers"]["date-of-birth"]
    assert saved == {"date_of_birth": "1961-03-09"}


def test_a_future_date_is_refused_even_by_a_day(client):
    _walk_to(client, "date-of-birth")
    tomorrow = date.today() + timedelta(days=1)
    response = answer(
        client,
        "date-of-birth",
        {
            "date_of_birth_0": str(tomorrow.day),
            "date_of_birth_1": str(tomorrow.month),
            "date_of_birth_2": str(tomorrow.year),
        },
    )
    assert "must be in the past" in page(response).texts["id_date_of_birth-error"]


def test_a_forged_forwarded_address_does_not_dodge_the_limit(rf, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 0
    forged = rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.7", REMOTE_ADDR="203.0.113.9")
    assert abuse.client_address(forged) == "203.0.113.9"
    # Behind one trusted proxy: the address that proxy saw, not what the client added.
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxied = rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.7, 192.0.2.10", REMOTE_ADDR="10.0.0.2")
    assert abuse.client_address(proxied) == "192.0.2.10"
