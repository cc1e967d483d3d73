"""A small service with known answers, for the report tests.

The year is 1 April 2025 to 31 March 2026. Programmes: P1 (individual, funded by the Borough
Fund) and P2 (groups and a community choir). Sites: our own centre (England), a partner
school (England) and a partner care home (Scotland).

People: Ann (in both programmes), Ben and Cat (the group), Dan (P1, in Scotland, not yet
marked), Eve (seen only before the year).

Sessions in the year, and what each counts as:
  Ann's individual sessions at the centre, 45 minutes: attended, attended, did not attend
      → 2 individual sessions delivered (the third had nobody there), 90 minutes
  Group at the school, 60 minutes: session 1 Ann ✓ Ben ✓ Cat DNA; session 2 Ann ✓, Ben
      cancelled late, Cat DNA; session 3 cancelled by the service (all three marked so)
      → 2 group sessions delivered, 120 minutes
  Choir at the care home, 90 minutes, headcount 20 → 1 community session, 90 minutes
  Dan's session at the care home, 60 minutes, not marked → not delivered
  Eve's session on 31 March 2025, attended → before the year
So: 5 sessions (individual 2, group 2, community 1), 300 minutes = 5 hours; England 4 sessions
3.5 hours, Scotland 1 session 1.5 hours; people 2 (Ann once, though in two programmes; Ben);
attendance 5 attended, 3 DNA, 1 cancelled late → 5/9 = 55.6%; partners 2, own centres 1.
"""

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tutti.core.vocab import Route
from tutti.delivery.models import Attendance, Session
from tutti.delivery.tests.factories import (
    AttendanceFactory,
    EpisodeFactory,
    GroupFactory,
    SessionFactory,
    at,
)
from tutti.organisations.models import Organisation, Site
from tutti.organisations.tests.factories import OrganisationFactory, SiteFactory
from tutti.people.tests.factories import PersonFactory
from tutti.programmes.models import Programme
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.models import Status
from tutti.referrals.tests.factories import ReferralFactory

YEAR_START, YEAR_END = date(2025, 4, 1), date(2025 + 1, 3, 31)
S = Attendance.Status


def on(day, hour=11):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _session(*, kind, day, minutes, site, programme, episode=None, group=None, **extra):
    return SessionFactory(
        kind=kind,
        episode=episode,
        group=group,
        programme=programme,
        site=site,
        starts_at=at(day, 10),
        ends_at=at(day, 10) + timedelta(minutes=minutes),
        **extra,
    )


@pytest.fixture
def world(db):
    w = SimpleNamespace()
    w.service = OrganisationFactory(
        name="Tutti Music Therapy", kind=Organisation.Kind.SERVICE, is_partner=False
    )
    w.funder = OrganisationFactory(
        name="Borough Fund", kind=Organisation.Kind.FUNDER, is_partner=False
    )
    w.school_org = OrganisationFactory(name="Hill School", kind=Organisation.Kind.SCHOOL)
    w.home_org = OrganisationFactory(name="Glen Care Home", kind=Organisation.Kind.CARE_HOME)
    w.centre = SiteFactory(organisation=w.service, name="Holloway centre")
    w.school = SiteFactory(organisation=w.school_org, name="Hill School hall")
    w.home = SiteFactory(
        organisation=w.home_org, name="Glen Care Home", nation=Site.Nation.SCOTLAND
    )
    w.p1 = ProgrammeFactory(
        code="P1",
        name="Individual therapy",
        delivery_mode=Programme.DeliveryMode.INDIVIDUAL,
        funder=w.funder,
    )
    w.p2 = ProgrammeFactory(code="P2", name="Groups and choirs")
    w.p1.sites.set([w.centre, w.home])
    w.p2.sites.set([w.school, w.home])

    w.ann = PersonFactory(given_name="Ann", family_name="Zedwardson", imd_decile=1, imd_quintile=1)
    w.ben = PersonFactory(given_name="Ben", family_name="Qualtrough", imd_decile=4, imd_quintile=2)
    w.cat = PersonFactory(given_name="Cat", family_name="Vexley", imd_decile=10, imd_quintile=5)
    w.dan = PersonFactory(given_name="Dan", family_name="Wuxford")
    w.eve = PersonFactory(given_name="Eve", family_name="Yarnolde", imd_decile=2, imd_quintile=1)

    def referral(person, programme, route, received, **extra):
        return ReferralFactory(
            person=person,
            programme=programme,
            route=route,
            status=Status.ACTIVE,
            received_at=on(received),
            **extra,
        )

    w.ann_r1 = referral(w.ann, w.p1, Route.GP, date(2025, 5, 1), site=w.centre)
    w.ann_r2 = referral(w.ann, w.p2, Route.SELF, date(2025, 6, 1))
    w.ben_r = referral(w.ben, w.p2, Route.SCHOOL, date(2025, 7, 1))
    w.cat_r = referral(w.cat, w.p2, Route.SCHOOL, date(2025, 7, 2))
    w.dan_r = referral(w.dan, w.p1, Route.GP, date(2026, 1, 5), site=w.home)
    w.eve_r = referral(w.eve, w.p1, Route.GP, date(2025, 3, 1))  # before the year

    def episode(ref, programme, **extra):
        return EpisodeFactory(
            referral=ref, person=ref.person, programme=programme, start_date=date(2025, 6, 1)
        )

    w.ann_e1 = episode(w.ann_r1, w.p1)
    w.ann_e2 = episode(w.ann_r2, w.p2)
    w.ben_e = episode(w.ben_r, w.p2)
    w.cat_e = episode(w.cat_r, w.p2)
    w.dan_e = episode(w.dan_r, w.p1)
    w.eve_e = episode(w.eve_r, w.p1)

    individual, group, community = Session.Kind.values
    for day, status in [
        (date(2025, 9, 1), S.ATTENDED),
        (date(2025, 9, 8), S.ATTENDED),
        (date(2025, 9, 15), S.DID_NOT_ATTEND),
    ]:
        s = _session(
            kind=individual, day=day, minutes=45, site=w.centre, programme=w.p1, episode=w.ann_e1
        )
        AttendanceFactory(session=s, episode=w.ann_e1, status=status)

    w.group = GroupFactory(programme=w.p2, site=w.school, minutes=60)
    marks = [
        (date(2025, 10, 7), {w.ann_e2: S.ATTENDED, w.ben_e: S.ATTENDED, w.cat_e: S.DID_NOT_ATTEND}),
        (
            date(2025, 10, 14),
            {w.ann_e2: S.ATTENDED, w.ben_e: S.CANCELLED_LATE, w.cat_e: S.DID_NOT_ATTEND},
        ),
        (
            date(2025, 10, 21),
            {e: S.CANCELLED_BY_SERVICE for e in (w.ann_e2, w.ben_e, w.cat_e)},
        ),
    ]
    for number, (day, statuses) in enumerate(marks, start=1):
        extra = {"number": number}
        if number == 3:
            extra.update(status=Session.Status.CANCELLED, cancelled_by="service")
        s = _session(
            kind=group, day=day, minutes=60, site=w.school, programme=w.p2, group=w.group, **extra
        )
        for ep, status in statuses.items():
            AttendanceFactory(session=s, episode=ep, status=status)

    _session(
        kind=community,
        day=date(2025, 12, 12),
        minutes=90,
        site=w.home,
        programme=w.p2,
        title="Winter concert",
        headcount=20,
    )
    dan = _session(
        kind=individual,
        day=date(2026, 2, 2),
        minutes=60,
        site=w.home,
        programme=w.p1,
        episode=w.dan_e,
    )
    AttendanceFactory(session=dan, episode=w.dan_e, status=S.EXPECTED)
    eve = _session(
        kind=individual,
        day=date(2025, 3, 31),
        minutes=45,
        site=w.centre,
        programme=w.p1,
        episode=w.eve_e,
    )
    AttendanceFactory(session=eve, episode=w.eve_e, status=S.ATTENDED)
    return w
