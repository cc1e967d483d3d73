"""How a measure's definition reads to people and to the API: bands with both edges, labels,
wording where it may be shown."""

from tutti.outcomes.library import option_labels

WORDING_NOT_ENTERED = "Item wording not entered: ask your administrator"


def total_range(measure):
    """The lowest and highest total a summed measure can have."""
    count = measure.item_count
    return count * measure.scale_min, count * measure.scale_max


def bands_with_edges(bands, top):
    """[{label, min, max}] from bands given by their lower edges, the last running to `top`."""
    shown = []
    for index, band in enumerate(bands):
        upper = bands[index + 1]["from"] - 1 if index + 1 < len(bands) else top
        shown.append({"label": band["label"], "min": band["from"], "max": upper})
    return shown


def item_wording(measure, item, *, easy_read=False):
    """What to show for an item: its easy-read or standard wording, or the plain notice that
    the licensed wording has not been entered."""
    if item is None:
        return WORDING_NOT_ENTERED
    if easy_read and item.easy_read_wording.strip():
        return item.easy_read_wording
    return item.wording.strip() or WORDING_NOT_ENTERED


def measure_items(measure, *, easy_read=False):
    """Each item's number, wording and scoring notes, in order."""
    rows = {row.number: row for row in measure.items.all()}
    items = []
    for spec in measure.definition["items"]:
        row = rows.get(spec["number"])
        items.append(
            {
                "number": spec["number"],
                "key": spec.get("key"),
                "label": spec.get("label"),
                "wording": item_wording(measure, row, easy_read=easy_read),
                "wording_entered": bool(row and row.wording.strip()),
                "reverse": bool(spec.get("reverse")),
                "risk": bool(spec.get("risk")),
                "higher_is_better": spec.get("higher_is_better"),
                "bands": spec.get("bands"),
            }
        )
    return items


def measure_for_api(measure, *, base_url=""):
    """The public definition: everything needed to score, nothing licensed."""
    definition = measure.definition
    scoring = definition["scoring"]
    band_sets = definition.get("band_sets", {})
    items = []
    for item in measure_items(measure):
        items.append(
            {
                "item": item["number"],
                "key": item["key"],
                "label": item["label"],
                "text": None
                if measure.wording_licensed or not item["wording_entered"]
                else item["wording"],
                "reverse_scored": item["reverse"],
                "risk": item["risk"],
                "higher_is_better": item["higher_is_better"],
                "bands": bands_with_edges(band_sets[item["bands"]], measure.scale_max)
                if item["bands"]
                else None,
            }
        )
    labels = {} if measure.wording_licensed else option_labels(measure)
    rules = {
        "method": scoring["method"],
        "reverse_items": [i["number"] for i in definition["items"] if i.get("reverse")],
        "risk_items": [i["number"] for i in definition["items"] if i.get("risk")],
    }
    if scoring["method"] == "sum":
        low, high = total_range(measure)
        rules.update(
            total_min=low,
            total_max=high,
            missing_allowed=scoring.get("missing_allowed", 0),
            prorate=bool(scoring.get("prorate")),
        )
    if scoring.get("conversion"):
        conversion = scoring["conversion"]
        rules["conversion"] = {
            "name": conversion["name"],
            "table": {raw: float(value) for raw, value in conversion["table"].items()},
            "source": conversion["source"],
        }
    if scoring["method"] == "agreement":
        rules["agree_from"] = scoring["agree_from"]
    if scoring["method"] == "goals":
        rules["max_goals"] = measure.item_count
    bands = definition.get("bands")
    criterion = measure.reliable_change_criterion
    return {
        "code": measure.code,
        "name": measure.name,
        "short_name": measure.short_name,
        "kind": measure.kind,
        "respondent": measure.respondent,
        "summary": measure.summary,
        "scale": {
            "min": measure.scale_min,
            "max": measure.scale_max,
            "labels": {str(k): v for k, v in labels.items() if v != str(k)},
        },
        "items": items,
        "scoring": rules,
        "bands": bands_with_edges(bands["bands"], total_range(measure)[1]) if bands else None,
        "band_name": bands["name"] if bands else None,
        "higher_is_better": measure.higher_is_better,
        "reliable_change": None
        if criterion is None
        else {
            "on": measure.change_on,
            "sd": float(measure.change_sd),
            "reliability": float(measure.change_reliability),
            "criterion": round(criterion, 3),
            "source": measure.change_source,
        },
        "licence": measure.licence,
        "wording_licensed": measure.wording_licensed,
        "source": measure.source,
    }
