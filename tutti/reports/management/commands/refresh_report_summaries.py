"""Rebuild the report summary tables: run nightly (cron or a systemd timer), or after a bulk
import. With --background it queues the work for `manage.py db_worker` instead."""

from django.core.management.base import BaseCommand

from tutti.reports.summaries import summaries_refresh


class Command(BaseCommand):
    help = (
        "Rebuild the monthly summary tables the impact and equity reports read for whole "
        "months before now (a few seconds for a small service; minutes for millions of "
        "sessions)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--background", action="store_true", help="Queue it for the background worker"
        )

    def handle(self, *args, background, **options):
        if background:
            from tutti.reports.tasks import refresh_summaries

            result = refresh_summaries.enqueue()
            self.stdout.write(f"Queued for the background worker (task {result.id}).")
            return
        refresh = summaries_refresh()
        rows = ", ".join(f"{n:,} {name}" for name, n in refresh.rows.items())
        self.stdout.write(self.style.SUCCESS(f"Summaries made in {refresh.seconds:.1f} s: {rows}."))
