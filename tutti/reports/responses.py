"""Feedback and outcome change, from completed responses: the % agreeing with each feedback
statement (with n), and each measure's mean change from baseline with its 95% confidence
interval and the share of reliable improvement. Aggregated in the database; see impact.py for
the definitions."""

from dataclasses import dataclass

from django.db.models import Count, DecimalField, Exists, F, FloatField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast

from tutti.outcomes.models import Kind, Measure, Occasion, Respondent, Response, ResponseStatus
from tutti.outcomes.presenters import measure_items
from tutti.reports.scope import Scope
from tutti.reports.stats import mean_ci

FOLLOW_UPS = (Occasion.REVIEW, Occasion.END)


def _percent(part, whole):
    return 100 * part / whole if whole else None


# --- feedback -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    number: int
    text: str
    n: int  # people who answered this statement
    agree: int  # of whom agreed or strongly agreed

    @property
    def percent(self):
        return _percent(self.agree, self.n)


@dataclass(frozen=True)
class SurveyResult:
    code: str
    name: str
    respondent: str
    responses: int
    statements: list


def completed_in(scope: Scope, responses):
    return responses.filter(
        status=ResponseStatus.COMPLETED,
        completed_at__gte=scope.start,
        completed_at__lt=scope.end,
    )


def survey_results(scope: Scope, measure) -> SurveyResult:
    """Each statement's n and agreeing count, from the stored scores, in one query."""
    responses = completed_in(scope, Response.objects.filter(measure=measure))
    if measure.respondent == Respondent.STAFF:
        responses = responses.filter(scope.staff_responses_q())
    else:
        responses = responses.filter(scope.responses_q())
    items = measure_items(measure)
    counts = {"responses": Count("pk", filter=Q(score__answered__gte=1))}
    for index in range(len(items)):
        item = f"score__items__{index}"
        # "agree" is stored (true or false) only for a statement that was answered.
        counts[f"n{index}"] = Count("pk", filter=Q(**{f"{item}__agree__isnull": False}))
        counts[f"agree{index}"] = Count("pk", filter=Q(**{f"{item}__agree": True}))
    totals = responses.order_by().aggregate(**counts)
    statements = [
        Statement(item["number"], item["wording"], totals[f"n{i}"], totals[f"agree{i}"])
        for i, item in enumerate(items)
    ]
    return SurveyResult(
        measure.code,
        measure.name,
        measure.get_respondent_display(),
        totals["responses"],
        statements,
    )


def survey_measures():
    return (
        Measure.objects.filter(kind=Kind.SURVEY)
        .prefetch_related("items")
        .order_by("position", "code")
    )


def feedback(scope: Scope) -> list:
    return [survey_results(scope, measure) for measure in survey_measures()]


# --- outcome change -------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeChange:
    code: str
    name: str
    scored_on: str  # "raw" or "metric"
    higher_is_better: bool
    n: int  # people with a baseline and a review or end response
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    criterion: float | None  # a change must be more than this to be reliable
    improved: int
    deteriorated: int

    @property
    def no_reliable_change(self):
        return self.n - self.improved - self.deteriorated if self.criterion is not None else None

    @property
    def percent_improved(self):
        return _percent(self.improved, self.n) if self.criterion is not None else None

    @property
    def percent_deteriorated(self):
        return _percent(self.deteriorated, self.n) if self.criterion is not None else None


def score_field(measure):
    return "metric_score" if measure.change_on == "metric" else "raw_score"


def scored_follow_ups(measure):
    """Completed review and end responses of a measure, with a score, about a person."""
    return Response.objects.filter(
        measure=measure,
        occasion__in=FOLLOW_UPS,
        person__isnull=False,
        status=ResponseStatus.COMPLETED,
        **{f"{score_field(measure)}__isnull": False},
    )


def baseline_score(measure):
    """The score of the latest completed baseline before the outer response, of its person."""
    score = score_field(measure)
    latest = (
        Response.objects.filter(
            measure=measure,
            person=OuterRef("person"),
            occasion=Occasion.BASELINE,
            status=ResponseStatus.COMPLETED,
            completed_at__lt=OuterRef("completed_at"),
            **{f"{score}__isnull": False},
        )
        .order_by("-completed_at", "-pk")
        .values(score)[:1]
    )
    return Subquery(latest, output_field=DecimalField(max_digits=8, decimal_places=2))


def change_from_baseline(measure):
    return Cast(F(score_field(measure)) - F("baseline"), FloatField())


def change_pairs(scope: Scope, measure):
    """For each person: their latest review or end response completed in the period (in any
    programme), if it is in the scope, annotated with `baseline` (the latest completed
    baseline before it) and `change`. Only those with both scores."""
    in_period = completed_in(scope, scored_follow_ups(measure))
    later = in_period.filter(person=OuterRef("person")).filter(
        Q(completed_at__gt=OuterRef("completed_at"))
        | Q(completed_at=OuterRef("completed_at"), pk__gt=OuterRef("pk"))
    )
    return (
        in_period.filter(scope.responses_q())
        .filter(~Exists(later))
        .annotate(baseline=baseline_score(measure))
        .filter(baseline__isnull=False)
        .annotate(change=change_from_baseline(measure))
    )


def outcome_change(scope: Scope, measure) -> OutcomeChange:
    return outcome_change_of(change_pairs(scope, measure).order_by(), measure)


def outcome_change_of(changes, measure) -> OutcomeChange:
    """Mean change with its 95% CI and reliable change, over `changes`: rows with a `change`
    (a response's change from its baseline, however the caller found them)."""
    criterion = measure.reliable_change_criterion
    counts = {
        "n": Count("pk"),
        "total": Sum("change"),
        "squares": Sum(F("change") * F("change")),
    }
    if criterion is not None:
        better, worse = better_worse(measure, criterion)
        counts["improved"] = Count("pk", filter=better)
        counts["deteriorated"] = Count("pk", filter=worse)
    totals = changes.aggregate(**counts)
    ci = mean_ci(
        n=totals["n"], total=totals["total"] or 0.0, total_squares=totals["squares"] or 0.0
    )
    return OutcomeChange(
        measure.code,
        measure.short_name,
        measure.change_on,
        measure.higher_is_better,
        ci.n,
        ci.mean,
        ci.sd,
        ci.low,
        ci.high,
        criterion,
        totals.get("improved", 0),
        totals.get("deteriorated", 0),
    )


def better_worse(measure, criterion):
    """(reliably better, reliably worse) as conditions on `change`."""
    if measure.higher_is_better:
        return Q(change__gt=criterion), Q(change__lt=-criterion)
    return Q(change__lt=-criterion), Q(change__gt=criterion)


def total_score_measures():
    """Measures scored as one total, whose change can be averaged across people."""
    return [
        measure
        for measure in Measure.objects.filter(kind=Kind.MEASURE).order_by("position", "code")
        if measure.definition["scoring"]["method"] == "sum"
    ]


def outcomes(scope: Scope) -> list:
    return [outcome_change(scope, measure) for measure in total_score_measures()]
