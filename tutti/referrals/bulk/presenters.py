"""What the import pages show about an import."""

from datetime import timedelta

from django.utils import timezone

from tutti.referrals.models import Referral, ReferralImport

SHOWN_REFERRALS = 100
SHOWN_PROBLEMS = 500
# A worker that died part-way leaves a job that never finishes; its transaction rolled back.
STALLED_AFTER = timedelta(minutes=30)


def status(job: ReferralImport) -> dict:
    since = job.started_at or job.created_at
    stalled = not job.finished and timezone.now() - since > STALLED_AFTER
    references = []
    if job.status == ReferralImport.Status.IMPORTED:
        references = list(
            Referral.objects.filter(pk__in=job.referral_ids[:SHOWN_REFERRALS])
            .order_by("pk")
            .values_list("reference", flat=True)
        )
    problems = job.row_problems[:SHOWN_PROBLEMS]
    return {
        "job": job,
        "stalled": stalled,
        "polling": not job.finished and not stalled,
        "references": references,
        "more_referrals": max(0, job.rows_imported - len(references)),
        "problem_rows": [
            [
                {"text": str(p["line"])},
                {"text": p["field"] or "(the whole line)"},
                {"text": p["message"]},
            ]
            for p in problems
        ],
        "more_problems": max(0, len(job.row_problems) - len(problems)),
        "bad_lines": len({p["line"] for p in job.row_problems}),
    }
