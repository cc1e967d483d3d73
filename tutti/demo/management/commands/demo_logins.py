"""Print the demo's address and log-ins. Never in production."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tutti.demo.builders import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo log-ins (one per role) and their shared password."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where it is served")

    def handle(self, *args, url, **options):
        if settings.TUTTI_ENV == "production":
            raise CommandError("There are no demo log-ins in production (TUTTI_ENV=production).")
        existing = set(
            get_user_model()
            .objects.filter(username__in=[login.username for login in DEMO_LOGINS])
            .values_list("username", flat=True)
        )
        lines = ["", f"Tutti is running at {url}", ""]
        if not existing:
            lines.append("There are no demo log-ins yet: run `manage.py seed_demo` first.")
        else:
            width = max(len(login.username) for login in DEMO_LOGINS)
            lines.append(f"Sign in as one of these, with the password {DEMO_PASSWORD}")
            lines += [
                f"  {login.username:<{width}}  {login.role.label} ({login.full_name})"
                for login in DEMO_LOGINS
                if login.username in existing
            ]
            lines.append("")
            if settings.TUTTI_REQUIRE_2FA:
                lines.append(
                    "Two-step sign-in is on (TUTTI_REQUIRE_2FA): you will be asked to set up "
                    "an authenticator app after the password."
                )
            else:
                lines.append("Two-step sign-in is off in the demo: the password is enough.")
        self.stdout.write("\n".join(lines) + "\n")
