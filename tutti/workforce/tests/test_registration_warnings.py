"""HCPC registration warnings: 60 and 14 days before, and on lapsing; each sent once, to the
therapist and the clinical leads, by email and on their dashboards."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.workforce.models import RegistrationWarning
from tutti.workforce.services import registration_warnings_queue
from tutti.workforce.tasks import send_registration_warning
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 10)
Stage = RegistrationWarning.Stage


@pytest.fixture
def lead():
    return UserFactory(roles=[Role.SUPERVISOR], full_name="Ruth Ellison")


def run(day, capture):
    with capture(execute=True):
        return registration_warnings_queue(on=day)


def test_warnings_at_60_and_14_days_and_on_lapsing_each_sent_once(
    lead, django_capture_on_commit_callbacks
):
    therapist = TherapistFactory(
        registration_expires=TODAY + timedelta(days=60), user__full_name="Nigel Power"
    )
    TherapistFactory(registration_expires=TODAY + timedelta(days=200))  # not yet

    made = run(TODAY, django_capture_on_commit_callbacks)
    assert [(w.therapist, w.stage) for w in made] == [(therapist, Stage.SIXTY_DAYS)]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([therapist.user.email, lead.email])
    own = next(m for m in mail.outbox if m.to == [therapist.user.email])
    assert own.subject == "Your HCPC registration is running out"
    assert "runs out on 9 May 2027, in 60 days" in own.body
    to_lead = next(m for m in mail.outbox if m.to == [lead.email])
    assert to_lead.subject == "Nigel Power's HCPC registration is running out"

    # The same day again, and the days after: nothing new until 14 days before.
    mail.outbox.clear()
    for day in range(0, 46):
        assert run(TODAY + timedelta(days=day), django_capture_on_commit_callbacks) == []
    assert mail.outbox == []

    made = run(TODAY + timedelta(days=46), django_capture_on_commit_callbacks)
    assert [w.stage for w in made] == [Stage.FOURTEEN_DAYS]
    assert len(mail.outbox) == 2
    assert run(TODAY + timedelta(days=50), django_capture_on_commit_callbacks) == []

    mail.outbox.clear()
    made = run(TODAY + timedelta(days=61), django_capture_on_commit_callbacks)
    assert [w.stage for w in made] == [Stage.LAPSED]
    own = next(m for m in mail.outbox if m.to == [therapist.user.email])
    assert own.subject == "Your HCPC registration has run out"
    assert "cannot be given new clients" in own.body
    assert run(TODAY + timedelta(days=90), django_capture_on_commit_callbacks) == []
    assert RegistrationWarning.objects.filter(sent_at__isnull=False).count() == 3


def test_a_first_run_close_to_the_date_sends_only_the_most_urgent_warning(
    lead, django_capture_on_commit_callbacks
):
    TherapistFactory(registration_expires=TODAY + timedelta(days=10))
    made = run(TODAY, django_capture_on_commit_callbacks)
    assert [w.stage for w in made] == [Stage.FOURTEEN_DAYS]
    assert "in 10 days" in mail.outbox[0].body


def test_a_renewed_registration_is_warned_about_afresh(lead, django_capture_on_commit_callbacks):
    therapist = TherapistFactory(registration_expires=TODAY + timedelta(days=10))
    run(TODAY, django_capture_on_commit_callbacks)
    therapist.registration_expires = TODAY + timedelta(days=730)
    therapist.save()
    assert run(TODAY, django_capture_on_commit_callbacks) == []
    made = run(TODAY + timedelta(days=670), django_capture_on_commit_callbacks)
    assert [w.stage for w in made] == [Stage.SIXTY_DAYS]


def test_trainees_and_switched_off_accounts_get_no_warnings(
    lead, django_capture_on_commit_callbacks
):
    gone = TherapistFactory(registration_expires=TODAY + timedelta(days=5))
    gone.user.is_active = False
    gone.user.save()
    TherapistFactory(is_trainee=True, hcpc_number="", registration_expires=None)
    assert run(TODAY, django_capture_on_commit_callbacks) == []


def test_a_task_delivered_twice_sends_once(lead, django_capture_on_commit_callbacks):
    TherapistFactory(registration_expires=TODAY + timedelta(days=10))
    [warning] = run(TODAY, django_capture_on_commit_callbacks)
    sent = len(mail.outbox)
    send_registration_warning.call(warning.pk)
    assert len(mail.outbox) == sent == 2


def test_the_command_is_safe_to_run_daily(lead, django_capture_on_commit_callbacks):
    TherapistFactory(registration_expires=TODAY + timedelta(days=14), user__full_name="Nigel Power")
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("registration_reminders", on=TODAY.isoformat(), stdout=out)
    assert "Queued: Nigel Power, 14 days before (24 March 2027)" in out.getvalue()
    out = StringIO()
    call_command("registration_reminders", on=TODAY.isoformat(), stdout=out)
    assert "No registration warnings are due." in out.getvalue()
    with pytest.raises(CommandError, match="--on must be a date"):
        call_command("registration_reminders", on="31/03/2027", stdout=StringIO())


def test_warnings_show_on_the_dashboards_of_the_therapist_and_the_clinical_lead(
    client, lead, django_capture_on_commit_callbacks
):
    therapist = TherapistFactory(
        registration_expires=date.today() + timedelta(days=10), user__full_name="Nigel Power"
    )
    run(date.today(), django_capture_on_commit_callbacks)
    expires = therapist.registration_expires.strftime("%-d %B %Y")

    client.force_login(therapist.user)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert f"Your HCPC registration runs out on {expires}, in 10 days." in page

    client.force_login(lead)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert f"Nigel Power&#39;s HCPC registration runs out on {expires}, in 10 days." in page

    # Renewed: the warning no longer applies and leaves the dashboards.
    therapist.registration_expires = date.today() + timedelta(days=700)
    therapist.save()
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "HCPC registration runs out" not in page


def test_other_roles_never_see_the_warnings(client, lead, django_capture_on_commit_callbacks):
    TherapistFactory(registration_expires=date.today() + timedelta(days=10))
    run(date.today(), django_capture_on_commit_callbacks)
    for role in (Role.COORDINATOR, Role.PARTNER, Role.COMMISSIONER):
        client.force_login(UserFactory(roles=[role]))
        page = client.get(reverse("accounts:dashboard")).content.decode()
        assert "HCPC registration" not in page
