"""A waiting list with known answers, for the waiting list report tests.

Now is 20 March 2026, 12:00; the period is 1 January to 31 March 2026, so the list is counted
at 31 January, 28 February and now. Programme A (target 18 weeks) has a therapist with 3 free
weekly places and a group of 6 with nobody in it yet: 9 free places. Programme B (target 8
weeks, funded by the Borough Fund) has none. Every status change is at 12:00 UTC.

    ref  quintile prog  events (w = waiting, o = offered, a = active, x = withdrawn)
    R1   1        A     w 10 Jun 2025
    R2   1        A     w 5 Dec 2025, o 10 Feb, w 20 Feb (said no; keeps 5 Dec)
    R3   2        A     w 15 Jan, o 15 Feb, a 1 Mar
    R4   5        B     w 2 Feb
    R5   unknown  B     w 8 Sep 2025
    R6   1        A     w 12 Mar
    R7   3        B     w 2 Oct 2025, x 5 Feb
    R8   1        A     w 1 Mar 2025
    R9   4        A     w 5 Jan, o 20 Jan        R10  4  A  w 5 Jan, o 25 Jan
    R11  4        A     w 5 Jan, o 5 Feb         R12  4  A  w 5 Jan, o 6 Feb
    R13  4        A     w 1 Nov 2025, o 1 Mar    R14  4  A  w 1 Nov 2025, o 5 Mar

Waiting at 31 January: quintile 1: R1 R2 R8; 2: R3; 3: R7; 4: R11 R12 R13 R14; not known: R5
  → 3, 1, 1, 4, 0, 1 = 10.
At 28 February: 1: R1 R2 R8; 4: R13 R14; 5: R4; not known: R5 → 3, 0, 0, 2, 1, 1 = 7.
Now: 1: R1 R2 R6 R8; 5: R4; not known: R5 → 4, 0, 0, 0, 1, 1 = 6.

Waits now in days: R6 8, R4 46, R2 105, R5 193, R1 283, R8 384 (weeks: 1.14, 6.57, 15,
27.57, 40.43, 54.86). Bands 0–4: 1, 4–8: 1, 8–12: 0, 12–18: 1, 18–26: 0, 26–52: 2, 52+: 1.
Over target: R1 and R8 (A, 18 weeks), R5 (B, 8 weeks) = 3. Median: rank 3.5, halfway between
15 and 27.57 = 21.29 weeks. 90th percentile: rank 5.5, halfway between 40.43 and 54.86 = 47.64.

Last 12 weeks (from 26 December 2025, 12:00): joined A: R2 (back), R3, R6, R9–R12 = 7; B: R4
= 1. Offers A: R2, R3, R9–R14 = 8; B: 0. A: 4 waiting ÷ (8 − 7)/12 a week = 48 weeks. B grows
by 1/12 ≈ 0.1 a week. Everyone: 8 join, 8 offered: not getting shorter.
"""

from datetime import UTC, date, datetime, time
from types import SimpleNamespace

from tutti.delivery.tests.factories import GroupFactory
from tutti.organisations.models import Organisation
from tutti.organisations.tests.factories import OrganisationFactory, SiteFactory
from tutti.people.tests.factories import PersonFactory
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.referrals.models import ReferralEvent, Status
from tutti.referrals.tests.factories import ReferralFactory
from tutti.waitlist.tests.allocation_helpers import therapist_with_slots

NOW = datetime(2026, 3, 20, 12, 0)
PERIOD = (date(2026, 1, 1), date(2026, 3, 31))
STEPS = {"w": Status.WAITING, "o": Status.OFFERED, "a": Status.ACTIVE, "x": Status.WITHDRAWN}


def noon(day):
    """12:00 UTC, so that whole days apart are whole days apart across a clock change."""
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def now():
    return NOW.replace(tzinfo=UTC)


PLAN = [
    # name, quintile, programme, [(step, day)]
    ("r1", 1, "a", [("w", date(2025, 6, 10))]),
    ("r2", 1, "a", [("w", date(2025, 12, 5)), ("o", date(2026, 2, 10)), ("w", date(2026, 2, 20))]),
    ("r3", 2, "a", [("w", date(2026, 1, 15)), ("o", date(2026, 2, 15)), ("a", date(2026, 3, 1))]),
    ("r4", 5, "b", [("w", date(2026, 2, 2))]),
    ("r5", None, "b", [("w", date(2025, 9, 8))]),
    ("r6", 1, "a", [("w", date(2026, 3, 12))]),
    ("r7", 3, "b", [("w", date(2025, 10, 2)), ("x", date(2026, 2, 5))]),
    ("r8", 1, "a", [("w", date(2025, 3, 1))]),
    ("r9", 4, "a", [("w", date(2026, 1, 5)), ("o", date(2026, 1, 20))]),
    ("r10", 4, "a", [("w", date(2026, 1, 5)), ("o", date(2026, 1, 25))]),
    ("r11", 4, "a", [("w", date(2026, 1, 5)), ("o", date(2026, 2, 5))]),
    ("r12", 4, "a", [("w", date(2026, 1, 5)), ("o", date(2026, 2, 6))]),
    ("r13", 4, "a", [("w", date(2025, 11, 1)), ("o", date(2026, 3, 1))]),
    ("r14", 4, "a", [("w", date(2025, 11, 1)), ("o", date(2026, 3, 5))]),
]


def build_waiting_world():
    w = SimpleNamespace()
    w.funder = OrganisationFactory(
        name="Borough Fund", kind=Organisation.Kind.FUNDER, is_partner=False
    )
    w.site = SiteFactory(name="Holloway centre")
    w.a = ProgrammeFactory(code="WAIT-A", name="Songs for all", target_wait_weeks=18)
    w.b = ProgrammeFactory(
        code="WAIT-B", name="Music at home", target_wait_weeks=8, funder=w.funder
    )
    w.a.sites.add(w.site)
    therapist_with_slots(w.site, 3)
    GroupFactory(programme=w.a, site=w.site, capacity=6)
    for name, quintile, programme, steps in PLAN:
        decile = 2 * quintile if quintile else None
        person = PersonFactory(imd_decile=decile, imd_quintile=quintile)
        first = noon(steps[0][1])
        status = STEPS[steps[-1][0]]
        referral = ReferralFactory(
            person=person,
            programme=getattr(w, programme),
            status=status,
            received_at=first,
            status_changed_at=noon(steps[-1][1]),
            waiting_since=first,
        )
        ReferralEvent.objects.create(referral=referral, status=Status.RECEIVED, at=first)
        for step, day in steps:
            ReferralEvent.objects.create(referral=referral, status=STEPS[step], at=noon(day))
        setattr(w, name, referral)
    return w
