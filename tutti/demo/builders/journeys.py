"""Each person's referrals and their journeys, walked through the referral services.

Each step is dated: the dates move forward from the day the referral arrived (within the
last 18 months) and never pass today, so waits computed from the events look real.
"""

from datetime import timedelta

from tutti.core.vocab import Circumstance as C
from tutti.referrals.models import Status, Urgency
from tutti.referrals.services import (
    referral_accept,
    referral_decline,
    referral_move,
    referral_receive,
    referral_request_information,
    referral_signpost,
    referral_withdraw,
)

from .base import Demo
from .people import contacts_build, person_build
from .places import CAMDEN, ISLINGTON
from .plans import Plan
from .programmes import BARNET, BRENT, HARINGEY, SPECS_BY_CODE, WESTMINSTER
from .referrers import referrer_for, route_for
from .team import therapist_for
from .wording import (
    DECLINE_REASONS,
    INFO_REQUESTS,
    OTHER_SERVICES,
    RISKS,
    SIGNPOST_DEFAULT,
    SIGNPOSTS,
    WITHDRAWALS,
    reason_text,
)

HISTORY_DAYS = 540  # referrals arrived over the last 18 months


# ----------------------------------------------------------------------------------------
# Who the person is


_LONDON_AUTHORITIES = [CAMDEN, ISLINGTON, HARINGEY, BARNET, BRENT, WESTMINSTER]


def _age_and_home(demo: Demo, plan: Plan, spec):
    rng = demo.rng
    youngest, oldest, _ = rng.choices(spec.ages, weights=[band[2] for band in spec.ages])[0]
    age = rng.randint(youngest, oldest)
    home = CAMDEN if plan.by_referrer else demo.weighted(spec.homes)
    if plan.decline == "age":
        if spec.max_age is not None:
            age = spec.max_age + rng.randint(1, 4)
        else:
            age = max(0, spec.min_age - rng.randint(1, 4))
    elif plan.decline == "area":
        outside = [la for la in _LONDON_AUTHORITIES if la not in spec.local_authorities]
        home = rng.choice(outside)
    return age, home


def _needs_and_circumstances(demo: Demo, spec, age):
    rng = demo.rng
    circumstances = [rng.choice(spec.circumstances)]
    if demo.chance(0.3):
        circumstances.append(rng.choice(spec.circumstances))
    if age >= 18 and demo.chance(0.1):
        circumstances.append(C.SOCIAL_ISOLATION)
    needs = rng.sample(spec.needs, k=min(len(spec.needs), rng.randint(2, 3)))
    return [str(n) for n in needs], sorted({str(c) for c in circumstances})


def _isolation(demo: Demo, age, circumstances, in_care_home):
    """(lives_alone, no_regular_social_contact, no_other_support); None where not known."""
    if age < 18 or in_care_home:
        return False, False, demo.chance(0.2)
    known = [demo.chance(0.92) for _ in range(3)]
    isolated = C.SOCIAL_ISOLATION in circumstances
    lives_alone = demo.chance(0.45 if age >= 65 else 0.25)
    no_contact = demo.chance(0.55 if isolated else 0.15)
    no_support = demo.chance(0.3)
    return tuple(
        value if k else None
        for value, k in zip((lives_alone, no_contact, no_support), known, strict=True)
    )


# ----------------------------------------------------------------------------------------
# When each step happened


def _triage_days(demo, urgency):
    return demo.rng.randint(*{Urgency.URGENT: (1, 3), Urgency.SOON: (2, 7)}.get(urgency, (3, 14)))


def _wait_days(demo, spec, urgency):
    low, high = {Urgency.URGENT: (0.2, 0.6), Urgency.SOON: (0.4, 1.0)}.get(urgency, (0.5, 1.8))
    return max(3, round(spec.target_wait_weeks * 7 * demo.rng.uniform(low, high)))


def journey_days(demo: Demo, plan: Plan, spec, urgency):
    """The steps after 'received' as [(status, days since the step before)], and the days
    the referral has stayed at its last step since."""
    rng, S = demo.rng, Status
    target = plan.status
    steps = []
    if target in (S.RECEIVED, S.WAITING) and demo.chance(0.2):
        # More information was asked for and came back first.
        steps += [(S.INFO_REQUESTED, _triage_days(demo, urgency)), (S.RECEIVED, rng.randint(3, 15))]
    if target == S.RECEIVED:
        return steps, rng.randint(0, 10)
    if target == S.INFO_REQUESTED:
        return [(S.INFO_REQUESTED, _triage_days(demo, urgency))], rng.randint(1, 40)
    if target == S.DECLINED:
        return [(S.DECLINED, _triage_days(demo, urgency))], rng.randint(0, 400)
    withdraw_from = None
    if target == S.WITHDRAWN:
        withdraw_from = demo.weighted({S.RECEIVED: 3, S.WAITING: 4, S.OFFERED: 1.5, S.ACTIVE: 1.5})
        if withdraw_from == S.RECEIVED:
            return [(S.WITHDRAWN, rng.randint(2, 20))], rng.randint(0, 300)
    if target == S.SIGNPOSTED and demo.chance(0.6):
        return [(S.SIGNPOSTED, _triage_days(demo, urgency))], rng.randint(0, 300)

    steps.append((S.WAITING, _triage_days(demo, urgency)))
    if target == S.WAITING:
        return steps, round(_wait_days(demo, spec, urgency) * rng.uniform(0.05, 1.2))
    if target == S.SIGNPOSTED:
        return steps + [(S.SIGNPOSTED, rng.randint(20, 150))], rng.randint(0, 300)
    if withdraw_from == S.WAITING:
        return steps + [(S.WITHDRAWN, rng.randint(20, 200))], rng.randint(0, 300)

    steps.append((S.OFFERED, _wait_days(demo, spec, urgency)))
    if demo.chance(0.12):  # the first offer did not suit; the place on the list is kept
        steps += [(S.WAITING, rng.randint(3, 10)), (S.OFFERED, rng.randint(7, 45))]
    if target == S.OFFERED:
        return steps, rng.randint(0, 10)
    if withdraw_from == S.OFFERED:
        return steps + [(S.WITHDRAWN, rng.randint(3, 14))], rng.randint(0, 300)

    block_days = spec.block_sessions * 7
    steps.append((S.ACTIVE, rng.randint(5, 21)))
    if target == S.ACTIVE:
        return steps, rng.randint(0, block_days - 1)
    if withdraw_from == S.ACTIVE:
        return steps + [(S.WITHDRAWN, rng.randint(14, block_days))], rng.randint(0, 300)
    return steps + [(S.COMPLETED, block_days + rng.randint(0, 28))], rng.randint(0, 300)


def journey_times(demo: Demo, steps, dwell, *, last_day):
    """Turn day gaps into moments: (received_at, [(status, at)]), all on or before last_day.

    Returns None when the journey would have started more than 18 months ago.
    """
    gaps = [days for _, days in steps]
    if sum(gaps) > HISTORY_DAYS - 7:
        scale = (HISTORY_DAYS - 7) / sum(gaps)
        gaps = [max(1, int(days * scale)) for days in gaps]
    dwell = min(dwell, HISTORY_DAYS - sum(gaps))
    received_day = last_day - timedelta(days=sum(gaps) + dwell)
    if received_day < demo.days_ago(HISTORY_DAYS):
        return None
    moments = []
    day = received_day
    for days in [0, *gaps]:
        day += timedelta(days=days)
        at = demo.office_hours(day)
        if at > demo.now:  # today, but later than now
            at = demo.now - timedelta(minutes=demo.rng.randint(1, 30))
        moments.append(at)
    return moments[0], [(status, at) for (status, _), at in zip(steps, moments[1:], strict=True)]


# ----------------------------------------------------------------------------------------
# Walking a referral through its journey


def referral_walk(demo: Demo, referral, moments, *, plan, spec, therapist):
    """Move the referral through each (status, at), as the coordinator and therapist did."""
    S, rng = Status, demo.rng
    coordinator = demo.logins["coordinator"]
    previous = S.RECEIVED
    for status, at in moments:
        if status == S.INFO_REQUESTED:
            referral_request_information(
                referral=referral, actor=coordinator, reason=rng.choice(INFO_REQUESTS), at=at
            )
        elif status == S.RECEIVED:
            referral_move(
                referral=referral,
                to=S.RECEIVED,
                actor=coordinator,
                reason="The information asked for has arrived.",
                at=at,
            )
        elif status == S.WAITING and previous == S.OFFERED:
            referral_move(
                referral=referral,
                to=S.WAITING,
                actor=coordinator,
                at=at,
                reason="Could not make the day offered; keeps their place on the list.",
            )
        elif status == S.WAITING:
            referral_accept(referral=referral, actor=coordinator, at=at)
        elif status == S.DECLINED:
            reason = DECLINE_REASONS[plan.decline]
            reason = rng.choice(reason) if isinstance(reason, list) else reason
            referral_decline(referral=referral, actor=coordinator, reason=reason, at=at)
        elif status == S.SIGNPOSTED:
            reason, where = SIGNPOSTS.get(C(referral.circumstances[0]), SIGNPOST_DEFAULT)
            referral_signpost(
                referral=referral, actor=coordinator, reason=reason, signposted_to=where, at=at
            )
        elif status == S.OFFERED:
            if referral.therapist_id is None:
                # No service assigns a therapist yet (allocation will): set it directly.
                referral.therapist = therapist
                referral.save(update_fields=["therapist", "updated_at"])
            referral_move(referral=referral, to=S.OFFERED, actor=coordinator, at=at)
        elif status == S.ACTIVE:
            referral_move(
                referral=referral,
                to=S.ACTIVE,
                actor=therapist.user,
                at=at,
                reason="First session held.",
            )
        elif status == S.COMPLETED:
            referral_move(
                referral=referral,
                to=S.COMPLETED,
                actor=therapist.user,
                at=at,
                reason=f"Block of {spec.block_sessions} sessions finished; end review held.",
            )
        elif status == S.WITHDRAWN:
            actor = therapist.user if previous == S.ACTIVE else coordinator
            referral_withdraw(
                referral=referral, actor=actor, reason=rng.choice(WITHDRAWALS[previous]), at=at
            )
        previous = status
    return referral


def _reference(demo: Demo):
    """Like tutti.referrals.models.new_reference, but from the seeded random source."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    while True:
        body = "".join(demo.rng.choice(alphabet) for _ in range(8))
        reference = f"R-{body[:4]}-{body[4:]}"
        if reference not in demo.references:
            demo.references.add(reference)
            return reference


def referral_build(
    demo: Demo, *, person, plan: Plan, spec, age, home, main_contact, in_care_home, last_day
):
    """One referral for `person`, walked to `plan.status`. None if it would be too old."""
    rng = demo.rng
    urgency = demo.weighted(
        {Urgency.ROUTINE: 15, Urgency.SOON: 45, Urgency.URGENT: 40}
        if spec.code == "HOSPICE"
        else {Urgency.ROUTINE: 70, Urgency.SOON: 22, Urgency.URGENT: 8}
    )
    steps, dwell = journey_days(demo, plan, spec, urgency)
    timed = journey_times(demo, steps, dwell, last_day=last_day)
    if timed is None:
        return None
    received_at, moments = timed
    needs, circumstances = _needs_and_circumstances(demo, spec, age)
    route = route_for(demo, plan, spec, home)
    referrer, receiver = referrer_for(
        demo, plan=plan, spec=spec, route=route, person=person, home=home, main_contact=main_contact
    )
    extra = ""
    if spec.code == "CAMDEN-16-24" and home != CAMDEN and referrer.get("referrer_organisation"):
        extra = f"Registered with {referrer['referrer_organisation'].name} in Camden."
    lives_alone, no_contact, no_support = _isolation(demo, age, circumstances, in_care_home)
    undecided = plan.status in (Status.RECEIVED, Status.INFO_REQUESTED) and demo.chance(0.35)
    programme = None if undecided else demo.programmes[spec.code]
    therapist = None
    if plan.status in (Status.OFFERED, Status.ACTIVE, Status.COMPLETED, Status.WITHDRAWN):
        therapist = therapist_for(demo, spec, circumstances, key=plan.therapist)
    referral = referral_receive(
        person=person,
        actor=receiver,
        received_at=received_at,
        reference=_reference(demo),
        programme=programme,
        site=demo.sites[spec.sites[0]] if programme and spec.sites else None,
        route=route,
        reason=reason_text(demo, needs, circumstances, extra),
        needs=needs,
        circumstances=circumstances,
        urgency=urgency,
        risks=rng.choice(RISKS) if demo.chance(0.08) else "",
        lives_alone=lives_alone,
        no_regular_social_contact=no_contact,
        no_other_support=no_support,
        other_services="" if no_support else OTHER_SERVICES.get(C(circumstances[0]), ""),
        consent_to_refer=True,
        **referrer,
    )
    return referral_walk(demo, referral, moments, plan=plan, spec=spec, therapist=therapist)


def person_with_referrals(demo: Demo, plan: Plan):
    """A person who fits the plan's programme, their contacts and referrals.

    About one in eight also had an earlier referral that ended before this one arrived.
    """
    spec = SPECS_BY_CODE[plan.programme]
    age, home = _age_and_home(demo, plan, spec)
    site = demo.sites[spec.sites[0]] if spec.sites else None
    in_care_home = bool(spec.lives_at_site) and demo.chance(spec.lives_at_site)
    if in_care_home:
        home = demo.site_authorities[spec.sites[0]]
    probable = [str(code) for code in spec.circumstances]
    person = person_build(
        demo,
        actor=demo.logins["coordinator"],
        age=age,
        local_authority=home,
        circumstances=probable,
        home=site if in_care_home else None,
    )
    main_contact = contacts_build(
        demo,
        person,
        age=age,
        circumstances=probable,
        local_authority=home,
        in_care_home=in_care_home,
    )
    common = {
        "person": person,
        "spec": spec,
        "age": age,
        "home": home,
        "main_contact": main_contact,
        "in_care_home": in_care_home,
    }
    referral = referral_build(demo, plan=plan, last_day=demo.today, **common)
    referrals = [referral]
    if demo.chance(0.12) and plan.decline == "":
        earlier = Plan(
            demo.weighted({Status.COMPLETED: 6, Status.WITHDRAWN: 3, Status.SIGNPOSTED: 1}),
            spec.code,
        )
        last_day = referral.received_at.date() - timedelta(days=demo.rng.randint(14, 60))
        first = referral_build(demo, plan=earlier, last_day=last_day, **common)
        if first is not None:
            referrals.insert(0, first)
    return person, referrals
