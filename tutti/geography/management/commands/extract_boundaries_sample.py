"""manage.py extract_boundaries_sample [--source FILE] [--dest FILE] [--local-authority CODE ...]

Writes the committed boundary sample (Camden's LSOAs by default) from the full simplified
boundaries file, the features copied unchanged. Deterministic: the same input writes the
same bytes.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tutti.geography.boundaries import FILE_NAME, SAMPLE_LAS, extract_sample


class Command(BaseCommand):
    help = "Extract the committed LSOA boundary sample from the full file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", default=str(settings.BASE_DIR.parent / "shared" / "data" / FILE_NAME)
        )
        parser.add_argument(
            "--dest",
            default=str(Path(__file__).resolve().parents[2] / "data" / "sample" / FILE_NAME),
        )
        parser.add_argument(
            "--local-authority",
            action="append",
            dest="las",
            help=f"an LA code to keep (repeatable; default {', '.join(SAMPLE_LAS)})",
        )

    def handle(self, *args, **options):
        source = Path(options["source"])
        if not source.exists():
            raise CommandError(f"{source}: not found.")
        count = extract_sample(source, Path(options["dest"]), tuple(options["las"] or SAMPLE_LAS))
        self.stdout.write(f"Wrote {count} features to {options['dest']}.")
