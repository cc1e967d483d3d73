"""Small statistics on aggregates the database has already worked out: a mean with its 95%
confidence interval from n, Σx and Σx², and percentiles from the one or two ranked values
around them."""

import math
from dataclasses import dataclass

from scipy import stats


@dataclass(frozen=True)
class MeanCI:
    n: int
    mean: float | None
    sd: float | None
    low: float | None  # 95% confidence interval for the mean
    high: float | None


def mean_ci(*, n, total, total_squares, level=0.95) -> MeanCI:
    """The mean of n values with their sum and sum of squares, and its confidence interval
    from Student's t with n − 1 degrees of freedom. With one value there is no interval."""
    if not n:
        return MeanCI(0, None, None, None, None)
    mean = total / n
    if n < 2:
        return MeanCI(n, mean, None, None, None)
    # Σ(x − x̄)² = Σx² − n·x̄²; never below 0 (rounding can make it a hair negative).
    variance = max(total_squares - n * mean * mean, 0.0) / (n - 1)
    sd = math.sqrt(variance)
    half = stats.t.ppf(0.5 + level / 2, n - 1) * sd / math.sqrt(n)
    return MeanCI(n, mean, sd, mean - half, mean + half)


def percentile_ranks(n, p):
    """The 1-based ranks either side of the p-th quantile of n sorted values, and the weight
    of the upper one: linear interpolation between closest ranks, as PostgreSQL's
    percentile_cont, NumPy's default and Excel's PERCENTILE.INC do."""
    position = 1 + p * (n - 1)
    lower = math.floor(position)
    return lower, min(lower + 1, n), position - lower


def interpolate(lower_value, upper_value, weight):
    return lower_value + (upper_value - lower_value) * weight
