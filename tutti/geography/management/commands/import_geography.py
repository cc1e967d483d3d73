"""manage.py import_geography DIR [--only postcodes,imd,…] [--if-empty] [--no-progress]

Loads the geography files in DIR (see tutti/geography/importer.py and
../shared/data/README.md). Idempotent: each table is replaced, never appended to.
"""

from django.core.management.base import BaseCommand, CommandError

from tutti.geography.importer import ONLY_ALIASES, ImportFileError, import_geography
from tutti.geography.models import Postcode


class Command(BaseCommand):
    help = (
        "Import postcode → LSOA lookup, deprivation indices, local authorities, rural-urban "
        "class and GP practices from the files in DIR, replacing what is loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="folder holding the files, e.g. ../shared/data")
        parser.add_argument(
            "--only",
            help="comma-separated parts to import: "
            + ", ".join(sorted(ONLY_ALIASES))
            + " (imd, wimd, simd, nimdm, ruc, lsoa and centroids all rebuild the areas)",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when postcodes are already loaded (for make run)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")
        parser.add_argument(
            "--max-bad",
            type=float,
            default=0.05,
            help="refuse a file when more than this fraction of its rows cannot be loaded "
            "(default 0.05)",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        using = options["database"]
        if options["if_empty"] and Postcode.objects.using(using).exists():
            self.stdout.write("Geography already loaded; nothing imported (--if-empty).")
            return
        progress = not options["no_progress"] and options["verbosity"] > 0
        try:
            result = import_geography(
                options["directory"],
                only=options["only"],
                progress=progress,
                using=using,
                max_bad=options["max_bad"],
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        run = result.run
        if options["verbosity"] == 0:
            return
        for report in result.reports:
            self.stdout.write(
                f"{report.path.name}: {report.loaded:,} of {report.rows:,} rows loaded"
                f"{f', {report.bad:,} could not be loaded' if report.bad else ''}"
                f" ({report.seconds:.1f} s)"
            )
            for reason, n in report.reasons.most_common(5):
                self.stdout.write(f"    {n:,} × {reason}")
        if result.bad:
            self.stdout.write("Rows not loaded (first ones):")
            for example in run.bad_rows:
                self.stdout.write(
                    f"    {example['file']} line {example['line']}: {example['reason']}"
                )
        if run.message:
            self.stdout.write(run.message)
        counts = ", ".join(f"{n:,} {name}" for name, n in run.counts.items())
        self.stdout.write(self.style.SUCCESS(f"Imported in {run.seconds:.1f} s: {counts}."))
