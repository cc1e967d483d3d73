"""What each role sees first after signing in. Reads only through scoped selectors."""

from django.db.models import Count

from tutti.accounts.roles import Role
from tutti.delivery.models import ReviewTask, SessionRecord
from tutti.delivery.selectors import records_to_sign_off
from tutti.programmes.models import Programme
from tutti.referrals.models import Referral, Status
from tutti.referrals.selectors import referrals_visible_to


def suppress(count):
    """Counts under 5 are shown as '<5' to anyone outside the clinical team."""
    return "<5" if 0 < count < 5 else str(count)


def _status_counts(referrals):
    counts = dict(referrals.order_by().values_list("status").annotate(n=Count("pk")))
    return [(status.label, counts.get(status.value, 0)) for status in Status]


def for_user(user):
    context = {"role": user.role, "panels": set()}
    if user.has_role(Role.ADMINISTRATOR, Role.COORDINATOR):
        context["panels"].add("service")
        context["status_counts"] = _status_counts(Referral.objects.all())
        context["to_triage"] = Referral.objects.filter(
            status__in=[Status.RECEIVED, Status.INFO_REQUESTED]
        ).count()
    if user.has_role(Role.COORDINATOR):
        context["open_reviews"] = ReviewTask.objects.filter(status=ReviewTask.Status.OPEN).count()
    if user.has_role(Role.ADMINISTRATOR):
        context["panels"].add("administration")
    if user.has_role(Role.THERAPIST, Role.SUPERVISOR):
        context["panels"].add("caseload")
        context["caseload"] = (
            referrals_visible_to(user)
            .filter(status__in=[Status.OFFERED, Status.ACTIVE])
            .select_related("person", "programme", "therapist__user")
            .order_by("person__family_name")
        )
        therapist = getattr(user, "therapist", None)
        context["is_trainee"] = therapist is not None and therapist.is_trainee
        context["signs_off"] = user.has_role(Role.SUPERVISOR) or (
            therapist is not None and therapist.supervisees.filter(is_trainee=True).exists()
        )
        context["to_sign_off"] = records_to_sign_off(user).count()
        context["records_returned"] = SessionRecord.objects.filter(
            written_by=user, status=SessionRecord.Status.RETURNED
        ).count()
    if user.has_role(Role.PARTNER, Role.REFERRER):
        context["panels"].add("my_referrals")
        context["my_referrals"] = (
            referrals_visible_to(user)
            .select_related("person", "programme")
            .order_by("-received_at")[:25]
        )
    if user.has_role(Role.COMMISSIONER):
        context["panels"].add("funded")
        programmes = (
            Programme.objects.filter(funder_id=user.organisation_id)
            if user.organisation_id
            else Programme.objects.none()
        )
        context["funded"] = [
            {
                "programme": programme,
                "counts": [
                    (label, suppress(n))
                    for label, n in _status_counts(Referral.objects.filter(programme=programme))
                ],
            }
            for programme in programmes
        ]
    return context
