"""The lists behind the figures: the sessions, people and referrals a figure counts, with the
same filters. For coordinators and administrators only (the roles that may see every record);
a commissioner's report has no links to them.

A list shows no more than the records' own pages would: each row links to its record, where
viewing it is audited.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from tutti.accounts.decorators import role_required
from tutti.accounts.roles import Role
from tutti.delivery.models import Session
from tutti.people.selectors import people_visible_to
from tutti.reports.forms import report_form
from tutti.reports.impact import attended, delivered_sessions, referrals_received

LIST_READERS = (Role.ADMINISTRATOR, Role.COORDINATOR)
PAGE_SIZE = 50


def may_see_lists(user):
    return user.has_role(*LIST_READERS)


def list_url(what, query, **extra):
    """The address of the list behind a figure: the report's filters plus what to narrow by."""
    params = {k: v for k, v in query.items() if k not in ("format", "page")}
    params.update({k: v for k, v in extra.items() if v})
    return f"{reverse('reports:list', kwargs={'what': what})}?{urlencode(params)}"


def add_links(view, query):
    """Links from the figures and table cells to their lists (for those who may see them)."""
    view.links = {
        "sessions": list_url("sessions", query),
        "people": list_url("people", query),
        "referrals": list_url("referrals", query),
    }
    sessions = view.table("sessions")
    for index, row in enumerate(sessions.rows):
        sessions.links[(index, "sessions")] = list_url("sessions", query, kind=row["code"])
    sessions.links[("total", "sessions")] = view.links["sessions"]
    people = view.table("people")
    for index, row in enumerate(people.rows):
        people.links[(index, "people")] = list_url("people", query, programme=row["code"])
    people.links[("total", "people")] = view.links["people"]
    referrals = view.table("referrals")
    for index, row in enumerate(referrals.rows):
        referrals.links[(index, "referrals")] = list_url("referrals", query, route=row["code"])
    referrals.links[("total", "referrals")] = view.links["referrals"]


def _sessions(request, scope):
    sessions = delivered_sessions(scope).select_related("programme", "site")
    kind = request.GET.get("kind")
    if kind in Session.Kind.values:
        sessions = sessions.filter(kind=kind)
    return sessions.order_by("starts_at", "pk"), "Sessions delivered"


def _people(request, scope):
    rows = attended(scope)
    code = request.GET.get("programme")
    title = "People who accessed services"
    if code:
        rows = rows.filter(session__programme__code=code)
    people = people_visible_to(request.user).filter(pk__in=rows.values("episode__person_id"))
    return people.order_by("family_name", "given_name", "pk"), title


def _referrals(request, scope):
    referrals = referrals_received(scope).select_related("programme")
    route = request.GET.get("route")
    if route:
        referrals = referrals.filter(route=route)
    return referrals.order_by("received_at", "pk"), "New referrals"


LISTS = {"sessions": _sessions, "people": _people, "referrals": _referrals}


@never_cache
@role_required(*LIST_READERS)
def figure_list(request, what):
    if what not in LISTS:
        raise Http404("No such list")
    form = report_form(request)
    if not form.is_valid():
        return render(request, "reports/impact.jinja", {"form": form, "presets": []})
    scope = form.scope()
    records, title = LISTS[what](request, scope)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        f"reports/list_{what}.jinja",
        {
            "title": title,
            "scope": scope,
            "page": page,
            "records": page.object_list,
            "query": query.urlencode(),
            "report_url": f"{reverse('reports:impact')}?{query.urlencode()}",
            "narrowed": {
                k: request.GET[k] for k in ("kind", "programme", "route") if request.GET.get(k)
            },
        },
    )
