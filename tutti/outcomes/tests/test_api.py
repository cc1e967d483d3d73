"""The public measures API: definitions by code, scoring, errors in the one shape, FHIR."""

import json

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutti.outcomes.models import Measure, MeasureItem

pytestmark = pytest.mark.django_db

CODES = [
    "swemwbs",
    "wemwbs",
    "ons4",
    "ucla3",
    "gbo",
    "core10",
    "survey_service_user",
    "survey_family_carer",
    "survey_staff_partner",
    "survey_course",
]


def score(client, code, answers, **extra):
    body = json.dumps({"answers": answers}, **extra)
    return client.post(f"/api/v1/measures/{code}/score", body, content_type="application/json")


def test_the_library_lists_every_measure_and_survey_by_code(client):
    reply = client.get("/api/v1/measures")
    assert reply.status_code == 200
    measures = reply.json()
    assert [m["code"] for m in measures] == CODES
    for m in measures:
        assert m["licence"].strip() and m["scoring"]["method"]
    core10 = next(m for m in measures if m["code"] == "core10")
    assert core10["scoring"]["reverse_items"] == [2, 3]
    assert core10["scoring"]["risk_items"] == [6]
    assert core10["scoring"]["missing_allowed"] == 1 and core10["scoring"]["prorate"] is True
    assert core10["band_name"] == "severity"
    assert core10["bands"][0] == {"label": "Healthy", "min": 0, "max": 5}
    assert core10["bands"][-1] == {"label": "Severe", "min": 25, "max": 40}
    assert core10["reliable_change"]["criterion"] == pytest.approx(6.749, abs=0.001)
    swemwbs = next(m for m in measures if m["code"] == "swemwbs")
    assert swemwbs["scoring"]["conversion"]["table"]["24"] == 21.54
    assert swemwbs["reliable_change"]["on"] == "metric"


def test_licensed_wording_is_never_published_even_once_entered(client):
    core10 = Measure.objects.get(code="core10")
    MeasureItem.objects.filter(measure=core10).update(wording="Licensed words here")
    core10.option_labels = "\n".join(["L0", "L1", "L2", "L3", "L4"])
    core10.save()
    reply = client.get("/api/v1/measures/core10").json()
    assert all(item["text"] is None for item in reply["items"])
    assert reply["scale"]["labels"] == {}
    assert "Licensed words" not in json.dumps(client.get("/api/v1/measures/core10/fhir").json())


def test_open_wording_is_published(client):
    ons4 = client.get("/api/v1/measures/ons4").json()
    assert ons4["items"][0]["text"] == "Overall, how satisfied are you with your life nowadays?"
    assert ons4["items"][3]["bands"][-1] == {"label": "High", "min": 6, "max": 10}
    assert ons4["items"][3]["higher_is_better"] is False


@pytest.mark.parametrize(
    "code,answers,expected",
    [
        ("swemwbs", [3, 4, 2, 5, 3, 4, 3], {"raw": 24, "metric": 21.54}),
        ("wemwbs", [3] * 14, {"raw": 42}),
        ("ons4", [7, 8, 6, 3], {"raw": None, "bands": ["High", "High", "Medium", "Low"]}),
        ("ucla3", [1, 2, 3], {"raw": 6}),
        (
            "core10",
            [2, 1, 2, 1, 2, 0, 3, 2, 3, 1],
            {"raw": 19, "band": "Moderate", "severity": "Moderate", "risk": False},
        ),
        (
            "core10",
            [2, 3, 3, 1, 2, 0, 2, 2, 1, None],
            {"raw": 13.33, "prorated": True, "severity": "Mild"},
        ),
        ("gbo", [2, 8], {"raw": None}),
    ],
)
def test_scoring_worked_examples(client, code, answers, expected):
    reply = score(client, code, answers)
    assert reply.status_code == 200, reply.content
    body = reply.json()
    assert body["code"] == code
    for key, value in expected.items():
        assert body[key] == value


def test_a_risk_answer_is_reported(client):
    assert score(client, "core10", [0, 4, 4, 0, 0, 1, 0, 0, 0, 0]).json()["risk"] is True


def test_an_answer_off_the_scale_is_422_naming_the_item_and_why(client):
    reply = score(client, "swemwbs", [3, 3, 3, 9, 3, 3, 3])
    assert reply.status_code == 422
    assert reply.json() == {
        "errors": [
            {
                "field": "answers.3",
                "message": "Item 4: 9 is not on the scale, which runs from 1 to 5.",
            }
        ]
    }


def test_a_missing_item_that_stops_scoring_is_422_naming_it(client):
    reply = score(client, "swemwbs", [3, None, 3, 3, 3, 3, 3])
    assert reply.status_code == 422
    assert reply.json()["errors"] == [
        {
            "field": "answers.1",
            "message": "Item 2 was not answered: SWEMWBS is scored only when "
            "all 7 items are answered.",
        }
    ]


def test_no_answers_field_is_422(client):
    reply = client.post("/api/v1/measures/ucla3/score", {}, content_type="application/json")
    assert reply.status_code == 422
    assert reply.json()["errors"][0]["field"] == "answers"


def test_an_unknown_code_is_404_listing_the_codes(client):
    reply = score(client, "phq9", [1])
    assert reply.status_code == 404
    assert "swemwbs" in reply.json()["errors"][0]["message"]


def test_codes_are_not_case_sensitive(client):
    assert score(client, "UCLA3", [1, 1, 1]).status_code == 200


def test_the_fhir_questionnaire_for_each_measure(client):
    for code in CODES:
        body = client.get(f"/api/v1/measures/{code}/fhir").json()
        assert body["resourceType"] == "Questionnaire"
        assert body["status"] == "active" and body["copyright"]
        assert body["url"].endswith(f"/api/v1/measures/{code}/fhir")


# No answer list makes the API fail: it answers 200 or 422, never 500.

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=5)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)
answer_lists = st.lists(
    st.none() | st.integers(min_value=-3, max_value=12) | json_values, max_size=16
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(code=st.sampled_from(CODES + ["nope"]), answers=answer_lists)
def test_no_answer_list_makes_the_api_fail(code, answers):
    cache.clear()  # the API's 120 a minute per address would otherwise answer 429
    reply = score(Client(), code, answers, allow_nan=True)
    assert reply.status_code in (200, 404, 422), reply.content
    body = reply.json()
    if reply.status_code != 200:
        assert body["errors"] and all({"field", "message"} <= set(e) for e in body["errors"])
    else:
        assert body["code"] == code


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=json_values)
def test_no_request_body_makes_the_api_fail(body):
    cache.clear()
    reply = Client().post(
        "/api/v1/measures/core10/score",
        json.dumps(body, allow_nan=True),
        content_type="application/json",
    )
    assert reply.status_code in (200, 422), reply.content


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"[" * 5000, b'{"answers": [' + b"9" * 5000 + b"]}", b"\xff\xfe"],
)
def test_broken_bodies_are_refused_plainly(client, raw):
    reply = client.post("/api/v1/measures/core10/score", raw, content_type="application/json")
    assert reply.status_code in (400, 422), reply.content
