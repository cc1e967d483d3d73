"""The professional (SARF-style) referral form, signed in and in public, and the referrer portal."""

import re
from datetime import timedelta
from html import unescape as html_unescape

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.organisations.models import Organisation
from tutti.organisations.tests.factories import OrganisationFactory
from tutti.people.models import Contact, Person
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals import services
from tutti.referrals.models import Channel, PendingReferral, Referral, Status, Urgency

pytestmark = pytest.mark.django_db

CAMDEN_PRACTICE = "F83006"  # Ampthill Practice, Crowndale Health Centre, NW1 (sample epraccur)
NEW = "/referrals/new/"
PUBLIC = "/refer/professional/"


@pytest.fixture(autouse=True)
def geography():
    call_command("import_geography", "tutti/geography/data/sample", "--no-progress")


@pytest.fixture
def practice():
    return OrganisationFactory(
        name="Ampthill Practice", kind=Organisation.Kind.GP_PRACTICE, ods_code=CAMDEN_PRACTICE
    )


@pytest.fixture
def gp(practice):
    return UserFactory(
        roles=[Role.REFERRER],
        organisation=practice,
        full_name="Dr Asha Patel",
        job_title="GP partner",
        email="asha.patel@nhs.example",
    )


@pytest.fixture
def programme():
    return ProgrammeFactory(code="CAMDEN-16-24", name="Camden young people", min_age=16, max_age=24)


def answers(**changes):
    data = {
        "referrer_name": "Dr Asha Patel",
        "referrer_role": "GP partner",
        "referrer_email": "asha.patel@nhs.example",
        "referrer_phone": "020 7383 7333",
        "referrer_organisation_name": "Ampthill Practice",
        "route": "gp",
        "ods_code": CAMDEN_PRACTICE.lower(),
        "given_name": "Jordan",
        "family_name": "Mensah",
        "date_of_birth_0": "27",
        "date_of_birth_1": "3",
        "date_of_birth_2": "2005",
        "nhs_number": "999 765 4323",
        "address_line_1": "1 Crowndale Road",
        "town": "London",
        "postcode": "nw1 2db",
        "phone": "07700 900982",
        "preferred_language": "English",
        "communication_needs": "Prefers text messages",
        "programme": "",
        "reason": "Low mood and withdrawn since leaving college; writes lyrics.",
        "needs": ["confidence", "social_skills"],
        "circumstances": ["mental_health", "social_isolation"],
        "urgency": "soon",
        "lives_alone": "no",
        "has_social_contact": "no",
        "other_support": "yes",
        "other_services": "Camden talking therapies",
        "safeguarding_now": "no",
        "risks": "None known",
        "consent_to_refer": "on",
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def field_error(response, field):
    """The error message shown next to a field (NHS.UK error message), or ''."""
    html = response.content.decode()
    match = re.search(
        rf'id="id_{field}-error"\s*>\s*<span class="nhsuk-u-visually-hidden">Error: </span>'
        r"(.*?)</span>",
        html,
        re.S,
    )
    if not match:
        return ""
    return " ".join(html_unescape(match.group(1)).split())


# Signed in


def test_a_signed_in_gp_refers_and_follows_it_in_the_portal(
    client, gp, practice, programme, django_capture_on_commit_callbacks
):
    client.force_login(gp)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, answers(programme="CAMDEN-16-24"))
    assert response.status_code == 302, field_errors_of(response)
    assert response["Location"] == "/referrals/new/sent/"

    referral = Referral.objects.get()
    assert referral.channel == Channel.PORTAL
    assert referral.referred_by == gp
    assert referral.referrer_organisation == practice
    assert referral.gp_practice_code == CAMDEN_PRACTICE
    assert referral.programme == programme
    assert referral.person.nhs_number == "9997654323"
    assert referral.person.postcode == "NW1 2DB"
    assert referral.no_regular_social_contact is True
    assert referral.no_other_support is False
    assert referral.urgency == Urgency.SOON
    # The acknowledgement carries the reference and nothing clinical.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["asha.patel@nhs.example"]
    assert referral.reference in mail.outbox[0].body
    assert "Low mood" not in mail.outbox[0].body and "Jordan" not in mail.outbox[0].body

    sent = client.get(response["Location"])
    assert referral.reference in sent.content.decode()
    assert f'href="/referrals/{referral.reference}/"' in sent.content.decode()

    listing = client.get("/referrals/").content.decode()
    assert referral.reference in listing and "Jordan Mensah" in listing
    assert "Received" in listing

    coordinator = UserFactory(roles=[Role.COORDINATOR])
    services.referral_decline(referral=referral, actor=coordinator, reason="Lives outside the area")
    detail = client.get(f"/referrals/{referral.reference}/").content.decode()
    assert detail.count('class="nhsuk-table__row"') == 3  # header, received, declined
    assert "Declined" in detail and "Lives outside the area" in detail
    assert timezone.localtime(referral.received_at).strftime("%-d %B %Y") in detail


def field_errors_of(response):
    return re.findall(r'id="(id_\w+)-error"', response.content.decode())


def test_the_form_is_filled_in_from_the_account(client, gp):
    client.force_login(gp)
    html = client.get(NEW).content.decode()
    assert 'value="Dr Asha Patel"' in html
    assert 'value="asha.patel@nhs.example"' in html
    assert 'value="Ampthill Practice"' in html
    assert f'value="{CAMDEN_PRACTICE}"' in html
    assert re.search(r'value="gp"\s+checked', html)


def test_an_unknown_gp_practice_code_is_refused_next_to_the_field(client, gp):
    client.force_login(gp)
    response = client.post(NEW, answers(ods_code="F83004"))
    assert response.status_code == 200
    assert field_error(response, "ods_code").startswith(
        "F83004 is not a GP practice code we know. Check the code on the ODS website"
    )
    assert 'value="F83004"' in response.content.decode()
    assert 'value="Jordan"' in response.content.decode()  # the rest is kept too
    assert "There is a problem" in response.content.decode()
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_a_code_that_is_not_a_gp_practice_is_refused_for_the_gp_route(client, gp):
    client.force_login(gp)
    response = client.post(NEW, answers(ods_code="A99938"))  # a prescribing cost centre
    assert "A99938 is not a GP practice" in field_error(response, "ods_code")
    response = client.post(NEW, answers(ods_code=""))
    assert "Enter your GP practice's ODS code" in field_error(response, "ods_code")
    assert not Referral.objects.exists()


def test_other_routes_need_no_ods_code(client, gp):
    client.force_login(gp)
    response = client.post(NEW, answers(route="school", ods_code=""))
    assert response.status_code == 302
    assert Referral.objects.get().gp_practice_code == ""


@pytest.mark.parametrize(
    ("changes", "field", "message", "kept"),
    [
        (
            {"nhs_number": "999 765 4324"},
            "nhs_number",
            "This is not a valid NHS number: its last digit (the check digit) does not match",
            'value="999 765 4324"',
        ),
        (
            {"postcode": "QQ1 1ZZ"},
            "postcode",
            "QQ1 1ZZ is not a valid UK postcode",
            'value="QQ1 1ZZ"',
        ),
        (
            {"date_of_birth_2": str(timezone.now().year + 1)},
            "date_of_birth",
            "Date of birth must be in the past",
            f'value="{timezone.now().year + 1}"',
        ),
        (
            {"consent_to_refer": None},
            "consent_to_refer",
            "Confirm that the person, or someone who may decide for them, agrees",
            'value="Jordan"',
        ),
    ],
)
def test_bad_answers_are_shown_next_to_their_field_and_nothing_is_stored(
    client, gp, programme, changes, field, message, kept
):
    client.force_login(gp)
    response = client.post(NEW, answers(**changes))
    assert response.status_code == 200
    assert message in field_error(response, field)
    assert field_errors_of(response) == [f"id_{field}"]
    assert kept in response.content.decode()
    assert f'href="#id_{field}' in response.content.decode()  # the summary links to it
    assert not Referral.objects.exists() and not Person.objects.exists()
    assert not mail.outbox


def test_a_child_needs_a_parent_or_carer(client, gp):
    client.force_login(gp)
    response = client.post(NEW, answers(date_of_birth_2="2015"))
    assert "Enter the name of a parent or carer: the person is under 18" in field_error(
        response, "carer_name"
    )
    assert "Choose how they are related" in field_error(response, "carer_relationship")
    assert "Enter a phone number for the parent or carer" in field_error(response, "carer_phone")
    assert not Referral.objects.exists()


def test_a_childs_parent_becomes_a_contact(client, gp):
    client.force_login(gp)
    response = client.post(
        NEW,
        answers(
            date_of_birth_2="2015",
            carer_name="Ama Mensah",
            carer_relationship="parent",
            carer_phone="07700 900123",
        ),
    )
    assert response.status_code == 302, field_errors_of(response)
    contact = Contact.objects.get()
    assert (contact.person, contact.name, contact.relationship) == (
        Referral.objects.get().person,
        "Ama Mensah",
        "parent",
    )


def test_a_safeguarding_concern_now_makes_the_referral_urgent(client, gp):
    client.force_login(gp)
    response = client.post(
        NEW, answers(safeguarding_now="yes", urgency="routine", risks="Disclosed harm at home")
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.urgency == Urgency.URGENT
    assert referral.safeguarding_concern
    assert referral.risks == "Disclosed harm at home"  # as written, with nothing added
    # The coordinator sees it before anything else, in the queue and on the referral.
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    queue = client.get(reverse("referrals:triage_queue")).content.decode()
    assert "<strong>Safeguarding concern raised by the referrer: act now</strong>" in queue
    triage = client.get(
        reverse("referrals:triage_referral", kwargs={"reference": referral.reference})
    ).content.decode()
    assert "Safeguarding concern" in triage and "follow the safeguarding procedure" in triage


def test_without_a_safeguarding_concern_nothing_is_flagged(client, gp):
    client.force_login(gp)
    client.post(NEW, answers(safeguarding_now="no", urgency="routine", risks="None known"))
    referral = Referral.objects.get()
    assert not referral.safeguarding_concern and referral.urgency == Urgency.ROUTINE


def test_a_therapist_may_not_use_the_form(client):
    client.force_login(UserFactory(roles=[Role.THERAPIST]))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, answers()).status_code == 403
    assert not Referral.objects.exists()


def test_signing_in_is_needed_for_the_portal_form(client):
    response = client.get(NEW)
    assert response.status_code == 302 and "/account/sign-in/" in response["Location"]


def test_a_coordinator_keys_in_a_paper_referral(client, practice):
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    client.force_login(coordinator)
    assert "Paper referral, entered by staff" in client.get(NEW).content.decode()
    response = client.post(NEW, answers())
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.channel == Channel.STAFF
    assert referral.referred_by is None
    assert referral.referrer_organisation == practice  # by its ODS code
    assert referral.events.get().actor == coordinator


# The portal: each sees only their own


def test_nobody_else_sees_a_referral_in_the_portal(client, gp, practice):
    client.force_login(gp)
    client.post(NEW, answers())
    referral = Referral.objects.get()
    detail = f"/referrals/{referral.reference}/"

    other_referrer = UserFactory(roles=[Role.REFERRER], organisation=practice)
    other_partner = UserFactory(roles=[Role.PARTNER], organisation=OrganisationFactory())
    for outsider in (other_referrer, other_partner):
        client.force_login(outsider)
        assert client.get(detail).status_code == 404
        assert referral.reference not in client.get("/referrals/").content.decode()
        assert referral.reference not in client.get("/account/dashboard/").content.decode()

    colleague = UserFactory(roles=[Role.PARTNER], organisation=practice)
    client.force_login(colleague)
    assert client.get(detail).status_code == 200
    assert referral.reference in client.get("/account/dashboard/").content.decode()


def test_the_portal_does_not_show_internal_reasons(client, gp):
    client.force_login(gp)
    client.post(NEW, answers())
    referral = Referral.objects.get()
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    services.referral_request_information(
        referral=referral, actor=coordinator, reason="Check risk history with the GP"
    )
    detail = client.get(f"/referrals/{referral.reference}/").content.decode()
    assert "More information asked for" in detail
    assert "Check risk history" not in detail

    client.force_login(coordinator)
    assert "Check risk history" in client.get(f"/referrals/{referral.reference}/").content.decode()


# The public form: the referrer's email is confirmed first


def _link(message):
    match = re.search(r"https?://[^/\s]+(/refer/professional/confirm/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_public_form_sends_one_link_and_stores_no_referral_until_it_is_opened(
    client, programme, django_capture_on_commit_callbacks
):
    response = client.post(PUBLIC, answers(programme="CAMDEN-16-24"))
    assert response.status_code == 302
    assert response["Location"] == "/refer/professional/check-your-email/"
    assert "asha.patel@nhs.example" in client.get(response["Location"]).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["asha.patel@nhs.example"]
    assert "Jordan" not in message.body and "Mensah" not in message.body
    assert "Low mood" not in message.body
    link = _link(message)
    assert re.fullmatch(r"/refer/professional/confirm/[A-Za-z0-9_-]{40,}/", link)
    token = link.split("/")[-2]

    pending = PendingReferral.objects.get()
    assert token not in pending.token_hash and token not in str(pending.data)
    assert pending.expires_at - pending.created_at == timedelta(hours=48)
    assert not Referral.objects.exists() and not Person.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        opened = client.get(link)
    assert opened.status_code == 302 and opened["Location"] == "/refer/professional/sent/"
    referral = Referral.objects.get()
    assert referral.channel == Channel.PORTAL
    assert referral.referred_by is None
    assert referral.referrer_email == "asha.patel@nhs.example"
    assert referral.gp_practice_code == CAMDEN_PRACTICE
    assert referral.reference in client.get(opened["Location"]).content.decode()
    pending.refresh_from_db()
    assert pending.verified_at is not None and pending.referral == referral
    assert pending.data == {}
    assert len(mail.outbox) == 2  # and the acknowledgement, with the reference
    assert referral.reference in mail.outbox[1].body


def test_the_link_works_once(client):
    client.post(PUBLIC, answers())
    link = _link(mail.outbox[0])
    assert client.get(link).status_code == 302
    again = client.get(link)
    assert again.status_code == 410
    html = again.content.decode()
    assert "This link has already been used" in html
    assert Referral.objects.get().reference in html
    assert Referral.objects.count() == 1


def test_an_expired_link_is_refused_and_says_what_to_do(client):
    client.post(PUBLIC, answers())
    link = _link(mail.outbox[0])
    earlier = timezone.now() - timedelta(hours=49)
    PendingReferral.objects.update(created_at=earlier, expires_at=earlier + timedelta(hours=48))
    response = client.get(link)
    assert response.status_code == 410
    html = response.content.decode()
    assert "This link has run out" in html
    assert 'href="/refer/professional/"' in html and "fill in the referral form again" in html
    assert not Referral.objects.exists() and not Person.objects.exists()


def test_an_unknown_link_says_so(client):
    response = client.get("/refer/professional/confirm/not-a-real-token/")
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_the_public_form_stores_nothing_and_sends_nothing_when_an_answer_is_wrong(client):
    response = client.post(PUBLIC, answers(nhs_number="999 765 4324", ods_code="F83004"))
    assert response.status_code == 200
    assert "check digit" in field_error(response, "nhs_number")
    assert "F83004 is not a GP practice code we know" in field_error(response, "ods_code")
    assert not PendingReferral.objects.exists() and not mail.outbox


def test_a_programme_closed_before_the_link_is_opened_shows_the_answers_again(client, programme):
    client.post(PUBLIC, answers(programme="CAMDEN-16-24"))
    link = _link(mail.outbox[0])
    programme.open_to_referrals = False
    programme.save()
    response = client.get(link)
    assert response.status_code == 200
    assert "That programme is not taking referrals now" in field_error(response, "programme")
    assert 'value="Jordan"' in response.content.decode()
    assert not Referral.objects.exists()


def test_too_many_links_to_one_address_are_refused(client):
    for _ in range(10):
        client.post(PUBLIC, answers())
    response = client.post(PUBLIC, answers())
    assert "links to this address in the last hour" in field_error(response, "referrer_email")
    assert PendingReferral.objects.count() == 10 and len(mail.outbox) == 10


def test_a_signed_in_referrer_is_sent_to_the_portal_form(client, gp):
    client.force_login(gp)
    response = client.get(PUBLIC)
    assert response.status_code == 302 and response["Location"] == NEW


def test_the_referral_status_is_in_plain_words_with_each_date(client, gp, programme):
    client.force_login(gp)
    client.post(NEW, answers(programme="CAMDEN-16-24"))
    referral = Referral.objects.get()
    coordinator = UserFactory(roles=[Role.COORDINATOR])
    services.referral_accept(referral=referral, actor=coordinator)
    html = client.get(f"/referrals/{referral.reference}/").content.decode()
    assert Status.WAITING.label in html and Status.RECEIVED.label in html


# In a real browser, with axe (skipped without Debian's Chromium, as in accounts/tests)

from tutti.core.tests.browser import (  # noqa: E402
    SCREENSHOT_DIR,
    assert_no_browser_problems,
    assert_no_serious_axe_violations,
    browser,  # noqa: F401 (a fixture)
    page,  # noqa: F401 (a fixture)
)


def _fill(tab, data):
    for name, value in data.items():
        if name in ("route", "urgency", "lives_alone", "has_social_contact", "other_support"):
            tab.locator(f'input[name="{name}"][value="{value}"]').check()
        elif name == "safeguarding_now":
            tab.locator(f'input[name="{name}"][value="{value}"]').check()
        elif name in ("needs", "circumstances"):
            for code in value:
                tab.locator(f'input[name="{name}"][value="{code}"]').check()
        elif name in ("programme", "carer_relationship"):
            tab.locator(f"#id_{name}").select_option(value)
        elif name == "consent_to_refer":
            tab.locator("#id_consent_to_refer").check()
        else:
            tab.locator(f"#id_{name}").fill(value)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_public_form_in_a_browser(page, live_server):  # noqa: F811
    from playwright.sync_api import expect

    page.goto("/refer/professional/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer someone for music therapy")
    for section in ("About you", "About the person", "Why you are referring"):
        expect(page.get_by_role("group", name=section)).to_be_visible()
    assert_no_serious_axe_violations(page)

    _fill(page, answers(ods_code="F83004"))
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("F83004 is not a GP practice code we know")
    expect(page.locator("#id_ods_code-error")).to_contain_text("Check the code on the ODS website")
    expect(page.locator("#id_ods_code")).to_have_value("F83004")
    expect(page.locator("#id_given_name")).to_have_value("Jordan")
    summary.get_by_role("link").first.click()
    expect(page.locator("#id_ods_code")).to_be_focused()
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-professional-error.png"), full_page=True)
    assert_no_serious_axe_violations(page)

    page.locator("#id_ods_code").fill(CAMDEN_PRACTICE)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_no_serious_axe_violations(page)
    assert not Referral.objects.exists()

    page.goto(_link(mail.outbox[0]))
    expect(page.locator(".nhsuk-panel")).to_contain_text(Referral.objects.get().reference)
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-professional-sent.png"), full_page=True)
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_portal_in_a_browser(page, live_server, client):  # noqa: F811
    from django.contrib.auth.models import Group
    from playwright.sync_api import expect

    practice = OrganisationFactory(
        name="Ampthill Practice", kind=Organisation.Kind.GP_PRACTICE, ods_code=CAMDEN_PRACTICE
    )
    gp = UserFactory(organisation=practice, full_name="Dr Asha Patel", email="asha@nhs.example")
    gp.groups.add(Group.objects.get_or_create(name=Role.REFERRER)[0])
    client.force_login(gp)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto("/referrals/new/")
    expect(page.locator("#id_referrer_name")).to_have_value("Dr Asha Patel")
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-professional-form.png"), full_page=True)
    assert_no_serious_axe_violations(page)
    filled_in = ("referrer_name", "referrer_email", "referrer_organisation_name", "ods_code")
    _fill(page, {k: v for k, v in answers().items() if k not in filled_in})
    with page.expect_navigation():
        page.get_by_role("button", name="Send referral").click()
    reference = Referral.objects.get().reference
    expect(page.locator(".nhsuk-panel")).to_contain_text(reference)
    assert_no_serious_axe_violations(page)

    with page.expect_navigation():
        page.get_by_role("link", name="See this referral and its progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jordan Mensah")
    expect(page.get_by_role("table")).to_contain_text("Received")
    page.screenshot(path=str(SCREENSHOT_DIR / "tutti-portal-referral.png"), full_page=True)
    assert_no_serious_axe_violations(page)
    page.goto("/referrals/")
    expect(page.get_by_role("table")).to_contain_text(reference)
    assert_no_serious_axe_violations(page)
    page.goto("/account/dashboard/")
    expect(page.get_by_role("table")).to_contain_text(reference)
    assert_no_serious_axe_violations(page)
    assert_no_browser_problems(page)


def test_intake_errors_are_put_next_to_the_fields_they_name():
    from django.core.exceptions import ValidationError

    from tutti.referrals.professional.forms import ProfessionalReferralForm, apply_intake_errors

    form = ProfessionalReferralForm(answers())
    assert form.is_valid(), form.errors
    apply_intake_errors(
        form,
        ValidationError(
            {
                "person.postcode": ["Postcode problem"],
                "gp_practice_code": ["Practice problem"],
                "needs": ["Needs problem"],
                "api_token": ["Something only intake knows"],
            }
        ),
    )
    assert form.errors["postcode"] == ["Postcode problem"]
    assert form.errors["ods_code"] == ["Practice problem"]
    assert form.errors["needs"] == ["Needs problem"]
    assert form.non_field_errors() == ["Something only intake knows"]


def test_a_reason_that_is_too_long_says_so(client, gp):
    client.force_login(gp)
    response = client.post(NEW, answers(reason="x" * 5001))
    assert field_error(response, "reason") == (
        "The reason for referring must be 5,000 characters or fewer"
    )
