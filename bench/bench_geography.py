"""Benchmark: import the FULL geography files, then time 10,000 single-postcode lookups.

    python -m bench geography                      # SQLite, in a scratch file under var/
    DATABASE_URL=postgres://…/tutti_geobench python -m bench geography

Targets (from the issue): the 2.7 million-row postcode lookup loads in under 5 minutes; one
postcode resolves in under 1 ms. `run()` returns the figures (the bench runner writes them to
bench/results/geography.json). Skipped, with a message, when the full files are not present
(they live in ../shared/data, or GEOGRAPHY_DATA_DIR).

The work happens in a child process with its own DATABASE_URL, so the benchmark never loads
2.7 million postcodes into the demo database: without DATABASE_URL it uses a scratch SQLite
file that it deletes afterwards. With DATABASE_URL it uses (and migrates) that database and
replaces its geography tables: point it at a scratch database.
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
POSTCODE_FILE = "postcode_lsoa_lookup_uk_derived_nspl_may2025.csv.gz"
LOOKUPS = 10_000
IMPORT_TARGET_SECONDS = 300
LOOKUP_TARGET_MS = 1.0


def source_dir():
    return Path(os.environ.get("GEOGRAPHY_DATA_DIR", BASE_DIR.parent / "shared" / "data"))


def run() -> dict:
    source = source_dir()
    if not (source / POSTCODE_FILE).exists():
        message = f"skipped: {source / POSTCODE_FILE} not found"
        print(f"geography: {message}", file=sys.stderr)
        return {"skipped": message}
    env = dict(os.environ, TUTTI_ENV="test")
    scratch = None
    if not env.get("DATABASE_URL"):
        scratch = BASE_DIR / "var" / "bench_geography.sqlite3"
        _remove_sqlite(scratch)
        env["DATABASE_URL"] = f"sqlite:///{scratch}"
    try:
        child = subprocess.run(
            [sys.executable, "-m", "bench.bench_geography", "--child", str(source)],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        if scratch:
            _remove_sqlite(scratch)
    if child.returncode != 0:
        raise RuntimeError(f"geography benchmark failed:\n{child.stderr[-4000:]}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def _remove_sqlite(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _child(source):
    """Runs with DATABASE_URL set by run(): migrate, import, re-import, time lookups."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutti.config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tutti.geography.importer import import_geography
    from tutti.geography.models import Postcode
    from tutti.geography.services import resolve_postcode

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    first = import_geography(source, progress=False)
    all_seconds = time.perf_counter() - started
    postcodes = next(r for r in first.reports if r.key == "postcodes")

    started = time.perf_counter()
    again = import_geography(source, only="postcodes", progress=False)
    reimport_seconds = time.perf_counter() - started

    keys = list(Postcode.objects.values_list("pk", flat=True).iterator(chunk_size=50_000))
    rng = random.Random(2025)
    sample = rng.sample(keys, LOOKUPS)
    for postcode in rng.sample(keys, 500):  # warm up the connection and caches
        resolve_postcode(postcode)
    times = []
    found = 0
    for postcode in sample:
        t = time.perf_counter()
        geography = resolve_postcode(postcode)
        times.append(time.perf_counter() - t)
        found += geography.status == "found"
    times_ms = sorted(t * 1000 for t in times)

    def pct(p):
        return round(times_ms[min(len(times_ms) - 1, int(p / 100 * len(times_ms)))], 4)

    result = {
        "engine": connection.vendor,
        "source": str(source / POSTCODE_FILE),
        "postcode_rows_in_file": postcodes.rows,
        "postcodes_loaded": postcodes.loaded,
        "postcode_rows_rejected": postcodes.bad,
        "postcode_import_seconds": round(postcodes.seconds, 1),
        "postcode_reimport_seconds": round(reimport_seconds, 1),
        "all_files_import_seconds": round(all_seconds, 1),
        "files": first.run.files,
        "idempotent": first.run.counts == again.run.counts,
        "counts": again.run.counts,
        "lookups": LOOKUPS,
        "lookups_found": found,
        "lookup_ms_mean": round(statistics.fmean(times_ms), 4),
        "lookup_ms_median": pct(50),
        "lookup_ms_p95": pct(95),
        "lookup_ms_p99": pct(99),
        "lookup_ms_max": round(times_ms[-1], 4),
        "import_under_target": postcodes.seconds < IMPORT_TARGET_SECONDS
        and reimport_seconds < IMPORT_TARGET_SECONDS,
        "lookup_under_target": statistics.fmean(times_ms) < LOOKUP_TARGET_MS,
        "targets": {"postcode_import_seconds": IMPORT_TARGET_SECONDS, "lookup_ms": 1.0},
        "python": sys.version.split()[0],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(Path(sys.argv[2]))
    else:
        print(json.dumps(run(), indent=2))
