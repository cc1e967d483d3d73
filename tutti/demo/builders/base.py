"""What every builder shares: the seeded randomness, today's date and made-up contact details."""

import csv
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path

from django.utils import timezone
from faker import Faker

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
EMAIL_DOMAIN = "demo.tutti.invalid"  # .invalid never resolves: no email can reach a real inbox


@dataclass
class Demo:
    """The seeded random sources and everything built so far, passed from builder to builder."""

    rng: random.Random
    fake: Faker
    now: datetime
    organisations: dict = field(default_factory=dict)  # key -> Organisation
    sites: dict = field(default_factory=dict)  # key -> Site
    site_authorities: dict = field(default_factory=dict)  # site key -> local authority code
    gp_practices: list = field(default_factory=list)  # [(Organisation, local authority code)]
    programmes: dict = field(default_factory=dict)  # code -> Programme
    logins: dict = field(default_factory=dict)  # username -> User
    therapists: list = field(default_factory=list)
    therapist_by_key: dict = field(default_factory=dict)  # "therapist", "trainee" … -> Therapist
    postcodes: dict = field(default_factory=dict)  # local authority code -> [postcode]
    nhs_numbers: set = field(default_factory=set)  # given out so far: each person has their own
    references: set = field(default_factory=set)  # referral references given out so far
    password_hash: str = ""  # the demo log-ins' shared password, hashed once

    @classmethod
    def start(cls, seed):
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        return cls(
            rng=random.Random(seed), fake=fake, now=timezone.now(), postcodes=load_postcodes()
        )

    @property
    def today(self):
        return timezone.localdate(self.now)

    def chance(self, p):
        return self.rng.random() < p

    def weighted(self, weights: dict):
        """One key of `weights`, chosen in proportion to its value."""
        keys = list(weights)
        return self.rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def office_hours(self, day):
        """A moment on `day` between 9:00 and 17:30, London time."""
        minutes = self.rng.randrange(9 * 60, 17 * 60 + 30)
        moment = datetime.combine(day, time(minutes // 60, minutes % 60))
        return timezone.make_aware(moment)

    def days_ago(self, days):
        return self.today - timedelta(days=days)


# Ofcom keeps these ranges for drama and demonstrations: no real line has these numbers.
def mobile_number(demo):
    return f"07700 900{demo.rng.randrange(1000):03d}"


def landline_number(demo, local_authority=""):
    if local_authority.startswith("E09"):  # London
        return f"020 7946 0{demo.rng.randrange(1000):03d}"
    if local_authority.startswith("S"):  # Glasgow
        return f"0141 496 0{demo.rng.randrange(1000):03d}"
    return f"01632 960{demo.rng.randrange(1000):03d}"


def email_for(given, family, demo, domain="example.com"):
    local = "".join(c for c in f"{given}.{family}".lower() if c.isalnum() or c == ".")
    return f"{local}{demo.rng.randrange(10, 99)}@{domain}"


def load_postcodes():
    """Real postcodes (May 2025 NSPL) by local authority code; see data/README.md."""
    by_authority = {}
    with open(DATA_DIR / "postcodes.csv", newline="") as f:
        for row in csv.DictReader(f):
            by_authority.setdefault(row["local_authority"], []).append(row["postcode"])
    return by_authority


# Post towns for the districts in data/postcodes.csv.
_POST_TOWNS = {
    "HR5": "Kington",
    "HR6": "Leominster",
    "HR7": "Bromyard",
    "HR8": "Ledbury",
    "HR9": "Ross-on-Wye",
    "EN5": "Barnet",
    "HA0": "Wembley",
    "HA9": "Wembley",
}


def post_town(postcode):
    district = postcode.split()[0]
    if district in _POST_TOWNS:
        return _POST_TOWNS[district]
    if district.startswith("HR"):
        return "Hereford"
    if district.startswith("G"):
        return "Glasgow"
    return "London"
