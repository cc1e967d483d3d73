"""Schemathesis against the published OpenAPI document (/api/v1/openapi.json), in process
through WSGI: every operation, with and without a token, answers without a server error and
as the document says (status codes, content types, headers and bodies).

Bounded and repeatable: at most 20 examples per operation, derandomized (the same examples
every run), no example database.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tutti.accounts.tokens import api_token_create
from tutti.config.api import api as ninja_api
from tutti.config.wsgi import application
from tutti.programmes.tests.factories import ProgrammeFactory

# The schema says which values are well formed; it cannot say which NHS numbers pass their
# check digit, which postcodes exist or which programme codes are on record. So a
# well-formed referral may rightly be refused (422), and that check is left out.
EXCLUDED_CHECKS = [positive_data_acceptance]


# The document /api/v1/openapi.json serves (a test below checks it is the same), loaded when
# the tests are collected, before any database exists; the calls go to the app over WSGI.
schema = schemathesis.openapi.from_dict(ninja_api.get_openapi_schema())
schema.app = application


@pytest.fixture(autouse=True)
def _in_process(db, monkeypatch):
    # Django's test client keeps the test's database connection open across requests;
    # a WSGI call would close it at the end of each request, so do the same here.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    # Hundreds of calls a minute are the point here, not the rate limit (tested elsewhere).
    for throttle in ninja_api.throttle:
        monkeypatch.setattr(throttle, "num_requests", 10**6)
    ProgrammeFactory(code="CAMDEN-16-24", min_age=16, max_age=24)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_schema_tested_is_the_one_published(client):
    published = client.get("/api/v1/openapi.json").json()
    assert published == json.loads(json.dumps(ninja_api.get_openapi_schema()))


@pytest.fixture
def token(db):
    scopes = ["referrals:create", "referrals:read-own", "fhir:write"]
    return api_token_create(name="schemathesis", scopes=scopes)[1]


@schema.parametrize()
@settings(
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_to_its_published_schema(case, token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, excluded_checks=EXCLUDED_CHECKS
    )
