"""Benchmark: a therapist's week and a site's day, with 5 years of sessions for 200 therapists.

    python -m bench delivery

Target (issue 5): with 5 years of sessions for 200 therapists in the database, a therapist's
week and a site's day render in under 100 ms (median of 20) on SQLite and on PostgreSQL, with
a constant number of queries whatever the data size (that part is asserted in
tutti/delivery/tests/test_diaries.py; here the count is recorded).

Each database is measured in a child process, as in bench_referrals: SQLite in a scratch file
under var/ (deleted afterwards), PostgreSQL in a scratch database `tutti_bench_delivery` on the
server at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres), skipped
with a message when no server answers.

The generated service: 200 therapists, each with 2 sites (of 60, 3 rooms each), working
Monday to Friday, 45 weeks a year: every day 3 individual sessions of 45 minutes and one group
of an hour, so 20 sessions a week and 900,000 sessions in 5 years (4.5 years back, half a year
ahead). Individual clients come in blocks of 15 weekly sessions; a group runs for a year with
6 members. Every session has its therapist link and an attendance row per participant (held
ones marked: 85% attended, 10% did not attend, 5% cancelled late); 1 session in 20 is
cancelled. People, referrals and episodes are made with Django's bulk_create; sessions, their
therapist links and attendance rows (4 million rows in all) with executemany on SQLite and
COPY on PostgreSQL. Sizes can be lowered with BENCH_DELIVERY_THERAPISTS and
BENCH_DELIVERY_YEARS for a quick look.

Pages are fetched with Django's test client in-process (middleware, sign-in session, the view,
the Jinja2 templates): the therapist's own week (this week) and a coordinator's view of a
site's busiest day this week, 20 times each after 3 warm-up requests.
"""

import gc
import json
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from bench.scratch import on_postgres, remove_sqlite, run_child

BASE_DIR = Path(__file__).resolve().parent.parent
THERAPISTS = int(os.environ.get("BENCH_DELIVERY_THERAPISTS", 200))
YEARS = int(os.environ.get("BENCH_DELIVERY_YEARS", 5))
SITES = 60
ROOMS_PER_SITE = 3
WORKING_WEEKS = 45  # of 52: 7 weeks a year without sessions
INDIVIDUAL_BLOCK = 15  # weekly sessions per individual client
GROUP_MEMBERS = 6
REPEATS = 20
WARM_UP = 3
TARGET_MS = 100.0
PG_DATABASE = "tutti_bench_delivery"
CHUNK = 20_000

# Daily slots (local time): three individual sessions of 45 minutes, a group of an hour.
INDIVIDUAL_SLOTS = [(9, 0), (10, 30), (13, 0)]
GROUP_SLOT = (14, 30)


def run() -> dict:
    results = {
        "target_ms": TARGET_MS,
        "repeats": REPEATS,
        "load_average_at_start": os.getloadavg(),
    }
    scratch = BASE_DIR / "var" / "bench_delivery.sqlite3"
    remove_sqlite(scratch)
    try:
        results["sqlite"] = _child(f"sqlite:///{scratch}")
    finally:
        remove_sqlite(scratch)
    results["postgresql"] = _on_postgres()
    results["load_average_at_end"] = os.getloadavg()
    measured = [r for r in (results["sqlite"], results["postgresql"]) if "skipped" not in r]
    results["under_target"] = all(r["under_target"] for r in measured)
    return results


def _on_postgres():
    return on_postgres(PG_DATABASE, _child, name="delivery")


def _child(database_url):
    return run_child("bench.bench_delivery", database_url, name="delivery", echo_stderr=True)


def _log(message):
    print(f"delivery: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# In the child: generate, then measure


def _insert(connection, table, columns, rows):
    """Insert many rows fast: COPY on PostgreSQL, executemany in chunks on SQLite."""
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


class Plan:
    """Who works when and where: the shape of the generated service."""

    def __init__(self, today):
        this_monday = today - timedelta(days=today.weekday())
        weeks_total = 52 * YEARS
        ahead = 26 if YEARS >= 1 else 0
        self.first_monday = this_monday - timedelta(weeks=weeks_total - ahead)
        # Weeks with sessions: skip 7 a year (around Christmas, Easter and the summer).
        self.weeks = [
            self.first_monday + timedelta(weeks=n)
            for n in range(weeks_total)
            if (n % 52) not in {0, 14, 15, 30, 31, 32, 51}
        ]
        self.this_monday = this_monday


def generate(today):
    """Make the service and its sessions. Returns what the measuring needs."""
    from django.contrib.auth.models import Group as RoleGroup
    from django.db import connection, transaction
    from django.utils import timezone

    from tutti.accounts.models import User
    from tutti.accounts.roles import Role
    from tutti.delivery.models import Attendance, Episode, Group, GroupMembership, Room, Session
    from tutti.organisations.models import Organisation, Site
    from tutti.people.models import Person
    from tutti.programmes.models import Programme
    from tutti.referrals.models import Referral, Status
    from tutti.workforce.models import Therapist

    plan = Plan(today)
    ops = connection.ops
    now = timezone.now()
    counts = {}
    started = time.perf_counter()

    with transaction.atomic():
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Partner {n}", kind=Organisation.Kind.SCHOOL, is_partner=True)
            for n in range(20)
        )
        sites = Site.objects.bulk_create(
            Site(
                organisation=organisations[n % 20],
                name=f"Site {n}",
                address_line_1=f"{n} High Street",
                town="London",
                postcode="NW1 2DB",
                rooms=ROOMS_PER_SITE,
            )
            for n in range(SITES)
        )
        rooms = Room.objects.bulk_create(
            Room(site=site, name=f"Room {r}") for site in sites for r in range(ROOMS_PER_SITE)
        )
        rooms_by_site = {}
        for room in rooms:
            rooms_by_site.setdefault(room.site_id, []).append(room)
        programmes = Programme.objects.bulk_create(
            Programme(
                code=f"BENCH-{n}",
                name=f"Programme {n}",
                description="Generated for the benchmark.",
                delivery_mode="individual" if n % 2 else "group",
                setting="community",
            )
            for n in range(10)
        )
        therapist_role, _ = RoleGroup.objects.get_or_create(name=Role.THERAPIST)
        coordinator_role, _ = RoleGroup.objects.get_or_create(name=Role.COORDINATOR)
        users = User.objects.bulk_create(
            User(
                username=f"therapist{n}",
                email=f"therapist{n}@example.org",
                full_name=f"Therapist {n}",
                password="!",
            )
            for n in range(THERAPISTS)
        )
        coordinator = User.objects.create(
            username="coordinator", email="coordinator@example.org", password="!"
        )
        User.groups.through.objects.bulk_create(
            [User.groups.through(user=u, group=therapist_role) for u in users]
            + [User.groups.through(user=coordinator, group=coordinator_role)]
        )
        therapists = Therapist.objects.bulk_create(
            Therapist(user=u, hcpc_number=f"MT{10000 + n}", weekly_capacity=15)
            for n, u in enumerate(users)
        )
        Therapist.sites.through.objects.bulk_create(
            Therapist.sites.through(therapist=t, site=sites[(n * 2 + k) % SITES])
            for n, t in enumerate(therapists)
            for k in range(2)
        )

        # Episodes: one per individual block, one per group member.
        blocks = -(-len(plan.weeks) // INDIVIDUAL_BLOCK)
        years = -(-len(plan.weeks) // WORKING_WEEKS)
        individual_count = THERAPISTS * 5 * len(INDIVIDUAL_SLOTS) * blocks
        group_count = THERAPISTS * 5 * years
        people_count = individual_count + group_count * GROUP_MEMBERS
        _log(f"{people_count:,} people, referrals and episodes")
        people = Person.objects.bulk_create(
            (
                Person(
                    given_name=f"Given{n}",
                    family_name=f"Family{n}",
                    date_of_birth=date(1950, 1, 1) + timedelta(days=n % 20000),
                    postcode="NW1 2DB",
                )
                for n in range(people_count)
            ),
            batch_size=5000,
        )
        referrals = Referral.objects.bulk_create(
            (
                Referral(
                    reference=f"B{n:010d}",
                    person=person,
                    route="gp",
                    status=Status.ACTIVE,
                    consent_to_refer=True,
                    received_at=now,
                    status_changed_at=now,
                    referrer_organisation=organisations[n % 20],
                )
                for n, person in enumerate(people)
            ),
            batch_size=5000,
        )
        groups = Group.objects.bulk_create(
            (
                Group(
                    programme=programmes[n % 10],
                    name=f"Group {n}",
                    # Group n is therapist n // 5 // years's, on weekday (n // years) % 5, at
                    # the site they work at that day.
                    site=sites[((n // 5 // years) * 2 + (n // years) % 5 % 2) % SITES],
                    weekday=(n // years) % 5,
                    start_time=datetime.min.time().replace(hour=GROUP_SLOT[0]),
                    minutes=60,
                    capacity=8,
                    starts_on=plan.first_monday,
                    planned_sessions=WORKING_WEEKS,
                    status=Group.Status.RUNNING,
                )
                for n in range(group_count)
            ),
            batch_size=5000,
        )
        Group.therapists.through.objects.bulk_create(
            (
                Group.therapists.through(group=g, therapist=therapists[n // 5 // years])
                for n, g in enumerate(groups)
            ),
            batch_size=5000,
        )
        episodes = Episode.objects.bulk_create(
            (
                Episode(
                    referral=referral,
                    person_id=referral.person_id,
                    programme=programmes[n % 10],
                    planned_sessions=INDIVIDUAL_BLOCK,
                    start_date=plan.first_monday,
                    group=(
                        groups[(n - individual_count) // GROUP_MEMBERS]
                        if n >= individual_count
                        else None
                    ),
                )
                for n, referral in enumerate(referrals)
            ),
            batch_size=5000,
        )
        Episode.therapists.through.objects.bulk_create(
            (
                Episode.therapists.through(episode=e, therapist=therapists[n // (5 * 3 * blocks)])
                for n, e in enumerate(episodes[:individual_count])
            ),
            batch_size=5000,
        )
        GroupMembership.objects.bulk_create(
            (
                GroupMembership(
                    group=groups[n // GROUP_MEMBERS],
                    episode=e,
                    joined_on=plan.first_monday,
                )
                for n, e in enumerate(episodes[individual_count:])
            ),
            batch_size=5000,
        )
        counts.update(people=people_count, groups=group_count, therapists=THERAPISTS)
        _log(f"service made in {time.perf_counter() - started:.0f} s")

        # Sessions, their therapist links and attendance, generated row by row.
        session_started = time.perf_counter()
        stamp = ops.adapt_datetimefield_value(now)
        slot_times = {}

        def when(day, hour, minute, minutes):
            key = (day, hour, minute, minutes)
            if key not in slot_times:
                start = timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))
                slot_times[key] = (
                    ops.adapt_datetimefield_value(start),
                    ops.adapt_datetimefield_value(start + timedelta(minutes=minutes)),
                    start,
                )
            return slot_times[key]

        session_rows, link_rows, attendance_rows = [], [], []
        ids = {"session": 0, "link": 0, "attendance": 0}
        statuses = ["attended"] * 17 + ["dna"] * 2 + ["cancelled_late"]

        def add_session(
            kind,
            therapist,
            site_id,
            room_id,
            episode_id,
            group,
            day,
            slot,
            minutes,
            number,
            participants,
            programme_id,
        ):
            ids["session"] += 1
            sid = ids["session"]
            starts, ends, start = when(day, slot[0], slot[1], minutes)
            cancelled = sid % 20 == 0
            session_rows.append(
                (
                    sid,
                    kind,
                    programme_id,
                    episode_id,
                    group,
                    "",
                    site_id,
                    room_id,
                    starts,
                    ends,
                    number,
                    "cancelled" if cancelled else "scheduled",
                    "service" if cancelled else "",
                    "Therapist unwell" if cancelled else "",
                    stamp,
                    stamp,
                )
            )
            ids["link"] += 1
            link_rows.append((ids["link"], sid, therapist))
            held = start < now
            for k, participant in enumerate(participants):
                ids["attendance"] += 1
                if cancelled:
                    status = "cancelled_service"
                elif held:
                    status = statuses[(sid + k) % 20]
                else:
                    status = "expected"
                attendance_rows.append((ids["attendance"], sid, participant, status))

        def flush():
            counts["sessions"] = counts.get("sessions", 0) + _insert(
                connection,
                "delivery_session",
                [
                    "id",
                    "kind",
                    "programme_id",
                    "episode_id",
                    "group_id",
                    "title",
                    "site_id",
                    "room_id",
                    "starts_at",
                    "ends_at",
                    "number",
                    "status",
                    "cancelled_by",
                    "cancellation_reason",
                    "created_at",
                    "updated_at",
                ],
                session_rows,
            )
            counts["therapist_links"] = counts.get("therapist_links", 0) + _insert(
                connection,
                "delivery_session_therapists",
                ["id", "session_id", "therapist_id"],
                link_rows,
            )
            counts["attendances"] = counts.get("attendances", 0) + _insert(
                connection,
                "delivery_attendance",
                ["id", "session_id", "episode_id", "status"],
                attendance_rows,
            )
            session_rows.clear()
            link_rows.clear()
            attendance_rows.clear()

        for t_index, therapist in enumerate(therapists):
            site_a, site_b = sites[(t_index * 2) % SITES], sites[(t_index * 2 + 1) % SITES]
            first_episode = t_index * 5 * 3 * blocks
            for w_index, monday in enumerate(plan.weeks):
                year = w_index // WORKING_WEEKS
                for weekday in range(5):
                    site = site_a if weekday % 2 == 0 else site_b
                    room = rooms_by_site[site.pk][t_index % ROOMS_PER_SITE].pk
                    day = monday + timedelta(days=weekday)
                    for s_index, slot in enumerate(INDIVIDUAL_SLOTS):
                        caseload_slot = weekday * 3 + s_index
                        block = w_index // INDIVIDUAL_BLOCK
                        episode = episodes[first_episode + caseload_slot * blocks + block]
                        add_session(
                            "individual",
                            therapist.pk,
                            site.pk,
                            room,
                            episode.pk,
                            None,
                            day,
                            slot,
                            45,
                            w_index % INDIVIDUAL_BLOCK + 1,
                            [episode.pk],
                            episode.programme_id,
                        )
                    group_index = (t_index * 5 + weekday) * years + year
                    group = groups[group_index]
                    members = [
                        episodes[individual_count + group_index * GROUP_MEMBERS + m].pk
                        for m in range(GROUP_MEMBERS)
                    ]
                    add_session(
                        "group",
                        therapist.pk,
                        group.site_id,
                        None,
                        None,
                        group.pk,
                        day,
                        GROUP_SLOT,
                        60,
                        w_index % WORKING_WEEKS + 1,
                        members,
                        group.programme_id,
                    )
            if len(session_rows) >= 50_000 or t_index == len(therapists) - 1:
                flush()
                _log(
                    f"{counts['sessions']:,} sessions after {t_index + 1} therapists, "
                    f"{time.perf_counter() - session_started:.0f} s"
                )
        counts["sessions_seconds"] = round(time.perf_counter() - session_started, 1)

    if connection.vendor == "postgresql":
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in ops.sequence_reset_sql(
                no_style(), [Session, Attendance, Session.therapists.through]
            ):
                cursor.execute(sql)
            cursor.execute("ANALYZE")
    counts["generate_seconds"] = round(time.perf_counter() - started, 1)
    busiest = (
        Session.objects.filter(
            starts_at__gte=timezone.make_aware(
                datetime.combine(plan.this_monday, datetime.min.time())
            ),
            starts_at__lt=timezone.make_aware(
                datetime.combine(plan.this_monday + timedelta(days=1), datetime.min.time())
            ),
        )
        .values_list("site_id", flat=True)
        .order_by("site_id")
    )
    per_site = {}
    for site_id in busiest:
        per_site[site_id] = per_site.get(site_id, 0) + 1
    site_id = max(per_site, key=per_site.get) if per_site else sites[0].pk
    return {
        "counts": counts,
        "therapist_user": users[THERAPISTS // 2],
        "therapist": therapists[THERAPISTS // 2],
        "coordinator": coordinator,
        "site_id": site_id,
        "site_sessions_that_day": per_site.get(site_id, 0),
        "day": plan.this_monday,
        "week_monday": plan.this_monday,
    }


def _time_page(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    times, cpu = [], []
    for _ in range(REPEATS):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url).content.decode()
    return {
        "url": url,
        "ms_median": round(statistics.median(times), 2),
        "ms_min": round(min(times), 2),
        "ms_max": round(max(times), 2),
        # This process's CPU time (Python, templates, the SQLite engine; not the PostgreSQL
        # server's): on a loaded machine, wall time also counts the wait for a CPU.
        "cpu_ms_median": round(statistics.median(cpu), 2),
        "queries": len(queries.captured_queries),
        "rows_shown": body.count("tutti-diary-entry"),
        "under_target": statistics.median(times) < TARGET_MS,
    }


def _plan(sql_params):
    """The database's plan for the diary's main query, to see which indexes it uses."""
    from django.db import connection

    sql, params = sql_params
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return [" ".join(str(part) for part in row) for row in cursor.fetchall()]


def _measure():
    """Runs in the child, with DATABASE_URL set by run()."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutti.config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from tutti.delivery import diaries
    from tutti.organisations.models import Site

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    made = generate(today)
    _log(f"generated in {made['counts']['generate_seconds']} s: {made['counts']}")
    gc.collect()  # the generator's garbage is not the pages' to pay for

    client = Client()
    client.force_login(made["therapist_user"])
    week = _time_page(client, "/delivery/diary/")
    coordinator = Client()
    coordinator.force_login(made["coordinator"])
    day = _time_page(
        coordinator, f"/delivery/sites/{made['site_id']}/day/?date={made['day'].isoformat()}"
    )
    monday = diaries.Week.containing(today)
    week_sql = diaries.therapist_week(made["therapist"], monday).query.sql_with_params()
    site = Site.objects.get(pk=made["site_id"])
    day_sql = diaries.site_day(site, made["day"]).query.sql_with_params()
    result = {
        "engine": connection.vendor,
        "therapists": THERAPISTS,
        "years": YEARS,
        "counts": made["counts"],
        "therapist_week": week,
        "site_day": day,
        "site_sessions_that_day": made["site_sessions_that_day"],
        "plans": {"therapist_week": _plan(week_sql), "site_day": _plan(day_sql)},
        "under_target": week["under_target"] and day["under_target"],
    }
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        _measure()
    else:
        print(json.dumps(run(), indent=2, default=str))
