"""Checking problem files: every fault refused with a message that names its record."""

import math

import pytest

from tutti.allocation import (
    Option,
    Policy,
    Problem,
    ProblemError,
    Referral,
    Slot,
    load_problem,
    problem_to_dict,
)


def valid():
    return {
        "referrals": [
            {
                "id": "R-1",
                "priority": 7.5,
                "waited_days": 40,
                "imd_quintile": 1,
                "options": [{"slot": "T-1", "value": 7.1}, {"slot": "G-1", "value": 5}],
            },
            {"id": "R-2", "priority": 2, "waited_days": 0, "imd_quintile": None, "options": []},
        ],
        "slots": [{"id": "T-1", "capacity": 2}, {"id": "G-1", "capacity": 8}],
        "policy": {"equity": True},
    }


def faults(data):
    with pytest.raises(ProblemError) as e:
        load_problem(data)
    return e.value.errors


def test_a_valid_problem_loads_and_writes_back_the_same():
    data = valid()
    p = load_problem(data)
    assert p.referral_ids == ("R-1", "R-2")
    assert p.slot_ids == ("T-1", "G-1")
    assert p.policy.equity is True
    assert p.options_of(0) == [Option("T-1", 7.1), Option("G-1", 5.0)]
    assert problem_to_dict(p) == data


def test_policy_may_be_left_out():
    data = valid()
    del data["policy"]
    assert load_problem(data).policy == Policy(equity=False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["slots"].append({"id": "T-1", "capacity": 1}),
            'slots[2] (id "T-1"): duplicate slot id "T-1" (also slots[0])',
        ),
        (
            lambda d: d["referrals"].append(dict(d["referrals"][1])),
            'referrals[2] (id "R-2"): duplicate referral id "R-2" (also referrals[1])',
        ),
        (
            lambda d: d["slots"][1].update(capacity=-3),
            'slots[1] (id "G-1"): capacity must not be negative (it is -3)',
        ),
        (
            lambda d: d["slots"][1].update(capacity=2.5),
            'slots[1] (id "G-1"): capacity must be a whole number, not 2.5',
        ),
        (
            lambda d: d["slots"][1].update(capacity=True),
            'slots[1] (id "G-1"): capacity must be a whole number, not true',
        ),
        (
            lambda d: d["referrals"][0]["options"][1].update(slot="G-404"),
            'referrals[0] (id "R-1"): options[1]: slot "G-404" is not one of the slots',
        ),
        (
            lambda d: d["referrals"][0]["options"][1].update(slot="T-1"),
            'referrals[0] (id "R-1"): options[1]: slot "T-1" is listed twice (also options[0])',
        ),
        (
            lambda d: d["referrals"][0]["options"][0].update(value=math.nan),
            'referrals[0] (id "R-1"): options[0]: value must be a finite number, not nan',
        ),
        (
            lambda d: d["referrals"][0]["options"][0].update(value=math.inf),
            'referrals[0] (id "R-1"): options[0]: value must be a finite number, not inf',
        ),
        (
            lambda d: d["referrals"][0]["options"][0].update(value="high"),
            'referrals[0] (id "R-1"): options[0]: value must be a number, not the text "high"',
        ),
        (
            lambda d: d["referrals"][1].update(priority=-math.inf),
            'referrals[1] (id "R-2"): priority must be a finite number, not -inf',
        ),
        (
            lambda d: d["referrals"][1].update(priority=-1),
            'referrals[1] (id "R-2"): priority must not be negative (it is -1)',
        ),
        (
            lambda d: d["referrals"][1].update(priority=None),
            'referrals[1] (id "R-2"): priority must be a number, not null',
        ),
        (
            lambda d: d["referrals"][1].update(waited_days=3.5),
            'referrals[1] (id "R-2"): waited_days must be a whole number, not 3.5',
        ),
        (
            lambda d: d["referrals"][1].update(waited_days=-2),
            'referrals[1] (id "R-2"): waited_days must not be negative (it is -2)',
        ),
        (
            lambda d: d["referrals"][1].update(imd_quintile=6),
            'referrals[1] (id "R-2"): imd_quintile must be 1 to 5 or null, not 6',
        ),
        (
            lambda d: d["referrals"][1].update(imd_quintile="1"),
            "referrals[1] (id \"R-2\"): imd_quintile must be 1 to 5 or null, not '1'",
        ),
        (
            lambda d: d["slots"][0].update(capacity=10**30),
            'slots[0] (id "T-1"): capacity must be at most 1,000,000,000 (it is 10000000000',
        ),
        (
            lambda d: d["referrals"][0]["options"][0].update(value=-1e300),
            'referrals[0] (id "R-1"): options[0]: value must be between -1e+12 and 1e+12',
        ),
        (
            lambda d: d["referrals"][1].update(priority=1e300),
            'referrals[1] (id "R-2"): priority must be at most 1e+12 (it is 1e+300)',
        ),
        (lambda d: d["referrals"][1].update(id=""), "referrals[1]: id must not be empty"),
        (lambda d: d["referrals"][1].update(id=12), "referrals[1]: id must be text, not 12"),
        (
            lambda d: d["referrals"][1].pop("waited_days"),
            'referrals[1] (id "R-2"): "waited_days" is missing',
        ),
        (
            lambda d: d["referrals"][1].update(options={"slot": "T-1"}),
            'referrals[1] (id "R-2"): options must be a list, not an object',
        ),
        (
            lambda d: d["slots"][0].update(capasity=3),
            'slots[0] (id "T-1"): unknown field "capasity" (expected capacity, id)',
        ),
        (
            lambda d: d["referrals"].append("R-3"),
            'referrals[2]: must be an object, not the text "R-3"',
        ),
        (
            lambda d: d["policy"].update(equity="yes"),
            'policy: equity must be true or false, not the text "yes"',
        ),
        (lambda d: d.update(slots={}), '"slots" must be a list, not an object'),
        (lambda d: d.pop("referrals"), 'the problem has no "referrals" list'),
    ],
)
def test_each_fault_is_refused_with_a_message_naming_the_record(change, message):
    data = valid()
    change(data)
    assert any(fault.startswith(message) for fault in faults(data)), faults(data)


def test_all_faults_are_listed_at_once():
    data = valid()
    data["slots"][0]["capacity"] = -1
    data["referrals"][1]["imd_quintile"] = 0
    data["referrals"][0]["options"][0]["slot"] = "nope"
    assert len(faults(data)) == 3


def test_the_message_is_capped_but_the_list_is_complete():
    data = valid()
    data["slots"] = [{"id": f"S{i}", "capacity": -1} for i in range(50)]
    data["referrals"] = []
    with pytest.raises(ProblemError) as e:
        load_problem(data)
    assert len(e.value.errors) == 50
    assert str(e.value).endswith("(and 30 more)")


def test_not_an_object_at_all():
    assert faults([1, 2]) == ["the problem must be a JSON object, not a list"]


def test_records_are_checked_the_same_way():
    with pytest.raises(ProblemError, match=r'referrals\[0\] \(id "a"\): options\[0\]: slot "x"'):
        Problem.from_records([Referral("a", 1.0, 0, None, (Option("x", 1.0),))], [Slot("s", 1)])
    with pytest.raises(ProblemError, match="capacity must not be negative"):
        Problem.from_records([], [Slot("s", -1)])


def test_arrays_are_checked_too():
    good = dict(
        referral_ids=["a", "b"],
        priority=[1.0, 2.0],
        waited_days=[0, 3],
        quintile=[0, 5],
        option_start=[0, 1, 2],
        option_slot=[0, 0],
        option_value=[1.0, 2.0],
        slot_ids=["s"],
        capacity=[1],
    )
    assert Problem.from_arrays(**good).n_options == 2
    for change, message in [
        ({"option_slot": [0, 1]}, "refers to a slot that does not exist"),
        ({"option_value": [1.0, float("nan")]}, "must be finite"),
        ({"capacity": [-1]}, "must not be negative"),
        ({"referral_ids": ["a", "a"]}, "not unique"),
        ({"quintile": [0, 6]}, "quintile"),
        ({"option_start": [0, 2, 1]}, "option_start"),
    ]:
        with pytest.raises(ProblemError, match=message):
            Problem.from_arrays(**{**good, **change})
