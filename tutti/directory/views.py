"""The public service directory at /services/: no account needed, nothing personal kept.

A search is a GET form, so a link worker can bookmark or share it; the postcode is the only
place, and it is not stored.
"""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from . import presenters, selectors
from .forms import SearchForm


def services(request):
    form = SearchForm(request.GET or None)
    origin = None
    criteria = selectors.Search()
    if form.is_bound:
        form.is_valid()
        cleaned = form.cleaned_data  # the parts that are valid still narrow the list
        origin = cleaned.get("postcode")
        criteria = selectors.Search(
            needs=(cleaned["need"],) if cleaned.get("need") else (),
            circumstances=(cleaned["circumstance"],) if cleaned.get("circumstance") else (),
            origin=origin,
        )
    results = selectors.search(selectors.listings(), criteria)
    return render(
        request,
        "directory/list.jinja",
        {
            "form": form,
            "results": results,
            "origin": origin,
            "filtered": bool(criteria.needs or criteria.circumstances),
            "p": presenters,
            "today": timezone.localdate(),
        },
    )


def service(request, code):
    listing = selectors.listing_for_code(code)
    if listing is None:
        raise Http404("No such service")
    return render(
        request,
        "directory/detail.jinja",
        {"listing": listing, "p": presenters, "today": timezone.localdate()},
    )
