"""Fill the database with a large made-up service, for benchmarks. Never in production."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from tutti.demo.load.generate import CHUNK, existing_load, generate


class Command(BaseCommand):
    help = (
        "Generate a realistic service for load tests: N people over Y years, with referrals "
        "and their histories, episodes, groups, sessions, attendance, outcome measures and "
        "feedback (about 10 sessions a person). Written in bulk, a few thousand people at a "
        "time. Refuses to run twice unless --force (which adds another batch)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, required=True, help="How many people")
        parser.add_argument("--years", type=float, default=5, help="Over how many years (5)")
        parser.add_argument("--seed", type=int, default=7, help="Random seed (7)")
        parser.add_argument(
            "--force", action="store_true", help="Add another batch even if one is there"
        )

    def handle(self, *args, people, years, seed, force, verbosity, **options):
        if settings.TUTTI_ENV == "production":
            raise CommandError("generate_load makes up people, so it never runs in production.")
        if people < 1:
            raise CommandError("--people must be 1 or more.")
        if not 0 < years <= 20:
            raise CommandError("--years must be more than 0 and at most 20.")
        if existing_load() and not force:
            raise CommandError(
                "Generated load is already in this database (programmes starting LOAD-). "
                "Run with --force to add another batch, or start from an empty database."
            )
        started = time.monotonic()
        chunks = -(-people // CHUNK)

        def progress(iterable):
            return tqdm(
                iterable,
                total=chunks,
                unit=" chunks",
                desc=f"{people:,} people, {CHUNK:,} a chunk",
                disable=verbosity == 0,
            )

        counts = generate(people=people, years=years, seed=seed, force=force, progress=progress)
        seconds = time.monotonic() - started
        made = ", ".join(f"{n:,} {name}" for name, n in counts.items() if n)
        self.stdout.write(self.style.SUCCESS(f"Generated in {seconds:.0f} s: {made}."))
