"""Background work for reports (django-tasks)."""

from django_tasks import task

from tutti.reports.summaries import summaries_refresh


@task()
def refresh_summaries() -> dict:
    """Rebuild the report summary tables (see summaries.py); returns the rows in each."""
    return summaries_refresh().rows
