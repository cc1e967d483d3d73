"""Issue 9's "done when", on the seeded demo: a therapist whose registration lapses in 10 days
(warned, to them and the clinical lead), a trainee whose note awaits sign-off, a course with a
full cohort and a waiting list that moves up when someone cancels, and the block on
allocating a therapist whose registration has lapsed. Also what else the demo shows of the
workforce: trainees on placement, a therapist overdue for supervision, hours delivered."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tutti.accounts.models import User
from tutti.delivery.models import Offer, SessionRecord
from tutti.delivery.selectors import records_to_sign_off
from tutti.delivery.services.offers import offer_make
from tutti.programmes.models import Programme
from tutti.referrals.models import Status
from tutti.referrals.tests.factories import ReferralFactory
from tutti.waitlist.capacity import individual_capacity
from tutti.waitlist.services import allocation_confirm
from tutti.workforce.models import Cohort, Participant, RegistrationWarning, Therapist
from tutti.workforce.reports import hours_delivered, last_twelve_months
from tutti.workforce.selectors import (
    placement_hours,
    supervision_due,
    therapist_can_take_new_clients,
    therapists_available_for_allocation,
)
from tutti.workforce.training.selectors import waiting_list
from tutti.workforce.training.services import participant_cancel


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", people=60, seed=7, verbosity=0, stdout=StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def lapsing(today):
    """The demo therapist whose HCPC registration runs out in 10 days."""
    return Therapist.objects.select_related("user").get(
        registration_expires=today + timedelta(days=10)
    )


def _page(client, user, name, **kwargs):
    client.force_login(user)
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


# ---------------------------------------------------------------------------------------
# A therapist whose registration lapses in 10 days is warned, and so is the clinical lead


def test_a_therapist_whose_registration_lapses_in_10_days_has_been_warned(lapsing, today):
    warning = RegistrationWarning.objects.get(therapist=lapsing)
    assert warning.stage == RegistrationWarning.Stage.FOURTEEN_DAYS
    recipients = set(warning.recipients.values_list("username", flat=True))
    assert {lapsing.user.username, "supervisor"} <= recipients
    # Still allowed to take new clients today; not from the day after it runs out.
    assert therapist_can_take_new_clients(lapsing, on=today)[0]
    allowed, reason = therapist_can_take_new_clients(lapsing, on=today + timedelta(days=11))
    assert not allowed and "cannot be given new clients" in reason


def test_the_warning_shows_on_the_therapists_and_the_clinical_leads_dashboards(
    client, lapsing, today
):
    runs_out = f"{today + timedelta(days=10):%-d %B %Y}, in 10 days"
    own = _page(client, lapsing.user, "accounts:dashboard")
    assert f"Your HCPC registration runs out on {runs_out}" in own

    lead = User.objects.get(username="supervisor")
    theirs = _page(client, lead, "accounts:dashboard")
    assert f"{lapsing}&#39;s HCPC registration runs out on {runs_out}" in theirs
    quality = _page(client, lead, "workforce:quality")
    assert "due for renewal within 60 days" in quality and "Due in 10 days" in quality


# ---------------------------------------------------------------------------------------
# The block on allocating a therapist whose registration has lapsed


def test_a_lapsed_therapist_is_not_offered_for_allocation_nor_given_a_new_client(lapsing, today):
    coordinator = User.objects.get(username="coordinator")
    sites = lapsing.availability.filter(for_groups=False).values("site")
    programme = Programme.objects.filter(sites__in=sites).distinct().first()
    referral = ReferralFactory(programme=programme, status=Status.WAITING)

    # Allocation plans four weeks ahead: their registration runs out before then.
    assert lapsing not in [s.therapist for s in individual_capacity(programme)]
    assert lapsing in [s.therapist for s in individual_capacity(programme, horizon_weeks=1)]
    assert lapsing not in therapists_available_for_allocation(on=today + timedelta(days=11))
    # A confirmation naming them anyway gives the referral to nobody.
    result = allocation_confirm(
        programme=programme, assignments=[(referral.reference, lapsing.pk)], actor=coordinator
    )
    assert result.offered == []
    assert "may not take new clients" in result.skipped[0].reason

    # An offer made by hand, starting after the lapse, is refused with the reason.
    slot = lapsing.availability.filter(for_groups=False).first()
    with pytest.raises(ValidationError) as error:
        offer_make(
            referral=referral,
            kind=Offer.Kind.INDIVIDUAL,
            therapist=lapsing,
            slot=slot,
            first_session_on=today + timedelta(days=11),
            actor=coordinator,
            send_link=False,
        )
    assert "HCPC registration ran out" in error.value.message_dict["therapist"][0]
    referral.refresh_from_db()
    assert (
        referral.status == Status.WAITING
        and not referral.offers.filter(therapist=lapsing, status=Offer.Status.PENDING).exists()
    )


# ---------------------------------------------------------------------------------------
# A trainee's session note awaits their supervisor's sign-off


def test_a_trainees_note_waits_on_the_supervisors_queue_until_they_sign_it_off(client):
    supervisor = User.objects.get(username="supervisor")
    record = (
        records_to_sign_off(supervisor)
        .filter(written_by__therapist__supervisor__user=supervisor)
        .select_related("written_by__therapist", "session")
        .first()
    )
    assert record is not None and record.status == SessionRecord.Status.AWAITING_SIGN_OFF
    trainee = record.written_by.therapist
    assert trainee.is_trainee

    record_url = reverse("delivery:session_record", kwargs={"pk": record.session_id})
    sign_off_url = reverse("delivery:session_record_sign_off", kwargs={"pk": record.session_id})
    assert record_url in _page(client, supervisor, "delivery:sign_off_queue")
    assert sign_off_url in _page(
        client, supervisor, "delivery:session_record", pk=record.session_id
    )
    # The trainee sees it waiting too.
    own = _page(client, record.written_by, "delivery:sign_off_queue")
    assert record_url in own and "Waiting for the supervisor" in own

    client.force_login(supervisor)
    response = client.post(sign_off_url)
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.signed_off_by) == (SessionRecord.Status.FINAL, supervisor)
    assert record_url not in _page(client, supervisor, "delivery:sign_off_queue")


# ---------------------------------------------------------------------------------------
# A full cohort, and its waiting list moves up when someone cancels


def test_a_full_cohort_whose_waiting_list_moves_up_when_someone_cancels(
    django_capture_on_commit_callbacks,
):
    full = Cohort.objects.get(name="Summer term, Herefordshire")
    places = full.participants.filter(status=Participant.Status.PLACE)
    assert places.count() == full.capacity
    assert places.filter(place_given_at__gt=timezone.now() - timedelta(days=30)).exists()
    first_waiting = waiting_list(full).first()
    assert first_waiting is not None
    with django_capture_on_commit_callbacks(execute=True):
        moved = participant_cancel(participant=places.first(), base_url="http://testserver/")
    assert moved == [first_waiting]
    first_waiting.refresh_from_db()
    assert first_waiting.status == Participant.Status.PLACE
    assert places.count() == full.capacity  # still full, with the next person in
    assert any(m.to == [first_waiting.email] for m in mail.outbox)


# ---------------------------------------------------------------------------------------
# What else the demo shows


def test_each_trainee_is_on_placement_with_hours_logged_and_a_supervisor():
    for trainee in Therapist.objects.filter(is_trainee=True):
        assert trainee.placement_site is not None
        assert placement_hours(trainee) > 50
        assert not supervision_due(trainee).overdue


def test_the_demo_therapist_is_overdue_for_supervision():
    sam = Therapist.objects.get(user__username="therapist")
    assert supervision_due(sam).overdue


def test_hours_have_been_delivered_and_the_therapist_has_a_caseload(client, today):
    delivered = hours_delivered(*last_twelve_months(today))
    assert delivered["total"].hours > 0 and delivered["by_site"]
    page = _page(client, User.objects.get(username="therapist"), "workforce:caseload")
    assert "In therapy with you" in page and "Nobody is in therapy with you now" not in page
