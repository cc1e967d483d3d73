"""Which referrals each user may see. Every page, API and rule reads through here."""

from django.db.models import Q

from tutti.accounts.roles import Role
from tutti.referrals.models import Referral, Status

CASELOAD_STATUSES = [Status.OFFERED, Status.ACTIVE]


def caseload_q(user, prefix=""):
    """Referrals on this therapist's caseload, or on the caseloads of those they supervise:
    the referral's therapist, and (with delivery) the therapists of its episode of care and
    of the group it is offered a place in or belongs to."""
    q = Q(pk__in=[])
    if user.has_role(Role.THERAPIST, Role.SUPERVISOR):
        q |= Q(**{f"{prefix}therapist__user": user})
        q |= _delivery_q(user, prefix, "user")
    if user.has_role(Role.SUPERVISOR):
        q |= Q(**{f"{prefix}therapist__supervisor__user": user})
        q |= _delivery_q(user, prefix, "supervisor__user")
    return q & Q(**{f"{prefix}status__in": CASELOAD_STATUSES})


def _delivery_q(user, prefix, path):
    from django.apps import apps

    if not apps.is_installed("tutti.delivery"):
        return Q(pk__in=[])
    from tutti.delivery.models import Episode, Offer

    episodes = Episode.objects.filter(
        Q(**{f"therapists__{path}": user}) | Q(**{f"group__therapists__{path}": user}),
        status=Episode.Status.ACTIVE,
    ).values("referral_id")
    group_offers = Offer.objects.filter(
        status=Offer.Status.PENDING, **{f"group__therapists__{path}": user}
    ).values("referral_id")
    return Q(**{f"{prefix}pk__in": episodes}) | Q(**{f"{prefix}pk__in": group_offers})


def referral_scope_q(user):
    if not user.is_authenticated or not user.is_active:
        return None
    if user.has_role(Role.ADMINISTRATOR, Role.COORDINATOR):
        return Q()
    q = caseload_q(user)
    if user.has_role(Role.PARTNER) and user.organisation_id:
        q |= Q(referrer_organisation_id=user.organisation_id)
        q |= Q(site__organisation_id=user.organisation_id)
    if user.has_role(Role.REFERRER):
        q |= Q(referred_by=user)
    return q


def referrals_visible_to(user):
    q = referral_scope_q(user)
    if q is None:
        return Referral.objects.none()
    return Referral.objects.filter(q).distinct()


def referral_for_user(user, reference):
    """The referral if this user may see it, else None (the view answers 404)."""
    return (
        referrals_visible_to(user)
        .select_related("person", "programme", "site", "referrer_organisation", "therapist__user")
        .filter(reference=reference)
        .first()
    )


def referrer_organisation_for(*, ods_code=None, name="", route="", token=None):
    """The organisation a referral came from, if we know it: the token's own, or one on
    record with that ODS code. Unknown organisations are kept as typed, not created."""
    from tutti.organisations.models import Organisation

    if token is not None and token.organisation_id:
        return token.organisation
    if ods_code:
        return Organisation.objects.filter(ods_code=ods_code.strip().upper()).first()
    return None
