"""API tokens for partner systems: an administrator creates one (shown once, stored hashed)
and revokes it; every API call is recorded without anything personal; too many calls get 429
with Retry-After."""

import re

import pytest

from tutti.accounts.models import ApiCall, ApiToken
from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.accounts.tokens import api_token_create
from tutti.config.api import api

pytestmark = pytest.mark.django_db

TOKEN_PATTERN = re.compile(r"tutti_[0-9a-f]{8}_[A-Za-z0-9_-]{20,}")


@pytest.fixture
def administrator(client):
    user = UserFactory(roles=[Role.ADMINISTRATOR], is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def create_in_back_office(client, name="Camden GP system", scopes=("fhir:write",)):
    return client.post(
        "/back-office/accounts/apitoken/add/", {"name": name, "scopes": list(scopes)}
    )


def read_referral(client, plain, reference="R-2222-2222"):
    return client.get(f"/api/v1/referrals/{reference}", HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_an_administrator_creates_a_token_and_sees_it_once(client, administrator):
    response = create_in_back_office(client, scopes=["referrals:read-own", "fhir:write"])
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    plain = TOKEN_PATTERN.search(page).group(0)
    assert "cannot be shown again" in page

    token = ApiToken.objects.get(name="Camden GP system")
    assert token.scopes == ["fhir:write", "referrals:read-own"]
    assert token.created_by == administrator
    # Stored hashed: the secret is nowhere in the row.
    secret = plain.split("_", 2)[2]
    assert all(secret not in str(value) for value in token.__dict__.values())
    # Never shown again: not on the token's page, nor in the list.
    for url in (
        f"/back-office/accounts/apitoken/{token.pk}/change/",
        "/back-office/accounts/apitoken/",
    ):
        assert secret not in client.get(url).content.decode()
    # And it opens the API (404: no referral of that reference, not 401).
    client.logout()
    assert read_referral(client, plain).status_code == 404


def test_scopes_are_required_and_names_unique(client, administrator):
    response = create_in_back_office(client, scopes=[])
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    create_in_back_office(client, name="One system")
    response = create_in_back_office(client, name="One system")
    assert "already exists" in response.content.decode()
    assert ApiToken.objects.filter(name="One system").count() == 1


def test_an_administrator_revokes_a_token_and_it_stops_working(client, administrator):
    token, plain = api_token_create(name="school-mis", scopes=["referrals:read-own"])
    response = client.post(
        "/back-office/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    assert "1 token revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert read_referral(client, plain).status_code == 401


def test_tokens_cannot_be_deleted_or_edited(client, administrator):
    token, _ = api_token_create(name="kept", scopes=["referrals:read-own"])
    assert client.get(f"/back-office/accounts/apitoken/{token.pk}/delete/").status_code == 403
    client.post(f"/back-office/accounts/apitoken/{token.pk}/change/", {"name": "renamed"})
    token.refresh_from_db()
    assert token.name == "kept"


def test_other_roles_cannot_reach_tokens(client):
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    response = client.get("/back-office/accounts/apitoken/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_every_api_call_is_recorded_without_anything_personal(client):
    token, plain = api_token_create(name="gp", scopes=["referrals:read-own"])
    read_referral(client, plain)
    read_referral(client, "tutti_nope_nope")
    client.get(
        "/api/v1/programmes/NOPE/eligibility",
        {"date_of_birth": "2007-03-27", "postcode": "NW1 2DB"},
    )
    client.post(
        "/api/v1/referrals",
        "{}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {plain}",  # a token without referrals:create
    )
    calls = list(ApiCall.objects.order_by("pk").values_list("token", "method", "path", "status"))
    assert calls == [
        (token.pk, "GET", "/api/v1/referrals/R-2222-2222", 404),
        (None, "GET", "/api/v1/referrals/R-2222-2222", 401),
        (None, "GET", "/api/v1/programmes/NOPE/eligibility", 404),
        (token.pk, "POST", "/api/v1/referrals", 403),
    ]


def test_an_oversized_body_is_recorded_too(client):
    client.post("/api/v1/referrals", "x" * (1024 * 1024 + 1), content_type="application/json")
    assert ApiCall.objects.get().status == 413


def test_health_checks_and_the_open_directory_feed_are_not_recorded(client):
    assert client.get("/api/v1/health").status_code == 200
    assert client.get("/api/oruk/services").status_code == 200
    assert not ApiCall.objects.exists()


def test_too_many_calls_get_429_with_retry_after(client, monkeypatch):
    _, plain = api_token_create(name="busy", scopes=["referrals:read-own"])
    for throttle in api.throttle:
        monkeypatch.setattr(throttle, "num_requests", 3)
    answers = [read_referral(client, plain) for _ in range(4)]
    assert [a.status_code for a in answers] == [404, 404, 404, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert ApiCall.objects.filter(status=429).count() == 1
