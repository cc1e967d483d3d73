"""Report pages. Figures only: commissioners see their funded programmes with small numbers
hidden; coordinators and administrators see everything, and can follow a figure to the list
of records it counts."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from tutti.accounts.decorators import role_required
from tutti.accounts.roles import Role
from tutti.reports import exports
from tutti.reports.equity import BY_KEY, DIMENSIONS, equity_split
from tutti.reports.equity_presenters import DEFINITIONS as EQUITY_DEFINITIONS
from tutti.reports.equity_presenters import equity_view, reach_chart, reach_sentence
from tutti.reports.forms import (
    dates_data,
    last_financial_year,
    last_twelve_months,
    report_form,
)
from tutti.reports.impact import impact_report
from tutti.reports.lists import add_links, may_see_lists
from tutti.reports.presenters import DEFINITIONS, impact_view
from tutti.reports.reach import reach_by_quintile
from tutti.reports.scope import financial_year
from tutti.reports.summaries import summaries_for
from tutti.reports.summary import impact_sentences

REPORT_READERS = (Role.ADMINISTRATOR, Role.COORDINATOR, Role.COMMISSIONER)
FORMATS = ("csv", "xlsx", "json")


def _presets():
    today = timezone.localdate()
    last = last_financial_year(today)
    this = financial_year(today)
    return [
        ("Last 12 months", dates_data(*last_twelve_months(today))),
        ("Last financial year", dates_data(*last)),
        ("This financial year so far", dates_data(this[0], today)),
    ]


@never_cache
@role_required(*REPORT_READERS)
def impact(request):
    form = report_form(request)
    context = {"form": form, "presets": _presets(), "definitions": DEFINITIONS}
    if not form.is_valid():
        return render(request, "reports/impact.jinja", context)
    scope = form.scope()
    view = impact_view(impact_report(scope), suppress=form.suppress_small_numbers)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return exports.download(view, fmt)
    query = request.GET.copy()
    query.pop("format", None)
    if may_see_lists(request.user):
        add_links(view, query)
    context.update(
        {
            "view": view,
            "sentences": impact_sentences(view),
            "query": query.urlencode(),
            "no_programmes": form.is_commissioner and not form.allowed.exists(),
        }
    )
    return render(request, "reports/impact.jinja", context)


@never_cache
@role_required(*REPORT_READERS)
def equity(request):
    form = report_form(request)
    split_key = request.GET.get("split", "imd_quintile")
    if split_key not in BY_KEY:
        split_key = "imd_quintile"
    context = {
        "form": form,
        "presets": _presets(),
        "definitions": EQUITY_DEFINITIONS,
        "dimensions": DIMENSIONS,
        "split_key": split_key,
    }
    if not form.is_valid():
        return render(request, "reports/equity.jinja", context)
    scope = form.scope()
    split = equity_split(scope, split_key)
    reach = reach_by_quintile(scope) if split_key == "imd_quintile" else None
    refresh = summaries_for(scope) if split_key == "imd_quintile" else None
    view = equity_view(split, reach, scope, suppress=form.suppress_small_numbers, summaries=refresh)
    fmt = request.GET.get("format")
    if fmt in FORMATS:
        return exports.download(view, fmt)
    query = request.GET.copy()
    for key in ("format", "split"):
        query.pop(key, None)
    if reach is not None:
        reach_table = view.table("reach")
        context["chart"], context["legend"] = reach_chart(reach_table)
        context["reach_sentence"] = reach_sentence(reach, reach_table)
    context.update(
        {
            "view": view,
            "query": query.urlencode(),
            "no_programmes": form.is_commissioner and not form.allowed.exists(),
        }
    )
    return render(request, "reports/equity.jinja", context)
