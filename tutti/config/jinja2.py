"""The Jinja2 environment for every app page: NHS.UK components plus a few Django helpers."""

from django.conf import settings
from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import ChainableUndefined, ChoiceLoader, Environment, PackageLoader

from tutti.core.forms_jinja import choice_items, date_params, error_summary_items, field_params


def url(name, *args, **kwargs):
    return reverse(name, args=args or None, kwargs=kwargs or None)


def _autoescape_unless_txt(template_name):
    return not (template_name or "").endswith(".txt")


def environment(**options):
    # Our templates first, then the NHS.UK frontend Jinja port's components.
    options["loader"] = ChoiceLoader(
        [options["loader"], PackageLoader("nhsuk_frontend_jinja", "templates")]
    )
    options["undefined"] = ChainableUndefined  # the NHS.UK macros read nested optional params
    # HTML pages are escaped; plain-text emails (.txt) are not, or "&" would arrive as "&amp;".
    options["autoescape"] = _autoescape_unless_txt
    options.setdefault("extensions", []).append("jinja2.ext.do")
    env = Environment(**options)
    env.globals.update(
        {
            "static": static,
            "url": url,
            "settings": settings,
            "get_messages": messages.get_messages,
            "field_params": field_params,
            "choice_items": choice_items,
            "date_params": date_params,
            "error_summary_items": error_summary_items,
            "now": timezone.now,
        }
    )
    env.filters["localtime"] = timezone.localtime
    env.filters["date_uk"] = lambda d: d.strftime("%-d %B %Y") if d else ""
    env.filters["datetime_uk"] = lambda d: (
        timezone.localtime(d).strftime("%-d %B %Y at %H:%M") if d else ""
    )
    return env
