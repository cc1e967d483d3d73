"""Benchmark: the annual impact report and the IMD-quintile equity split on generated load.

    python -m bench reports

Targets (issue 7): each under 2 s with 100,000 people on SQLite, and with 1,000,000 people and
10,000,000 sessions on PostgreSQL. `manage.py generate_load` makes about 10 sessions a person.

Each database is measured in a child process of its own. SQLite: a scratch file under var/.
PostgreSQL: a scratch database `tutti_bench_reports` on the server at BENCH_POSTGRES_URL
(default postgres://postgres@127.0.0.1:5432/postgres), skipped with a message when no server
answers. Each child migrates, loads the sample geography, runs `generate_load` (timed too),
then times, for the last complete financial year: the impact report's figures and its page
(the test client, as a coordinator), and the IMD-quintile equity split with reach against the
area served and its page. One warm-up run, then the median of RUNS.

Sizes: BENCH_REPORTS_SQLITE_PEOPLE (default 100000) and BENCH_REPORTS_POSTGRES_PEOPLE (default
1000000), over BENCH_REPORTS_YEARS (default 5) years. Generating the full PostgreSQL size
takes about an hour on a 2-core machine; set BENCH_REPORTS_KEEP=1 to keep both databases and
reuse them on the next run (the load is made again only when its size differs).
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0
RUNS = 3
PG_DATABASE = "tutti_bench_reports"


def _size(name, default):
    return int(os.environ.get(name, default))


def run() -> dict:
    keep = os.environ.get("BENCH_REPORTS_KEEP") == "1"
    results = {"target_seconds": TARGET_SECONDS, "load_average_at_start": os.getloadavg()}
    scratch = BASE_DIR / "var" / "bench_reports.sqlite3"
    try:
        results["sqlite"] = _child(
            f"sqlite:///{scratch}", _size("BENCH_REPORTS_SQLITE_PEOPLE", 100_000)
        )
    finally:
        if not keep:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{scratch}{suffix}").unlink(missing_ok=True)
    results["postgresql"] = _on_postgres(keep)
    measured = [r for r in (results["sqlite"], results["postgresql"]) if "skipped" not in r]
    results["all_under_target"] = all(r["under_target"] for r in measured)
    return results


def _on_postgres(keep):
    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        admin = psycopg.connect(server.replace("postgres://", "postgresql://"), autocommit=True)
    except Exception as error:  # no server: say so, measure SQLite only
        message = f"skipped: no PostgreSQL at {server.split('@')[-1]} ({type(error).__name__})"
        print(f"reports: {message}", file=sys.stderr)
        return {"skipped": message}
    with admin:
        exists = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [PG_DATABASE]
        ).fetchone()
        if not (keep and exists):
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {PG_DATABASE}")
        try:
            return _child(
                server.rsplit("/", 1)[0] + f"/{PG_DATABASE}",
                _size("BENCH_REPORTS_POSTGRES_PEOPLE", 1_000_000),
            )
        finally:
            if not keep:
                admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def _child(database_url, people):
    env = dict(
        os.environ,
        TUTTI_ENV="test",
        DATABASE_URL=database_url,
        BENCH_REPORTS_PEOPLE=str(people),
    )
    child = subprocess.run(
        [sys.executable, "-m", "bench.bench_reports", "--child"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    if child.returncode != 0:
        raise RuntimeError(f"bench child failed:\n{child.stdout}\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


# --- in the child ---------------------------------------------------------------------------


def _timed(function):
    function()  # warm-up: the first run also fills the database's cache
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return {"median": round(statistics.median(times), 3), "runs": [round(t, 3) for t in times]}


def _measure():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutti.config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from tutti.accounts.roles import Role
    from tutti.delivery.models import Attendance, Session
    from tutti.people.models import Person
    from tutti.referrals.models import Referral
    from tutti.reports.equity import equity_split
    from tutti.reports.forms import dates_data, last_financial_year
    from tutti.reports.impact import impact_report
    from tutti.reports.presenters import impact_view
    from tutti.reports.reach import reach_by_quintile
    from tutti.reports.scope import scope_build
    from tutti.reports.summaries import summaries_for, summaries_refresh

    people = int(os.environ["BENCH_REPORTS_PEOPLE"])
    call_command("migrate", verbosity=0)
    result = {"database": connection.vendor, "people_asked_for": people}
    if Person.objects.count() != people:
        call_command(
            "import_geography",
            str(BASE_DIR / "tutti" / "geography" / "data" / "sample"),
            no_progress=True,
            if_empty=True,
            verbosity=0,
        )
        started = time.perf_counter()
        call_command(
            "generate_load",
            people=people,
            years=float(os.environ.get("BENCH_REPORTS_YEARS", 5)),
            verbosity=0,
        )
        result["generate_seconds"] = round(time.perf_counter() - started, 1)
    else:
        result["reused_load_from_an_earlier_run"] = True
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    first, last = last_financial_year()
    scope = scope_build(date_from=first, date_to=last)
    if summaries_for(scope) is None or "generate_seconds" in result:
        started = time.perf_counter()
        refresh = summaries_refresh()
        result["summaries_refresh_seconds"] = round(time.perf_counter() - started, 1)
        result["summary_rows"] = refresh.rows
    result["read_from_summaries"] = summaries_for(scope) is not None
    in_year = Session.objects.filter(starts_at__gte=scope.start, starts_at__lt=scope.end)
    result["rows"] = {
        "people": Person.objects.count(),
        "referrals": Referral.objects.count(),
        "sessions": Session.objects.count(),
        "attendances": Attendance.objects.count(),
        "sessions_in_the_year": in_year.count(),
    }
    result["year"] = [first.isoformat(), last.isoformat()]
    result["impact_report"] = _timed(lambda: impact_view(impact_report(scope)))

    def imd_split():
        equity_split(scope, "imd_quintile")
        reach_by_quintile(scope)

    result["equity_imd_quintile"] = _timed(imd_split)
    client = Client()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-coordinator", defaults={"email": "bench-coordinator@example.org"}
    )
    user.groups.add(Group.objects.get_or_create(name=Role.COORDINATOR)[0])
    client.force_login(user)
    query = dates_data(first, last)
    result["impact_page"] = _timed(lambda: _ok(client.get("/reports/impact/", query)))
    result["equity_page"] = _timed(lambda: _ok(client.get("/reports/equity/", query)))
    report = impact_view(impact_report(scope)).as_dict()["figures"]
    result["figures"] = {key: figure["value"] for key, figure in report.items()}
    timed = ("impact_report", "equity_imd_quintile", "impact_page", "equity_page")
    result["under_target"] = all(result[key]["median"] < TARGET_SECONDS for key in timed)
    return result


def _ok(response):
    assert response.status_code == 200, response.status_code


if __name__ == "__main__" and "--child" in sys.argv:
    sys.path.insert(0, str(BASE_DIR))
    print(json.dumps(_measure()))
