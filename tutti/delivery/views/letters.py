"""The discharge letter page, at the referral's address: /referrals/<reference>/discharge-letter/.
For the user who made the referral, and those who may open the episode (its therapists and
their supervisors, coordinators, administrators); 404 to anyone else. Every read is audited."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from tutti.core.audit import access_record
from tutti.delivery.letters import (
    discharge_letter,
    letter_episode_for,
    nhs_number_text,
    score_text,
)
from tutti.delivery.selectors import episodes_visible_to


@login_required
def discharge_letter_page(request, reference):
    episode = letter_episode_for(request.user, reference)
    if episode is None:
        raise Http404("No discharge letter for this referral, or not yours to see")
    access_record(request=request, obj=episode, person_id=episode.person_id)
    if episodes_visible_to(request.user).filter(pk=episode.pk).exists():
        back = (reverse("delivery:episode_detail", args=[episode.pk]), "Episode of care")
    else:
        back = (reverse("referrals:detail", args=[reference]), "Referral " + reference)
    return render(
        request,
        "delivery/letters/discharge.jinja",
        {
            "letter": discharge_letter(episode),
            "back": back,
            "nhs_number_text": nhs_number_text,
            "score_text": score_text,
        },
    )
