"""The JSON referral API: what a partner system sees."""

import json

import pytest
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from tutti.accounts.tokens import api_token_create
from tutti.geography.models import GPPractice
from tutti.people.models import Person
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.intake import referral_submit
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
        ({"referrer.email": "not an address"}, "referrer.email", "email address"),
        ({"referrer.ods_code": "f 83"}, "referrer.ods_code", "not an ODS code"),
        ({"referrer.ods_code": "F83004"}, "referrer.ods_code", "not a GP practice code we know"),
        ({"urgency": "yesterday"}, "urgency", "Input should be"),
        ({"lives_alone": "sometimes"}, "lives_alone", "bool"),
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


def test_the_professional_forms_other_questions_are_kept(client, token, programme):
    GPPractice.objects.create(
        ods_code="F83006", name="AMPTHILL PRACTICE", status="active", prescribing_setting=4
    )
    response = post(
        client,
        body(
            **{
                "referrer.ods_code": "f83006",
                "referrer.role": "GP partner",
                "referrer.phone": "020 7946 0001",
            },
            urgency="soon",
            risks="Has left home at night twice this month.",
            lives_alone=False,
            no_regular_social_contact=True,
            no_other_support=False,
            other_services="CAMHS (Sam Lee, 020 7946 0002)",
        ),
        token,
    )
    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    assert (referral.gp_practice_code, referral.referrer_role, referral.referrer_phone) == (
        "F83006",
        "GP partner",
        "020 7946 0001",
    )
    assert referral.urgency == "soon" and not referral.safeguarding_concern
    assert referral.risks == "Has left home at night twice this month."
    assert (referral.lives_alone, referral.no_regular_social_contact) == (False, True)
    assert referral.no_other_support is False
    assert referral.other_services == "CAMHS (Sam Lee, 020 7946 0002)"


def test_a_safeguarding_concern_makes_the_referral_urgent(client, token, programme):
    response = post(client, body(urgency="routine", safeguarding_concern=True), token)
    assert response.status_code == 201, response.content
    referral = Referral.objects.get()
    assert referral.safeguarding_concern and referral.urgency == "urgent"


def test_a_gp_practice_that_has_closed_or_is_not_a_practice_is_refused(client, token, programme):
    GPPractice.objects.create(
        ods_code="F83001", name="OLD SURGERY", status="closed", prescribing_setting=4
    )
    GPPractice.objects.create(
        ods_code="A99938", name="PRISON HEALTH", status="active", prescribing_setting=7
    )
    closed = post(client, body(**{"referrer.ods_code": "F83001"}), token)
    assert closed.status_code == 422
    assert "no longer open" in closed.json()["errors"][0]["message"]
    other = post(client, body(**{"referrer.ods_code": "A99938"}), token)
    assert "A99938 is not a GP practice" in other.json()["errors"][0]["message"]
    # The same code is fine for a referrer who is not a GP practice.
    school = post(client, body(route="school", **{"referrer.ods_code": "A99938"}), token)
    assert school.status_code == 201, school.content
    assert Referral.objects.get().gp_practice_code == ""


def test_every_bad_field_is_named_at_once(client, token, programme):
    response = post(
        client,
        body(
            programme="NO-SUCH",
            **{
                "referrer.ods_code": "F83004",
                "referrer.email": "nope",
                "person.postcode": "QX1 1AA",
            },
        ),
        token,
    )
    assert response.status_code == 422
    named = [e["field"] for e in response.json()["errors"]]
    assert set(named) == {"programme", "referrer.ods_code", "referrer.email", "person.postcode"}
    assert len(named) == len(set(named))  # each once
    assert not Referral.objects.exists() and not Person.objects.exists()


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


def test_a_name_written_with_other_capitals_and_spacing_is_the_same_person(
    client, token, programme
):
    post(client, body(**{"person.family_name": "De Souza", "person.nhs_number": ""}), token)
    again = post(
        client, body(**{"person.family_name": " de  SOUZA", "person.nhs_number": ""}), token
    ).json()
    assert Person.objects.count() == 1
    assert Referral.objects.get(reference=again["reference"]).person_match == "name_dob_postcode"


def test_every_record_the_api_creates_is_audited_with_the_callers_address(client, token, programme):
    first = post(client, body(), token, REMOTE_ADDR="203.0.113.7").json()
    referral = Referral.objects.get(reference=first["reference"])
    records = (referral.person, referral, referral.events.get())
    for record in records:
        entry = LogEntry.objects.get_for_object(record).get()
        assert entry.action == LogEntry.Action.CREATE
        assert entry.remote_addr == "203.0.113.7"
        assert entry.object_repr == str(record)
        names = [f.name for f in type(record)._meta.concrete_fields]
        assert entry.changes_dict == json.loads(
            json.dumps(model_instance_diff(None, record, names))
        )
    # A second referral for the same person: the referral and its event, not the person.
    second = post(client, body(), token).json()
    again = Referral.objects.get(reference=second["reference"])
    assert LogEntry.objects.get_for_object(again).count() == 1
    assert LogEntry.objects.get_for_object(again.events.get()).count() == 1
    assert LogEntry.objects.get_for_object(again.person).count() == 1


def test_a_referral_and_the_record_of_its_call_are_stored_together(
    client, token, programme, monkeypatch
):
    from django.db import DatabaseError
    from django.test import Client

    from tutti.accounts.models import ApiCall

    made = post(client, body(), token).json()
    # Recorded once (not again by the middleware), with the token and the answer given.
    call = ApiCall.objects.get()
    assert (call.method, call.path, call.status) == ("POST", "/api/v1/referrals", 201)
    assert call.token.name == "gp-system"
    assert Referral.objects.filter(reference=made["reference"]).exists()

    # If the call cannot be recorded, the referral is not kept either: nothing unaudited.
    import tutti.core.rows

    insert_one = tutti.core.rows.insert_one

    def cannot_write_calls(obj, **kwargs):
        if isinstance(obj, ApiCall):
            raise DatabaseError("disk full")
        return insert_one(obj, **kwargs)

    monkeypatch.setattr(tutti.core.rows, "insert_one", cannot_write_calls)
    failed = post(Client(raise_request_exception=False), body(), token)
    assert failed.status_code == 500
    assert Referral.objects.count() == 1


def test_someone_recorded_by_another_request_a_moment_ago_is_linked_not_duplicated(
    client, token, programme, monkeypatch
):
    """Two referrals for the same new person at once: the second to write finds the NHS number
    taken (the database's unique index, raised where the statements sent together are
    answered) and is recorded again, linked to the person the first one made."""
    import tutti.referrals.intake as intake
    from tutti.accounts.models import ApiCall
    from tutti.referrals.models import PersonMatch

    first = post(client, body(), token)
    assert first.status_code == 201
    person = Person.objects.get()
    find = intake.find_known_person
    lookups = []

    def not_yet_seen(**who):  # the first look happens before the other request commits
        lookups.append(who["nhs_number"])
        return (None, PersonMatch.NEW) if len(lookups) == 1 else find(**who)

    monkeypatch.setattr(intake, "find_known_person", not_yet_seen)
    second = post(client, body(), token)
    assert second.status_code == 201, second.content
    assert len(lookups) == 2  # tried, refused by the database, tried again
    assert Person.objects.count() == 1
    again = Referral.objects.get(reference=second.json()["reference"])
    assert again.person == person
    assert again.person_match == PersonMatch.NHS_NUMBER
    # Nothing from the refused attempt was kept: two referrals, two calls, one person.
    assert Referral.objects.count() == 2
    assert ApiCall.objects.count() == 2
    assert LogEntry.objects.get_for_object(again).count() == 1


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_with_tasks_kept_in_the_database_the_acknowledgement_is_queued_with_the_referral(
    client, token, programme
):
    from django_tasks_db.models import DBTaskResult

    made = post(client, body(), token).json()
    referral = Referral.objects.get(reference=made["reference"])
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("send_acknowledgement")
    assert queued.args_kwargs["args"] == [referral.pk]
    # A referral that is not stored leaves no acknowledgement waiting to be sent.
    with pytest.raises(RuntimeError), transaction.atomic():
        referral_submit(
            person={
                "given_name": "Sam",
                "family_name": "Okoro",
                "date_of_birth": "2008-09-14",
                "postcode": "NW1 2DB",
                "email": "sam@example.org",
            },
            route="self",
            consent_to_refer=True,
        )
        raise RuntimeError("the caller fails after intake")
    assert DBTaskResult.objects.count() == 1 and Referral.objects.count() == 1


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_a_task_queued_inside_the_transaction_is_the_row_the_backend_itself_writes():
    from django_tasks_db.models import DBTaskResult

    from tutti.referrals.intake import queue_in_database
    from tutti.referrals.notifications import send_acknowledgement

    ours = queue_in_database(send_acknowledgement, (7,))
    theirs = send_acknowledgement.enqueue(7).db_result
    ours, theirs = DBTaskResult.objects.get(pk=ours.pk), DBTaskResult.objects.get(pk=theirs.pk)
    skip = {"id", "enqueued_at"}
    for field in DBTaskResult._meta.concrete_fields:
        if field.name not in skip:
            assert getattr(ours, field.attname) == getattr(theirs, field.attname), field.name
    assert ours.task_result.task.func is theirs.task_result.task.func


def test_a_revoked_token_stops_at_once_though_it_was_used_a_moment_ago(client, programme):
    from tutti.accounts.models import ApiToken
    from tutti.accounts.tokens import api_token_revoke

    stored, plain = api_token_create(name="practice-system", scopes=["referrals:create"])
    assert post(client, body(), plain).status_code == 201
    # Revoked another way than through this process (another app process, the database).
    ApiToken.objects.filter(pk=stored.pk).update(revoked_at=timezone.now())
    assert post(client, body(**{"person.nhs_number": ""}), plain).status_code == 401
    other, plain = api_token_create(name="school-system", scopes=["referrals:create"])
    assert post(client, body(), plain).status_code == 201
    api_token_revoke(token=other)
    assert post(client, body(**{"person.nhs_number": ""}), plain).status_code == 401


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


def test_a_programme_code_of_any_characters_is_looked_up_safely(client, token, programme):
    import warnings

    from django.core.cache import CacheKeyWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)  # memcached would refuse such a key
        response = post(client, body(programme="\x12ª© Ñ" * 60), token)
        assert response.status_code == 422
        assert "There is no programme with code" in response.json()["errors"][0]["message"]
        assert post(client, body(), token).status_code == 201
