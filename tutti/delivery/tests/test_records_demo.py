"""What the seeded demo shows of attendance and session records (issue 5's and issue 9's
"done when"): registers marked, a non-attendance review raised, a note written and amended
with its history, and a trainee's note waiting for their supervisor's sign-off."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from markupsafe import escape

from tutti.accounts.models import User
from tutti.delivery.models import Attendance, Episode, ReviewTask, SessionRecord
from tutti.delivery.selectors import records_to_sign_off


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", people=60, seed=7, verbosity=0, stdout=StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def test_registers_are_marked_for_the_sessions_already_held():
    held = Attendance.objects.filter(session__ends_at__lt=timezone.now())
    assert held.filter(status=Attendance.Status.ATTENDED).count() >= 10
    assert not held.filter(status=Attendance.Status.EXPECTED).exists()
    assert (
        Attendance.objects.filter(session__starts_at__gt=timezone.now())
        .exclude(status=Attendance.Status.EXPECTED)
        .count()
        == 0
    )


def test_the_non_attendance_rule_fired_and_nobody_was_discharged(client):
    task = ReviewTask.objects.get(
        kind=ReviewTask.Kind.NON_ATTENDANCE, status=ReviewTask.Status.OPEN
    )
    assert task.reason.startswith("Missed 2 sessions in a row (")
    assert task.episode.status == Episode.Status.ACTIVE
    client.force_login(User.objects.get(username="coordinator"))
    page = client.get(reverse("delivery:reviews")).content.decode()
    assert escape(task.episode.person.full_name) in page


def test_a_note_was_written_and_amended_and_its_history_shows_both(client):
    amended = [r for r in SessionRecord.objects.all() if r.history.count() >= 2]
    record = next(r for r in amended if r.written_by.username == "therapist")
    versions = list(record.history.all())
    newest, oldest = versions[0], versions[-1]
    assert newest.notes != oldest.notes
    client.force_login(User.objects.get(username="therapist"))
    page = client.get(
        reverse("delivery:session_record_history", kwargs={"pk": record.session_id})
    ).content.decode()
    assert "Added the next morning" in page and "Written" in page and "Amended" in page


def test_a_trainees_note_awaits_the_supervisors_sign_off(client):
    supervisor = User.objects.get(username="supervisor")
    waiting = list(records_to_sign_off(supervisor))
    assert waiting
    assert all(r.written_by.therapist.is_trainee for r in waiting)
    assert waiting[0].written_by.therapist.supervisor.user == supervisor
    client.force_login(supervisor)
    page = client.get(reverse("delivery:sign_off_queue")).content.decode()
    assert waiting[0].written_by.display_name in page
    # Their earlier record was signed off, so the whole path shows.
    assert SessionRecord.objects.filter(
        written_by=waiting[0].written_by, signed_off_by=supervisor
    ).exists()
