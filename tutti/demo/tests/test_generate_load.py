"""manage.py generate_load: a believable service in bulk, refused twice unless --force."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from tutti.delivery.models import Attendance, Episode, Session
from tutti.people.models import Person
from tutti.referrals.models import Referral, ReferralEvent
from tutti.reports.forms import last_financial_year
from tutti.reports.impact import impact_report
from tutti.reports.scope import scope_build

pytestmark = pytest.mark.django_db


def generate(*args):
    out = io.StringIO()
    call_command("generate_load", *args, stdout=out, stderr=io.StringIO(), verbosity=0)
    return out.getvalue()


def test_it_makes_people_with_referrals_episodes_sessions_and_attendance():
    message = generate("--people", "300", "--years", "2", "--seed", "3")
    assert "Generated in" in message and "300 Person" in message
    assert Person.objects.count() == 300
    referrals = Referral.objects.count()
    assert 300 <= referrals <= 450  # 1 to 3 each, mostly 1
    # Every referral has its history, starting with "received".
    assert ReferralEvent.objects.filter(status="received").count() == referrals
    assert Episode.objects.count() > 150
    # About 10 sessions a person, every individual and group session with attendance.
    sessions = Session.objects.exclude(kind="community")
    assert 2_000 < sessions.count() < 6_000
    assert not sessions.annotate(n=Count("attendances")).filter(n=0).exists()
    statuses = dict(Attendance.objects.values_list("status").annotate(n=Count("pk")).order_by())
    assert statuses["attended"] > 5 * statuses["dna"]
    # People are drawn towards the most deprived areas.
    assert (
        Person.objects.filter(imd_quintile=1).count()
        > Person.objects.filter(imd_quintile=5).count()
    )


def test_the_reports_read_like_a_year_of_a_real_service():
    generate("--people", "300", "--years", "3", "--seed", "4")
    first, last = last_financial_year()
    report = impact_report(scope_build(date_from=first, date_to=last))
    assert report.sessions.count("individual") > report.sessions.count("group") > 0
    assert report.people.total > 50
    assert 80 < report.attendance.rate < 95
    wemwbs = next(o for o in report.outcomes if o.code == "wemwbs")
    assert wemwbs.n > 5 and wemwbs.mean > 0  # people improve, on average
    feedback = next(f for f in report.feedback if f.code == "survey_service_user")
    assert all(75 < s.percent <= 100 for s in feedback.statements if s.n >= 20)


def test_a_second_run_is_refused_unless_forced():
    generate("--people", "20", "--years", "1")
    with pytest.raises(CommandError, match="already in this database"):
        generate("--people", "20", "--years", "1")
    generate("--people", "20", "--years", "1", "--force")
    assert Person.objects.count() == 40


def test_bad_sizes_are_refused():
    with pytest.raises(CommandError, match="--people must be 1 or more"):
        generate("--people", "0")
    with pytest.raises(CommandError, match="--years must be"):
        generate("--people", "5", "--years", "0")
