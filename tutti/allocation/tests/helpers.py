"""Small problems written out by hand, for the allocation tests."""

from tutti.allocation import Option, Policy, Problem, Referral, Slot


def referral(rid, options, *, priority=1.0, quintile=None, waited=0):
    return Referral(
        id=rid,
        priority=priority,
        waited_days=waited,
        imd_quintile=quintile,
        options=tuple(Option(slot, value) for slot, value in options.items()),
    )


def problem(referrals, slots, *, equity=False):
    return Problem.from_records(
        referrals, [Slot(sid, cap) for sid, cap in slots.items()], Policy(equity=equity)
    )


def chosen(solution):
    return {a.referral: a.slot for a in solution.assignments}
