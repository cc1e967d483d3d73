"""The demo has baseline and end responses for its people, and a person's chart shows change."""

from io import StringIO

import pytest
from django.core.management import call_command

from tutti.outcomes.models import Occasion, Response, ResponseStatus
from tutti.referrals.models import Referral, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", people=60, seed=7, verbosity=0, stdout=StringIO())


def test_people_in_therapy_have_baseline_and_end_responses(seeded, client):
    done = Referral.objects.filter(status=Status.COMPLETED).exclude(therapist=None)
    active = Referral.objects.filter(status=Status.ACTIVE).exclude(therapist=None)
    assert done.exists() and active.exists()
    completed = Response.objects.filter(status=ResponseStatus.COMPLETED)
    for referral in done:
        occasions = set(completed.filter(referral=referral).values_list("occasion", flat=True))
        assert {Occasion.BASELINE, Occasion.END} <= occasions, referral.reference
    for referral in active:
        assert completed.filter(referral=referral, occasion=Occasion.BASELINE).exists()
        assert Response.objects.filter(
            referral=referral, occasion=Occasion.END, status=ResponseStatus.DUE
        ).exists()
    assert completed.filter(measure__code="survey_staff_partner", person=None).exists()

    # A therapist opens the chart of someone they see and finds their change.
    referral = next(
        r
        for r in active
        if completed.filter(referral=r, occasion=Occasion.REVIEW, measure__code="swemwbs")
    )
    client.force_login(referral.therapist.user)
    html = client.get(f"/outcomes/people/{referral.person_id}/").content.decode()
    assert "<polyline" in html and "at baseline" in html and "at review" in html
    assert "reliable" in html.lower()
