"""Find the HCPC registration warnings due today and queue their emails. Run it daily
(cron or a scheduler): each warning is recorded once, so running it twice sends nothing new."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from tutti.workforce.services import registration_warnings_queue


class Command(BaseCommand):
    help = (
        "Warn therapists and clinical leads 60 and 14 days before an HCPC registration runs "
        "out, and when it has run out. Safe to run every day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--on",
            help="Act as if today were this date (YYYY-MM-DD), e.g. to catch up after a gap.",
        )

    def handle(self, *args, on=None, **options):
        day = None
        if on:
            try:
                day = date.fromisoformat(on)
            except ValueError:
                raise CommandError(f"--on must be a date like 2027-03-31, not {on!r}.") from None
        made = registration_warnings_queue(on=day)
        if not made:
            self.stdout.write("No registration warnings are due.")
            return
        for warning in made:
            self.stdout.write(
                f"Queued: {warning.therapist}, {warning.get_stage_display().lower()} "
                f"({warning.registration_expires:%-d %B %Y})"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(made)} warning(s) queued for sending."))
