"""manage.py allocate --programme CODE [--dry-run] [--json] [--no-equity]"""

import json

from django.core.management.base import BaseCommand, CommandError

from tutti.allocation import dump_solution
from tutti.programmes.models import Programme
from tutti.waitlist import services
from tutti.waitlist.proposals import proposal_build


class Command(BaseCommand):
    help = "Propose one-to-one offers for a programme's waiting list, and make them."

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="the programme's code")
        parser.add_argument("--dry-run", action="store_true", help="show, do not make offers")
        parser.add_argument("--json", action="store_true", help="print the engine's solution")
        parser.add_argument("--no-equity", action="store_true", help="no fair-share minimums")

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
        result = services.allocation_confirm(
            programme=found,
            assignments=[(p.entry.referral.reference, p.therapist.pk) for p in proposal.proposed],
            actor=None,
        )
        out = self.stderr if as_json else self.stdout
        out.write(f"Offers made: {len(result.offered)}")
        for skipped in result.skipped:
            out.write(f"Not offered: {skipped.reason}")

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
                f"  {e.referral.reference} -> {p.therapist}  priority {e.priority.total:.2f}, "
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
