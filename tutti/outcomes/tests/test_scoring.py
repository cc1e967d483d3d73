"""Scoring proven against worked examples for every measure and every boundary: each band's
edges, the ends of each scale, answers off the scale, and missing items."""

from decimal import Decimal

import pytest

from tutti.outcomes.library import definitions, scoring_definition
from tutti.outcomes.scoring import AnswerError, score

D = {code: scoring_definition(data) for code, data in definitions().items()}


def errors_of(code, answers):
    with pytest.raises(AnswerError) as caught:
        score(D[code], answers)
    return caught.value.errors


# SWEMWBS: the published raw → metric conversion, every row of it.
SWEMWBS_TABLE = {
    7: "7.00",
    8: "9.51",
    9: "11.25",
    10: "12.40",
    11: "13.33",
    12: "14.08",
    13: "14.75",
    14: "15.32",
    15: "15.84",
    16: "16.36",
    17: "16.88",
    18: "17.43",
    19: "17.98",
    20: "18.59",
    21: "19.25",
    22: "19.98",
    23: "20.73",
    24: "21.54",
    25: "22.35",
    26: "23.21",
    27: "24.11",
    28: "25.03",
    29: "26.02",
    30: "27.03",
    31: "28.13",
    32: "29.31",
    33: "30.70",
    34: "32.55",
    35: "35.00",
}


def answers_totalling(total, items=7, low=1, high=5):
    """Answers on a 1–5 scale that add up to `total`, spread across the items."""
    answers = [low] * items
    extra = total - low * items
    for i in range(items):
        step = min(high - low, extra)
        answers[i] += step
        extra -= step
    assert extra == 0
    return answers


@pytest.mark.parametrize("raw,metric", SWEMWBS_TABLE.items())
def test_swemwbs_converts_every_raw_score_to_the_published_metric(raw, metric):
    result = score(D["swemwbs"], answers_totalling(raw))
    assert result.raw == raw
    assert result.metric == Decimal(metric)
    assert result.as_dict()["metric"] == float(metric)


def test_swemwbs_worked_example():
    result = score(D["swemwbs"], [3, 4, 2, 5, 3, 4, 3]).as_dict()
    assert result["raw"] == 24 and result["metric"] == 21.54
    assert "band" not in result  # SWEMWBS has no published bands


@pytest.mark.parametrize("missing", range(7))
def test_swemwbs_is_not_scored_with_any_item_missing(missing):
    answers = [4] * 7
    answers[missing] = None
    result = score(D["swemwbs"], answers)
    assert not result.scored and result.raw is None and result.metric is None
    assert result.problems == [
        (
            f"answers.{missing}",
            f"Item {missing + 1} was not answered: SWEMWBS is scored only "
            "when all 7 items are answered.",
        )
    ]


@pytest.mark.parametrize("bad", [0, 6, -1, 100])
def test_swemwbs_refuses_answers_off_the_scale(bad):
    assert errors_of("swemwbs", [3, 3, 3, bad, 3, 3, 3]) == [
        ("answers.3", f"Item 4: {bad} is not on the scale, which runs from 1 to 5.")
    ]


@pytest.mark.parametrize("bad", [2.5, "3", True, [3], {"a": 1}, float("nan"), float("inf")])
def test_answers_must_be_whole_numbers_or_null(bad):
    assert errors_of("swemwbs", [3, bad, 3, 3, 3, 3, 3]) == [
        ("answers.1", "Item 2: send a whole number from 1 to 5, or null if it was not answered.")
    ]


def test_a_whole_number_sent_as_a_decimal_counts():
    assert score(D["swemwbs"], [3.0] * 7).raw == 21


@pytest.mark.parametrize("count", [0, 6, 8])
def test_the_number_of_answers_must_match_the_items(count):
    assert errors_of("swemwbs", [3] * count) == [
        (
            "answers",
            f"SWEMWBS has 7 items: send 7 answers in item order, with null for an item "
            f"not answered. You sent {count}.",
        )
    ]


def test_answers_must_be_a_list():
    assert errors_of("swemwbs", {"1": 3}) == [
        ("answers", "Send the answers as a list of numbers, in item order.")
    ]


def test_every_bad_answer_is_named_at_once():
    fields = [field for field, _ in errors_of("core10", [5, 0, "x", 0, 0, 0, 0, 0, 0, -1])]
    assert fields == ["answers.0", "answers.2", "answers.9"]


# WEMWBS


@pytest.mark.parametrize(
    "answers,total",
    [([1] * 14, 14), ([5] * 14, 70), ([4, 3, 3, 4, 2, 4, 4, 3, 4, 3, 4, 4, 3, 3], 48)],
)
def test_wemwbs_totals(answers, total):
    result = score(D["wemwbs"], answers)
    assert result.raw == total and result.metric is None


def test_wemwbs_needs_every_item():
    result = score(D["wemwbs"], [3] * 13 + [None])
    assert not result.scored
    assert result.problems[0][0] == "answers.13"


def test_wemwbs_refuses_off_the_scale():
    assert errors_of("wemwbs", [3] * 13 + [6])[0][0] == "answers.13"


# ONS4: each item banded on its own, no total


@pytest.mark.parametrize(
    "value,band",
    [
        (0, "Low"),
        (4, "Low"),
        (5, "Medium"),
        (6, "Medium"),
        (7, "High"),
        (8, "High"),
        (9, "Very high"),
        (10, "Very high"),
    ],
)
def test_ons4_life_satisfaction_worthwhile_and_happiness_band_edges(value, band):
    result = score(D["ons4"], [value, value, value, 0]).as_dict()
    assert result["bands"][:3] == [band, band, band]
    assert result["raw"] is None  # no total


@pytest.mark.parametrize(
    "value,band",
    [
        (0, "Very low"),
        (1, "Very low"),
        (2, "Low"),
        (3, "Low"),
        (4, "Medium"),
        (5, "Medium"),
        (6, "High"),
        (10, "High"),
    ],
)
def test_ons4_anxiety_band_edges(value, band):
    assert score(D["ons4"], [5, 5, 5, value]).as_dict()["bands"][3] == band


def test_ons4_worked_example():
    result = score(D["ons4"], [7, 8, 6, 3]).as_dict()
    assert result["bands"] == ["High", "High", "Medium", "Low"]
    assert [i["key"] for i in result["items"]] == [
        "life_satisfaction",
        "worthwhile",
        "happiness",
        "anxiety",
    ]


def test_ons4_scores_the_items_answered_and_leaves_the_rest():
    result = score(D["ons4"], [7, None, None, 2]).as_dict()
    assert result["scored"] and result["bands"] == ["High", None, None, "Low"]


def test_ons4_with_nothing_answered_is_not_scored():
    assert not score(D["ons4"], [None] * 4).scored


@pytest.mark.parametrize("bad", [-1, 11])
def test_ons4_refuses_off_the_scale(bad):
    assert errors_of("ons4", [5, 5, bad, 5]) == [
        ("answers.2", f"Item 3: {bad} is not on the scale, which runs from 0 to 10.")
    ]


# UCLA three-item loneliness


@pytest.mark.parametrize("answers,total", [([1, 1, 1], 3), ([3, 3, 3], 9), ([1, 2, 3], 6)])
def test_ucla3_totals(answers, total):
    assert score(D["ucla3"], answers).raw == total


@pytest.mark.parametrize("bad", [0, 4])
def test_ucla3_refuses_off_the_scale(bad):
    assert errors_of("ucla3", [2, bad, 2])[0][0] == "answers.1"


def test_ucla3_needs_every_item():
    assert not score(D["ucla3"], [2, None, 2]).scored


# Goal Based Outcomes


@pytest.mark.parametrize("goals", [[0], [10, 4], [3, 5, 7]])
def test_gbo_scores_each_goal_on_its_own(goals):
    result = score(D["gbo"], goals).as_dict()
    assert [item["score"] for item in result["items"]] == goals
    assert result["raw"] is None


@pytest.mark.parametrize("count", [0, 4])
def test_gbo_has_one_to_three_goals(count):
    assert errors_of("gbo", [5] * count)[0][0] == "answers"


def test_gbo_refuses_off_the_scale():
    assert errors_of("gbo", [5, 11]) == [
        ("answers.1", "Item 2: 11 is not on the scale, which runs from 0 to 10.")
    ]


def test_gbo_with_no_goal_rated_is_not_scored():
    assert not score(D["gbo"], [None, None]).scored


# CORE-10: items 2 and 3 reversed, proration with one missing, severity bands, risk item 6


def core10(total_after_reversal):
    """Answers whose CORE-10 total (after items 2 and 3 are reversed) is the one given:
    items 2 and 3 answered 4 (scored 0), the rest filled in order, item 6 (risk) last."""
    answers = [0, 4, 4, 0, 0, 0, 0, 0, 0, 0]
    order = [0, 3, 4, 6, 7, 8, 9, 1, 2, 5]
    left = total_after_reversal
    for index in order:
        step = min(4, left)
        if index in (1, 2):
            answers[index] = 4 - step
        else:
            answers[index] = step
        left -= step
    assert left == 0
    return answers


def test_core10_reverses_items_2_and_3():
    result = score(D["core10"], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]).as_dict()
    assert result["raw"] == 8
    assert [i["score"] for i in result["items"][:4]] == [0, 4, 4, 0]
    assert score(D["core10"], [0, 4, 4, 0, 0, 0, 0, 0, 0, 0]).raw == 0


def test_core10_extremes():
    assert score(D["core10"], core10(0)).raw == 0
    assert score(D["core10"], core10(40)).raw == 40


@pytest.mark.parametrize(
    "total,severity",
    [
        (0, "Healthy"),
        (5, "Healthy"),
        (6, "Low level"),
        (10, "Low level"),
        (11, "Mild"),
        (14, "Mild"),
        (15, "Moderate"),
        (19, "Moderate"),
        (20, "Moderate to severe"),
        (24, "Moderate to severe"),
        (25, "Severe"),
        (40, "Severe"),
    ],
)
def test_core10_severity_band_edges(total, severity):
    result = score(D["core10"], core10(total)).as_dict()
    assert result["raw"] == total
    assert result["band"] == severity and result["severity"] == severity


def test_core10_worked_example():
    # 2 + (4-1) + (4-2) + 1 + 2 + 0 + 3 + 2 + 3 + 1 = 19
    result = score(D["core10"], [2, 1, 2, 1, 2, 0, 3, 2, 3, 1]).as_dict()
    assert result["raw"] == 19 and result["severity"] == "Moderate"
    assert result["risk"] is False and "prorated" not in result


def test_core10_prorates_one_missing_item():
    # Nine items add up to 12 (after reversal): 10 × 12 ÷ 9 = 13.33.
    result = score(D["core10"], [2, 3, 3, 1, 2, 0, 2, 2, 1, None]).as_dict()
    assert result["raw"] == 13.33 and result["prorated"] is True
    assert result["severity"] == "Mild" and result["answered"] == 9


def test_core10_prorated_score_falls_in_the_band_whose_lower_edge_it_reached():
    # 9 answered items totalling 9 → 10.0 (low level); totalling 10 → 11.11 (mild).
    low = score(D["core10"], [2, 3, 3, 1, 1, 0, 1, 1, 1, None]).as_dict()
    assert (low["raw"], low["band"]) == (10, "Low level")
    mild = score(D["core10"], [2, 3, 3, 1, 1, 0, 1, 1, 2, None]).as_dict()
    assert (mild["raw"], mild["band"]) == (11.11, "Mild")


def test_core10_with_two_missing_is_not_scored_and_names_both():
    result = score(D["core10"], [2, 3, None, 1, 2, 0, None, 2, 1, 1])
    assert not result.scored and result.raw is None
    assert result.problems == [
        (
            "answers.2",
            "Item 3 was not answered: CORE-10 can be scored with at most 1 item "
            "missing, and 2 are missing.",
        ),
        (
            "answers.6",
            "Item 7 was not answered: CORE-10 can be scored with at most 1 item "
            "missing, and 2 are missing.",
        ),
    ]


@pytest.mark.parametrize("item6,risk", [(0, False), (1, True), (4, True), (None, None)])
def test_core10_item_6_above_0_is_a_risk(item6, risk):
    answers = [1, 3, 3, 1, 1, item6, 1, 1, 1, 1]
    assert score(D["core10"], answers).risk is risk


def test_core10_risk_is_flagged_even_when_the_score_cannot_be_worked_out():
    result = score(D["core10"], [None, None, 3, 1, 1, 2, 1, 1, 1, 1])
    assert not result.scored and result.risk is True


@pytest.mark.parametrize("bad", [-1, 5])
def test_core10_refuses_off_the_scale(bad):
    assert errors_of("core10", [1, 1, 1, 1, 1, bad, 1, 1, 1, 1])[0][0] == "answers.5"


# Feedback surveys: agree or strongly agree


@pytest.mark.parametrize(
    "answer,agree", [(5, True), (4, True), (3, False), (2, False), (1, False), (None, None)]
)
def test_survey_agree_means_agree_or_strongly_agree(answer, agree):
    result = score(D["survey_service_user"], [answer, 3, 3]).as_dict()
    assert result["items"][0].get("agree") is agree


def test_every_library_file_has_a_licence_note_and_its_own_scoring():
    for code in D:
        data = definitions()[code]
        assert data["licence"].strip()
        score(D[code], [None] * len(D[code]["items"]))  # accepts nulls without error


def test_licensed_measures_ship_no_wording():
    for data in definitions().values():
        if data["wording_licensed"]:
            assert all("text" not in item and "easy_read" not in item for item in data["items"])
            assert "options" not in data
