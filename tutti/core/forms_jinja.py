"""Bridges between Django forms and the NHS.UK frontend Jinja macros.

Each helper turns a bound field into the `params` dict an NHS.UK macro expects, so every
form shows its errors next to the field and keeps what was typed.
"""

from django import forms


def _widget_value(field):
    if isinstance(field.field.widget, forms.PasswordInput):
        return ""  # a typed password is never sent back in the page
    value = field.value()
    if value is None:
        return ""
    if isinstance(field.field, forms.BooleanField):
        return value
    formatted = field.field.widget.format_value(value)
    return "" if formatted is None else formatted


def field_params(field, **overrides):
    """Params for input, textarea, select, password-input and similar single-value macros."""
    params = {
        "id": field.id_for_label or field.auto_id,
        "name": field.html_name,
        "label": {"text": field.label},
        "value": _widget_value(field),
    }
    if field.help_text:
        params["hint"] = {"text": str(field.help_text)}
    if field.errors:
        params["errorMessage"] = {"text": " ".join(str(e) for e in field.errors)}
    if isinstance(field.field, forms.ChoiceField) and not isinstance(
        field.field, forms.MultipleChoiceField
    ):
        params["items"] = choice_items(field)
    attrs = {}
    if field.field.required:
        attrs["aria-required"] = "true"
    params["attributes"] = attrs
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(params.get(key), dict):
            params[key] = {**params[key], **value}
        else:
            params[key] = value
    return params


def choice_items(field):
    """Items for select, radios and checkboxes, with the current choice(s) marked."""
    current = field.value()
    if isinstance(current, list | tuple):
        chosen = {str(v) for v in current}
    else:
        chosen = {str(current)} if current not in (None, "") else set()
    items = []
    for value, text in field.field.choices:
        value = "" if value is None else str(value)
        if getattr(field.field.widget, "input_type", None) in ("radio", "checkbox"):
            items.append({"value": value, "text": str(text), "checked": value in chosen})
        else:
            items.append({"value": value, "text": str(text), "selected": value in chosen})
    return items


def error_summary_items(form):
    """The error summary at the top of a page links each message to its field."""
    # An error of the whole form links to its first field: a form element cannot take focus.
    fields = list(form)
    first = f"#{fields[0].id_for_label or fields[0].auto_id}" if fields else "#maincontent"
    items = [{"text": str(e), "href": first} for e in form.non_field_errors()]
    for field in fields:
        target = field.id_for_label or field.auto_id
        if isinstance(field.field.widget, forms.MultiWidget):
            target = f"{field.auto_id}_0"
        for error in field.errors:
            items.append({"text": str(error), "href": f"#{target}"})
    return items


def date_params(field, **overrides):
    """Params for the NHS.UK date input macro from a core.forms.DateField."""
    raw = field.value()
    if not isinstance(raw, list | tuple):
        raw = field.field.widget.decompress(raw)
    has_error = bool(field.errors)
    items = []
    for index, (name, width) in enumerate((("day", 2), ("month", 2), ("year", 4))):
        items.append(
            {
                "id": f"{field.auto_id}_{index}",
                "name": f"{field.html_name}_{index}",
                "label": name.capitalize(),
                "value": "" if raw[index] is None else raw[index],
                "classes": f"nhsuk-input--width-{width}"
                + (" nhsuk-input--error" if has_error else ""),
                "inputmode": "numeric",
            }
        )
    params = {
        "id": field.auto_id,
        "fieldset": {"legend": {"text": field.label, "size": "s"}},
        "items": items,
    }
    if field.help_text:
        params["hint"] = {"text": str(field.help_text)}
    if has_error:
        params["errorMessage"] = {"text": " ".join(str(e) for e in field.errors)}
    params.update(overrides)
    return params
