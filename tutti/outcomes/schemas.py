from typing import Any

from ninja import Field, Schema


class ScaleOut(Schema):
    min: int
    max: int
    labels: dict[str, str] = Field(
        description="Answer labels by value, where they may be published (not licensed wording)"
    )


class BandOut(Schema):
    label: str
    min: int
    max: int


class ItemOut(Schema):
    item: int
    key: str | None = None
    label: str | None = None
    text: str | None = Field(None, description="Null for a licensed measure: never published")
    reverse_scored: bool = False
    risk: bool = False
    higher_is_better: bool | None = None
    bands: list[BandOut] | None = None


class ReliableChangeOut(Schema):
    on: str = Field(description="The score change is measured on: raw or metric")
    sd: float
    reliability: float
    criterion: float = Field(description="A change must exceed this to be reliable (95%)")
    source: str


class MeasureOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    respondent: str
    summary: str
    scale: ScaleOut
    items: list[ItemOut]
    scoring: dict[str, Any]
    bands: list[BandOut] | None = Field(None, description="Bands of the total, where defined")
    band_name: str | None = None
    higher_is_better: bool
    reliable_change: ReliableChangeOut | None
    licence: str
    wording_licensed: bool
    source: str


class ScoreIn(Schema):
    answers: list[Any] = Field(
        description="Answers in item order: whole numbers on the scale, null for an item not "
        "answered. Goal Based Outcomes: one rating for each of 1 to 3 goals."
    )


class ItemScoreOut(Schema):
    item: int
    answer: int | None
    score: int | None
    key: str | None = None
    band: str | None = None
    agree: bool | None = None


class ScoreOut(Schema):
    code: str
    raw: float | None = Field(
        description="The total (prorated for CORE-10 with one missing); "
        "null where a measure has no total (ONS4, GBO, surveys)"
    )
    metric: float | None = Field(None, description="SWEMWBS: the metric score from the table")
    band: str | None = None
    severity: str | None = Field(None, description="CORE-10: the severity band")
    bands: list[str | None] | None = Field(None, description="ONS4: each item's band")
    prorated: bool = False
    risk: bool | None = Field(None, description="CORE-10: item 6 (risk) above 0")
    answered: int
    items: list[ItemScoreOut]


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    errors: list[ErrorItem]
