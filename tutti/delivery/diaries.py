"""Diaries: a therapist's week, a site's day, a programme's week and a partner's sessions.

Reads and display only. Every diary page runs the same number of queries however many
sessions it shows: one for the sessions (their site, room, group, programme and person joined
in, attendance counts added up by the database), one for their therapists, and one to ask the
selectors which of them the viewer may see people's names in. Whoever may not see a name sees
initials ("J.S."), or for partner staff nothing but "Individual session".
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tutti.core.audit import client_ip
from tutti.core.models import AccessEvent
from tutti.delivery.models import Attendance, Episode, Session
from tutti.workforce.models import Therapist

ISO_WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
# How far the week and day pages may be moved from today: enough for any real diary.
FURTHEST = timedelta(days=366 * 10)


def _uk(day, *, year=True):
    return day.strftime("%-d %B %Y" if year else "%-d %B")


def local_start(day):
    """The aware datetime at which a local day starts (Europe/London, summer time or not)."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class Week:
    """An ISO week, Monday to Sunday, in local time."""

    monday: date

    @classmethod
    def containing(cls, day):
        return cls(day - timedelta(days=day.weekday()))

    @classmethod
    def parse(cls, value, *, today):
        """(the week asked for, "") from '2026-W48'; (this week, why not) when it is no week."""
        if not value:
            return cls.containing(today), ""
        match = ISO_WEEK.match(value)
        problem = f"“{value[:20]}” is not a week. Showing this week instead."
        if not match:
            return cls.containing(today), problem
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            return cls.containing(today), problem
        if abs(monday - today) > FURTHEST:
            return cls.containing(today), "That week is too far away. Showing this week instead."
        return cls(monday), ""

    @property
    def iso(self):
        year, week, _ = self.monday.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def sunday(self):
        return self.monday + timedelta(days=6)

    @property
    def days(self):
        return [self.monday + timedelta(days=n) for n in range(7)]

    @property
    def previous(self):
        return Week(self.monday - timedelta(days=7))

    @property
    def next(self):
        return Week(self.monday + timedelta(days=7))

    @property
    def starts_at(self):
        return local_start(self.monday)

    @property
    def ends_at(self):
        return local_start(self.monday + timedelta(days=7))

    @property
    def label(self):
        first, last = self.monday, self.sunday
        if first.year != last.year:
            return f"{_uk(first)} to {_uk(last)}"
        if first.month != last.month:
            return f"{_uk(first, year=False)} to {_uk(last)}"
        return f"{first.day} to {_uk(last)}"


def parse_day(value, *, today):
    """(the day asked for, "") from '2026-11-24'; (today, why not) when it is no date."""
    if not value:
        return today, ""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return today, f"“{value[:20]}” is not a date like 2026-11-24. Showing today instead."
    if abs(day - today) > FURTHEST:
        return today, "That day is too far away. Showing today instead."
    return day, ""


def day_label(day):
    return day.strftime("%A %-d %B %Y")


# ---------------------------------------------------------------------------------------
# Queries: a fixed number whatever the number of sessions


SESSION_COLUMNS = (
    "kind",
    "episode",
    "group",
    "title",
    "site",
    "room",
    "starts_at",
    "ends_at",
    "number",
    "status",
    "cancelled_by",
    "cancellation_reason",
    "headcount",
    "updated_at",
    "site__name",
    "room__name",
    "group__name",
    "episode__person",
    "episode__person__given_name",
    "episode__person__family_name",
)


def sessions_between(queryset, start, end, *, therapists=True):
    """Sessions starting in [start, end) with everything a diary shows, in time order (and
    their therapists, unless the page does not show them). Read it with `load`."""
    sessions = (
        queryset.filter(starts_at__gte=start, starts_at__lt=end)
        .select_related("site", "room", "group", "episode__person")
        # Only what a diary shows: a person's row has dozens of columns a diary never needs.
        .only(*SESSION_COLUMNS)
        .order_by("starts_at", "pk")
    )
    if therapists:
        therapist_names = (
            Therapist.objects.select_related("user")
            .only("user__full_name", "user__username")
            .order_by("user__full_name")
        )
        sessions = sessions.prefetch_related(
            Prefetch("therapists", queryset=therapist_names, to_attr="therapist_list")
        )
    return sessions


def load(sessions):
    """The sessions as a list, each with its attendance counted: booked_count, attended_count,
    missed_count (did not attend or cancelled late) and unmarked_count. The counts come from
    one grouped query over the attendance rows, rather than a GROUP BY over every column of
    the sessions and what is joined to them."""
    sessions = list(sessions)
    counts = {}
    if sessions:
        rows = (
            Attendance.objects.filter(session__in=[s.pk for s in sessions])
            .order_by()
            .values_list("session_id", "status")
            .annotate(n=Count("pk"))
        )
        for session_id, status, n in rows:
            counts.setdefault(session_id, {})[status] = n
    for session in sessions:
        by_status = counts.get(session.pk, {})
        session.booked_count = sum(by_status.values())
        session.attended_count = by_status.get(Attendance.Status.ATTENDED, 0)
        session.missed_count = sum(by_status.get(s, 0) for s in Attendance.NON_ATTENDANCE)
        session.unmarked_count = by_status.get(Attendance.Status.EXPECTED, 0)
    return sessions


def therapist_week(therapist, week):
    """The therapist's own sessions: their colleagues on a session are not shown here."""
    return sessions_between(
        Session.objects.filter(therapists=therapist), *_range(week), therapists=False
    )


def site_day(site, day):
    return sessions_between(
        Session.objects.filter(site=site), local_start(day), local_start(day + timedelta(days=1))
    )


def _range(week):
    return week.starts_at, week.ends_at


# ---------------------------------------------------------------------------------------
# Presenting one session


def initials(person):
    parts = [person.given_name, person.family_name]
    return "".join(f"{part.strip()[0].upper()}." for part in parts if part and part.strip())


# A session's own page: its detail page once there is one, else its attendance register.
SESSION_PAGES = ("delivery:session", "delivery:attendance")


def session_page_name():
    for name in SESSION_PAGES:
        try:
            reverse(name, kwargs={"pk": 1})
        except NoReverseMatch:
            continue
        return name
    return None


def session_url(session, name=None):
    name = name or session_page_name()
    return reverse(name, kwargs={"pk": session.pk}) if name else None


@dataclass
class Entry:
    """One session as a diary row."""

    session: Session
    title: str
    names_person: bool
    url: str | None

    @cached_property
    def time_label(self):
        start = timezone.localtime(self.session.starts_at)
        end = timezone.localtime(self.session.ends_at)
        return f"{start:%H:%M} to {end:%H:%M}"

    @cached_property
    def day(self):
        return timezone.localtime(self.session.starts_at).date()

    @cached_property
    def site_label(self):
        return self.session.site.name if self.session.site_id else "Online"

    @cached_property
    def room_label(self):
        return self.session.room.name if self.session.room_id else ""

    @cached_property
    def where(self):
        return ", ".join(part for part in (self.site_label, self.room_label) if part)

    @cached_property
    def kind(self):
        return self.session.get_kind_display()

    @cached_property
    def cancelled(self):
        return self.session.is_cancelled

    @cached_property
    def status(self):
        session = self.session
        if not session.is_cancelled:
            return "Booked"
        who = session.get_cancelled_by_display()
        return f"Cancelled by {who[0].lower()}{who[1:]}" if who else "Cancelled"

    @cached_property
    def therapist_names(self):
        return [str(t) for t in self.session.therapist_list]

    @cached_property
    def attendance(self):
        """'4 of 6 attended' once a session has been held; a headcount for community events."""
        session = self.session
        if session.is_cancelled or session.starts_at > timezone.now():
            return ""
        if session.kind == Session.Kind.COMMUNITY:
            return f"{session.headcount} took part" if session.headcount is not None else ""
        if not session.booked_count:
            return ""
        if session.unmarked_count == session.booked_count:
            return "Not marked yet"
        return f"{session.attended_count} of {session.booked_count} attended"


def _title(session, may_name, *, hidden_individual):
    if session.kind == Session.Kind.GROUP:
        return session.group.name, False
    if session.kind == Session.Kind.COMMUNITY:
        return session.title or "Community event", False
    person = session.episode.person
    if may_name(session):
        return person.full_name, True
    return (hidden_individual or initials(person)), False


def entries(sessions, *, may_name, hidden_individual=""):
    """Diary rows. `may_name(session)` says whether the viewer may see the person's name;
    otherwise they see initials, or `hidden_individual` when even initials are too much."""
    rows = []
    page = session_page_name()
    for session in sessions:
        title, named = _title(session, may_name, hidden_individual=hidden_individual)
        url = session_url(session, page) if page else None
        rows.append(Entry(session=session, title=title, names_person=named, url=url))
    return rows


def by_day(rows, days):
    """[(day, [entries that day])] for each of `days`, empty days included."""
    grouped = {day: [] for day in days}
    for row in rows:
        grouped.setdefault(row.day, []).append(row)
    return [(day, grouped[day]) for day in days]


def everyone_named(session):
    """A may_name function for a therapist's own diary: every session in it is one of their
    own, which the selectors let them see in full (sessions_visible_to)."""
    return True


def names_visible(queryset, sessions):
    """A may_name function: True for the sessions (of those listed) that `queryset` holds."""
    if not queryset.query.has_filters():
        return everyone_named  # the selector lets this user see every session: no need to ask
    ids = [s.pk for s in sessions]
    found = queryset.filter(pk__in=ids).order_by().values_list("pk", flat=True)
    allowed = set(found) if ids else set()
    return lambda session: session.pk in allowed


def episodes_named(queryset, sessions):
    """A may_name function: True when the session's episode is one `queryset` holds."""
    ids = {s.episode_id for s in sessions if s.episode_id}
    found = queryset.filter(pk__in=ids).order_by().values_list("pk", flat=True)
    allowed = set(found) if ids else set()
    return lambda session: session.episode_id in allowed


def record_names_shown(request, rows):
    """One access event per person named on the page, written in one insert, so that each
    person's audit trail shows who saw their session in a diary."""
    user = request.user
    content_type = ContentType.objects.get_for_model(Episode)
    seen = {}
    for row in rows:
        if row.names_person:
            seen[row.session.episode_id] = row.session.episode.person_id
    AccessEvent.objects.bulk_create(
        [
            AccessEvent(
                actor=user,
                actor_label=user.get_username(),
                content_type=content_type,
                object_id=str(episode_id),
                person_id=person_id,
                path=request.path[:300],
                remote_addr=client_ip(request),
            )
            for episode_id, person_id in seen.items()
        ]
    )
