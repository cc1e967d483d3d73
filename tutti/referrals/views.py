from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from tutti.core.audit import access_record
from tutti.people.selectors import people_visible_to
from tutti.referrals.selectors import referral_for_user, referrals_visible_to


@login_required
def referral_list(request):
    referrals = (
        referrals_visible_to(request.user)
        .select_related("person", "programme")
        .order_by("-received_at")[:200]
    )
    return render(request, "referrals/referral_list.jinja", {"referrals": referrals})


@login_required
def referral_detail(request, reference):
    referral = referral_for_user(request.user, reference)
    if referral is None:
        raise Http404("No such referral, or not yours to see")
    access_record(request=request, obj=referral, person_id=referral.person_id)
    can_open_person = people_visible_to(request.user).filter(pk=referral.person_id).exists()
    return render(
        request,
        "referrals/referral_detail.jinja",
        {
            "referral": referral,
            "events": referral.events.select_related("actor"),
            "can_open_person": can_open_person,
        },
    )
