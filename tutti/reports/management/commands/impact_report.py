"""The impact report on the command line: the same figures as /reports/impact/, as JSON or CSV."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from tutti.organisations.models import Organisation, Site
from tutti.programmes.models import Programme
from tutti.reports import exports
from tutti.reports.forms import last_twelve_months
from tutti.reports.impact import impact_report
from tutti.reports.presenters import impact_view
from tutti.reports.scope import scope_build


def _day(text, name):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--{name} must be a date like 2025-04-01, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "Print the impact report (sessions, hours, people, referrals, partners, attendance, "
        "feedback, outcome change) for a period, as JSON or CSV. Without dates: the 12 whole "
        "months before this one, as on the page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", help="First day, like 2025-04-01")
        parser.add_argument("--to", dest="date_to", help="Last day, like 2026-03-31")
        parser.add_argument("--programme", help="A programme's code, like CENTRE-INDIVIDUAL")
        parser.add_argument("--funder", help="The funding organisation's name, exactly")
        parser.add_argument("--site", type=int, help="A site's id")
        parser.add_argument("--region", default="", help="A region's name, like London")
        parser.add_argument("--nation", default="", choices=["", *Site.Nation.values])
        parser.add_argument("--format", default="json", choices=["json", "csv"])
        parser.add_argument(
            "--suppress",
            action="store_true",
            help='Show counts of 1 to 4 people as "<5", as for publication',
        )

    def handle(self, *args, date_from, date_to, programme, funder, site, region, nation, **opts):
        first, last = last_twelve_months()
        first = _day(date_from, "from") if date_from else first
        last = _day(date_to, "to") if date_to else last
        if last < first:
            raise CommandError("--to must be the same as or after --from")
        filters = {"region": region, "nation": nation}
        if programme:
            filters["programme"] = Programme.objects.filter(code=programme).first()
            if filters["programme"] is None:
                codes = ", ".join(Programme.objects.values_list("code", flat=True))
                raise CommandError(f"No programme has the code {programme}. Codes: {codes}")
        if funder:
            filters["funder"] = Organisation.objects.filter(name=funder).first()
            if filters["funder"] is None:
                raise CommandError(f"No organisation is called {funder!r}")
        if site:
            filters["site"] = Site.objects.filter(pk=site).first()
            if filters["site"] is None:
                raise CommandError(f"No site has the id {site}")
        scope = scope_build(date_from=first, date_to=last, **filters)
        view = impact_view(impact_report(scope), suppress=opts["suppress"])
        if opts["format"] == "csv":
            self.stdout.write(exports.as_csv(view), ending="")
        else:
            self.stdout.write(exports.as_json(view))
