"""The iCal feed of a therapist's sessions (RFC 5545, built with the `icalendar` library).

A feed is read by calendar programs and phones, synchronised to other companies' servers and
shown on lock screens, so it carries as little as the therapist needs to find their day:

- an individual session is "Music therapy: J.S." (the person's initials, never their name);
- a group session is the group's name. Coordinators name groups after the day, place or
  activity ("Tuesday songwriters"), not after people, so it names nobody;
- a community event is its title ("Spring concert");
- the site's name and room; a link back to Tutti, which asks for sign-in.

Never notes, cancellation reasons (free text that may name someone), NHS numbers or contact
details. A cancelled session stays in the feed as STATUS:CANCELLED, so calendars remove it.
Each event's UID is the session's id, so a calendar updates the same event when it moves.
"""

from datetime import UTC, timedelta

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vDuration

from tutti.delivery.diaries import Week, initials, session_page_name, session_url
from tutti.delivery.models import Session

WEEKS_BACK = 8
WEEKS_AHEAD = 26


def feed_sessions(therapist, *, now=None):
    """The therapist's sessions from WEEKS_BACK weeks ago to WEEKS_AHEAD weeks ahead."""
    now = now or timezone.now()
    return (
        Session.objects.filter(
            therapists=therapist,
            starts_at__gte=now - timedelta(weeks=WEEKS_BACK),
            starts_at__lt=now + timedelta(weeks=WEEKS_AHEAD),
        )
        .select_related("site", "room", "group", "episode__person")
        .order_by("starts_at", "pk")
    )


def summary(session):
    if session.kind == Session.Kind.GROUP:
        text = session.group.name
    elif session.kind == Session.Kind.COMMUNITY:
        text = session.title or "Community event"
    else:
        text = f"Music therapy: {initials(session.episode.person)}"
    return f"Cancelled: {text}" if session.is_cancelled else text


def location(session):
    if not session.site_id:
        return "Online"
    room = session.room.name if session.room_id else ""
    return ", ".join(part for part in (session.site.name, room) if part)


def therapist_calendar(therapist, *, host, absolute, now=None) -> bytes:
    """The feed as bytes. `host` makes the UIDs unique to this service; `absolute(path)` turns
    a path into a full address for each event's link."""
    now = now or timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Tutti//Session diary//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Tutti sessions")
    calendar.add(
        "refresh-interval", vDuration(timedelta(hours=1)), parameters={"VALUE": "DURATION"}
    )
    calendar.add("x-published-ttl", "PT1H")
    diary = reverse("delivery:diary")
    page = session_page_name()
    for session in feed_sessions(therapist, now=now):
        event = Event()
        event.add("uid", f"session-{session.pk}@{host}")
        event.add("dtstamp", now)
        event.add("last-modified", session.updated_at)
        event.add("dtstart", session.starts_at.astimezone(UTC))
        event.add("dtend", session.ends_at.astimezone(UTC))
        event.add("summary", summary(session))
        event.add("location", location(session))
        event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
        if page:
            link = session_url(session, page)
        else:
            week = Week.containing(timezone.localtime(session.starts_at).date())
            link = f"{diary}?week={week.iso}"
        event.add("url", absolute(link))
        calendar.add_component(event)
    return calendar.to_ical()
