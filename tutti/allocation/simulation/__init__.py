"""Referral streams and a 52-week simulation of weekly allocation (see weekly.py, streams.py)."""

from .streams import CHARITY, NATIONAL, Scale, make_referrals, make_service
from .weekly import Stream, compare, make_stream, metrics, run

__all__ = [
    "CHARITY",
    "NATIONAL",
    "Scale",
    "Stream",
    "compare",
    "make_referrals",
    "make_service",
    "make_stream",
    "metrics",
    "run",
]
