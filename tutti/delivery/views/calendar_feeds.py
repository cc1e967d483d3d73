"""A therapist's calendar feed: the page to make, replace or stop its secret address, and the
feed itself (no sign-in: the secret address is the key)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from tutti.accounts.decorators import role_required
from tutti.accounts.roles import Role
from tutti.delivery import ical
from tutti.delivery.models import CalendarFeed
from tutti.delivery.services import calendar_feeds
from tutti.workforce.selectors import own_therapist


@role_required(Role.THERAPIST, Role.SUPERVISOR)
def calendar_page(request):
    therapist = own_therapist(request.user)
    if therapist is None:
        raise Http404("You have no therapist record")
    address = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            _, token = calendar_feeds.calendar_feed_create(therapist=therapist, actor=request.user)
            # Shown on this response only: it is not stored anywhere it could be read back.
            address = request.build_absolute_uri(
                reverse("delivery:calendar_feed", kwargs={"token": token})
            )
        elif action == "revoke":
            if calendar_feeds.calendar_feed_revoke(therapist=therapist, actor=request.user):
                messages.success(request, "Your calendar address has been stopped")
            return redirect("delivery:calendar")
        else:
            return redirect("delivery:calendar")
    live = CalendarFeed.objects.filter(therapist=therapist, revoked_at__isnull=True).first()
    response = render(
        request,
        "delivery/calendar/page.jinja",
        {
            "therapist": therapist,
            "live": live,
            "address": address,
            "weeks_back": ical.WEEKS_BACK,
            "weeks_ahead": ical.WEEKS_AHEAD,
        },
    )
    if address:
        response["Cache-Control"] = "no-store"
    return response


@require_GET
def calendar_feed(request, token):
    feed = calendar_feeds.calendar_feed_for_token(token)
    if feed is None:
        raise Http404("No such calendar")
    calendar_feeds.calendar_feed_used(feed=feed)
    body = ical.therapist_calendar(
        feed.therapist,
        host=request.get_host().split(":")[0],
        absolute=request.build_absolute_uri,
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tutti-sessions.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
