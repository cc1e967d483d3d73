"""Which people each user may see. A person's record is for the clinical team only:
partner staff and referrers see referrals, commissioners see aggregates."""

from django.db.models import Q

from tutti.accounts.roles import Role
from tutti.people.models import Person
from tutti.referrals.selectors import caseload_q


def people_visible_to(user):
    if not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    if user.has_role(Role.ADMINISTRATOR, Role.COORDINATOR):
        return Person.objects.all()
    if user.has_role(Role.THERAPIST, Role.SUPERVISOR):
        return Person.objects.filter(Q(pk__in=_caseload_person_ids(user)))
    return Person.objects.none()


def _caseload_person_ids(user):
    from tutti.referrals.models import Referral

    return Referral.objects.filter(caseload_q(user)).values("person_id")


def person_for_user(user, pk):
    return people_visible_to(user).filter(pk=pk).first()
