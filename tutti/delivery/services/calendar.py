"""Which days sessions can be held: public holidays for a site's nation and closure dates.

Public holidays come from the maintained `holidays` library (England and Wales share most,
Scotland and Northern Ireland have their own); closure dates are the service's own, for one
site or for every site.
"""

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.db.models import Q
from django.utils import timezone

from tutti.delivery.models import ClosureDate
from tutti.organisations.models import Site

SUBDIVISION = {
    Site.Nation.ENGLAND: "ENG",
    Site.Nation.WALES: "WLS",
    Site.Nation.SCOTLAND: "SCT",
    Site.Nation.NORTHERN_IRELAND: "NIR",
}

# However many weeks are closed, a weekly plan stops looking this far ahead.
MAX_WEEKS_AHEAD = 104


@lru_cache(maxsize=64)
def _public_holidays(subdivision: str, year: int) -> dict[date, str]:
    return dict(holidays.country_holidays("GB", subdiv=subdivision, years=year).items())


def public_holiday(site, day: date) -> str:
    """The holiday's name if `day` is a public holiday where the site is, else ""."""
    nation = site.nation if site is not None else Site.Nation.ENGLAND
    return _public_holidays(SUBDIVISION.get(nation, "ENG"), day.year).get(day, "")


def closures_between(site, first: date, last: date) -> dict[date, str]:
    """Closure dates (for this site, or for every site) from `first` to `last`."""
    site_q = Q(site__isnull=True)
    if site is not None:
        site_q |= Q(site=site)
    rows = ClosureDate.objects.filter(site_q, date__gte=first, date__lte=last)
    return {row.date: row.reason for row in rows.order_by("date", "site")}


class ClosedDays:
    """Answers "is the site open on this day, and if not why" for a run of weeks, reading
    the closure dates once."""

    def __init__(self, site, first: date, last: date):
        self.site = site
        self.closures = closures_between(site, first, last)

    def reason(self, day: date) -> str:
        holiday = public_holiday(self.site, day)
        if holiday:
            return f"{holiday} (public holiday)"
        closure = self.closures.get(day)
        if closure:
            return f"closed: {closure}"
        return ""


def weekly_dates(*, site, first: date, count: int, not_before=None):
    """Up to `count` dates a week apart from `first`, skipping closed days and days before
    `not_before`. Returns (dates, skipped) where skipped lists (day, reason)."""
    last = first + timedelta(weeks=count + MAX_WEEKS_AHEAD)
    closed = ClosedDays(site, first, last)
    dates, skipped = [], []
    day = first
    while len(dates) < count and day <= last:
        reason = closed.reason(day)
        if not_before is not None and day < not_before:
            pass  # already gone: neither a session nor a skipped week worth telling
        elif reason:
            skipped.append((day, reason))
        else:
            dates.append(day)
        day += timedelta(weeks=1)
    return dates, skipped


def next_weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def aware(day: date, at: time) -> datetime:
    """A local time on a day, as an aware datetime (Europe/London, summer time included)."""
    return timezone.make_aware(datetime.combine(day, at))


def when_text(starts_at, ends_at, site=None) -> str:
    """'from 10:00 to 10:45 on Tuesday 3 March at Camden Centre' (the year when not this
    year's)."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    day = f"{start:%A} {start.day} {start:%B}"
    if start.year != timezone.localdate().year:
        day += f" {start.year}"
    where = f" at {site}" if site is not None else " online"
    return f"from {start:%H:%M} to {end:%H:%M} on {day}{where}"


def day_text(day: date) -> str:
    text = f"{day:%A} {day.day} {day:%B}"
    if day.year != timezone.localdate().year:
        text += f" {day.year}"
    return text
