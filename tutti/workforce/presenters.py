"""Helpers for the workforce pages: params for the NHS.UK radios and checkboxes macros."""

from tutti.core.forms_jinja import choice_items


def choice_params(field, *, legend=None, hint=None, page_heading=False, small=True):
    """Params for the NHS.UK radios or checkboxes macro from a choice field."""
    legend_params = {"text": legend or field.label}
    if page_heading:
        legend_params.update(isPageHeading=True, size="l")
    elif small:
        legend_params["size"] = "s"
    params = {
        "idPrefix": field.auto_id,
        "name": field.html_name,
        "fieldset": {"legend": legend_params},
        "items": choice_items(field),
    }
    hint = hint or field.help_text
    if hint:
        params["hint"] = {"text": str(hint)}
    if field.errors:
        params["errorMessage"] = {"text": " ".join(str(e) for e in field.errors)}
    return params


def single_checkbox(field):
    """Params for one yes/no checkbox (a BooleanField)."""
    return {
        "idPrefix": field.auto_id,
        "name": field.html_name,
        "items": [{"value": "on", "text": str(field.label), "checked": bool(field.value())}],
    }


def hours(value):
    """2.5 -> "2.5", 3.0 -> "3"."""
    if value is None:
        return "0"
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


HELPERS = {"choice_params": choice_params, "single_checkbox": single_checkbox, "hours": hours}
