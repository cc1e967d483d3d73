"""Small helpers shared by the register and session record pages."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from tutti.core.forms_jinja import choice_items
from tutti.delivery.models import Session
from tutti.delivery.models.sessions import MusicalWork, Present


def apply_errors(form, error: ValidationError):
    """Put a service's ValidationError next to the fields it names (or on the whole form)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def choice_params(field, *, legend=None, hint=None, size="s", inline=False):
    """Params for the NHS.UK radios or checkboxes macro from a choice field."""
    params = {
        "idPrefix": field.auto_id,
        "name": field.html_name,
        "fieldset": {"legend": {"text": legend or field.label, "size": size}},
        "items": choice_items(field),
    }
    if inline:
        params["classes"] = "nhsuk-radios--inline"
    hint = hint or field.help_text
    if hint:
        params["hint"] = {"text": str(hint)}
    if field.errors:
        params["errorMessage"] = {"text": " ".join(str(e) for e in field.errors)}
    return params


def session_title(session) -> str:
    """'Tuesday music group, session 4: Tuesday 3 March 2026 at 16:00', without names."""
    starts = timezone.localtime(session.starts_at)
    when = f"{starts:%A %-d %B %Y} at {starts:%H:%M}"
    if session.kind == Session.Kind.GROUP and session.group_id:
        what = session.group.name
    elif session.kind == Session.Kind.COMMUNITY:
        what = session.title or "Community event"
    else:
        what = "Individual session"
    if session.number:
        what += f", session {session.number}"
    return f"{what}: {when}"


def musical_work_labels(codes) -> list[str]:
    labels = dict(MusicalWork.choices)
    return [labels.get(code, code) for code in codes or []]


def present_labels(codes) -> list[str]:
    labels = dict(Present.choices)
    return [labels.get(code, code) for code in codes or []]
