"""Production refuses unsafe settings, and `check --deploy` is clean when configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "x" * 20 + "-production-secret-key-for-the-test-only-" + "y" * 20


def run_manage(*args, **env):
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "Set SECRET_KEY"),
        (
            {"SECRET_KEY": GOOD_KEY, "DEBUG": "true", "ALLOWED_HOSTS": "tutti.example.org"},
            "DEBUG must be off",
        ),
        ({"SECRET_KEY": GOOD_KEY}, "Set ALLOWED_HOSTS"),
    ],
)
def test_production_refuses_to_start_unsafely(env, message):
    result = run_manage("check", TUTTI_ENV="production", **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_deploy_check_is_clean_in_production():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        TUTTI_ENV="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="tutti.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_demo_data_is_not_installed_in_production():
    result = run_manage(
        "seed_demo",
        TUTTI_ENV="production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="tutti.example.org",
    )
    assert result.returncode != 0
