"""The English IMD 2025 decile mix, by local authority district, from the committed table.

`data/imd2025_lad_deciles.csv` counts each district's LSOAs (2021) by IMD 2025 decile (decile 1
is the most deprived tenth). It was made once from MHCLG's file in ../shared/data, so neither
the package nor CI needs that file. LSOAs hold similar numbers of people (about 1,500), so the
counts stand in for population shares.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

TABLE = Path(__file__).resolve().parent.parent / "data" / "imd2025_lad_deciles.csv"


@dataclass(frozen=True)
class District:
    code: str
    name: str
    deciles: tuple[int, ...]  # LSOAs in deciles 1..10

    @property
    def lsoas(self) -> int:
        return sum(self.deciles)


@cache
def districts() -> dict[str, District]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        return {
            row["lad_code"]: District(
                row["lad_code"],
                row["lad_name"],
                tuple(int(row[f"decile_{d}"]) for d in range(1, 11)),
            )
            for row in csv.DictReader(f)
        }


def decile_weights(codes: list[str] | None = None) -> np.ndarray:
    """LSOAs per decile (index 0 = decile 1) over the given districts, or all of England."""
    chosen = districts().values() if codes is None else [districts()[c] for c in codes]
    return np.array([d.deciles for d in chosen], dtype=np.float64).sum(axis=0)


def quintile_of(decile):
    """IMD quintile (1 most deprived) of an IMD decile; works on arrays."""
    return (np.asarray(decile) + 1) // 2
