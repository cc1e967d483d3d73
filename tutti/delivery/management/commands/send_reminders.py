"""Send every session reminder that is due and not yet sent.

The background worker (`manage.py db_worker`) sends reminders when they fall due; this
command is the safety net for any whose task was lost (say, the worker was down), and can run
from cron every few minutes. It is safe to run at any time: nothing is sent twice.
"""

from django.core.management.base import BaseCommand

from tutti.delivery.services.reminders import reminders_send_due


class Command(BaseCommand):
    help = "Send every session reminder that is due and not yet sent."

    def handle(self, *args, **options):
        tried = reminders_send_due()
        self.stdout.write(f"{tried} reminder(s) due were tried.")
