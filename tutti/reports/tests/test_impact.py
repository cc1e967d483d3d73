"""The impact figures against hand-worked answers for the small service in conftest.py."""

from datetime import date

import pytest

from tutti.organisations.models import Site
from tutti.outcomes.models import Occasion
from tutti.outcomes.tests.factories import completed
from tutti.people.tests.factories import PersonFactory
from tutti.referrals.tests.factories import ReferralFactory
from tutti.reports import impact
from tutti.reports.scope import scope_build
from tutti.reports.tests.conftest import YEAR_END, YEAR_START

pytestmark = pytest.mark.django_db


def year(**filters):
    return scope_build(date_from=YEAR_START, date_to=YEAR_END, **filters)


def test_sessions_are_counted_by_kind_only_when_delivered(world):
    sessions = impact.sessions_delivered(year())
    assert [(row.kind, row.sessions, row.minutes) for row in sessions.by_kind] == [
        ("individual", 2, 90),
        ("group", 2, 120),
        ("community", 1, 90),
    ]
    assert sessions.total == 5
    assert sessions.hours == 5
    assert sessions.community_headcount == 20


def test_hours_by_nation_follow_the_site(world):
    by_nation = {
        row.label: (row.sessions, row.minutes)
        for row in impact.sessions_delivered(year()).by_nation
    }
    assert by_nation == {"England": (4, 210), "Scotland": (1, 90)}


def test_people_are_counted_once_across_programmes(world):
    people = impact.people_reached(year())
    assert people.total == 2  # Ann and Ben; Cat never came; Dan not marked; Eve before the year
    assert [(row.code, row.people) for row in people.by_programme] == [("P2", 2), ("P1", 1)]


def test_referrals_by_route(world):
    referrals = impact.new_referrals(year())
    counts = {row.route: row.referrals for row in referrals.by_route if row.referrals}
    assert counts == {"gp": 2, "self": 1, "school": 2}
    assert referrals.total == 5


def test_partners_active_and_our_own_centres(world):
    partners = impact.partners_active(year())
    assert (partners.organisations, partners.own_sites) == (2, 1)


def test_attendance_rate_leaves_out_cancellations_in_good_time_and_by_the_service(world):
    a = impact.attendance(year())
    assert (a.attended, a.did_not_attend, a.cancelled_late) == (5, 3, 1)
    assert (a.cancelled_by_service, a.not_marked) == (3, 1)
    assert a.rate == pytest.approx(100 * 5 / 9)


def test_a_programme_filter(world):
    scope = year(programme=world.p1)
    assert impact.sessions_delivered(scope).total == 2
    assert impact.people_reached(scope).total == 1
    assert impact.new_referrals(scope).total == 2


def test_a_funder_filter_is_the_programmes_it_funds(world):
    assert year(funder=world.funder).programme_ids == (world.p1.pk,)
    assert impact.sessions_delivered(year(funder=world.funder)).total == 2


def test_a_nation_filter_places_sessions_by_site_and_referrals_by_site(world):
    scope = year(nation=Site.Nation.SCOTLAND)
    sessions = impact.sessions_delivered(scope)
    assert (sessions.total, sessions.count("community"), sessions.hours) == (1, 1, 1.5)
    assert impact.people_reached(scope).total == 0
    assert impact.partners_active(scope).organisations == 1
    assert impact.new_referrals(scope).total == 1  # Dan's, at the care home


def test_a_site_filter(world):
    scope = year(site=world.school)
    assert impact.sessions_delivered(scope).count("group") == 2
    assert impact.people_reached(scope).total == 2


def test_sessions_still_to_come_are_not_delivered(world, settings):
    today = date.today()
    scope = scope_build(date_from=YEAR_START, date_to=date(today.year + 2, 1, 1))
    assert impact.sessions_delivered(scope).total == 5


def _survey(person, answers, day, referral=None):
    return completed(
        "survey_service_user",
        answers,
        person=person,
        referral=referral,
        occasion=Occasion.END,
        on=day,
    )


def test_feedback_percent_agreeing_with_n_for_each_statement(world):
    _survey(world.ann, [5, 4, 2], date(2025, 11, 1))
    _survey(world.ben, [4, None, 1], date(2025, 12, 1))
    _survey(world.cat, [3, 5, 5], date(2026, 1, 1))
    _survey(world.eve, [5, 5, 5], date(2025, 3, 1))  # before the year
    result = next(r for r in impact.feedback(year()) if r.code == "survey_service_user")
    assert result.responses == 3
    assert [(s.n, s.agree) for s in result.statements] == [(3, 2), (2, 2), (3, 1)]
    assert [round(s.percent) for s in result.statements] == [67, 100, 33]
    assert result.statements[0].text.startswith("Music therapy has provided")


def test_feedback_follows_the_programme_of_the_referral(world):
    _survey(world.ann, [5, 5, 5], date(2025, 11, 1), referral=world.ann_r1)
    _survey(world.ben, [1, 1, 1], date(2025, 11, 1), referral=world.ben_r)
    _survey(world.cat, [5, 5, 5], date(2025, 11, 1))  # no referral: only in the whole report
    p1 = next(
        r for r in impact.feedback(year(programme=world.p1)) if r.code == "survey_service_user"
    )
    assert (p1.responses, p1.statements[0].n, p1.statements[0].agree) == (1, 1, 1)
    everyone = next(r for r in impact.feedback(year()) if r.code == "survey_service_user")
    assert everyone.responses == 3


def _wemwbs(total):
    """14 answers from 1 to 5 adding up to `total`."""
    answers, left = [1] * 14, total - 14
    for i in range(14):
        step = min(4, left)
        answers[i] += step
        left -= step
    assert sum(answers) == total
    return answers


def test_outcome_change_mean_ci_and_reliable_improvement(world):
    people = [PersonFactory() for _ in range(4)]
    a, b, c, d = people

    def score(person, total, day, occasion):
        completed("wemwbs", _wemwbs(total), person=person, occasion=occasion, on=day)

    # A: an older baseline, then a newer one; a review and an end in the year: end vs newer.
    score(a, 20, date(2024, 1, 10), Occasion.BASELINE)
    score(a, 30, date(2025, 5, 1), Occasion.BASELINE)
    score(a, 33, date(2025, 8, 1), Occasion.REVIEW)
    score(a, 40, date(2025, 11, 1), Occasion.END)  # +10: reliable improvement (> 7.31)
    score(b, 35, date(2025, 5, 1), Occasion.BASELINE)
    score(b, 38, date(2025, 11, 1), Occasion.END)  # +3: no reliable change
    score(c, 40, date(2025, 5, 1), Occasion.BASELINE)
    score(c, 30, date(2025, 11, 1), Occasion.END)  # -10: reliable deterioration
    score(d, 28, date(2025, 5, 1), Occasion.BASELINE)
    score(d, 36, date(2025, 11, 1), Occasion.END)  # +8: reliable improvement
    # Not counted: an end with no baseline before it, and an end after the year.
    score(world.ann, 50, date(2025, 11, 1), Occasion.END)
    score(world.ann, 20, date(2026, 5, 1), Occasion.BASELINE)
    score(world.ben, 20, date(2025, 5, 1), Occasion.BASELINE)
    score(world.ben, 60, date(2026, 5, 1), Occasion.END)

    change = next(o for o in impact.outcomes(year()) if o.code == "wemwbs")
    # Changes 10, 3, -10, 8: mean 2.75; Σ(x - mean)² = 242.75, sd = √(242.75/3) = 8.9954;
    # t(0.975, 3) = 3.18245, half-width 3.18245 × 8.9954 / 2 = 14.3136.
    assert change.n == 4
    assert change.mean == pytest.approx(2.75)
    assert change.sd == pytest.approx(8.99537, abs=1e-4)
    assert change.ci_low == pytest.approx(2.75 - 14.3136, abs=1e-3)
    assert change.ci_high == pytest.approx(2.75 + 14.3136, abs=1e-3)
    assert change.criterion == pytest.approx(7.3098, abs=1e-3)
    assert (change.improved, change.no_reliable_change, change.deteriorated) == (2, 1, 1)
    assert change.percent_improved == 50


def test_lower_is_better_measures_improve_downwards(world):
    person = PersonFactory()
    # CORE-10 totals (items 2 and 3 reversed, item 6 the risk item left at 0): 27 at baseline,
    # 9 at the end: down 18, a reliable improvement (more than 6.74).
    base = [3, 1, 1, 3, 3, 0, 3, 3, 3, 3]
    end = [1, 3, 3, 1, 1, 0, 1, 1, 1, 1]
    completed("core10", base, person=person, occasion=Occasion.BASELINE, on=date(2025, 5, 1))
    completed("core10", end, person=person, occasion=Occasion.END, on=date(2025, 9, 1))
    change = next(o for o in impact.outcomes(year()) if o.code == "core10")
    assert change.n == 1
    assert change.mean == -18
    assert change.ci_low is None  # one person: no interval
    assert change.improved == 1 and change.deteriorated == 0


def test_referrals_with_no_site_are_placed_where_the_person_lives_for_a_nation(world):
    from tutti.geography.models import LocalAuthority

    LocalAuthority.objects.create(code="S12000049", name="Glasgow City", nation="Scotland")
    glaswegian = PersonFactory(local_authority_code="S12000049")
    ReferralFactory(person=glaswegian, programme=world.p2, received_at=world.ann_r1.received_at)
    assert impact.new_referrals(year(nation=Site.Nation.SCOTLAND)).total == 2
