"""Answering an offer at /offer/: no account. The one-time link is /offer/<token>/; the
token is swapped for the browser's session on the first page, so no other URL carries
anything, and nothing personal is ever in a URL."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from tutti.core.audit import access_record
from tutti.delivery.services import offers as services
from tutti.delivery.views.offer_forms import PublicAnswerForm
from tutti.delivery.views.offers import HELPERS, offer_rows

OFFER_KEY = "offer_link"
HASH_KEY = "offer_link_hash"
ANSWER_KEY = "offer_answered"
STATUS_FOR = {
    services.LinkState.UNKNOWN: 404,
    services.LinkState.ANSWERED: 410,
    services.LinkState.EXPIRED: 410,
    services.LinkState.CLOSED: 410,
}


def _problem(request, found, status=None):
    return render(
        request,
        "delivery/offers/public/problem.jinja",
        {"state": found.state.value},
        status=status or STATUS_FOR.get(found.state, 404),
    )


def _current(request):
    """The offer this browser opened the link for, if the link still works."""
    offer_id = request.session.get(OFFER_KEY)
    if offer_id is None:
        return services.Link(services.LinkState.UNKNOWN)
    found = services.offer_link_find(offer_id=offer_id)
    if found.state == services.LinkState.READY:
        if found.offer.link_token_hash != request.session.get(HASH_KEY):
            return services.Link(services.LinkState.UNKNOWN)  # a newer link was sent
    return found


@never_cache
def open_link(request, token):
    found = services.offer_link_find(token)
    if found.state != services.LinkState.READY:
        return _problem(request, found)
    request.session.cycle_key()  # a fresh session for whoever holds the link
    request.session[OFFER_KEY] = found.offer.pk
    request.session[HASH_KEY] = found.offer.link_token_hash
    request.session.pop(ANSWER_KEY, None)
    return redirect("offer:answer")


@never_cache
def answer(request):
    found = _current(request)
    if found.state != services.LinkState.READY:
        return _problem(request, found)
    offer = found.offer
    form = PublicAnswerForm(request.POST if request.method == "POST" else None)
    full = False
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == "yes"
        try:
            services.offer_answer_by_link(
                offer_id=offer.pk,
                link_hash=request.session.get(HASH_KEY),
                accept=accept,
                reason=form.cleaned_data.get("reason", ""),
            )
        except services.LinkNotReady as stopped:
            return _problem(request, stopped.found)
        except ValidationError as error:
            if "reason" in getattr(error, "message_dict", {}):
                form.add_error("reason", error.message_dict["reason"])
            else:
                # The place went before the answer came (a group filled up): say so plainly;
                # the offer stays open for the coordinator to sort out.
                full = True
        else:
            request.session[ANSWER_KEY] = "yes" if accept else "no"
            return redirect("offer:answered")
    if request.method == "GET":
        access_record(request=request, obj=offer, person_id=offer.referral.person_id)
    person = offer.referral.person
    return render(
        request,
        "delivery/offers/public/answer.jinja",
        {
            **HELPERS,
            "form": form,
            "offer": offer,
            "name": person.preferred_name or person.given_name,
            "rows": offer_rows(offer, for_person=True),
            "full": full,
        },
        status=409 if full else 200,
    )


@never_cache
def answered(request):
    said = request.session.get(ANSWER_KEY)
    if said not in ("yes", "no"):
        return _problem(request, services.Link(services.LinkState.UNKNOWN))
    return render(request, "delivery/offers/public/answered.jinja", {"said": said})
