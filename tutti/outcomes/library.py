"""The measure library: definitions as data in data/measures/<code>.json, loaded into Measure rows.

`library_load` is safe to run again: it updates each measure's scoring definition and licence
note from the files, and fills in shipped wording only where none is recorded yet. It never
touches wording an administrator entered, and never ships wording for a licensed measure.
"""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

MEASURES_DIR = Path(__file__).resolve().parent / "data" / "measures"

# What the scorer reads; the rest of a file fills the Measure's own fields.
DEFINITION_KEYS = (
    "scale",
    "items",
    "scoring",
    "bands",
    "band_sets",
    "options_descending",
)


@cache
def definitions() -> dict[str, dict]:
    """Every definition file, by code, in library order."""
    loaded = [json.loads(path.read_text()) for path in sorted(MEASURES_DIR.glob("*.json"))]
    loaded.sort(key=lambda d: (d["position"], d["code"]))
    return {d["code"]: d for d in loaded}


def scoring_definition(data: dict) -> dict:
    """The part of a definition file the scorer reads, with the code and names it reports."""
    found = {key: data[key] for key in DEFINITION_KEYS if key in data}
    # Item wording stays out of the definition: it lives on MeasureItem, where a licence
    # can keep it blank.
    found["items"] = [
        {k: v for k, v in item.items() if k not in ("text", "easy_read")} for item in data["items"]
    ]
    return {"code": data["code"], "short_name": data["short_name"], **found}


def _labels(options: dict | None, scale: dict) -> str:
    if not options:
        return ""
    values = range(scale["min"], scale["max"] + 1)
    if not all(str(value) in options for value in values):
        return ""  # only the ends are named (0–10 scales): the form shows the numbers
    return "\n".join(options[str(value)] for value in values)


def library_load(Measure=None, MeasureItem=None) -> list:
    """Create or update every measure in the library. Migrations pass their own models."""
    if Measure is None:
        from tutti.outcomes.models import Measure, MeasureItem
    measures = []
    for code, data in definitions().items():
        change = data.get("reliable_change", {})
        fields = {
            "name": data["name"],
            "short_name": data["short_name"],
            "kind": data["kind"],
            "respondent": data["respondent"],
            "summary": data["summary"],
            "definition": scoring_definition(data),
            "higher_is_better": data["higher_is_better"],
            "licence": data["licence"],
            "wording_licensed": data["wording_licensed"],
            "source": data.get("source", ""),
            "position": data["position"],
        }
        measure = Measure.objects.filter(code=code).first()
        if measure is None:
            measure = Measure(code=code)
            # Reliable-change parameters are the library's until an administrator changes them.
            measure.change_sd = Decimal(change["sd"]) if "sd" in change else None
            measure.change_reliability = (
                Decimal(change["reliability"]) if "reliability" in change else None
            )
            measure.change_source = change.get("source", "")
        for name, value in fields.items():
            setattr(measure, name, value)
        if not data["wording_licensed"] and not measure.option_labels:
            measure.option_labels = _labels(data.get("options"), data["scale"])
        measure.save()
        for item in data["items"]:
            row, _ = MeasureItem.objects.get_or_create(measure=measure, number=item["number"])
            if data["wording_licensed"]:
                continue
            changed = False
            if not row.wording and item.get("text"):
                row.wording, changed = item["text"], True
            if not row.easy_read_wording and item.get("easy_read"):
                row.easy_read_wording, changed = item["easy_read"], True
            if changed:
                row.save()
        measures.append(measure)
    return measures


def option_labels(measure, *, easy_read=False) -> dict[int, str]:
    """The label for each answer value: the administrator's labels, or the library's, or
    the numbers alone (ends named where the library names them)."""
    data = definitions().get(measure.code, {})
    if easy_read and data.get("easy_read_options"):
        named = {int(k): v for k, v in data["easy_read_options"].items()}
    else:
        entered = measure.option_label_list
        if entered and len(entered) == len(measure.scale_values):
            return dict(zip(measure.scale_values, entered, strict=True))
        named = (
            {}
            if measure.wording_licensed
            else {int(k): v for k, v in (data.get("options") or {}).items()}
        )
    return {value: named.get(value, str(value)) for value in measure.scale_values}
