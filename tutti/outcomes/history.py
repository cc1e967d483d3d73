"""A person's responses over time, one measure at a time: the series to chart, the change from
baseline and whether it is reliable, a data table and a summary in words."""

from dataclasses import dataclass, field

from django.utils import timezone

from tutti.outcomes import chart
from tutti.outcomes.change import Category, direction_word, reliable_change, threshold_text
from tutti.outcomes.models import Kind, Occasion, ResponseStatus
from tutti.outcomes.presenters import total_range


def _num(value):
    value = float(value)
    return f"{value:g}" if value == int(value) else f"{value:.2f}"


def _day(response):
    return timezone.localdate(response.completed_at)


@dataclass
class SeriesChange:
    name: str
    baseline: object  # Response
    latest: object
    change: object  # change.Change
    text: str


@dataclass
class MeasureHistory:
    measure: object
    responses: list
    series: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    summary: list = field(default_factory=list)  # sentences
    rows: list = field(default_factory=list)
    svg: object = None
    legend: list = field(default_factory=list)


def _baseline_and_latest(responses):
    """The latest review or end, and the baseline it follows (the most recent one before it,
    so a second episode is compared with its own start). Without a baseline, the first."""
    if not responses:
        return None, None
    follow_ups = [r for r in responses if r.occasion != Occasion.BASELINE]
    if not follow_ups:
        return responses[-1], None
    latest = follow_ups[-1]
    earlier = [r for r in responses if r.completed_at < latest.completed_at]
    if not earlier:
        return latest, None
    baselines = [r for r in earlier if r.occasion == Occasion.BASELINE]
    return (baselines[-1] if baselines else earlier[0]), latest


def _series_values(measure, response):
    """[(series name, value or None)] for one response."""
    method = measure.definition["scoring"]["method"]
    if method == "sum":
        value = response.change_value
        label = f"{measure.short_name} {measure.change_on} score"
        return [(label, None if value is None else float(value))]
    specs = measure.definition["items"]
    out = []
    for index, answer in enumerate(response.answers):
        if method == "goals":
            goal = response.goals[index] if index < len(response.goals) else ""
            name = f"Goal {index + 1}: {goal}" if goal else f"Goal {index + 1}"
        else:
            name = specs[index].get("label") or f"Item {index + 1}"
        out.append((name, answer))
    return out


def _item_higher_is_better(measure, name):
    for spec in measure.definition["items"]:
        if spec.get("label") and name == spec["label"]:
            return spec.get("higher_is_better", measure.higher_is_better)
    return measure.higher_is_better


def _change_text(measure, name, baseline, latest, change, higher_is_better):
    base_day, late_day = _day(baseline).strftime("%-d %B %Y"), _day(latest).strftime("%-d %B %Y")
    diff = change.difference
    moved = "no change" if diff == 0 else f"{'up' if diff > 0 else 'down'} {_num(abs(diff))}"
    words = direction_word(diff, higher_is_better=higher_is_better)
    text = (
        f"{name}: {_num(change.baseline)} at {baseline.get_occasion_display().lower()} "
        f"({base_day}), {_num(change.latest)} at {latest.get_occasion_display().lower()} "
        f"({late_day}): {moved}"
    )
    if diff != 0:
        text += f" ({words}: {'higher' if higher_is_better else 'lower'} is better)"
    if change.category == Category.NOT_SET:
        return text + ". Reliable change is not worked out: no SD and reliability are set."
    return (
        f"{text}. {change.label}: a change must be more than {threshold_text(change.criterion)} "
        "to be reliable."
    )


def measure_history(measure, responses) -> MeasureHistory:
    completed = [r for r in responses if r.status == ResponseStatus.COMPLETED]
    completed.sort(key=lambda r: r.completed_at)
    history = MeasureHistory(measure, completed)
    history.rows = [_row(measure, r) for r in completed]
    if measure.kind == Kind.SURVEY or not completed:
        return history
    named = {}
    for response in completed:
        for name, value in _series_values(measure, response):
            points = named.setdefault(name, [])
            if value is not None:
                points.append(chart.Point(_day(response), value, response.get_occasion_display()))
    history.series = [chart.Series(name, tuple(points)) for name, points in named.items()]
    baseline, latest = _baseline_and_latest([r for r in completed if r.score.get("scored", True)])
    single = measure.definition["scoring"]["method"] == "sum"
    criterion = measure.reliable_change_criterion if single else None
    if baseline is not None and latest is not None:
        base_values, late_values = (
            dict(_series_values(measure, baseline)),
            dict(_series_values(measure, latest)),
        )
        for name in named:
            before, after = base_values.get(name), late_values.get(name)
            if before is None or after is None:
                continue
            better_up = _item_higher_is_better(measure, name)
            change = reliable_change(
                baseline=before,
                latest=after,
                sd=measure.change_sd if single else None,
                reliability=measure.change_reliability if single else None,
                higher_is_better=better_up,
            )
            text = _change_text(measure, name, baseline, latest, change, better_up)
            history.changes.append(SeriesChange(name, baseline, latest, change, text))
    history.summary = [c.text for c in history.changes] or [_one_so_far(measure, completed)]
    zone = None
    if criterion is not None and baseline is not None and baseline.change_value is not None:
        base = float(baseline.change_value)
        zone = (base - criterion, base + criterion, "No reliable change from baseline")
    y_min, y_max = _y_range(measure)
    history.svg = chart.line_chart(
        history.series,
        y_min=y_min,
        y_max=y_max,
        title=f"{measure.short_name} over time",
        description=" ".join(history.summary),
        chart_id=f"chart-{measure.code}",
        zone=zone,
        y_label="Higher is better" if measure.higher_is_better else "Lower is better",
    )
    history.legend = chart.legend(history.series, zone)
    return history


def _one_so_far(measure, completed):
    last = completed[-1]
    return (
        f"{measure.short_name}: {last.get_occasion_display().lower()} answered on "
        f"{_day(last).strftime('%-d %B %Y')}. Change shows once there is a review or end "
        "after a baseline."
    )


def _y_range(measure):
    if measure.definition["scoring"]["method"] == "sum":
        return total_range(measure)
    return measure.scale_min, measure.scale_max


def _row(measure, response):
    score = response.score or {}
    if not score.get("scored", False):
        shown = "Not scored: " + " ".join(m for _, m in score.get("problems", [])[:1])
    elif measure.definition["scoring"]["method"] == "sum":
        shown = _num(response.raw_score)
        if response.metric_score is not None:
            shown = f"{_num(response.metric_score)} (raw {_num(response.raw_score)})"
        if score.get("prorated"):
            shown += " (prorated)"
    elif measure.kind == Kind.SURVEY:
        agreed = sum(1 for item in score.get("items", []) if item.get("agree"))
        shown = f"Agreed with {agreed} of {len(score.get('items', []))}"
    else:
        shown = ", ".join(
            "–" if item["answer"] is None else str(item["answer"]) for item in score["items"]
        )
    return {
        "response": response,
        "day": _day(response),
        "occasion": response.get_occasion_display(),
        "score": shown,
        "band": score.get("band") or ", ".join(b for b in score.get("bands", []) if b) or "",
        "answered_by": response.get_answered_by_display(),
        "risk": response.risk_flagged,
    }
