"""What the seeded demo shows of the workforce (the issue's "done when")."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from tutti.workforce.models import Cohort, Participant, RegistrationWarning, Therapist
from tutti.workforce.selectors import (
    placement_hours,
    supervision_due,
    therapist_can_take_new_clients,
)
from tutti.workforce.training.selectors import waiting_list
from tutti.workforce.training.services import participant_cancel

Status = Participant.Status


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", people=60, seed=7, verbosity=0, stdout=StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def test_a_therapist_whose_registration_lapses_in_10_days_has_been_warned():
    today = timezone.localdate()
    therapist = Therapist.objects.get(registration_expires=today + timedelta(days=10))
    warning = RegistrationWarning.objects.get(therapist=therapist)
    assert warning.stage == RegistrationWarning.Stage.FOURTEEN_DAYS
    recipients = set(warning.recipients.values_list("username", flat=True))
    assert {therapist.user.username, "supervisor"} <= recipients
    assert therapist_can_take_new_clients(therapist, on=today)[0]
    allowed, reason = therapist_can_take_new_clients(therapist, on=today + timedelta(days=11))
    assert not allowed and "cannot be given new clients" in reason


def test_each_trainee_is_on_placement_with_hours_logged_and_a_supervisor():
    for trainee in Therapist.objects.filter(is_trainee=True):
        assert trainee.placement_site is not None
        assert placement_hours(trainee) > 50
        assert not supervision_due(trainee).overdue


def test_the_demo_therapist_is_overdue_for_supervision():
    sam = Therapist.objects.get(user__username="therapist")
    assert supervision_due(sam).overdue


def test_a_full_cohort_whose_waiting_list_moves_up_when_someone_cancels(
    django_capture_on_commit_callbacks,
):
    full = Cohort.objects.get(name="Summer term, Herefordshire")
    assert full.participants.filter(status=Status.PLACE).count() == full.capacity
    assert full.participants.filter(
        status=Status.PLACE, place_given_at__gt=timezone.now() - timedelta(days=30)
    ).exists()
    first_waiting = waiting_list(full).first()
    assert first_waiting is not None
    someone = full.participants.filter(status=Status.PLACE).first()
    with django_capture_on_commit_callbacks(execute=True):
        moved = participant_cancel(participant=someone, base_url="http://testserver/")
    assert moved == [first_waiting]
    assert any(m.to == [first_waiting.email] for m in mail.outbox)
