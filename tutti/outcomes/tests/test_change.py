"""Reliable change (Jacobson & Truax): the criterion, direction, and the stored figures."""

import pytest

from tutti.outcomes.change import Category, criterion, reliable_change
from tutti.outcomes.models import Measure


def swemwbs(baseline, latest):
    return reliable_change(
        baseline=baseline, latest=latest, sd=3.921, reliability=0.93, higher_is_better=True
    )


@pytest.mark.django_db
def test_stored_swemwbs_figures_make_a_change_reliable_when_it_exceeds_2_87():
    measure = Measure.objects.get(code="swemwbs")
    assert measure.reliable_change_criterion == pytest.approx(2.8755, abs=0.0001)
    assert measure.reliable_change_text == "2.87"  # scores have 2 places: 2.88 is "more"
    assert measure.change_on == "metric"
    assert measure.change_source.startswith("Shah N, et al.")


@pytest.mark.parametrize(
    "change,category",
    [
        (2.87, Category.NO_CHANGE),
        (2.88, Category.IMPROVEMENT),
        (-2.87, Category.NO_CHANGE),
        (-2.88, Category.DETERIORATION),
        (0, Category.NO_CHANGE),
    ],
)
def test_swemwbs_metric_change_either_side_of_2_87(change, category):
    result = swemwbs(17.43, round(17.43 + change, 2))
    assert result.category == category


def test_a_worked_swemwbs_example_from_the_conversion_table():
    # raw 18 → metric 17.43 at baseline; raw 22 → 19.98 at the end: up 2.55, not reliable.
    assert swemwbs(17.43, 19.98).category == Category.NO_CHANGE
    # raw 18 → raw 23 (20.73): up 3.30, reliable improvement.
    result = swemwbs(17.43, 20.73)
    assert result.category == Category.IMPROVEMENT
    assert result.difference == pytest.approx(3.30)
    assert result.rci == pytest.approx(3.30 / (3.921 * 2**0.5 * 0.07**0.5))


def test_lower_is_better_for_core10_a_fall_is_an_improvement():
    kwargs = {"sd": 7.7, "reliability": 0.90, "higher_is_better": False}
    assert criterion(sd=7.7, reliability=0.90) == pytest.approx(6.749, abs=0.001)
    assert reliable_change(baseline=20, latest=13, **kwargs).category == Category.IMPROVEMENT
    assert reliable_change(baseline=20, latest=14, **kwargs).category == Category.NO_CHANGE
    assert reliable_change(baseline=13, latest=20, **kwargs).category == Category.DETERIORATION


def test_higher_is_better_for_wemwbs():
    kwargs = {"sd": 8.79, "reliability": 0.91, "higher_is_better": True}
    assert criterion(sd=8.79, reliability=0.91) == pytest.approx(7.309, abs=0.001)
    assert reliable_change(baseline=40, latest=48, **kwargs).category == Category.IMPROVEMENT
    assert reliable_change(baseline=40, latest=47, **kwargs).category == Category.NO_CHANGE
    assert reliable_change(baseline=48, latest=40, **kwargs).category == Category.DETERIORATION


def test_without_sd_and_reliability_change_is_shown_but_not_categorised():
    result = reliable_change(
        baseline=8, latest=4, sd=None, reliability=None, higher_is_better=False
    )
    assert result.category == Category.NOT_SET and result.difference == -4


@pytest.mark.django_db
def test_every_stored_reliability_figure_has_its_source():
    for measure in Measure.objects.all():
        if measure.change_sd is not None:
            assert measure.change_reliability is not None and measure.change_source.strip()
