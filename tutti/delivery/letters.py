"""The discharge letter: what the referrer is told when an episode of care ends.

One letter, read two ways: as a page the referrer (and the episode's team) can print
(/referrals/<reference>/discharge-letter/) and as a FHIR document the referring system reads
(tutti.fhir.outbound). Both are built from `discharge_letter(episode)`, so they say the same.

What it holds: the person (the referrer already knows them), the programme and dates, the
sessions offered and attended (from the registers), why it ended and how far the goals were
met, the therapist's discharge summary (written for the referrer), and the change in each
outcome measure from baseline to end with whether it is reliable. Never a session's notes:
they are the therapist's confidential record and are not read here at all.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from tutti.delivery.models import Attendance, Episode
from tutti.delivery.selectors import episodes_visible_to
from tutti.outcomes.change import Category, direction_word, threshold_text
from tutti.outcomes.history import measure_history
from tutti.outcomes.models import Kind, Response, ResponseStatus

LETTER_RELATED = ("person", "programme", "site", "referral__referrer_organisation", "ended_by")


@dataclass(frozen=True)
class SessionCounts:
    """The person's sessions up to the day the episode ended, from the registers."""

    planned: int
    attended: int = 0
    missed: int = 0  # did not attend, or cancelled too late
    cancelled_by_person: int = 0
    cancelled_by_service: int = 0
    not_recorded: int = 0  # a register nobody marked

    @property
    def offered(self):
        """Sessions the person had a place at (the service's own cancellations aside)."""
        return self.attended + self.missed + self.cancelled_by_person + self.not_recorded


@dataclass(frozen=True)
class ScoreChange:
    """One score's move from baseline to the latest review or end."""

    name: str  # "SWEMWBS metric score", or "Goal 1: Sing with others"
    baseline: float
    baseline_on: date
    baseline_occasion: str
    latest: float
    latest_on: date
    latest_occasion: str
    difference: float
    higher_is_better: bool
    category: Category
    criterion: float | None
    baseline_response_id: int | None = None
    latest_response_id: int | None = None

    @property
    def direction(self):
        return direction_word(self.difference, higher_is_better=self.higher_is_better)

    @property
    def reliable(self):
        """'Reliable improvement' and the like, or '' when no criterion is set."""
        return "" if self.category == Category.NOT_SET else self.category.label

    @property
    def criterion_text(self):
        return "" if self.criterion is None else threshold_text(self.criterion)


@dataclass
class MeasureResult:
    measure: object
    responses: list  # completed, oldest first
    changes: list = field(default_factory=list)  # ScoreChange

    @property
    def only_one(self):
        """A baseline with no review or end after it: no change to show."""
        return not self.changes


@dataclass
class DischargeLetter:
    episode: Episode
    referral: object
    person: object
    programme: object
    therapists: list
    sessions: SessionCounts
    measures: list  # MeasureResult, in the library's order

    @property
    def dated(self):
        return self.episode.ended_on

    @property
    def reference(self):
        return self.referral.reference

    @property
    def recipient(self):
        """Who the letter is to: the referrer as they gave their name, else their team."""
        referral = self.referral
        organisation = (
            referral.referrer_organisation.name
            if referral.referrer_organisation_id
            else referral.referrer_organisation_name
        )
        return [
            part for part in (referral.referrer_name, referral.referrer_role, organisation) if part
        ]

    @property
    def greeting(self):
        return (
            f"Dear {self.referral.referrer_name}"
            if self.referral.referrer_name
            else "Dear colleague"
        )


def nhs_number_text(number):
    """999 765 4323, as the NHS writes it."""
    return f"{number[:3]} {number[3:6]} {number[6:]}" if len(number or "") == 10 else number or ""


def letter_episode_for(user, reference):
    """The ended episode of this referral if `user` may read its discharge letter, else None:
    the user who made the referral, and those who may open the episode (its therapists and
    their supervisors, coordinators, administrators). Not partner colleagues of the referrer,
    not commissioners."""
    if not user.is_authenticated or not user.is_active:
        return None
    allowed = Q(referral__referred_by=user) | Q(pk__in=episodes_visible_to(user).values("pk"))
    return (
        Episode.objects.filter(allowed, referral__reference=reference, status=Episode.Status.ENDED)
        .select_related(*LETTER_RELATED)
        .first()
    )


def letter_episode_for_token(token, reference):
    """The ended episode of a referral this API token sent, else None."""
    return (
        Episode.objects.filter(
            referral__reference=reference,
            referral__api_token=token,
            status=Episode.Status.ENDED,
        )
        .select_related(*LETTER_RELATED)
        .first()
    )


def session_counts(episode) -> SessionCounts:
    """Counts by register mark, for sessions on or before the day the episode ended."""
    status = Attendance.Status
    rows = (
        Attendance.objects.filter(episode=episode)
        .filter(session__starts_at__date__lte=episode.ended_on or timezone.localdate())
        .values("status")
        .annotate(n=Count("pk"))
    )
    by = {row["status"]: row["n"] for row in rows}
    return SessionCounts(
        planned=episode.planned_sessions,
        attended=by.get(status.ATTENDED, 0),
        missed=by.get(status.DID_NOT_ATTEND, 0) + by.get(status.CANCELLED_LATE, 0),
        cancelled_by_person=by.get(status.CANCELLED_BY_CLIENT, 0),
        cancelled_by_service=by.get(status.CANCELLED_BY_SERVICE, 0),
        not_recorded=by.get(status.EXPECTED, 0),
    )


def completed_measures(referral):
    """The outcome measures (not feedback surveys) completed for this referral."""
    return (
        Response.objects.filter(
            referral=referral, status=ResponseStatus.COMPLETED, measure__kind=Kind.MEASURE
        )
        .select_related("measure", "person", "entered_by")
        .order_by("measure__position", "measure__code", "completed_at", "pk")
    )


def measure_results(referral) -> list[MeasureResult]:
    """Each measure's responses, with the change from baseline to the latest review or end
    (as the person's outcomes page shows it: tutti.outcomes.history)."""
    grouped = {}
    for response in completed_measures(referral):
        grouped.setdefault(response.measure, []).append(response)
    results = []
    for measure, responses in grouped.items():
        history = measure_history(measure, responses)
        result = MeasureResult(measure, history.responses)
        for item in history.changes:
            change = item.change
            result.changes.append(
                ScoreChange(
                    name=item.name,
                    baseline=change.baseline,
                    baseline_on=timezone.localdate(item.baseline.completed_at),
                    baseline_occasion=item.baseline.get_occasion_display(),
                    latest=change.latest,
                    latest_on=timezone.localdate(item.latest.completed_at),
                    latest_occasion=item.latest.get_occasion_display(),
                    difference=change.difference,
                    higher_is_better=_higher_is_better(measure, item.name),
                    category=change.category,
                    criterion=change.criterion,
                    baseline_response_id=item.baseline.pk,
                    latest_response_id=item.latest.pk,
                )
            )
        results.append(result)
    return results


def _higher_is_better(measure, name):
    for spec in measure.definition["items"]:
        if spec.get("label") and spec["label"] == name:
            return spec.get("higher_is_better", measure.higher_is_better)
    return measure.higher_is_better


def discharge_letter(episode) -> DischargeLetter:
    if episode.is_active:
        raise ValueError("An episode has a discharge letter only once it has ended.")
    return DischargeLetter(
        episode=episode,
        referral=episode.referral,
        person=episode.person,
        programme=episode.programme,
        therapists=list(episode.therapists.select_related("user").order_by("user__full_name")),
        sessions=session_counts(episode),
        measures=measure_results(episode.referral),
    )


def score_text(value):
    value = float(value)
    return f"{value:g}" if value == int(value) else f"{value:.2f}"
