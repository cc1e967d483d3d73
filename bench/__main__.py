"""Run every benchmark module in bench/ and write its results to bench/results/ as JSON.

Usage: python -m bench [NAME ...]   (NAME is a module's name without `bench_` and `.py`)
"""

import importlib
import json
import os
import platform
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def discover():
    return sorted(path.stem.removeprefix("bench_") for path in HERE.glob("bench_*.py"))


def cpu_speed_ms():
    """Milliseconds for a fixed piece of pure-Python work (best of 5), measured before and
    after each benchmark. The virtual machines these run on change speed from one day, and
    one minute, to the next (the same code has taken twice as long): compare results
    against this, not only against each other."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(300_000):
            total += i * i % 7
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def run_one(name):
    module = importlib.import_module(f"bench.bench_{name}")
    speed_before = cpu_speed_ms()
    started = time.perf_counter()
    results = module.run()
    record = {
        "benchmark": name,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "wall_seconds": round(time.perf_counter() - started, 3),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "cpu_speed_ms": {"before": speed_before, "after": cpu_speed_ms()},
        "results": results,
    }
    RESULTS.mkdir(exist_ok=True)
    # Write beside the target and rename, so a failed run never leaves half a file.
    target = RESULTS / f"{name}.json"
    partial = target.with_suffix(".tmp")
    partial.write_text(json.dumps(record, indent=2, sort_keys=True, default=str) + "\n")
    partial.replace(target)
    return target


def main(argv):
    available = discover()
    names = argv or available
    unknown = sorted(set(names) - set(available))
    if unknown:
        found = ", ".join(available) or "none"
        print(f"unknown benchmark(s): {', '.join(unknown)}; found: {found}")
        return 2
    if not names:
        print("no benchmarks yet (add bench/bench_<name>.py with a run() function)")
        return 0

    # Benchmarks use Django (models, views), so set it up once for all of them.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutti.config.settings")
    import django

    django.setup()

    failed = []
    for name in names:
        print(f"== {name}", flush=True)
        try:
            target = run_one(name)
        except Exception:
            traceback.print_exc()
            failed.append(name)
        else:
            print(f"   results in {target.relative_to(HERE.parent)}", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
