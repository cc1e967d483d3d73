"""The engine is plain Python: importing it (and running it) must never load Django."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = """
import sys
import tutti.allocation
import tutti.allocation.__main__
import tutti.allocation.lp
import tutti.allocation.simulation
from tutti.allocation import Option, Problem, Referral, Slot, solve
solve(Problem.from_records([Referral("a", 1.0, 0, 1, (Option("s", 1.0),))], [Slot("s", 1)]))
loaded = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
print(loaded)
"""


def test_importing_and_running_the_engine_loads_no_django():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO")}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
