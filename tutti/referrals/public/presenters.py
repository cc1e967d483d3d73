"""What the public referral pages show: the check-your-answers rows and choice items."""

from datetime import date

from django.urls import reverse
from markupsafe import Markup, escape

from tutti.core.forms_jinja import choice_items, error_summary_items
from tutti.core.vocab import Circumstance, Need
from tutti.referrals.public.steps import STEPS
from tutti.referrals.public.wording import (
    BEST_WAY,
    CIRCUMSTANCE_HINTS,
    NEED_HINTS,
    NONE_OF_THESE,
    NOT_SURE,
    WHO_FOR_HINTS,
    WHO_FOR_LABELS,
)

NOT_GIVEN = "Not given"
HINTS = {"who": WHO_FOR_HINTS, "needs": NEED_HINTS, "circumstances": CIRCUMSTANCE_HINTS}
EXCLUSIVE = {"needs": NOT_SURE, "circumstances": NONE_OF_THESE}


def choice_group(field, *, legend, words, page_heading=True, hint=None):
    """Params for the NHS.UK radios or checkboxes macro from a choice field.

    A 'none of these' answer is set apart by an "or" and unticks the others (NHS.UK
    exclusive checkbox behaviour)."""
    hints = HINTS.get(field.name, {})
    exclusive = EXCLUSIVE.get(field.name)
    items = []
    for item in choice_items(field):
        value = item["value"]
        if value in hints:
            item["hint"] = {"text": words.fill(hints[value])}
        if value == exclusive:
            items.append({"divider": "or"})
            item["behaviour"] = "exclusive"
        items.append(item)
    legend_params = {"text": legend}
    if page_heading:
        legend_params.update(isPageHeading=True, size="l")
    else:
        legend_params["size"] = "s"
    params = {
        "idPrefix": field.auto_id,
        "name": field.html_name,
        "fieldset": {"legend": legend_params},
        "items": items,
    }
    if hint:
        params["hint"] = {"text": hint}
    if field.errors:
        params["errorMessage"] = {"text": " ".join(str(e) for e in field.errors)}
    return params


def _lines(*lines):
    shown = [line for line in lines if line]
    if not shown:
        return {"text": NOT_GIVEN}
    return {"html": Markup("<br>").join(escape(line) for line in shown)}


def _paragraphs(text):
    return _lines(*(text or "").splitlines())


def _contact(answers):
    best = answers.get("best_way")
    return _lines(
        answers.get("email"),
        answers.get("phone"),
        f"Best way: {BEST_WAY[best].lower()}" if best in BEST_WAY and best != "any" else "",
    )


def _date(value):
    try:
        return date.fromisoformat(value).strftime("%-d %B %Y")
    except (TypeError, ValueError):
        return NOT_GIVEN


def _labels(codes, choices, none_text):
    labels = dict(choices)
    shown = [str(labels[c]) for c in codes if c in labels]
    return _lines(*shown) if shown else {"text": none_text}


def check_rows(journey, programme=None):
    """The summary list on the check-your-answers page: one row per answer, each with a
    Change link back to its question."""
    w = journey.words
    a = journey.answers
    rows = []

    def row(slug, key, value):
        rows.append((slug, key, value))

    row("who-for", "Who needs music therapy", {"text": WHO_FOR_LABELS.get(a["who-for"]["who"])})
    if not w.is_self:
        row("your-name", "Your name", {"text": a["your-name"]["name"]})
        row("your-contact", "Your contact details", _contact(a["your-contact"]))
    name = a["name"]
    full_name = f"{name['given_name']} {name['family_name']}"
    liked = name.get("preferred_name")
    row("name", w.fill("{Your} name"), _lines(full_name, liked and f"Likes to be called {liked}"))
    row("date-of-birth", "Date of birth", {"text": _date(a["date-of-birth"]["date_of_birth"])})
    place = a["postcode"]
    row(
        "postcode",
        "Postcode",
        {"text": "No fixed address" if place.get("no_fixed_address") else place.get("postcode")},
    )
    row("contact", w.fill("{Your} contact details"), _contact(a["contact"]))
    needs = [c for c in a["help-with"]["needs"] if c != NOT_SURE]
    row("help-with", "Help with", _labels(needs, Need.choices, "Not sure"))
    circumstances = [c for c in a["circumstances"]["circumstances"] if c != NONE_OF_THESE]
    row(
        "circumstances",
        "What applies",
        _labels(circumstances, Circumstance.choices, "None of these"),
    )
    lives_alone = {"yes": "Yes", "no": "No", "prefer_not": "Would rather not say"}
    row(
        "lives-alone",
        w.fill("{You} live alone"),
        {"text": lives_alone.get(a["lives-alone"]["lives_alone"])},
    )
    row(
        "social-contact",
        w.fill("{You} see or talk to other people most weeks"),
        {"text": {"yes": "Yes", "no": "No"}.get(a["social-contact"]["sees_people"])},
    )
    support = a["other-support"]
    answer = {"yes": "Yes", "no": "No", NOT_SURE: "Not sure"}.get(support["other_support"])
    row("other-support", "Help from another service", _lines(answer, support.get("which")))
    taking_part = a["taking-part"]
    language = taking_part.get("preferred_language")
    row(
        "taking-part",
        "Help to take part",
        _lines(
            language and f"Language: {language}",
            taking_part.get("interpreter_needed") and "Needs an interpreter",
            *(taking_part.get("communication_needs") or "").splitlines(),
            *(taking_part.get("access_needs") or "").splitlines(),
        ),
    )
    row("anything-else", "Anything else", _paragraphs(a["anything-else"].get("reason")))
    if programme is not None:
        row("service", "Service asked for", {"text": programme.name})
    return [_summary_row(slug, key, value) for slug, key, value in rows]


def _summary_row(slug, key, value):
    href = reverse("refer:service") if slug == "service" else STEPS[slug].url
    return {
        "key": {"text": key},
        "value": value,
        "actions": {"items": [{"href": href, "text": "Change", "visuallyHiddenText": key.lower()}]},
    }


def summary_items(form):
    """The error summary for the send form: a problem with sending links to the Send button."""
    items = error_summary_items(form)
    for item in items[: len(form.non_field_errors())]:
        item["href"] = "#send-problem"
    return items
