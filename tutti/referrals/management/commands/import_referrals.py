"""manage.py import_referrals FILE.csv [--user NAME] [--report PROBLEMS.csv] [--no-progress]

Checks every row of FILE (the columns are described in docs/referral-csv.md) and imports them
all in one transaction, or, if any row has a problem, imports none and lists each bad row by
its line (the header is line 1). A run stopped part-way leaves nothing behind.
"""

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from tqdm import tqdm

from tutti.referrals.bulk.importer import (
    MAX_BYTES,
    FileRejected,
    import_referrals,
    write_report,
)

SHOWN = 50  # bad rows printed; --report writes them all


class Command(BaseCommand):
    help = "Import referrals from a CSV file: all of them, or none if any row has a problem."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file (see docs/referral-csv.md)")
        parser.add_argument("--user", help="username or email of the person importing")
        parser.add_argument("--report", help="write the bad rows (line, field, reason) here")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")
        parser.add_argument(
            "--no-acknowledgements",
            action="store_true",
            help="do not email the referrers (for example, for referrals already acknowledged)",
        )

    def handle(self, *args, **options):
        actor = self._user(options["user"]) if options["user"] else None
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path.name}: larger than {MAX_BYTES // 1024 // 1024} MB.")
        show = not options["no_progress"] and options["verbosity"] > 0
        bars = {}
        # The bar redraws itself with "\r": write to the raw stream, not Django's line wrapper.
        stream = getattr(self.stderr, "_out", sys.stderr)

        def progress(stage, done, total):
            if not show:
                return
            if stage not in bars:
                for earlier in bars.values():
                    earlier.close()
                label = "Checking rows" if stage == "checking" else "Saving referrals"
                bars[stage] = tqdm(total=total, desc=label, unit=" rows", file=stream)
            bar = bars[stage]
            bar.update(done - bar.n)

        try:
            outcome = import_referrals(
                path.read_bytes(),
                actor=actor,
                progress=progress,
                acknowledge=not options["no_acknowledgements"],
            )
        except FileRejected as error:
            raise CommandError(f"{path.name}: {error} Nothing was imported.") from None
        finally:
            for bar in bars.values():
                bar.close()

        if outcome.problems:
            if options["report"]:
                _write_report(options["report"], outcome.problems)
            for problem in outcome.problems[:SHOWN]:
                column = f", {problem.field}" if problem.field else ""
                self.stderr.write(f"line {problem.line}{column}: {problem.message}")
            more = len(outcome.problems) - SHOWN
            if more > 0:
                self.stderr.write(f"… and {more:,} more (--report FILE writes them all).")
            lines = len({p.line for p in outcome.problems})
            raise CommandError(
                f"Nothing was imported: {lines:,} of {outcome.rows:,} rows have problems. "
                "Correct them and import the whole file again."
            )
        matched = (
            f" {outcome.matched:,} are for people already known: a coordinator confirms each."
            if outcome.matched
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(f"Imported {outcome.imported:,} referrals from {path.name}.")
            + matched
        )

    def _user(self, name):
        user = get_user_model().objects.filter(Q(username=name) | Q(email__iexact=name)).first()
        if user is None:
            raise CommandError(f"No user {name!r}.")
        return user


def _write_report(target, problems):
    with open(target, "w", newline="", encoding="utf-8") as out:
        write_report(out, problems)
