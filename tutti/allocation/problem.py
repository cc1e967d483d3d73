"""An allocation problem: referrals with their options, slots with capacities, a policy.

Two ways in, one checked shape:

- `load_problem(data)` takes the JSON document described in README.md (a dict) and refuses bad
  input with a `ProblemError` whose messages name the record (`referrals[12] (id "R-12"): ...`).
- `Problem.from_records(referrals, slots, policy)` takes `Referral`/`Slot`/`Policy` records,
  which is how the Django side builds a problem from the waiting list.

Both run the same checks and store the problem column-wise (NumPy arrays), so a batch of
300,000 referrals with ten options each is a few arrays, not three million Python objects.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

MAX_ERRORS = 20  # past this many, the message says how many more there were
# Beyond any real service, and small enough that sums and scaled costs cannot overflow.
MAX_NUMBER = 1e12
MAX_COUNT = 1_000_000_000
QUINTILES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Option:
    """One place a referral could take: a therapist slot or a group, and how good a fit it is."""

    slot: str
    value: float


@dataclass(frozen=True)
class Referral:
    id: str
    priority: float
    waited_days: int
    imd_quintile: int | None
    options: tuple[Option, ...] = ()


@dataclass(frozen=True)
class Slot:
    id: str
    capacity: int


@dataclass(frozen=True)
class Policy:
    # Each IMD quintile gets at least its share of the places (see README.md, "Equity").
    equity: bool = False


class ProblemError(ValueError):
    """The problem is not valid. `errors` lists every fault found, each naming its record."""

    def __init__(self, errors: Sequence[str]):
        self.errors = list(errors)
        shown = self.errors[:MAX_ERRORS]
        more = len(self.errors) - len(shown)
        text = "\n".join(shown)
        if more:
            text += f"\n(and {more} more)"
        super().__init__(text)


@dataclass(frozen=True, eq=False)
class Problem:
    """A checked problem, column-wise. Referral i's options are
    `option_slot[option_start[i]:option_start[i + 1]]` (indices into `slot_ids`) with values
    `option_value[...]` at the same positions. `quintile` is 0 where the IMD quintile is unknown.
    """

    referral_ids: tuple[str, ...]
    priority: np.ndarray
    waited_days: np.ndarray
    quintile: np.ndarray
    option_start: np.ndarray
    option_slot: np.ndarray
    option_value: np.ndarray
    slot_ids: tuple[str, ...]
    capacity: np.ndarray
    policy: Policy = field(default_factory=Policy)

    @property
    def n_referrals(self) -> int:
        return len(self.referral_ids)

    @property
    def n_slots(self) -> int:
        return len(self.slot_ids)

    @property
    def n_options(self) -> int:
        return len(self.option_slot)

    def options_of(self, i: int) -> list[Option]:
        lo, hi = self.option_start[i], self.option_start[i + 1]
        return [
            Option(self.slot_ids[s], float(v))
            for s, v in zip(self.option_slot[lo:hi], self.option_value[lo:hi], strict=True)
        ]

    def referrals(self) -> list[Referral]:
        return [
            Referral(
                id=rid,
                priority=float(self.priority[i]),
                waited_days=int(self.waited_days[i]),
                imd_quintile=int(self.quintile[i]) or None,
                options=tuple(self.options_of(i)),
            )
            for i, rid in enumerate(self.referral_ids)
        ]

    @classmethod
    def from_records(
        cls,
        referrals: Iterable[Referral],
        slots: Iterable[Slot],
        policy: Policy | None = None,
    ) -> Problem:
        referrals = list(referrals)
        slots = list(slots)
        policy = policy or Policy()
        errors: list[str] = []
        if not isinstance(policy.equity, bool):
            errors.append(f"policy: equity must be true or false, not {policy.equity!r}")
        return _build(
            [(_where(f"slots[{j}]", {"id": s.id}), s.id, s.capacity) for j, s in enumerate(slots)],
            [
                (
                    _where(f"referrals[{i}]", {"id": r.id}),
                    r.id,
                    r.priority,
                    r.waited_days,
                    r.imd_quintile,
                    [(o.slot, o.value) for o in r.options],
                )
                for i, r in enumerate(referrals)
            ],
            policy,
            errors,
        )

    @classmethod
    def from_arrays(
        cls,
        *,
        referral_ids: Sequence[str],
        priority,
        waited_days,
        quintile,
        option_start,
        option_slot,
        option_value,
        slot_ids: Sequence[str],
        capacity,
        policy: Policy | None = None,
    ) -> Problem:
        """Build straight from arrays (the simulation's and benchmark's fast path), with the
        same checks done on whole arrays. `quintile` uses 0 for unknown."""
        p = cls(
            referral_ids=tuple(referral_ids),
            priority=np.asarray(priority, dtype=np.float64),
            waited_days=np.asarray(waited_days, dtype=np.int64),
            quintile=np.asarray(quintile, dtype=np.int8),
            option_start=np.asarray(option_start, dtype=np.int64),
            option_slot=np.asarray(option_slot, dtype=np.int64),
            option_value=np.asarray(option_value, dtype=np.float64),
            slot_ids=tuple(slot_ids),
            capacity=np.asarray(capacity, dtype=np.int64),
            policy=policy or Policy(),
        )
        _check_arrays(p)
        return p


def load_problem(data: object) -> Problem:
    """Check a problem document (parsed JSON) and return it as a `Problem`.

    Raises ProblemError listing every fault, each naming the record it is in."""
    errors: list[str] = []
    if not isinstance(data, dict):
        raise ProblemError([f"the problem must be a JSON object, not {_kind(data)}"])
    _unknown_keys(data, {"referrals", "slots", "policy"}, "the problem", errors)
    for key in ("referrals", "slots"):
        if key not in data:
            errors.append(f'the problem has no "{key}" list')
        elif not isinstance(data[key], list):
            errors.append(f'"{key}" must be a list, not {_kind(data[key])}')
    policy = Policy()
    raw_policy = data.get("policy", {})
    if not isinstance(raw_policy, dict):
        errors.append(f'"policy" must be an object, not {_kind(raw_policy)}')
    else:
        _unknown_keys(raw_policy, {"equity"}, "policy", errors)
        equity = raw_policy.get("equity", False)
        if isinstance(equity, bool):
            policy = Policy(equity=equity)
        else:
            errors.append(f"policy: equity must be true or false, not {_kind(equity)}")
    if not all(isinstance(data.get(key), list) for key in ("referrals", "slots")):
        raise ProblemError(errors)

    slots = []
    for j, raw in enumerate(data["slots"]):
        where = f"slots[{j}]"
        if not isinstance(raw, dict):
            errors.append(f"{where}: must be an object, not {_kind(raw)}")
            continue
        where = _where(where, raw)
        _unknown_keys(raw, {"id", "capacity"}, where, errors)
        if _has(raw, ("id", "capacity"), where, errors):
            slots.append((where, raw["id"], raw["capacity"]))

    referrals = []
    fields = ("id", "priority", "waited_days", "imd_quintile", "options")
    for i, raw in enumerate(data["referrals"]):
        where = f"referrals[{i}]"
        if not isinstance(raw, dict):
            errors.append(f"{where}: must be an object, not {_kind(raw)}")
            continue
        where = _where(where, raw)
        _unknown_keys(raw, set(fields), where, errors)
        if not _has(raw, fields, where, errors):
            continue
        if not isinstance(raw["options"], list):
            errors.append(f"{where}: options must be a list, not {_kind(raw['options'])}")
            continue
        options = []
        for k, opt in enumerate(raw["options"]):
            at = f"{where}: options[{k}]"
            if not isinstance(opt, dict):
                errors.append(f"{at}: must be an object, not {_kind(opt)}")
                continue
            _unknown_keys(opt, {"slot", "value"}, at, errors)
            if _has(opt, ("slot", "value"), at, errors):
                options.append((opt["slot"], opt["value"]))
        referrals.append(
            (where, raw["id"], raw["priority"], raw["waited_days"], raw["imd_quintile"], options)
        )
    return _build(slots, referrals, policy, errors)


def problem_to_dict(problem: Problem) -> dict:
    """The JSON document for a problem (the inverse of `load_problem`)."""
    return {
        "referrals": [
            {
                "id": r.id,
                "priority": r.priority,
                "waited_days": r.waited_days,
                "imd_quintile": r.imd_quintile,
                "options": [{"slot": o.slot, "value": o.value} for o in r.options],
            }
            for r in problem.referrals()
        ],
        "slots": [
            {"id": sid, "capacity": int(c)}
            for sid, c in zip(problem.slot_ids, problem.capacity, strict=True)
        ],
        "policy": {"equity": problem.policy.equity},
    }


# -- the checks ------------------------------------------------------------------------------


def _build(slots, referrals, policy, errors) -> Problem:
    slot_index: dict[str, int] = {}
    slot_ids, capacity = [], []
    for where, sid, cap in slots:
        ok = _check_id(sid, where, errors)
        if ok and sid in slot_index:
            errors.append(f'{where}: duplicate slot id "{sid}" (also slots[{slot_index[sid]}])')
        if not _is_int(cap):
            errors.append(f"{where}: capacity must be a whole number, not {_kind(cap)}")
        elif cap < 0:
            errors.append(f"{where}: capacity must not be negative (it is {cap})")
        elif cap > MAX_COUNT:
            errors.append(f"{where}: capacity must be at most {MAX_COUNT:,} (it is {cap})")
        if ok and sid not in slot_index:
            slot_index[sid] = len(slot_ids)
            slot_ids.append(sid)
            capacity.append(cap if _is_int(cap) and 0 <= cap <= MAX_COUNT else 0)

    seen: dict[str, str] = {}
    ids, priority, waited, quintile = [], [], [], []
    starts, option_slot, option_value = [0], [], []
    for where, rid, pri, days, q, options in referrals:
        if _check_id(rid, where, errors):
            if rid in seen:
                errors.append(f'{where}: duplicate referral id "{rid}" (also {seen[rid]})')
            else:
                seen[rid] = where.split(" ")[0]
        if not _is_number(pri):
            errors.append(f"{where}: priority must be a number, not {_kind(pri)}")
        elif not math.isfinite(pri):
            errors.append(f"{where}: priority must be a finite number, not {pri}")
        elif pri < 0:
            errors.append(f"{where}: priority must not be negative (it is {pri})")
        elif pri > MAX_NUMBER:
            errors.append(f"{where}: priority must be at most {MAX_NUMBER:g} (it is {pri})")
        if not _is_int(days):
            errors.append(f"{where}: waited_days must be a whole number, not {_kind(days)}")
        elif days < 0:
            errors.append(f"{where}: waited_days must not be negative (it is {days})")
        elif days > MAX_COUNT:
            errors.append(f"{where}: waited_days must be at most {MAX_COUNT:,} (it is {days})")
        if q is not None and not (_is_int(q) and 1 <= q <= 5):
            errors.append(f"{where}: imd_quintile must be 1 to 5 or null, not {q!r}")
        used: dict[str, int] = {}
        for k, (sid, value) in enumerate(options):
            at = f"{where}: options[{k}]"
            if not isinstance(sid, str):
                errors.append(f"{at}: slot must be a slot id (text), not {_kind(sid)}")
            elif sid not in slot_index:
                errors.append(f'{at}: slot "{sid}" is not one of the slots')
            elif sid in used:
                errors.append(f'{at}: slot "{sid}" is listed twice (also options[{used[sid]}])')
            else:
                used[sid] = k
            if not _is_number(value):
                errors.append(f"{at}: value must be a number, not {_kind(value)}")
            elif not math.isfinite(value):
                errors.append(f"{at}: value must be a finite number, not {value}")
            elif abs(value) > MAX_NUMBER:
                errors.append(f"{at}: value must be between -{MAX_NUMBER:g} and {MAX_NUMBER:g}")
            if not errors:
                option_slot.append(slot_index[sid])
                option_value.append(float(value))
        if not errors:
            ids.append(rid)
            priority.append(float(pri))
            waited.append(days)
            quintile.append(q or 0)
            starts.append(len(option_slot))
    if errors:
        raise ProblemError(errors)
    return Problem(
        referral_ids=tuple(ids),
        priority=np.array(priority, dtype=np.float64),
        waited_days=np.array(waited, dtype=np.int64),
        quintile=np.array(quintile, dtype=np.int8),
        option_start=np.array(starts, dtype=np.int64),
        option_slot=np.array(option_slot, dtype=np.int64),
        option_value=np.array(option_value, dtype=np.float64),
        slot_ids=tuple(slot_ids),
        capacity=np.array(capacity, dtype=np.int64),
        policy=policy,
    )


def _check_arrays(p: Problem) -> None:
    errors = []
    n, m, k = p.n_referrals, p.n_slots, len(p.option_slot)
    for name in ("priority", "waited_days", "quintile"):
        if len(getattr(p, name)) != n:
            errors.append(f"{name} has {len(getattr(p, name))} entries for {n} referrals")
    if len(p.option_start) != n + 1 or (n + 1 and (p.option_start[0] != 0)):
        errors.append("option_start must have one entry per referral plus one, starting at 0")
    elif p.option_start[-1] != k or np.any(np.diff(p.option_start) < 0):
        errors.append("option_start must rise to the number of options")
    if len(p.option_value) != k:
        errors.append("option_slot and option_value differ in length")
    if len(p.capacity) != m:
        errors.append(f"capacity has {len(p.capacity)} entries for {m} slots")
    if errors:
        raise ProblemError(errors)
    if len(set(p.referral_ids)) != n:
        errors.append("referral ids are not unique")
    if len(set(p.slot_ids)) != m:
        errors.append("slot ids are not unique")
    if not np.all(np.isfinite(p.priority)) or np.any(p.priority < 0):
        errors.append("priority must be finite and not negative")
    elif np.any(p.priority > MAX_NUMBER):
        errors.append(f"priority must be at most {MAX_NUMBER:g}")
    if np.any(p.waited_days < 0) or np.any(p.waited_days > MAX_COUNT):
        errors.append(f"waited_days must be from 0 to {MAX_COUNT:,}")
    if np.any((p.quintile < 0) | (p.quintile > 5)):
        errors.append("quintile must be 0 (unknown) or 1 to 5")
    if k and (p.option_slot.min() < 0 or p.option_slot.max() >= m):
        errors.append("option_slot refers to a slot that does not exist")
    if not np.all(np.isfinite(p.option_value)):
        errors.append("option values must be finite")
    elif np.any(np.abs(p.option_value) > MAX_NUMBER):
        errors.append(f"option values must be between -{MAX_NUMBER:g} and {MAX_NUMBER:g}")
    if np.any(p.capacity < 0):
        errors.append("capacity must not be negative")
    elif np.any(p.capacity > MAX_COUNT):
        errors.append(f"capacity must be at most {MAX_COUNT:,}")
    if errors:
        raise ProblemError(errors)


def _where(where: str, raw: dict) -> str:
    rid = raw.get("id")
    return f'{where} (id "{rid}")' if isinstance(rid, str) and rid.strip() else where


def _has(raw: dict, keys: Sequence[str], where: str, errors: list[str]) -> bool:
    missing = [k for k in keys if k not in raw]
    for key in missing:
        errors.append(f'{where}: "{key}" is missing')
    return not missing


def _unknown_keys(raw: dict, allowed: set[str], where: str, errors: list[str]) -> None:
    for key in sorted(set(raw) - allowed, key=str):
        errors.append(f'{where}: unknown field "{key}" (expected {", ".join(sorted(allowed))})')


def _check_id(value, where: str, errors: list[str]) -> bool:
    if not isinstance(value, str):
        errors.append(f"{where}: id must be text, not {_kind(value)}")
        return False
    if not value.strip():
        errors.append(f"{where}: id must not be empty")
        return False
    return True


def _is_int(value) -> bool:
    return (isinstance(value, int | np.integer)) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'the text "{value[:40]}"'
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
