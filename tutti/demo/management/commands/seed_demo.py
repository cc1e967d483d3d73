"""Fill an empty database with a believable demo service. Never in production."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tutti.demo.builders import DEMO_LOGINS, MINIMUM_PEOPLE, build_demo
from tutti.demo.builders.delivery_groups import build_delivery_groups
from tutti.demo.builders.delivery_journeys import build_delivery_journeys
from tutti.demo.builders.delivery_offers import build_delivery_offers
from tutti.demo.builders.delivery_records import build_delivery_records
from tutti.demo.builders.discharge import build_discharge
from tutti.demo.builders.outcomes import build_outcomes
from tutti.demo.builders.workforce import build_workforce
from tutti.people.models import Person


class Command(BaseCommand):
    help = (
        "Create a demo music therapy service: organisations, sites, programmes, 20 therapists, "
        "made-up people with referrals at every step, and one log-in per role."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if anyone is already recorded (so `make run` can call it every time).",
        )
        parser.add_argument(
            "--people",
            type=int,
            default=520,
            help=f"How many people to make (default 520, at least {MINIMUM_PEOPLE}).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            help="Random seed: the same seed makes the same demo (default 2026).",
        )

    def handle(self, *args, if_empty, people, seed, verbosity, **options):
        if settings.TUTTI_ENV == "production":
            raise CommandError(
                "seed_demo makes up people and log-ins with a published password, so it never "
                "runs in production (TUTTI_ENV=production)."
            )
        if people < MINIMUM_PEOPLE:
            raise CommandError(
                f"Use --people {MINIMUM_PEOPLE} or more, so every step of a referral's journey "
                "has someone at it."
            )
        if Person.objects.exists():
            if if_empty:
                self.stdout.write(
                    "People are already recorded, so the demo data was left as it is."
                )
                return
            raise CommandError(
                "This database already has people in it. seed_demo only fills an empty "
                "database: start again with `rm var/tutti.sqlite3*` and `manage.py migrate`."
            )
        taken = (
            get_user_model()
            .objects.filter(username__in=[login.username for login in DEMO_LOGINS])
            .values_list("username", flat=True)
        )
        if taken:
            raise CommandError(
                f"These demo usernames are already taken: {', '.join(sorted(taken))}. "
                "Seed an empty database instead."
            )

        def progress(iterable, **kwargs):
            return tqdm(iterable, unit=" people", disable=verbosity == 0, leave=False, **kwargs)

        started = time.monotonic()
        summary = build_demo(people=people, seed=seed, progress=progress)
        build_workforce(seed=seed)  # registration, supervision, placements, courses
        build_delivery_groups(seed=seed)  # a group and its sessions, events, blocks
        build_delivery_records(seed=seed)  # registers, a review, records, a sign-off
        offers = build_delivery_offers(seed=seed)  # offers accepted, waiting and declined
        # The journeys' offers, episodes, sessions and registers, around the sessions above.
        build_delivery_journeys(seed=seed)
        # After delivery, so that everyone the delivery builders put in therapy has measures.
        build_outcomes(seed=seed)  # baseline and end measures, feedback
        build_discharge(seed=seed)  # the referrer's finished referral and its discharge letter
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo service ready in {time.monotonic() - started:.1f} s: "
                f"{summary.programmes} programmes at {summary.sites} sites, "
                f"{summary.therapists} therapists, {summary.people} people and "
                f"{summary.referrals} referrals. See the log-ins with `manage.py demo_logins`."
            )
        )
        if offers["link"]:
            self.stdout.write(
                f"An offer is waiting for an answer: open {offers['link']} to answer it as the "
                "person would (a one-time link, shown only now)."
            )
