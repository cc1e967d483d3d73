"""The JSON referral API: what a partner system sees."""

import pytest
from django.core.management import call_command

from tutti.accounts.tokens import api_token_create
from tutti.people.models import Person
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.models import Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def token():
    return api_token_create(name="gp-system", scopes=["referrals:create", "referrals:read-own"])[1]


@pytest.fixture
def programme():
    return ProgrammeFactory(code="CAMDEN-16-24", min_age=16, max_age=24)


def body(**changes):
    data = {
        "route": "gp",
        "programme": "CAMDEN-16-24",
        "person": {
            "given_name": "Jordan",
            "family_name": "Mensah",
            "date_of_birth": "2007-03-27",
            "nhs_number": "999 765 4323",
            "postcode": "nw1 2db",
            "email": "jordan@example.org",
        },
        "referrer": {
            "name": "Dr A Patel",
            "email": "a.patel@nhs.example",
            "organisation": "Camden Surgery",
        },
        "needs": ["confidence", "social_skills"],
        "circumstances": ["mental_health", "social_isolation"],
        "reason": "Low mood, withdrawn since leaving school; loves writing lyrics.",
        "consent_to_refer": True,
    }
    for key, value in changes.items():
        if "." in key:
            outer, inner = key.split(".")
            data[outer] = {**data[outer], inner: value}
        else:
            data[key] = value
    return data


def post(client, data, token=None, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.post("/api/v1/referrals", data, content_type="application/json", **headers)


def test_a_valid_referral_is_created(client, token, programme):
    response = post(client, body(), token)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "received"
    assert data["programme"] == "CAMDEN-16-24"
    assert [event["status"] for event in data["history"]] == ["received"]
    referral = Referral.objects.get(reference=data["reference"])
    assert referral.person.postcode == "NW1 2DB"
    assert referral.person.nhs_number == "9997654323"
    assert referral.channel == "api"


def test_without_a_token_it_is_401(client, programme):
    assert post(client, body()).status_code == 401
    assert post(client, body(), "tutti_nope_nope").status_code == 401


def test_a_token_without_the_scope_is_403(client, programme):
    _, read_only = api_token_create(name="reader", scopes=["referrals:read-own"])
    response = post(client, body(), read_only)
    assert response.status_code == 403
    assert "referrals:create" in response.json()["errors"][0]["message"]


def test_a_revoked_token_is_refused(client, programme):
    from tutti.accounts.models import ApiToken
    from tutti.accounts.tokens import api_token_revoke

    _, plain = api_token_create(name="temporary", scopes=["referrals:create"])
    assert post(client, body(), plain).status_code == 201
    api_token_revoke(token=ApiToken.objects.get(name="temporary"))
    assert post(client, body(), plain).status_code == 401


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"person.date_of_birth": "2099-01-01"}, "person.date_of_birth", "past"),
        ({"person.date_of_birth": "27/03/2007"}, "person.date_of_birth", "date"),
        ({"person.nhs_number": "999 765 4324"}, "person.nhs_number", "check digit"),
        ({"person.postcode": "QX1 1AA"}, "person.postcode", "not a valid UK postcode"),
        ({"programme": "NO-SUCH"}, "programme", "no programme"),
        ({"route": "carrier_pigeon"}, "route", "Input should be"),
        ({"needs": ["juggling"]}, "needs.0", "Input should be"),
        ({"consent_to_refer": False}, "consent_to_refer", "must agree"),
        ({"consent_to_refer": "maybe"}, "consent_to_refer", "bool"),
        ({"person.given_name": ""}, "person.given_name", "at least 1"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(
    client, token, programme, changes, field, words
):
    response = post(client, body(**changes), token)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in [e["field"] for e in errors], errors
    assert any(words.lower() in e["message"].lower() for e in errors if e["field"] == field), errors
    assert not Referral.objects.exists()
    assert not Person.objects.exists()


def test_a_missing_field_is_named(client, token, programme):
    data = body()
    del data["person"]["date_of_birth"]
    response = post(client, data, token)
    assert response.status_code == 422
    assert {
        "field": "person.date_of_birth",
        "message": "This field is required",
    } in response.json()["errors"]


def test_malformed_json_is_a_4xx_not_a_500(client, token, programme):
    response = client.post(
        "/api/v1/referrals",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert 400 <= response.status_code < 500
    assert not Referral.objects.exists()


def test_a_body_over_one_megabyte_is_refused(client, token, programme):
    response = post(client, body(reason="x" * 1_100_000), token)
    assert response.status_code == 413
    assert not Referral.objects.exists()


def test_a_retry_with_the_same_idempotency_key_returns_the_same_referral(client, token, programme):
    first = post(client, body(), token, HTTP_IDEMPOTENCY_KEY="abc-123")
    again = post(client, body(), token, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["reference"] == again.json()["reference"]
    assert Referral.objects.count() == 1


def test_reusing_a_key_for_a_different_referral_is_a_conflict(client, token, programme):
    post(client, body(), token, HTTP_IDEMPOTENCY_KEY="abc-123")
    response = post(client, body(reason="Someone else"), token, HTTP_IDEMPOTENCY_KEY="abc-123")
    assert response.status_code == 409
    assert Referral.objects.count() == 1


def test_the_sender_reads_status_and_history_and_nobody_else_does(client, token, programme):
    reference = post(client, body(), token).json()["reference"]
    mine = client.get(f"/api/v1/referrals/{reference}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert mine.status_code == 200 and mine.json()["status"] == "received"
    _, other = api_token_create(
        name="other-system", scopes=["referrals:create", "referrals:read-own"]
    )
    theirs = client.get(f"/api/v1/referrals/{reference}", HTTP_AUTHORIZATION=f"Bearer {other}")
    assert theirs.status_code == 404


def test_a_second_referral_for_a_known_person_links_to_them_and_is_flagged(
    client, token, programme
):
    first = post(client, body(), token).json()
    second = post(
        client, body(**{"person.nhs_number": "", "person.given_name": " jordan "}), token
    ).json()
    assert Person.objects.count() == 1
    referral = Referral.objects.get(reference=second["reference"])
    assert referral.person_match == "name_dob_postcode"
    assert referral.needs_match_confirmed
    assert Referral.objects.get(reference=first["reference"]).person_match == "new"


def test_api_token_command_prints_the_token_once(capsys):
    call_command(
        "api_token", "create", "school-mis", "--scopes", "referrals:create,referrals:read-own"
    )
    out = capsys.readouterr()
    assert out.out.strip().startswith("tutti_")
    assert "not shown again" in out.err
    from tutti.accounts.models import ApiToken

    stored = ApiToken.objects.get(name="school-mis")
    assert out.out.strip() not in (stored.hashed_secret, stored.prefix)
