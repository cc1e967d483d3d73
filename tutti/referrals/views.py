from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from tutti.accounts.roles import Role
from tutti.core.audit import access_record
from tutti.people.selectors import people_visible_to
from tutti.referrals.models import Status
from tutti.referrals.selectors import referral_for_user, referrals_visible_to

# Referrers and partner staff see the portal view: status in plain words, no team notes.
STAFF_ROLES = (Role.ADMINISTRATOR, Role.COORDINATOR, Role.THERAPIST, Role.SUPERVISOR)
STATUS_MEANING = {
    Status.RECEIVED: "We have the referral. Our team will read it within 10 working days.",
    Status.INFO_REQUESTED: "We need more information. A member of our team will contact you.",
    Status.WAITING: "Accepted. The person is on our waiting list for a place.",
    Status.DECLINED: "We cannot offer music therapy this time.",
    Status.SIGNPOSTED: "We think another service can help better.",
    Status.OFFERED: "We have offered the person a place.",
    Status.ACTIVE: "The person is having music therapy.",
    Status.COMPLETED: "The person has finished their music therapy.",
    Status.WITHDRAWN: "The referral is closed.",
}
PAGE_SIZE = 50


def _sees_portal_view(user):
    return not user.has_role(*STAFF_ROLES)


def _may_refer(user):
    return user.has_role(Role.REFERRER, Role.PARTNER, Role.COORDINATOR)


@login_required
def referral_list(request):
    referrals = (
        referrals_visible_to(request.user)
        .select_related("person", "programme")
        .order_by("-received_at", "-pk")
    )
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/referral_list.jinja",
        {
            "page": page,
            "referrals": page.object_list,
            "portal": _sees_portal_view(request.user),
            "may_refer": _may_refer(request.user),
        },
    )


def _what_the_referrer_was_told(event):
    """The decline reason and the signposting are emailed to the referrer; the rest of an
    event's notes are the team's own."""
    if event.status == Status.DECLINED:
        return f"Reason: {event.reason}" if event.reason else ""
    if event.status == Status.SIGNPOSTED:
        return f"Signposted to: {event.signposted_to}" if event.signposted_to else ""
    return ""


def _history(referral, portal):
    rows = []
    for event in referral.events.all():
        if portal:
            detail = _what_the_referrer_was_told(event)
        else:
            detail = event.reason + (f" (to {event.signposted_to})" if event.signposted_to else "")
        rows.append(
            {
                "at": event.at,
                "status": event.get_status_display(),
                "meaning": STATUS_MEANING.get(event.status, ""),
                "detail": detail,
            }
        )
    return rows


@login_required
def referral_detail(request, reference):
    referral = referral_for_user(request.user, reference)
    if referral is None:
        raise Http404("No such referral, or not yours to see")
    access_record(request=request, obj=referral, person_id=referral.person_id)
    portal = _sees_portal_view(request.user)
    can_open_person = people_visible_to(request.user).filter(pk=referral.person_id).exists()
    return render(
        request,
        "referrals/referral_detail.jinja",
        {
            "referral": referral,
            "history": _history(referral, portal),
            "meaning": STATUS_MEANING.get(referral.status, ""),
            "portal": portal,
            "can_open_person": can_open_person,
        },
    )
