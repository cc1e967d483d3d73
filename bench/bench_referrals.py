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
request path: middleware, token check, validation, intake, response): first one after
another (`api_per_second`: one request's time, commits to disk included), then from
API_THREADS threads of the same process at once (`api_concurrent_per_second`: what one
server process with threads takes from several partner systems). Each API measurement is
made API_ROUNDS times and the median round reported, with every round's figure beside it.
"""

import csv
import io
import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from bench.scratch import on_postgres, remove_sqlite, run_child

BASE_DIR = Path(__file__).resolve().parent.parent
ROWS = 10_000
API_REQUESTS = 1_000
API_THREADS = 4  # requests in flight at once in the concurrent measurement (one process)
# Each API measurement is made this many times, with new people each time, and the median
# round reported with all rounds beside it: on a shared machine one round can be far off.
API_ROUNDS = 3
IMPORT_TARGET_SECONDS = 10.0
API_TARGET_PER_SECOND = 200.0
PG_DATABASE = "tutti_bench_referrals"


def run() -> dict:
    results = {"targets": {"import_seconds": IMPORT_TARGET_SECONDS, "api_per_second": 200}}
    results["load_average_at_start"] = os.getloadavg()
    scratch = BASE_DIR / "var" / "bench_referrals.sqlite3"
    remove_sqlite(scratch)
    try:
        results["sqlite"] = _child(f"sqlite:///{scratch}")
    finally:
        remove_sqlite(scratch)
    results["postgresql"] = _on_postgres()
    measured = [r for r in (results["sqlite"], results["postgresql"]) if "skipped" not in r]
    results["import_under_target"] = all(r["import_under_target"] for r in measured)
    results["api_over_target"] = all(r["api_over_target"] for r in measured)
    results["api_concurrent_over_target"] = all(r["api_concurrent_over_target"] for r in measured)
    results["load_average_at_end"] = os.getloadavg()
    return results


def _on_postgres():
    return on_postgres(PG_DATABASE, _child, name="referrals")


def _child(database_url):
    return run_child("bench.bench_referrals", database_url, name="referrals")


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
                "F83006",
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
    postcodes, data = setup()
    result = time_import(data)
    result.update(median_round(lambda n: time_api(postcodes, n), "api_per_second"))
    result.update(
        median_round(lambda n: time_api_concurrent(postcodes, n), "api_concurrent_per_second")
    )
    print(json.dumps(result))


def setup():
    """Django set up on the scratch database: migrated, sample geography, the Camden programme.
    Returns (postcodes to use, the CSV file's bytes)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutti.config.settings")
    django.setup()
    from django.test.utils import override_settings

    # As in production: a task is a row for the worker, not an email sent inside the request
    # (TUTTI_ENV=test runs tasks immediately).
    override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}).enable()
    from django.core.management import call_command

    from tutti.geography.importer import import_geography
    from tutti.geography.models import Postcode
    from tutti.programmes.models import Programme

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
    return postcodes, sample_file(ROWS, postcodes, "CAMDEN-16-24")


def time_import(data):
    from django.db import connection

    from tutti.referrals.bulk.importer import import_referrals
    from tutti.referrals.models import Referral

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
    return {
        "engine": connection.vendor,
        "rows": ROWS,
        "import_seconds": round(import_seconds, 2),
        "import_cpu_seconds": round(import_cpu, 2),
        "checking_seconds": round(stages["saving"] - wall, 2),
        "saving_seconds": round(wall + import_seconds - stages["saving"], 2),
        "rows_per_second": round(ROWS / import_seconds),
        "people_matched": outcome.matched,
        "import_under_target": import_seconds < IMPORT_TARGET_SECONDS,
    }


def median_round(measure, key):
    """`measure(n)` for each round n; the round whose `key` is the median, with every
    round's `key` listed beside it."""
    rounds = sorted((measure(n) for n in range(API_ROUNDS)), key=lambda r: r[key])
    middle = dict(rounds[len(rounds) // 2])
    middle[f"{key}_rounds"] = [r[key] for r in rounds]
    return middle


def api_bodies(postcodes, count, start=700_000_000):
    numbers = nhs_numbers(start)
    return [
        {
            "route": "gp",
            "programme": "CAMDEN-16-24",
            "person": {
                "given_name": f"Api{start + i}",  # nobody already known
                "family_name": "Bench",
                "date_of_birth": "2006-05-17",
                "nhs_number": next(numbers),
                "postcode": postcodes[i % len(postcodes)],
            },
            "referrer": {
                "name": "Dr A Patel",
                "email": "a.patel@nhs.example",
                "organisation": "Example Surgery",
                "ods_code": "F83006",
            },
            "needs": ["confidence"],
            "circumstances": ["mental_health"],
            "reason": "Low mood.",
            "consent_to_refer": True,
        }
        for i in range(count)
    ]


def api_client(name="bench"):
    """A test client and the headers carrying a fresh token with the create scope."""
    from django.test import Client

    from tutti.accounts.tokens import api_token_create

    _, token = api_token_create(name=name, scopes=["referrals:create"])
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def time_api(postcodes, round_number=0):
    client, headers = api_client(f"bench-{round_number}")
    bodies = api_bodies(postcodes, API_REQUESTS + 20, start=700_000_000 + round_number * 10_000)
    for body in bodies[:20]:  # warm-up
        client.post("/api/v1/referrals", body, content_type="application/json", **headers)
    statuses = {}
    times = []
    started = time.perf_counter()
    cpu = time.process_time()
    for body in bodies[20:]:
        t = time.perf_counter()
        response = client.post(
            "/api/v1/referrals", body, content_type="application/json", **headers
        )
        times.append(time.perf_counter() - t)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    api_seconds = time.perf_counter() - started
    api_cpu = time.process_time() - cpu
    times.sort()
    per_second = API_REQUESTS / api_seconds
    return {
        "api_requests": API_REQUESTS,
        "api_statuses": statuses,
        "api_seconds": round(api_seconds, 2),
        "api_cpu_seconds": round(api_cpu, 2),
        "api_per_second": round(per_second, 1),
        "api_ms_median": round(times[len(times) // 2] * 1000, 2),
        "api_ms_p95": round(times[int(len(times) * 0.95)] * 1000, 2),
        "api_over_target": per_second >= API_TARGET_PER_SECOND and statuses == {201: API_REQUESTS},
    }


def time_api_concurrent(postcodes, round_number=0, threads=API_THREADS):
    """The same requests sent by several threads of this one process at once, as a server
    process with threads takes them from several partner systems: while one request waits
    for its commit to reach the disk, another runs."""
    import threading

    from django.db import connections
    from django.test import Client

    _, headers = api_client(f"bench-concurrent-{round_number}")
    bodies = api_bodies(
        postcodes, API_REQUESTS + 20 * threads, start=800_000_000 + round_number * 10_000
    )
    shares = [bodies[i::threads] for i in range(threads)]
    statuses = {}
    lock = threading.Lock()
    ready = threading.Barrier(threads + 1)
    done = threading.Barrier(threads + 1)

    def send(share):
        client = Client()
        try:
            for body in share[:20]:  # warm-up
                client.post("/api/v1/referrals", body, content_type="application/json", **headers)
            ready.wait()
            for body in share[20:]:
                response = client.post(
                    "/api/v1/referrals", body, content_type="application/json", **headers
                )
                with lock:
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            done.wait()
        finally:
            connections.close_all()

    workers = [threading.Thread(target=send, args=(share,)) for share in shares]
    for worker in workers:
        worker.start()
    ready.wait()
    started = time.perf_counter()
    done.wait()
    seconds = time.perf_counter() - started
    for worker in workers:
        worker.join()
    per_second = sum(statuses.values()) / seconds
    return {
        "api_threads": threads,
        "api_concurrent_statuses": statuses,
        "api_concurrent_per_second": round(per_second, 1),
        "api_concurrent_over_target": per_second >= API_TARGET_PER_SECOND
        and statuses == {201: API_REQUESTS},
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        _measure()
    else:
        print(json.dumps(run(), indent=2))
