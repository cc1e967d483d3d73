"""Diaries: a therapist's week, a site's day, a programme at a glance; who may open which,
what names they see, and that each page's query count does not grow with the diary."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.core.models import AccessEvent
from tutti.delivery.diaries import Week, parse_day
from tutti.delivery.models import Attendance, Session
from tutti.delivery.tests.factories import (
    AttendanceFactory,
    EpisodeFactory,
    GroupFactory,
    GroupMembershipFactory,
    RoomFactory,
    SessionFactory,
    at,
)
from tutti.organisations.tests.factories import SiteFactory
from tutti.programmes.tests.factories import ProgrammeFactory
from tutti.workforce.tests.factories import TherapistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def week(today):
    return Week.containing(today)


def individual(therapist, day, hour=10, *, site=None, room=None, **person):
    episode = EpisodeFactory(
        therapists=[therapist], **{f"referral__person__{k}": v for k, v in person.items()}
    )
    return SessionFactory(
        episode=episode,
        site=site or (room.site if room else SiteFactory()),
        room=room,
        starts_at=at(day, hour),
        ends_at=at(day, hour, 45),
    )


def group_session(therapist, day, hour=16, *, site=None, name="Tuesday songwriters"):
    group = GroupFactory(therapists=[therapist], name=name, site=site or SiteFactory())
    return SessionFactory(
        kind=Session.Kind.GROUP,
        episode=None,
        group=group,
        programme=group.programme,
        site=group.site,
        starts_at=at(day, hour),
        ends_at=at(day, hour + 1),
    )


def diary_url(week=None, therapist=None):
    if therapist is None:
        url = reverse("delivery:diary")
    else:
        url = reverse("delivery:therapist_diary", kwargs={"pk": therapist.pk})
    return f"{url}?week={week.iso}" if week else url


# ---------------------------------------------------------------------------------------
# Weeks and days in the address


def test_an_iso_week_in_the_address_is_that_monday_to_sunday():
    week, problem = Week.parse("2026-W48", today=date(2026, 1, 5))
    assert problem == ""
    assert (week.monday, week.sunday) == (date(2026, 11, 23), date(2026, 11, 29))
    assert week.label == "23 to 29 November 2026"
    assert week.previous.iso == "2026-W47" and week.next.iso == "2026-W49"
    assert Week(date(2026, 11, 30)).label == "30 November to 6 December 2026"
    # ISO 2026 has 53 weeks: its last runs into 2027, and the next is 2027's first.
    last = Week.parse("2026-W53", today=date(2026, 1, 5))[0]
    assert last.label == "28 December 2026 to 3 January 2027"
    assert last.next.iso == "2027-W01"


@pytest.mark.parametrize("value", ["2026-W54", "next week", "2026-11-23", "1900-W01", "W"])
def test_a_week_that_is_not_one_falls_back_to_this_week_and_says_so(value):
    today = date(2026, 11, 25)
    week, problem = Week.parse(value, today=today)
    assert week.monday == date(2026, 11, 23)
    assert "Showing this week instead" in problem


def test_a_day_that_is_not_one_falls_back_to_today():
    today = date(2026, 11, 25)
    assert parse_day("2026-12-01", today=today) == (date(2026, 12, 1), "")
    day, problem = parse_day("31/12/2026", today=today)
    assert day == today and "not a date like 2026-11-24" in problem


def test_the_week_follows_local_time_across_the_change_from_summer_time():
    """Clocks go back on Sunday 25 October 2026: a late Sunday session is still that week."""
    me = TherapistFactory()
    week = Week(date(2026, 10, 19))
    late_sunday = individual(me, date(2026, 10, 25), 23, given_name="Orla")
    next_monday = individual(me, date(2026, 10, 26), 0, given_name="Piet")
    assert list(
        Session.objects.filter(
            therapists=me, starts_at__gte=week.starts_at, starts_at__lt=week.ends_at
        )
    ) == [late_sunday]
    assert week.ends_at == next_monday.starts_at


# ---------------------------------------------------------------------------------------
# A therapist's week


def test_a_therapist_sees_their_week_across_every_site_with_their_clients_names(client, week):
    me = TherapistFactory()
    camden, hackney = SiteFactory(name="Camden Centre"), SiteFactory(name="Hackney School")
    room = RoomFactory(site=camden, name="Blue room")
    monday, wednesday = week.days[0], week.days[2]
    individual(me, monday, 10, room=room, given_name="Ada", family_name="Lovelace")
    group_session(me, wednesday, 16, site=hackney, name="Wednesday band")
    cancelled = individual(me, wednesday, 9, site=hackney, given_name="Bea", family_name="Ng")
    Session.objects.filter(pk=cancelled.pk).update(
        status=Session.Status.CANCELLED,
        cancelled_by=Session.CancelledBy.SERVICE,
        cancellation_reason="Therapist unwell",
    )
    someone_else = TherapistFactory()
    individual(someone_else, monday, 11, given_name="Cal", family_name="Otherclient")
    individual(me, week.next.days[0], 10, given_name="Dee", family_name="Nextweek")

    client.force_login(me.user)
    response = client.get(diary_url(week))
    page = response.content.decode()
    assert response.status_code == 200
    assert f"Week of {week.label}" in page
    assert "Ada Lovelace" in page and "Camden Centre, Blue room" in page
    assert "Wednesday band" in page and "Hackney School" in page
    assert "Bea Ng" in page
    assert "Cancelled by the service: Therapist unwell" in page
    assert 'class="nhsuk-table__row tutti-diary-entry tutti-cancelled"' in page
    assert "Otherclient" not in page and "Nextweek" not in page
    assert "2 sessions booked, 1 cancelled" in page
    # Plain links to the weeks either side, for anyone without JavaScript.
    assert f'href="/delivery/diary/?week={week.previous.iso}"' in page
    assert f'href="/delivery/diary/?week={week.next.iso}"' in page
    assert f'hx-get="/delivery/diary/?week={week.next.iso}"' in page

    later = client.get(diary_url(week.next)).content.decode()
    assert "Dee Nextweek" in later and "Ada Lovelace" not in later


def test_every_day_of_the_week_is_listed_even_without_sessions(client, week):
    me = TherapistFactory()
    client.force_login(me.user)
    page = client.get(diary_url(week)).content.decode()
    for day in week.days:
        assert day.strftime("%A %-d %B %Y") in page
    assert page.count("No sessions.") == 7
    assert "0 sessions booked" in page


def test_htmx_gets_only_the_diary_and_an_announcement_of_the_week(client, week):
    me = TherapistFactory()
    individual(me, week.days[1], given_name="Ada", family_name="Lovelace")
    client.force_login(me.user)
    response = client.get(diary_url(week), HTTP_HX_REQUEST="true")
    part = response.content.decode()
    assert "<html" not in part and "nhsuk-header" not in part
    assert part.count('id="diary"') == 1 and 'hx-history="false"' in part
    assert 'hx-swap-oob="innerHTML"' in part and f"Showing the week of {week.label}" in part
    assert f"<title>Your diary, week of {week.label}" in part
    assert "Ada Lovelace" in part
    assert "HX-Request" in response["Vary"]
    # Going back in the browser's history asks for the whole page again.
    whole = client.get(
        diary_url(week), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    ).content.decode()
    assert "<html" in whole


def test_a_bad_week_in_the_address_shows_this_week_with_a_message(client, today):
    me = TherapistFactory()
    client.force_login(me.user)
    page = client.get(reverse("delivery:diary") + "?week=2026-W99").content.decode()
    assert "is not a week. Showing this week instead." in page
    assert f"Week of {Week.containing(today).label}" in page


def test_who_may_open_a_therapists_diary(client, week):
    supervisor_user = UserFactory(roles=[Role.SUPERVISOR, Role.THERAPIST])
    lead = TherapistFactory(user=supervisor_user)
    trainee = TherapistFactory(is_trainee=True, supervisor=lead)
    individual(trainee, week.days[0], given_name="Ada", family_name="Lovelace")
    url = diary_url(week, trainee)

    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    assert "Ada Lovelace" in client.get(url).content.decode()
    client.force_login(supervisor_user)
    assert "Ada Lovelace" in client.get(url).content.decode()
    client.force_login(trainee.user)
    assert client.get(url).status_code == 200
    client.force_login(TherapistFactory().user)
    assert client.get(url).status_code == 404  # another therapist's: not theirs to see
    other_lead = TherapistFactory(user=UserFactory(roles=[Role.SUPERVISOR, Role.THERAPIST]))
    client.force_login(other_lead.user)
    assert client.get(url).status_code == 404  # a lead, but not this trainee's
    for role in (Role.PARTNER, Role.REFERRER, Role.COMMISSIONER):
        client.force_login(UserFactory(roles=[role]))
        assert client.get(url).status_code == 403
        assert client.get(reverse("delivery:diary")).status_code == 403


def test_someone_without_a_therapist_record_has_no_diary_of_their_own(client):
    client.force_login(UserFactory(roles=[Role.THERAPIST]))
    assert client.get(reverse("delivery:diary")).status_code == 404


def test_names_shown_in_a_diary_go_in_each_persons_audit_trail(client, week):
    me = TherapistFactory()
    first = individual(me, week.days[0], given_name="Ada", family_name="Lovelace")
    individual(me, week.days[1], given_name="Bea", family_name="Ng")
    group_session(me, week.days[2])
    client.force_login(me.user)
    client.get(diary_url(week))
    events = AccessEvent.objects.filter(actor=me.user)
    assert events.count() == 2  # one per person named; a group names nobody
    event = events.get(person_id=first.episode.person_id)
    assert event.object_id == str(first.episode_id)
    assert event.path == "/delivery/diary/"


def test_held_sessions_show_their_attendance(client, today):
    me = TherapistFactory()
    last_week = Week.containing(today).previous
    held = group_session(me, last_week.days[1])
    for status in ("attended", "attended", "dna"):
        membership = GroupMembershipFactory(group=held.group)
        AttendanceFactory(session=held, episode=membership.episode, status=status)
    unmarked = individual(me, last_week.days[2], given_name="Ada")
    AttendanceFactory(session=unmarked, episode=unmarked.episode)
    client.force_login(me.user)
    page = client.get(diary_url(last_week)).content.decode()
    assert "2 of 3 attended" in page
    assert "Not marked yet" in page


# ---------------------------------------------------------------------------------------
# The number of queries does not grow with the diary


def _week_of(therapist, week, count):
    """`count` sessions spread over the week: individual, group, community, cancelled, two
    therapists, with and without rooms, with attendance."""
    site = SiteFactory()
    room = RoomFactory(site=site)
    colleague = TherapistFactory()
    for n in range(count):
        day, hour = week.days[n % 7], 8 + n // 7
        kind = n % 4
        if kind == 0:
            session = individual(therapist, day, hour, room=room)
            AttendanceFactory(session=session, status="attended")
        elif kind == 1:
            session = group_session(therapist, day, hour, site=site, name=f"Group {n}")
            session.therapists.add(colleague)
        elif kind == 2:
            session = SessionFactory(
                kind=Session.Kind.COMMUNITY,
                episode=None,
                title=f"Concert {n}",
                site=site,
                starts_at=at(day, hour),
                ends_at=at(day, hour, 50),
                therapists=[therapist, colleague],
            )
        else:
            session = individual(therapist, day, hour)
            Session.objects.filter(pk=session.pk).update(
                status=Session.Status.CANCELLED, cancellation_reason="Closed"
            )


def _queries(client, url):
    client.get(url)  # warm caches that live for the whole process (content types)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries), response


def test_a_therapists_week_runs_the_same_queries_for_2_sessions_as_for_40(client, week):
    small, large = TherapistFactory(), TherapistFactory()
    _week_of(small, week, 2)
    _week_of(large, week, 40)
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    few, response = _queries(client, diary_url(week, small))
    assert response.content.decode().count("tutti-diary-table") >= 1
    many, response = _queries(client, diary_url(week, large))
    assert response.content.decode().count("tutti-diary-entry") == 40
    assert few == many
    assert many <= 10, f"{many} queries for one week"
    # The same for the therapist's own view.
    client.force_login(large.user)
    own_many, _ = _queries(client, diary_url(week))
    client.force_login(small.user)
    own_few, _ = _queries(client, diary_url(week))
    assert own_few == own_many


def test_a_sites_day_runs_the_same_queries_for_2_sessions_as_for_40(client, today):
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    counts = []
    for size in (2, 40):
        site = SiteFactory()
        rooms = [RoomFactory(site=site) for _ in range(4)]
        for n in range(size):
            therapist = TherapistFactory()
            if n % 2:
                session = individual(therapist, today, 8 + n % 10, room=rooms[n % 4])
                AttendanceFactory(session=session)
            else:
                group_session(therapist, today, 8 + n % 10, site=site, name=f"Group {n}")
        url = reverse("delivery:site_day", kwargs={"pk": site.pk}) + f"?date={today}"
        count, response = _queries(client, url)
        assert response.content.decode().count("tutti-diary-entry") == size
        counts.append(count)
    assert counts[0] == counts[1]
    assert counts[1] <= 10


# ---------------------------------------------------------------------------------------
# A site's day


def test_a_coordinator_sees_a_sites_day_by_time_with_rooms(client, today):
    site = SiteFactory(name="Camden Centre")
    blue, green = RoomFactory(site=site, name="Blue room"), RoomFactory(site=site, name="Green")
    ann, ben = TherapistFactory(user__full_name="Ann Therapist"), TherapistFactory()
    individual(ann, today, 14, room=green, given_name="Ada", family_name="Lovelace")
    group_session(ben, today, 10, site=site, name="Morning choir")
    individual(ann, today + timedelta(days=1), 10, room=blue, given_name="Tom", family_name="Row")
    individual(ann, today, 11, given_name="Elsewhere", family_name="Person")

    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    url = reverse("delivery:site_day", kwargs={"pk": site.pk})
    page = client.get(url).content.decode()
    assert page.index("Morning choir") < page.index("Ada Lovelace")  # in time order
    assert "Green" in page and "No room set" in page and "Ann Therapist" in page
    assert "Tom Row" not in page and "Elsewhere" not in page
    tomorrow = client.get(f"{url}?date={today + timedelta(days=1)}").content.decode()
    assert "Tom Row" in tomorrow and "Blue room" in tomorrow
    assert f'href="{url}?date={today + timedelta(days=2)}"' in tomorrow
    bad = client.get(f"{url}?date=tomorrow").content.decode()
    assert "is not a date like 2026-11-24. Showing today instead." in bad

    client.force_login(ann.user)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    assert client.get(reverse("delivery:site_day", kwargs={"pk": 99999})).status_code == 404


# ---------------------------------------------------------------------------------------
# A programme at a glance


def test_a_coordinator_sees_a_programmes_groups_next_sessions_and_attendance(client, today, week):
    programme = ProgrammeFactory(code="CAMDEN-KIDS", name="Camden children")
    therapist = TherapistFactory()
    group = GroupFactory(
        programme=programme, name="Tuesday songwriters", capacity=6, therapists=[therapist]
    )
    members = [GroupMembershipFactory(group=group) for _ in range(3)]

    def session_of_group(when):
        return SessionFactory(
            kind=Session.Kind.GROUP,
            episode=None,
            group=group,
            programme=programme,
            site=group.site,
            starts_at=when,
            ends_at=when + timedelta(hours=1),
        )

    held = session_of_group(at(today - timedelta(days=7), 16))
    for membership, status in zip(members, ["attended", "attended", "dna"], strict=True):
        AttendanceFactory(session=held, episode=membership.episode, status=status)
    upcoming = session_of_group(at(today + timedelta(days=14), 16))
    session_of_group(at(today + timedelta(days=28), 16))
    episode = EpisodeFactory(
        programme=programme,
        therapists=[therapist],
        referral__person__given_name="Ada",
        referral__person__family_name="Lovelace",
    )
    SessionFactory(episode=episode, starts_at=at(week.days[3], 9), ends_at=at(week.days[3], 9, 45))
    other = EpisodeFactory(referral__person__family_name="Elsewhere", therapists=[therapist])
    SessionFactory(episode=other, starts_at=at(week.days[3], 11), ends_at=at(week.days[3], 11, 45))

    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    url = reverse("delivery:programme", kwargs={"code": "CAMDEN-KIDS"})
    page = client.get(f"{url}?week={week.iso}").content.decode()
    assert "Tuesday songwriters" in page
    assert "3 of 6" in page  # members
    assert timezone.localtime(upcoming.starts_at).strftime("%-d %B %Y at %H:%M") in page
    assert "2 in 1 session" in page  # attended, in the sessions held
    assert "Ada Lovelace" in page and "Elsewhere" not in page
    assert client.get(reverse("delivery:programme", kwargs={"code": "NOPE"})).status_code == 404
    client.force_login(therapist.user)
    assert client.get(url).status_code == 403


def test_the_diaries_index_lists_what_each_role_may_open(client):
    lead_user = UserFactory(roles=[Role.SUPERVISOR, Role.THERAPIST])
    lead = TherapistFactory(user=lead_user, user__full_name="Lee Lead")
    trainee = TherapistFactory(is_trainee=True, supervisor=lead, user__full_name="Tia Trainee")
    TherapistFactory(user__full_name="Ola Other")
    site = SiteFactory(name="Camden Centre")
    ProgrammeFactory(code="CAMDEN-KIDS", name="Camden children")

    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    page = client.get(reverse("delivery:diaries")).content.decode()
    assert "Tia Trainee" in page and "Ola Other" in page
    assert reverse("delivery:site_day", kwargs={"pk": site.pk}) in page
    assert reverse("delivery:programme", kwargs={"code": "CAMDEN-KIDS"}) in page

    client.force_login(lead_user)
    page = client.get(reverse("delivery:diaries")).content.decode()
    assert reverse("delivery:therapist_diary", kwargs={"pk": trainee.pk}) in page
    assert "Ola Other" not in page and "Camden Centre" not in page

    client.force_login(TherapistFactory().user)
    assert client.get(reverse("delivery:diaries")).url == reverse("delivery:diary")


def test_dashboards_link_to_the_diaries(client):
    client.force_login(TherapistFactory().user)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert reverse("delivery:diary") in page and reverse("delivery:calendar") in page
    client.force_login(UserFactory(roles=[Role.COORDINATOR]))
    assert reverse("delivery:diaries") in client.get(reverse("accounts:dashboard")).content.decode()


def test_unmarked_attendance_is_not_counted_as_missed(client, today):
    """The counts come from the database: a session not yet marked is neither."""
    me = TherapistFactory()
    last_week = Week.containing(today).previous
    held = individual(me, last_week.days[0], given_name="Ada")
    AttendanceFactory(session=held, status=Attendance.Status.EXPECTED)
    from tutti.delivery.diaries import load, therapist_week

    [row] = load(therapist_week(me, last_week))
    assert (row.booked_count, row.attended_count, row.missed_count) == (1, 0, 0)
