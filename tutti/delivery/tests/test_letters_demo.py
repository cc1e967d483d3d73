"""The seeded demo: the demo GP (the "referrer" log-in) has a finished referral whose
discharge letter they can read, with its end measures, and none of the session notes."""

from html import unescape
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction

from tutti.delivery.models import Episode, ParticipantNote, SessionRecord
from tutti.referrals.models import Status


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", people=60, seed=7, verbosity=0, stdout=StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def test_the_demo_referrer_reads_a_discharge_letter(client):
    referrer = get_user_model().objects.get(username="referrer")
    episode = Episode.objects.get(referral__referred_by=referrer, status=Episode.Status.ENDED)
    assert episode.referral.status == Status.COMPLETED
    assert episode.discharge_summary
    client.force_login(referrer)

    referral_page = client.get(f"/referrals/{episode.referral.reference}/").content.decode()
    url = f"/referrals/{episode.referral.reference}/discharge-letter/"
    assert f'href="{url}"' in referral_page
    response = client.get(url)

    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Discharge from music therapy" in html
    assert "They met the goals we agreed at the start." in html
    assert '<th scope="row" class="nhsuk-table__header">' in html  # a measure's change
    assert "No outcome measures were completed" not in html
    notes = [
        *SessionRecord.objects.filter(session__attendances__episode=episode)
        .exclude(notes="")
        .values_list("notes", flat=True),
        *ParticipantNote.objects.filter(episode=episode).values_list("note", flat=True),
    ]
    assert all(note[:40] not in html for note in notes)
