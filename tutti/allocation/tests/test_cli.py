"""The command line, run as a separate process the way a person or a script would."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tutti.allocation import load_problem, solve

ROOT = Path(__file__).resolve().parents[3]


def run(*args, stdin=None):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "tutti.allocation", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


PROBLEM = {
    "referrals": [
        {
            "id": "a",
            "priority": 3,
            "waited_days": 10,
            "imd_quintile": 1,
            "options": [{"slot": "s1", "value": 5}, {"slot": "s2", "value": 3}],
        },
        {
            "id": "b",
            "priority": 1,
            "waited_days": 90,
            "imd_quintile": 5,
            "options": [{"slot": "s1", "value": 4}],
        },
        {"id": "c", "priority": 1, "waited_days": 3, "imd_quintile": None, "options": []},
    ],
    "slots": [{"id": "s1", "capacity": 1}, {"id": "s2", "capacity": 1}],
    "policy": {"equity": True},
}


def test_solve_writes_the_solution_file(tmp_path):
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(PROBLEM))
    out = tmp_path / "solution.json"
    result = run("solve", str(problem), "--out", str(out))
    assert result.returncode == 0, result.stderr
    solution = json.loads(out.read_text())
    assert set(solution) == {"assignments", "objective", "bound", "seconds"}
    assert solution["assignments"] == [
        {"referral": "a", "slot": "s2"},
        {"referral": "b", "slot": "s1"},
    ]
    assert solution["objective"] == 7
    assert solution["bound"] == 7
    assert solution["seconds"] >= 0
    assert "allocated 2 place(s) to 3 referral(s)" in result.stderr
    # The same as calling the engine in this process.
    assert solution["objective"] == solve(load_problem(PROBLEM)).objective


def test_solve_reads_standard_input_and_writes_standard_output():
    result = run("solve", "-", stdin=json.dumps(PROBLEM))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["objective"] == 7


def test_same_file_gives_byte_for_byte_the_same_assignments(tmp_path):
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(PROBLEM))
    first, second = run("solve", str(problem)), run("solve", str(problem))
    assert json.loads(first.stdout)["assignments"] == json.loads(second.stdout)["assignments"]


def test_an_invalid_problem_exits_2_and_names_each_bad_record(tmp_path):
    bad = json.loads(json.dumps(PROBLEM))
    bad["referrals"][1]["options"][0]["slot"] = "s9"
    bad["slots"][1]["capacity"] = -1
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(bad))
    out = tmp_path / "solution.json"
    result = run("solve", str(problem), "--out", str(out))
    assert result.returncode == 2
    assert "not a valid problem (2 fault(s))" in result.stderr
    assert 'referrals[1] (id "b"): options[0]: slot "s9" is not one of the slots' in result.stderr
    assert 'slots[1] (id "s2"): capacity must not be negative (it is -1)' in result.stderr
    assert not out.exists()


def test_nan_in_the_file_is_refused():
    text = json.dumps(PROBLEM).replace('"value": 5', '"value": NaN')
    result = run("solve", "-", stdin=text)
    assert result.returncode == 2
    assert 'referrals[0] (id "a"): options[0]: value must be a finite number, not nan' in (
        result.stderr
    )


def test_a_file_that_is_not_json_or_not_there(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"referrals": [')
    result = run("solve", str(broken))
    assert result.returncode == 2 and "is not valid JSON" in result.stderr
    missing = run("solve", str(tmp_path / "missing.json"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    assert "Traceback" not in result.stderr + missing.stderr


def test_an_infeasible_equity_policy_exits_3_with_the_reason(tmp_path):
    infeasible = {
        "referrals": [
            {
                "id": f"poor{i}",
                "priority": 5,
                "waited_days": 1,
                "imd_quintile": 1,
                "options": [{"slot": "small", "value": 1}],
            }
            for i in range(2)
        ]
        + [
            {
                "id": f"rich{i}",
                "priority": 1,
                "waited_days": 1,
                "imd_quintile": 5,
                "options": [{"slot": "big", "value": 6}],
            }
            for i in range(2)
        ],
        "slots": [{"id": "small", "capacity": 1}, {"id": "big", "capacity": 3}],
        "policy": {"equity": True},
    }
    problem = tmp_path / "problem.json"
    problem.write_text(json.dumps(infeasible))
    out = tmp_path / "solution.json"
    result = run("solve", str(problem), "--out", str(out))
    assert result.returncode == 3
    assert "IMD quintile 1 should get at least 2 places" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    infeasible["policy"]["equity"] = False
    assert run("solve", "-", stdin=json.dumps(infeasible)).returncode == 0
