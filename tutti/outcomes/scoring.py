"""Scoring, exactly as each measure's authors define it, from the measure's definition (data).

`score(definition, answers)` checks the answers (numbers in item order, None for an item not
answered) and returns a Score. Answers that are not numbers on the scale, or the wrong number
of them, raise AnswerError. Answers that are valid but leave the measure unscorable (SWEMWBS
with an item missing, CORE-10 with two) give a Score with `scored` False and the reasons.

Errors name the answer by its place in the list, as the API's error shape does:
("answers.3", "Item 4: …").
"""

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


class AnswerError(ValueError):
    def __init__(self, errors):
        self.errors = list(errors)  # [(field, message)]
        super().__init__("; ".join(message for _, message in self.errors))


@dataclass(frozen=True)
class ItemScore:
    number: int
    answer: int | None
    score: int | None  # after reverse scoring
    band: str | None = None
    agree: bool | None = None
    key: str = ""
    label: str = ""


@dataclass(frozen=True)
class Score:
    code: str
    scored: bool
    raw: Decimal | None = None
    metric: Decimal | None = None
    band: str | None = None
    band_name: str = "band"
    prorated: bool = False
    answered: int = 0
    items: tuple = ()
    risk: bool | None = None
    problems: list = field(default_factory=list)  # why it could not be scored: [(field, msg)]

    def as_dict(self) -> dict:
        """JSON for the API and for keeping with a response."""
        data = {
            "code": self.code,
            "scored": self.scored,
            "raw": _number(self.raw),
            "answered": self.answered,
            "items": [
                {
                    "item": item.number,
                    "answer": item.answer,
                    "score": item.score,
                    **({"key": item.key} if item.key else {}),
                    **({"band": item.band} if item.band is not None else {}),
                    **({"agree": item.agree} if item.agree is not None else {}),
                }
                for item in self.items
            ],
        }
        if self.metric is not None:
            data["metric"] = _number(self.metric)
        if self.band is not None:
            data["band"] = self.band
            if self.band_name != "band":
                data[self.band_name] = self.band
        if any(item.band is not None for item in self.items):
            data["bands"] = [item.band for item in self.items]
        if self.prorated:
            data["prorated"] = True
        if self.risk is not None:
            data["risk"] = self.risk
        return data


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _answer_error(index, low, high):
    return (
        f"answers.{index}",
        f"Item {index + 1}: send a whole number from {low} to {high}, "
        "or null if it was not answered.",
    )


def check_answers(definition: dict, answers) -> list:
    """The answers as whole numbers (None where not answered), or AnswerError saying which
    are wrong and why."""
    name = definition["short_name"]
    low, high = definition["scale"]["min"], definition["scale"]["max"]
    count = len(definition["items"])
    goals = definition["scoring"]["method"] == "goals"
    if not isinstance(answers, list):
        raise AnswerError([("answers", "Send the answers as a list of numbers, in item order.")])
    if goals and not 1 <= len(answers) <= count:
        raise AnswerError(
            [
                (
                    "answers",
                    f"{name} has 1 to {count} goals: send one rating a goal. "
                    f"You sent {len(answers)}.",
                )
            ]
        )
    if not goals and len(answers) != count:
        raise AnswerError(
            [
                (
                    "answers",
                    f"{name} has {count} items: send {count} answers in item order, "
                    f"with null for an item not answered. You sent {len(answers)}.",
                )
            ]
        )
    checked, errors = [], []
    for index, answer in enumerate(answers):
        if answer is None:
            checked.append(None)
            continue
        if isinstance(answer, bool) or not isinstance(answer, int | float):
            errors.append(_answer_error(index, low, high))
            continue
        if isinstance(answer, float) and not (math.isfinite(answer) and answer.is_integer()):
            errors.append(_answer_error(index, low, high))
            continue
        value = int(answer)
        if not low <= value <= high:
            shown = str(value) if abs(value) < 10**9 else "That number"
            errors.append(
                (
                    f"answers.{index}",
                    f"Item {index + 1}: {shown} is not on the scale, "
                    f"which runs from {low} to {high}.",
                )
            )
            continue
        checked.append(value)
    if errors:
        raise AnswerError(errors)
    return checked


def band_for(bands: list, value) -> str | None:
    """The band whose lower edge (`from`) the value has reached: bands run up to the next."""
    found = None
    for band in bands:
        if value >= band["from"]:
            found = band["label"]
    return found


def score(definition: dict, answers) -> Score:
    answers = check_answers(definition, answers)
    method = definition["scoring"]["method"]
    return {
        "sum": _score_sum,
        "separate": _score_separate,
        "goals": _score_goals,
        "agreement": _score_agreement,
    }[method](definition, answers)


def _missing(answers):
    return [index for index, answer in enumerate(answers) if answer is None]


def _score_sum(definition, answers):
    scoring = definition["scoring"]
    low, high = definition["scale"]["min"], definition["scale"]["max"]
    items, answered = [], 0
    for spec, answer in zip(definition["items"], answers, strict=True):
        value = None
        if answer is not None:
            answered += 1
            value = low + high - answer if spec.get("reverse") else answer
        items.append(ItemScore(spec["number"], answer, value, key=spec.get("key", "")))
    risk = _risk(definition, answers)
    base = {"code": definition["code"], "answered": answered, "items": tuple(items), "risk": risk}
    missing = _missing(answers)
    allowed = scoring.get("missing_allowed", 0)
    if len(missing) > allowed:
        return Score(scored=False, problems=_missing_problems(definition, missing), **base)
    total = Decimal(sum(item.score for item in items if item.score is not None))
    prorated = bool(missing)
    if prorated:  # CORE-10: 10 × sum ÷ answered
        total = (total * len(items) / answered).quantize(TWO_PLACES, ROUND_HALF_UP)
    metric = None
    conversion = scoring.get("conversion")
    if conversion:
        metric = Decimal(conversion["table"][str(int(total))])
    bands = definition.get("bands")
    band = band_for(bands["bands"], total) if bands else None
    return Score(
        scored=True,
        raw=total,
        metric=metric,
        band=band,
        band_name=bands["name"] if bands else "band",
        prorated=prorated,
        **base,
    )


def _missing_problems(definition, missing):
    name, count = definition["short_name"], len(definition["items"])
    allowed = definition["scoring"].get("missing_allowed", 0)
    if allowed:
        why = (
            f"{name} can be scored with at most {allowed} item missing, "
            f"and {len(missing)} are missing."
        )
    else:
        why = f"{name} is scored only when all {count} items are answered."
    return [(f"answers.{index}", f"Item {index + 1} was not answered: {why}") for index in missing]


def _risk(definition, answers):
    """True when any risk item (CORE-10 item 6) is above its lowest answer; None when the
    measure has no risk item or it was not answered."""
    low = definition["scale"]["min"]
    risk_answers = [
        answer
        for spec, answer in zip(definition["items"], answers, strict=True)
        if spec.get("risk")
    ]
    if not risk_answers or any(answer is None for answer in risk_answers):
        return None
    return any(answer > low for answer in risk_answers)


def _nothing_answered(definition):
    return [
        (
            "answers",
            f"{definition['short_name']}: no item was answered, so there is nothing to score.",
        )
    ]


def _score_separate(definition, answers):
    """ONS4: each item is scored and banded on its own; there is no total."""
    band_sets = definition.get("band_sets", {})
    items = tuple(
        ItemScore(
            spec["number"],
            answer,
            answer,
            band=band_for(band_sets[spec["bands"]], answer)
            if answer is not None and spec.get("bands")
            else None,
            key=spec.get("key", ""),
            label=spec.get("label", ""),
        )
        for spec, answer in zip(definition["items"], answers, strict=True)
    )
    answered = sum(answer is not None for answer in answers)
    if not answered:
        return Score(definition["code"], False, items=items, problems=_nothing_answered(definition))
    return Score(definition["code"], True, answered=answered, items=items)


def _score_goals(definition, answers):
    """Goal Based Outcomes: each goal's rating is its score; change is worked out per goal."""
    specs = definition["items"][: len(answers)]
    items = tuple(
        ItemScore(spec["number"], answer, answer, key=spec["key"], label=spec["label"])
        for spec, answer in zip(specs, answers, strict=True)
    )
    answered = sum(answer is not None for answer in answers)
    if not answered:
        return Score(definition["code"], False, items=items, problems=_nothing_answered(definition))
    return Score(definition["code"], True, answered=answered, items=items)


def _score_agreement(definition, answers):
    """Feedback surveys: each statement counts as agreed at 'agree' or 'strongly agree'."""
    agree_from = definition["scoring"]["agree_from"]
    items = tuple(
        ItemScore(
            spec["number"],
            answer,
            answer,
            agree=None if answer is None else answer >= agree_from,
            key=spec.get("key", ""),
        )
        for spec, answer in zip(definition["items"], answers, strict=True)
    )
    answered = sum(answer is not None for answer in answers)
    if not answered:
        return Score(definition["code"], False, items=items, problems=_nothing_answered(definition))
    return Score(definition["code"], True, answered=answered, items=items)
