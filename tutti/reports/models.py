"""Summary tables: the report figures counted by month, so an annual report over millions of
sessions reads thousands of rows instead. Made whole by `summaries.summaries_refresh()` (the
`refresh_report_summaries` command, or its background task, nightly); read only for periods
of whole months that ended before the last refresh (see summaries.py). Nothing here names a
person except `PersonMonth` and `OutcomeFact`, which hold a person's id so that people are
counted once: they are never shown.

Ids of programmes, sites, people and organisations are plain numbers, not foreign keys: a
summary must never block deleting or changing the records it was counted from, and it is
replaced whole at each refresh.
"""

from django.db import models


class Summary(models.Model):
    """A row of a summary table: counted, never edited, never shown one by one."""

    class Meta:
        abstract = True

    def __str__(self):
        return f"{type(self).__name__} {self.pk}"


class SummaryRefresh(models.Model):
    """One rebuild of the summary tables."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # Everything that happened before this moment is counted.
    counted_until = models.DateTimeField()
    seconds = models.FloatField(null=True, blank=True)
    rows = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "finished_at"

    def __str__(self):
        return f"Report summaries to {self.counted_until:%Y-%m-%d %H:%M}"


class SessionMonth(Summary):
    """Sessions delivered (as the impact report defines it), by month, programme, site, kind."""

    month = models.DateField()
    programme_id = models.BigIntegerField(null=True)
    site_id = models.BigIntegerField(null=True)
    kind = models.CharField(max_length=10)
    sessions = models.PositiveIntegerField()
    length = models.DurationField()
    headcount = models.PositiveIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["month"])]


class AttendanceMonth(Summary):
    """Places booked at sessions that have started, by attendance status."""

    month = models.DateField()
    programme_id = models.BigIntegerField(null=True)
    site_id = models.BigIntegerField(null=True)
    imd_quintile = models.PositiveSmallIntegerField(null=True)
    status = models.CharField(max_length=20)
    places = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month"])]


class PersonMonth(Summary):
    """A person who attended at least one session of a programme at a site in a month."""

    month = models.DateField()
    person_id = models.BigIntegerField()
    programme_id = models.BigIntegerField(null=True)
    site_id = models.BigIntegerField(null=True)
    home_la = models.CharField(max_length=9)
    imd_quintile = models.PositiveSmallIntegerField(null=True)

    class Meta:
        # Covers the distinct counts of people (in all, by programme, by quintile), so
        # PostgreSQL answers them from the index alone.
        indexes = [
            models.Index(
                fields=["month", "programme_id", "person_id", "imd_quintile"],
                name="reports_personmonth_counting",
            )
        ]


class ReferralMonth(Summary):
    """Referrals received, accepted and decided."""

    month = models.DateField()
    programme_id = models.BigIntegerField(null=True)
    site_id = models.BigIntegerField(null=True)
    home_la = models.CharField(max_length=9)
    route = models.CharField(max_length=20)
    imd_quintile = models.PositiveSmallIntegerField(null=True)
    referrals = models.PositiveIntegerField()
    accepted = models.PositiveIntegerField()
    decided = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month"])]


class WaitMonth(Summary):
    """First offers made, by the whole days waited for them: a histogram for percentiles."""

    month = models.DateField()
    programme_id = models.BigIntegerField(null=True)
    site_id = models.BigIntegerField(null=True)
    home_la = models.CharField(max_length=9)
    imd_quintile = models.PositiveSmallIntegerField(null=True)
    days = models.DurationField()
    offers = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month"])]


class FeedbackMonth(Summary):
    """Completed survey responses (item -1) and each statement's answers and agreements."""

    month = models.DateField()
    measure_id = models.BigIntegerField()
    programme_id = models.BigIntegerField(null=True)
    site_id = models.BigIntegerField(null=True)
    home_la = models.CharField(max_length=9, null=True)
    organisation_id = models.BigIntegerField(null=True)
    has_referral = models.BooleanField()
    item = models.SmallIntegerField()
    answered = models.PositiveIntegerField()
    agreed = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["month", "measure_id"])]


class OutcomeFact(Summary):
    """One review or end score (scored) with its change from the latest baseline before it
    (None without one)."""

    response_id = models.BigIntegerField()
    month = models.DateField()
    completed_at = models.DateTimeField()
    person_id = models.BigIntegerField()
    measure_id = models.BigIntegerField()
    programme_id = models.BigIntegerField(null=True)
    site_id = models.BigIntegerField(null=True)
    home_la = models.CharField(max_length=9, null=True)
    has_referral = models.BooleanField()
    imd_quintile = models.PositiveSmallIntegerField(null=True)
    change = models.FloatField(null=True)
    # When the person's next review or end score of this measure was completed (any
    # programme): a period's latest score of each person is the one whose next is after it.
    next_completed_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["measure_id", "month"])]
