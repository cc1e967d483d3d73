"""Benchmark: import 10,000 referral rows from CSV, and send referrals through the JSON API.

    python -m bench referrals

Targets (from the issue): 10,000 rows import in under 10 s on SQLite and on PostgreSQL; the API
accepts at least 200 referrals a second on one process. `run()` returns the figures; the bench
runner writes them to bench/results/referrals.json.

Each database is measured in a child process of its own: SQLite in a scratch file under var/
(deleted afterwards), PostgreSQL in a scratch database `tutti_bench_referrals` created and
dropped on the server at BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres);
PostgreSQL is skipped, with a message, when no server answers there. Each child migrates, loads
the sample geography (so postcodes resolve as in production), queues tasks in the database as
production does, times the import of a generated file through
`tutti.referrals.bulk.importer.import_referrals` (checks, then one transaction), then POSTs
API_REQUESTS referrals to /api/v1/referrals with Django's test client in-process (the whole
request path: middleware, token check, validation, intake, response).
"""

import csv
import io
import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
ROWS = 10_000
API_REQUESTS = 1_000
IMPORT_TARGET_SECONDS = 10.0
API_TARGET_PER_SECOND = 200.0
PG_DATABASE = "tutti_bench_referrals"


def run() -> dict:
    results = {"targets": {"import_seconds": IMPORT_TARGET_SECONDS, "api_per_second": 200}}
    results["load_average_at_start"] = os.getloadavg()
    scratch = BASE_DIR / "var" / "bench_referrals.sqlite3"
    _remove_sqlite(scratch)
    try:
        results["sqlite"] = _child(f"sqlite:///{scratch}")
    finally:
        _remove_sqlite(scratch)
    results["postgresql"] = _on_postgres()
    measured = [r for r in (results["sqlite"], results["postgresql"]) if "skipped" not in r]
    results["import_under_target"] = all(r["import_under_target"] for r in measured)
    results["api_over_target"] = all(r["api_over_target"] for r in measured)
    return results


def _on_postgres():
    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        admin = psycopg.connect(server.replace("postgres://", "postgresql://"), autocommit=True)
    except Exception as error:  # no server: say so, measure SQLite only
        message = f"skipped: no PostgreSQL at {server.split('@')[-1]} ({type(error).__name__})"
        print(f"referrals: {message}", file=sys.stderr)
        return {"skipped": message}
    with admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        admin.execute(f"CREATE DATABASE {PG_DATABASE}")
        try:
            return _child(server.rsplit("/", 1)[0] + f"/{PG_DATABASE}")
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def _child(database_url):
    env = dict(os.environ, TUTTI_ENV="test", DATABASE_URL=database_url)
    child = subprocess.run(
        [sys.executable, "-m", "bench.bench_referrals", "--child"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(f"referrals benchmark failed:\n{child.stderr[-4000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def _remove_sqlite(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def nhs_numbers(start):
    """Valid NHS numbers (modulus 11 check digit), in order from `start`."""
    base = start
    while True:
        digits = [int(c) for c in f"{base:09d}"]
        check = 11 - sum(d * (10 - i) for i, d in enumerate(digits)) % 11
        if check != 10:
            yield f"{base:09d}{0 if check == 11 else check}"
        base += 1


def sample_file(rows, postcodes, programme_code):
    """A file like a partner's: one person in ten with no NHS number, both date formats."""
    from tutti.referrals.bulk.importer import COLUMNS

    numbers = nhs_numbers(400_000_000)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for i in range(rows):
        born = date(2001, 1, 1) + timedelta(days=(i * 37) % 3000)
        writer.writerow(
            [
                "gp" if i % 3 else "school",
                programme_code if i % 2 else "",
                f"Given{i}",
                f"Family{i % 1500}",
                born.isoformat() if i % 2 else born.strftime("%d/%m/%Y"),
                "" if i % 10 == 0 else next(numbers),
                postcodes[i % len(postcodes)],
                f"person{i}@example.org",
                "020 7946 0000",
                "Dr A Patel",
                "a.patel@nhs.example",
                "Example Surgery",
                "F83004",
                "confidence;social_skills",
                "mental_health" if i % 4 else "autism;social_isolation",
                "Low mood since leaving school; loves writing lyrics.",
                "yes",
                ("routine", "soon", "urgent")[i % 3],
                "no",
                "" if i % 5 else "yes",
                "yes",
            ]
        )
    return out.getvalue().encode()


def _measure():
    """Runs in the child, with DATABASE_URL set by run()."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutti.config.settings")
    django.setup()
    from django.test.utils import override_settings

    # As in production: a task is a row for the worker, not an email sent inside the request
    # (TUTTI_ENV=test runs tasks immediately).
    override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}).enable()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from tutti.accounts.tokens import api_token_create
    from tutti.geography.importer import import_geography
    from tutti.geography.models import Postcode
    from tutti.programmes.models import Programme
    from tutti.referrals.bulk.importer import import_referrals
    from tutti.referrals.models import Referral

    call_command("migrate", verbosity=0)
    import_geography(BASE_DIR / "tutti" / "geography" / "data" / "sample", progress=False)
    postcodes = list(
        Postcode.objects.filter(lsoa21__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)[:3000]
    )
    Programme.objects.create(
        code="CAMDEN-16-24",
        name="Camden young people",
        description="Music therapy for young people in Camden.",
        delivery_mode="group",
        setting="community",
        min_age=16,
        max_age=24,
        local_authorities=["E09000007"],
        postcode_districts=["NW1"],
    )
    data = sample_file(ROWS, postcodes, "CAMDEN-16-24")

    wall = time.perf_counter()
    cpu = time.process_time()
    stages = {}

    def progress(stage, done, total):
        stages.setdefault(stage, time.perf_counter())

    outcome = import_referrals(data, progress=progress)
    import_seconds = time.perf_counter() - wall
    import_cpu = time.process_time() - cpu
    assert not outcome.problems, outcome.problems[:5]
    assert Referral.objects.count() == ROWS

    _, token = api_token_create(name="bench", scopes=["referrals:create"])
    client = Client()
    numbers = nhs_numbers(700_000_000)
    bodies = [
        {
            "route": "gp",
            "programme": "CAMDEN-16-24",
            "person": {
                "given_name": f"Api{i}",
                "family_name": "Bench",
                "date_of_birth": "2006-05-17",
                "nhs_number": next(numbers),
                "postcode": postcodes[i % len(postcodes)],
            },
            "referrer": {
                "name": "Dr A Patel",
                "email": "a.patel@nhs.example",
                "organisation": "Example Surgery",
                "ods_code": "F83004",
            },
            "needs": ["confidence"],
            "circumstances": ["mental_health"],
            "reason": "Low mood.",
            "consent_to_refer": True,
        }
        for i in range(API_REQUESTS + 20)
    ]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for body in bodies[:20]:  # warm-up
        client.post("/api/v1/referrals", body, content_type="application/json", **headers)
    statuses = {}
    times = []
    started = time.perf_counter()
    for body in bodies[20:]:
        t = time.perf_counter()
        response = client.post(
            "/api/v1/referrals", body, content_type="application/json", **headers
        )
        times.append(time.perf_counter() - t)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    api_seconds = time.perf_counter() - started
    times.sort()
    per_second = API_REQUESTS / api_seconds
    result = {
        "engine": connection.vendor,
        "rows": ROWS,
        "import_seconds": round(import_seconds, 2),
        "import_cpu_seconds": round(import_cpu, 2),
        "checking_seconds": round(stages["saving"] - wall, 2),
        "saving_seconds": round(wall + import_seconds - stages["saving"], 2),
        "rows_per_second": round(ROWS / import_seconds),
        "people_matched": outcome.matched,
        "import_under_target": import_seconds < IMPORT_TARGET_SECONDS,
        "api_requests": API_REQUESTS,
        "api_statuses": statuses,
        "api_seconds": round(api_seconds, 2),
        "api_per_second": round(per_second, 1),
        "api_ms_median": round(times[len(times) // 2] * 1000, 2),
        "api_ms_p95": round(times[int(len(times) * 0.95)] * 1000, 2),
        "api_over_target": per_second >= API_TARGET_PER_SECOND and statuses == {201: API_REQUESTS},
    }
    print(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        _measure()
    else:
        print(json.dumps(run(), indent=2))
