"""manage.py import_boundaries FILE [--if-empty] [--no-progress] [--max-bad 0.05]

Loads LSOA outlines for maps from a GeoJSON FeatureCollection (see
tutti/geography/boundaries.py), replacing those loaded. Optional: reports show a map only
when boundaries are loaded.

    manage.py import_boundaries ../shared/data/lsoa21_boundaries_ew_simplified.geojson.gz
"""

from django.core.management.base import BaseCommand, CommandError

from tutti.geography.boundaries import BoundaryFileError, import_boundaries
from tutti.geography.models import AreaBoundary


class Command(BaseCommand):
    help = "Import LSOA boundaries (GeoJSON) for maps, replacing those loaded."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="e.g. ../shared/data/lsoa21_boundaries_ew_simplified.geojson.gz"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when boundaries are already loaded (for make run)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars")
        parser.add_argument(
            "--max-bad",
            type=float,
            default=0.05,
            help="refuse the file when more than this fraction of its features cannot be used "
            "(default 0.05)",
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        using = options["database"]
        if options["if_empty"] and AreaBoundary.objects.using(using).exists():
            self.stdout.write("Boundaries already loaded; nothing imported (--if-empty).")
            return
        progress = not options["no_progress"] and options["verbosity"] > 0
        try:
            result = import_boundaries(
                options["file"], progress=progress, max_bad=options["max_bad"], using=using
            )
        except BoundaryFileError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] == 0:
            return
        for number, reason in result.bad:
            self.stdout.write(f"    feature {number}: {reason}")
        skipped = f", {result.bad_count:,} could not be used" if result.bad_count else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.loaded:,} boundaries from {result.features:,} features"
                f"{skipped} in {result.seconds:.1f} s."
            )
        )
