"""manage.py allocate --programme CODE [--dry-run] [--json] [--no-equity] [--as USERNAME]

Offers are made in the name of a coordinator (`--as`), so each referral's history says who
made them, as it does when they are confirmed on the allocation page.
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tutti.accounts.roles import Role
from tutti.allocation import dump_solution
from tutti.programmes.models import Programme
from tutti.waitlist import services
from tutti.waitlist.proposals import proposal_build


class Command(BaseCommand):
    help = "Propose offers (one-to-one and group places) for a waiting list, and make them."

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="the programme's code")
        parser.add_argument("--dry-run", action="store_true", help="show, do not make offers")
        parser.add_argument("--json", action="store_true", help="print the engine's solution")
        parser.add_argument("--no-equity", action="store_true", help="no fair-share minimums")
        parser.add_argument(
            "--as",
            dest="actor",
            metavar="USERNAME",
            help="the coordinator making the offers (needed unless --dry-run)",
        )

    def handle(self, *args, **options):
        programme, as_json = options["programme"], options["json"]
        found = Programme.objects.filter(code=programme).first()
        if found is None:
            raise CommandError(f"There is no programme with the code {programme!r}.")
        proposal = proposal_build(found, equity=not options["no_equity"])
        if as_json:
            self.stdout.write(json.dumps(dump_solution(proposal.solution), indent=2))
        else:
            self._report(proposal)
        if not proposal.feasible:
            raise CommandError(proposal.solution.message)
        if options["dry_run"]:
            return
        actor = self._actor(options["actor"])
        result = services.allocation_confirm(
            programme=found,
            assignments=services.parse_assignments([p.assignment for p in proposal.proposed])[0],
            actor=actor,
        )
        out = self.stderr if as_json else self.stdout
        out.write(f"Offers made: {len(result.offered)}")
        for skipped in result.skipped:
            out.write(f"Not offered: {skipped.reason}")

    def _actor(self, username):
        if not username:
            raise CommandError(
                "Say who is making the offers with --as USERNAME (a coordinator), "
                "or use --dry-run to only see the proposal."
            )
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"There is no active user {username!r}.")
        if not user.has_role(Role.COORDINATOR, Role.ADMINISTRATOR):
            raise CommandError(f"{username} is not a coordinator, so may not make offers.")
        return user

    def _report(self, proposal):
        write = self.stdout.write
        write(
            f"{proposal.programme.code}: {len(proposal.entries)} waiting, {proposal.places} "
            f"places with {len(proposal.capacity)} therapists; equity "
            f"{'on' if proposal.equity else 'off'}"
        )
        if not proposal.feasible:
            return
        for p in proposal.proposed:
            e = p.entry
            write(
                f"  {e.referral.reference} -> {p.place}  priority {e.priority.total:.2f}, "
                f"waited {e.waited_days // 7} weeks, IMD quintile {e.person.imd_quintile or '-'}"
            )
        m, f = proposal.metrics, proposal.fcfs_metrics
        write(f"{'':40}{'proposal':>10}{'FCFS':>10}")
        write(f"{'offered':40}{m.offered:>10}{f.offered:>10}")
        write(
            f"{'mean priority of those offered':40}{m.mean_priority:>10.2f}{f.mean_priority:>10.2f}"
        )
        write(
            f"{'share from IMD quintiles 1-2':40}{m.deprived_share:>10.0%}{f.deprived_share:>10.0%}"
        )
        write(
            f"{'longest wait not offered (weeks)':40}"
            f"{m.longest_wait_not_offered_weeks:>10}{f.longest_wait_not_offered_weeks:>10}"
        )
        s = proposal.solution
        write(f"objective {s.objective:.4f}, bound {s.bound:.4f}, {s.seconds:.3f} s")
