"""Scratch databases for benchmarks: each measurement runs in a child process of its own,
on a scratch SQLite file or a scratch PostgreSQL database created and dropped around it."""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def remove_sqlite(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def run_child(module, database_url, *, name, echo_stderr=False):
    """`python -m module --child` with DATABASE_URL set; its last stdout line is its JSON."""
    env = dict(os.environ, TUTTI_ENV="test", DATABASE_URL=database_url)
    child = subprocess.run(
        [sys.executable, "-m", module, "--child"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise RuntimeError(f"{name} benchmark failed:\n{child.stderr[-4000:]}")
    if echo_stderr:
        print(child.stderr[-2000:], file=sys.stderr)
    return json.loads(child.stdout.strip().splitlines()[-1])


def on_postgres(database, child, *, name):
    """Run `child(database_url)` on a fresh scratch database at BENCH_POSTGRES_URL (default
    the local server), dropped afterwards; skipped, with a message, when no server answers."""
    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        import psycopg

        admin = psycopg.connect(server.replace("postgres://", "postgresql://"), autocommit=True)
    except Exception as error:  # no server: say so, measure SQLite only
        message = f"skipped: no PostgreSQL at {server.split('@')[-1]} ({type(error).__name__})"
        print(f"{name}: {message}", file=sys.stderr)
        return {"skipped": message}
    with admin:
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {database}")
        try:
            return child(server.rsplit("/", 1)[0] + f"/{database}")
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
