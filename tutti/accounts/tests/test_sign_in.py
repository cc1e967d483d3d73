import re

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice

from tutti.accounts.forms import current_token
from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-test-password"


@pytest.fixture
def coordinator():
    return UserFactory(roles=[Role.COORDINATOR], username="cora", email="cora@example.org")


def sign_in(client, username="cora", password=PASSWORD):
    return client.post("/account/sign-in/", {"username": username, "password": password})


def test_sign_in_reaches_the_role_dashboard(client, coordinator):
    response = sign_in(client)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Intake coordinator" in page and "Referrals by status" in page


def test_wrong_password_is_explained_and_the_username_kept(client, coordinator):
    response = sign_in(client, password="wrong")
    page = response.content.decode()
    assert response.status_code == 200
    assert "The email address or password is not right" in page
    assert 'value="cora"' in page


def test_empty_fields_are_named(client):
    page = client.post("/account/sign-in/", {"username": "", "password": ""}).content.decode()
    assert "Enter your email address or username" in page
    assert "Enter your password" in page


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, coordinator):
    for _ in range(5):
        sign_in(client, password="wrong")
    response = sign_in(client)
    assert response.status_code == 429
    assert "locked" in response.content.decode()


def test_sign_out_ends_the_session(client, coordinator):
    client.force_login(coordinator)
    assert client.post("/account/sign-out/").status_code == 302
    assert client.get("/account/dashboard/").status_code == 302


def test_password_reset_by_email(client, coordinator):
    response = client.post("/account/password-reset/", {"email": "cora@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/account/password-reset/\S+)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "short", "new_password2": "short"})
    assert "too short" in weak.content.decode()
    new = "a-brand-new-long-password"
    done = client.post(set_url, {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert sign_in(client, password=new).status_code == 302


def test_password_reset_does_not_reveal_whether_an_account_exists(client):
    response = client.post("/account/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 0


def test_password_reset_with_a_malformed_address_says_so(client):
    page = client.post("/account/password-reset/", {"email": "cora@"}).content.decode()
    assert "Enter an email address in the right format" in page
    assert 'value="cora@"' in page


class TestTwoFactor:
    @pytest.fixture(autouse=True)
    def required(self, settings):
        settings.TUTTI_REQUIRE_2FA = True

    def test_first_sign_in_sets_up_an_authenticator(self, client, coordinator, settings):
        settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no pause after the wrong code below
        sign_in(client)
        response = client.get("/account/dashboard/")
        assert response.status_code == 302
        assert response["Location"].startswith("/account/two-factor/")
        setup = client.get(response["Location"]).content.decode()
        assert "Set up two-step sign-in" in setup and "QR code to scan" in setup
        device = TOTPDevice.objects.get(user=coordinator, confirmed=False)

        wrong = client.post(
            "/account/two-factor/", {"token": "000000", "next": "/account/dashboard/"}
        )
        assert "That code is not right" in wrong.content.decode()
        right = client.post(
            "/account/two-factor/", {"token": current_token(device), "next": "/account/dashboard/"}
        )
        assert right["Location"] == "/account/dashboard/"
        assert client.get("/account/dashboard/").status_code == 200
        device.refresh_from_db()
        assert device.confirmed

    def test_later_sign_ins_ask_for_the_code(self, client, coordinator):
        device = TOTPDevice.objects.create(user=coordinator, confirmed=True)
        sign_in(client)
        page = client.get("/account/two-factor/").content.decode()
        assert "Enter your security code" in page and "QR code to scan" not in page
        assert client.get("/people/").status_code == 302
        client.post("/account/two-factor/", {"token": current_token(device)})
        assert client.get("/people/").status_code == 200

    def test_wrong_codes_slow_down_guessing(self, client, coordinator):
        device = TOTPDevice.objects.create(user=coordinator, confirmed=True)
        sign_in(client)
        client.post("/account/two-factor/", {"token": "000000"})
        page = client.post("/account/two-factor/", {"token": current_token(device)})
        assert "Too many wrong codes. Wait" in page.content.decode()

    def test_next_cannot_send_you_off_site(self, client, coordinator):
        device = TOTPDevice.objects.create(user=coordinator, confirmed=True)
        sign_in(client)
        response = client.post(
            "/account/two-factor/",
            {"token": current_token(device), "next": "https://evil.example/"},
        )
        assert response["Location"] == "/account/dashboard/"

    def test_public_pages_stay_open(self, client, coordinator):
        assert client.get("/").status_code == 200
        assert client.get("/accessibility/").status_code == 200
