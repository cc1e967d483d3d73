"""Background work for CSV imports: the import itself, and the acknowledgements after it."""

import logging
import traceback

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from tutti.referrals.bulk.importer import FileRejected, import_referrals
from tutti.referrals.models import ReferralImport

logger = logging.getLogger(__name__)
Status = ReferralImport.Status


@task()
def referral_import_run(import_id: int) -> None:
    """Run an uploaded file's import, recording its progress and outcome on the job."""
    job = ReferralImport.objects.select_related("uploaded_by").get(pk=import_id)
    if job.status != Status.QUEUED:
        return  # already run (a task may be delivered twice)
    data = bytes(job.file_data)
    jobs = ReferralImport.objects.filter(pk=import_id)
    jobs.update(status=Status.CHECKING, started_at=timezone.now())

    def progress(stage, done, total):
        if stage == "checking":
            jobs.update(rows_total=total, rows_checked=done)
        elif done == 0:  # later counts would be written inside the import's transaction
            jobs.update(status=Status.SAVING, rows_checked=total)

    outcome = None
    try:
        outcome = import_referrals(data, actor=job.uploaded_by, progress=progress)
    except FileRejected as error:
        result = {"status": Status.REJECTED, "problem": str(error)}
    except Exception as error:
        # The message may hold a value from the file (a database error quotes the row), so
        # only its kind and where it happened are logged.
        logger.error(
            "Referral import %s failed: %s\n%s",
            import_id,
            type(error).__name__,
            "".join(traceback.format_tb(error.__traceback__)),
        )
        result = {
            "status": Status.FAILED,
            "problem": "Something went wrong while saving, so nothing was imported. "
            "Upload the file again; if it happens again, tell the service's administrator.",
        }
    else:
        result = {
            "status": Status.REJECTED if outcome.problems else Status.IMPORTED,
            "rows_total": outcome.rows,
            "rows_checked": outcome.rows,
            "rows_imported": outcome.imported,
            "people_matched": outcome.matched,
            "row_problems": [p.as_dict() for p in outcome.problems],
            "referral_ids": outcome.referral_ids,
        }
    # The file is personal data: it goes as soon as the import is over, whatever happened.
    jobs.update(file_data=b"", finished_at=timezone.now(), **result)


@task()
def acknowledge_referrals(referral_ids: list[int]) -> None:
    """The acknowledgement each imported referral gets, as from any other route."""
    from tutti.referrals.notifications import send_acknowledgement

    for referral_id in referral_ids:
        try:
            send_acknowledgement.call(referral_id)
        except Exception as error:  # one bad address must not stop the others
            logger.warning(
                "Acknowledgement for referral id %s not sent: %s",
                referral_id,
                type(error).__name__,
            )


def referral_import_queue(*, file_name: str, data: bytes, actor) -> ReferralImport:
    """Keep the uploaded file and queue its import once the upload is committed."""
    with transaction.atomic():
        job = ReferralImport.objects.create(
            file_name=file_name[:255], file_data=data, uploaded_by=actor
        )
        transaction.on_commit(lambda: referral_import_run.enqueue(job.pk))
    return job
