import rules

from tutti.referrals.selectors import referrals_visible_to


@rules.predicate
def can_see_referral(user, referral):
    if referral is None:
        return False
    return referrals_visible_to(user).filter(pk=referral.pk).exists()


rules.add_perm("referrals.view_referral_record", can_see_referral)
