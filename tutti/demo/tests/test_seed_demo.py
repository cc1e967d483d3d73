"""seed_demo and demo_logins, checked for what a person trying the demo would notice."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone
from nhs_number import is_valid as nhs_number_is_valid

from tutti.accounts.roles import Role
from tutti.core.postcodes import normalise_postcode
from tutti.delivery.models import Attendance, Episode, Session
from tutti.demo.builders import DEMO_LOGINS, DEMO_PASSWORD
from tutti.organisations.models import Organisation
from tutti.people.models import Person
from tutti.programmes.models import Programme
from tutti.referrals.models import Referral, Status
from tutti.referrals.selectors import referrals_visible_to
from tutti.workforce.models import Therapist

PEOPLE = 60

pytestmark = pytest.mark.django_db


def seed(**options):
    out = StringIO()
    call_command("seed_demo", people=PEOPLE, seed=7, verbosity=0, stdout=out, **options)
    return out.getvalue()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """One seeded database for all the tests in a class, rolled back after them (seeding
    takes a second or so; each test still runs in its own savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed()
        yield
        transaction.set_rollback(True)


@pytest.mark.usefixtures("seeded")
class TestSeededDemo:
    """What a seeded demo shows."""

    def test_every_step_of_the_journey_has_someone_at_it(self):
        assert set(Referral.objects.values_list("status", flat=True)) == set(Status.values)
        assert Person.objects.count() == PEOPLE
        assert not Person.objects.filter(referrals=None).exists()
        # Most referrals are waiting, as in a real service: the journeys leave them so, before
        # the delivery part of the demo offers some of them places (through Offer rows).
        counts = {s: Referral.objects.filter(status=s).count() for s in Status.values}
        offered = Referral.objects.filter(offers__isnull=False).values("pk")
        placed = Referral.objects.filter(pk__in=offered).exclude(status=Status.WAITING)
        for status in placed.values_list("status", flat=True):
            counts[status] -= 1
            counts[Status.WAITING] += 1
        assert counts[Status.WAITING] == max(counts.values())

    def test_offered_and_active_referrals_have_a_therapist(self):
        open_places = Referral.objects.filter(status__in=[Status.OFFERED, Status.ACTIVE])
        assert open_places.exists()
        # A group place has the group's therapists instead (see delivery.services.offers).
        in_groups = open_places.filter(
            offers__kind="group", offers__status__in=["pending", "accepted"]
        )
        assert not open_places.filter(therapist=None).exclude(pk__in=in_groups).exists()

    def test_people_in_individual_therapy_have_an_episode_sessions_and_registers(self):
        individual = Referral.objects.filter(
            programme__delivery_mode=Programme.DeliveryMode.INDIVIDUAL, therapist__isnull=False
        )
        for referral in individual.filter(status=Status.OFFERED):
            assert referral.offers.filter(status="pending").exists(), referral.reference
        in_therapy = individual.filter(status__in=[Status.ACTIVE, Status.COMPLETED])
        assert in_therapy.exists()
        today = timezone.localdate()
        for referral in in_therapy:
            episode = Episode.objects.get(referral=referral)
            assert episode.therapists.filter(pk=referral.therapist_id).exists()
            assert episode.is_active == (referral.status == Status.ACTIVE)
            sessions = Session.objects.filter(episode=episode)
            assert sessions.exists(), referral.reference
            if not episode.is_active:
                assert episode.discharge_summary and episode.ended_on >= episode.start_date
                assert not sessions.filter(starts_at__date__gt=episode.ended_on).exists()
        held = Attendance.objects.filter(session__starts_at__date__lt=today)
        assert held.filter(status=Attendance.Status.ATTENDED).count() > held.count() / 2
        assert not held.filter(status=Attendance.Status.EXPECTED).exists()
        # Nobody's therapist is in two sessions at once.
        booked = {}
        for session in Session.objects.exclude(status="cancelled").prefetch_related("therapists"):
            for therapist in session.therapists.all():
                booked.setdefault(therapist.pk, []).append((session.starts_at, session.ends_at))
        for times in booked.values():
            times.sort()
            assert all(b[0] >= a[1] for a, b in zip(times, times[1:], strict=False))

    def test_each_referral_has_dated_steps_from_arrival_to_today(self):
        now = timezone.now()
        for referral in Referral.objects.prefetch_related("events"):
            moments = [event.at for event in referral.events.all()]
            assert moments[0] == referral.received_at
            assert moments == sorted(moments) and len(set(moments)) == len(moments)
            assert moments[-1] <= now
            assert referral.received_at >= now - timedelta(days=550)
            assert referral.events.last().status == referral.status
            assert referral.consent_to_refer

    def test_camden_16_24_programme(self):
        programme = Programme.objects.get(code="CAMDEN-16-24")
        assert (programme.min_age, programme.max_age) == (16, 24)
        assert programme.block_sessions == 12
        assert programme.delivery_mode == Programme.DeliveryMode.GROUP
        assert programme.local_authorities == ["E09000007"]
        camden_gps = Organisation.objects.filter(
            kind=Organisation.Kind.GP_PRACTICE, ods_code__in=programme.gp_practices
        )
        assert camden_gps.count() == len(programme.gp_practices) >= 2
        assert all(re.fullmatch(r"[A-Z]\d{5}", code) for code in programme.gp_practices)
        (site,) = programme.sites.all()
        assert site.postcode.startswith("NW1 ")
        assert site.organisation.kind == Organisation.Kind.COMMUNITY
        assert programme.funder.kind == Organisation.Kind.FUNDER
        assert programme.referrals.exists()

    def test_programmes_cover_each_way_of_working(self):
        assert Programme.objects.count() >= 8
        modes = set(Programme.objects.values_list("delivery_mode", flat=True))
        assert modes == set(Programme.DeliveryMode.values)
        for programme in Programme.objects.all():
            programme.full_clean()

    def test_partner_sites_and_postcodes_are_valid(self):
        kinds = set(Organisation.objects.filter(is_partner=True).values_list("kind", flat=True))
        assert {"school", "care_home", "hospital", "hospice", "community"} <= kinds
        school = Organisation.objects.get(kind="school", is_partner=True).sites.get()
        assert school.postcode.startswith("HR")
        for person in Person.objects.all():
            assert normalise_postcode(person.postcode) == person.postcode
            person.full_clean()

    def test_twenty_therapists_with_two_supervised_trainees(self):
        today = timezone.localdate()
        therapists = Therapist.objects.select_related("user", "supervisor__user")
        assert therapists.count() == 20
        trainees = [t for t in therapists if t.is_trainee]
        assert len(trainees) == 2
        for trainee in trainees:
            assert trainee.hcpc_number == "" and trainee.registration_expires is None
            assert trainee.supervisor and not trainee.supervisor.is_trainee
            assert trainee.supervisor.user.has_role(Role.SUPERVISOR)
        for therapist in therapists:
            therapist.full_clean()
            if not therapist.is_trainee:
                assert re.fullmatch(r"MT\d{5}", therapist.hcpc_number)
                assert therapist.registration_expires > today
            assert therapist.user.has_role(Role.THERAPIST)
        expiring = [
            t
            for t in therapists
            if t.registration_expires and t.registration_expires <= today + timedelta(days=10)
        ]
        assert len(expiring) == 1

    def test_nhs_numbers_are_test_numbers_valid_by_check_digit(self):
        numbers = [n for n in Person.objects.values_list("nhs_number", flat=True) if n]
        assert len(numbers) == len(set(numbers))
        assert 0.5 * PEOPLE <= len(numbers) <= 0.9 * PEOPLE
        for number in numbers:
            assert 9990000000 <= int(number) <= 9999999999
            assert nhs_number_is_valid(number)

    def test_one_log_in_per_role_with_the_demo_password(self):
        request = RequestFactory().post("/")
        users = {}
        for login in DEMO_LOGINS:
            user = authenticate(request, username=login.username, password=DEMO_PASSWORD)
            assert user is not None, login.username
            assert user.role == login.role
            users[login.role] = user
        assert {login.role for login in DEMO_LOGINS} == set(Role)
        assert users[Role.ADMINISTRATOR].is_staff and users[Role.ADMINISTRATOR].is_superuser

    def test_each_log_in_has_something_to_see(self):
        users = {login.role: login for login in DEMO_LOGINS}
        from tutti.accounts.models import User

        def user(role):
            return User.objects.get(username=users[role].username)

        therapist = user(Role.THERAPIST).therapist
        assert therapist.referrals.filter(status=Status.ACTIVE).exists()
        assert therapist.referrals.filter(status=Status.OFFERED).exists()

        supervisor = user(Role.SUPERVISOR)
        assert supervisor.has_role(Role.THERAPIST)
        assert supervisor.therapist.supervisees.filter(is_trainee=True).count() == 1
        trainee = supervisor.therapist.supervisees.get()
        assert trainee.referrals.filter(status__in=[Status.OFFERED, Status.ACTIVE]).exists()

        partner = user(Role.PARTNER)
        assert partner.organisation.is_partner
        assert referrals_visible_to(partner).count() >= 3

        referrer = user(Role.REFERRER)
        assert referrer.organisation.kind == Organisation.Kind.GP_PRACTICE
        assert Referral.objects.filter(referred_by=referrer).count() >= 3

        commissioner = user(Role.COMMISSIONER)
        assert commissioner.organisation.kind == Organisation.Kind.FUNDER
        funded = commissioner.organisation.funded_programmes.values_list("code", flat=True)
        assert "CAMDEN-16-24" in funded and len(funded) >= 2

    def test_if_empty_leaves_a_seeded_database_alone(self):
        output = seed(if_empty=True)
        assert "left as it is" in output
        assert Person.objects.count() == PEOPLE

    def test_seeding_twice_without_if_empty_is_refused(self):
        with pytest.raises(CommandError, match="already has people"):
            seed()

    def test_demo_logins_lists_each_log_in(self, settings):
        settings.TUTTI_REQUIRE_2FA = False
        out = StringIO()
        call_command("demo_logins", stdout=out)
        text = out.getvalue()
        assert "Tutti is running at http://127.0.0.1:8000" in text
        assert DEMO_PASSWORD in text
        for login in DEMO_LOGINS:
            assert re.search(rf"^\s+{login.username}\s+{re.escape(login.role.label)}", text, re.M)
        assert "Two-step sign-in is off" in text


def test_the_same_seed_tells_the_same_story():
    def story():
        with transaction.atomic():
            seed()
            told = list(
                Referral.objects.order_by("reference").values_list(
                    "reference",
                    "status",
                    "person__given_name",
                    "person__family_name",
                    "person__nhs_number",
                    "person__postcode",
                    "therapist__hcpc_number",
                )
            )
            transaction.set_rollback(True)
        return told

    assert story() == story()


def test_refuses_in_production(settings):
    settings.TUTTI_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        seed()
    with pytest.raises(CommandError, match="production"):
        call_command("demo_logins", stdout=StringIO())
    assert not Person.objects.exists()


def test_too_few_people_is_refused():
    with pytest.raises(CommandError, match="--people"):
        call_command("seed_demo", people=5, verbosity=0, stdout=StringIO())
