"""The waiting list and unmet need report pages, and the lists of referrals behind their
figures. Coordinators and administrators see everything and can follow a figure to its list;
commissioners see their funded programmes (and their area), with small numbers hidden."""

from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from tutti.accounts.decorators import role_required
from tutti.geography.models import Area, AreaBoundary, LocalAuthority
from tutti.referrals.models import Referral, ReferralEvent, Status
from tutti.reports import exports
from tutti.reports.forms import ReportForm, dates_data, last_financial_year
from tutti.reports.impact import referrals_received
from tutti.reports.lists import LIST_READERS, may_see_lists
from tutti.reports.map import boundaries_for
from tutti.reports.scope import financial_year
from tutti.reports.unmet_need import EVERYWHERE, SERVED
from tutti.reports.unmet_need import local_need as build_local_need
from tutti.reports.unmet_need import unmet_need as build_unmet_need
from tutti.reports.unmet_need_charts import (
    authorities_chart,
    authorities_sentence,
    deciles_chart,
    lsoa_map,
    lsoas_sentence,
)
from tutti.reports.unmet_need_presenters import DEFINITIONS as UNMET_DEFINITIONS
from tutti.reports.unmet_need_presenters import unmet_need_view
from tutti.reports.views import REPORT_READERS
from tutti.reports.waiting import (
    BANDS,
    FLOW_WEEKS,
    QUINTILES,
    band_q,
    over_target_q,
    since_expression,
    waiting_at,
    waiting_now,
    waits_now,
)
from tutti.reports.waiting import waiting_report as build_waiting_report
from tutti.reports.waiting_presenters import (
    DEFINITIONS as WAITING_DEFINITIONS,
)
from tutti.reports.waiting_presenters import (
    QUINTILE_KEYS,
    clear_sentence,
    size_chart,
    size_sentence,
    waiting_view,
    waits_chart,
    waits_sentence,
)

DOWNLOADS = ("csv", "json")
PAGE_SIZE = 50


def last_twelve_months(today):
    """From the first day of the month a year ago to today: twelve month ends and now."""
    return date(today.year - 1, today.month, 1), today


def _presets(today):
    return [
        ("The last 12 months", dates_data(*last_twelve_months(today))),
        ("Last financial year", dates_data(*last_financial_year(today))),
        ("This financial year so far", dates_data(financial_year(today)[0], today)),
    ]


def analytics_form(request, default):
    """The report filters from the address, or `default` (first, last) when no dates are
    given."""
    data = request.GET.copy()
    if not any(key.startswith("date_") for key in data):
        for key, value in dates_data(*default).items():
            data[key] = str(value)
    return ReportForm(data, user=request.user)


def _query(request, *drop):
    query = request.GET.copy()
    for key in ("format", "page", *drop):
        query.pop(key, None)
    return query


def _url(name, query, **extra):
    params = {k: v for k, v in query.items()}
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return f"{reverse(name)}?{urlencode(params)}"


# --- waiting list -----------------------------------------------------------------------------


def _waiting_links(view, query):
    """Links from the figures and cells to the referrals they count."""
    link = lambda **extra: _url("reports:waiting_list", query, **extra)  # noqa: E731
    view.links = {"waiting": link(), "over_target": link(over_target="1")}
    size = view.table("size")
    for index, row in enumerate(size.rows):
        at = "now" if row["now"] else row["day"]
        for quintile in QUINTILES:
            key = QUINTILE_KEYS[quintile]
            size.links[(index, key)] = link(at=at, quintile=key)
        size.links[(index, "total")] = link(at=at)
    waits = view.table("waits")
    for index, _ in enumerate(waits.rows):
        waits.links[(index, "people")] = link(band=str(index))
    waits.links[("total", "people")] = link()
    clear = view.table("clear")
    for index, row in enumerate(clear.rows):
        if not row["code"]:
            continue
        clear.links[(index, "waiting")] = link(programme=row["code"])
        clear.links[(index, "arrivals")] = link(programme=row["code"], joined="1")
        clear.links[(index, "offers")] = link(programme=row["code"], offered="1")
    clear.links[("total", "waiting")] = link()
    clear.links[("total", "arrivals")] = link(joined="1")
    clear.links[("total", "offers")] = link(offered="1")


@never_cache
@role_required(*REPORT_READERS)
def waiting(request):
    today = timezone.localdate()
    form = analytics_form(request, last_twelve_months(today))
    context = {"form": form, "presets": _presets(today), "definitions": WAITING_DEFINITIONS}
    if not form.is_valid():
        return render(request, "reports/waiting.jinja", context)
    report = build_waiting_report(form.scope())
    view = waiting_view(report, suppress=form.suppress_small_numbers)
    fmt = request.GET.get("format")
    if fmt in DOWNLOADS:
        return exports.download(view, fmt)
    query = _query(request)
    if may_see_lists(request.user):
        _waiting_links(view, query)
    target = report.waits.target_weeks
    size_svg, size_legend = size_chart(view.table("size"))
    waits_svg, waits_legend = waits_chart(view.table("waits"), target)
    context.update(
        {
            "view": view,
            "query": query.urlencode(),
            "size_chart": size_svg,
            "size_legend": size_legend,
            "size_sentence": size_sentence(view.table("size")),
            "waits_chart": waits_svg,
            "waits_legend": waits_legend,
            "waits_sentence": waits_sentence(view, target),
            "clear_sentence": clear_sentence(view.table("clear")),
            "flow_weeks": FLOW_WEEKS,
            "no_programmes": form.is_commissioner and not form.allowed.exists(),
        }
    )
    return render(request, "reports/waiting.jinja", context)


def _moment(value, now):
    """The moment a list counts at: "now", or the end of a day given as YYYY-MM-DD."""
    if value in ("", None, "now"):
        return now, "now"
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise Http404("No such day") from error
    at = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))
    return min(at, now), f"at the end of {day:%-d %B %Y}"


def _waiting_records(request, scope, now):
    """(referrals, title, what narrowed them) for the waiting list's figures."""
    get = request.GET
    narrowed = {}
    if get.get("joined") or get.get("offered"):
        status = Status.WAITING if get.get("joined") else Status.OFFERED
        events = ReferralEvent.objects.filter(
            status=status, at__gte=now - timedelta(weeks=FLOW_WEEKS), at__lt=now
        )
        records = Referral.objects.filter(scope.referrals_q(), pk__in=events.values("referral"))
        title = (
            f"Referrals put on the waiting list in the last {FLOW_WEEKS} weeks"
            if get.get("joined")
            else f"Referrals offered a place in the last {FLOW_WEEKS} weeks"
        )
        return records, title, narrowed
    at, when = _moment(get.get("at"), now)
    records = waiting_now(scope) if when == "now" else waiting_at(scope, at)
    title = "People waiting now" if when == "now" else f"People waiting {when}"
    quintile = get.get("quintile")
    if quintile:
        by_key = {key: q for q, key in QUINTILE_KEYS.items()}
        if quintile not in by_key:
            raise Http404("No such quintile")
        records = records.filter(person__imd_quintile=by_key[quintile])
        narrowed["IMD quintile"] = by_key[quintile] or "not known"
    band = get.get("band")
    if band and when == "now":
        if not band.isdigit() or int(band) >= len(BANDS):
            raise Http404("No such band")
        records = records.annotate(since=since_expression()).filter(band_q(BANDS[int(band)], now))
        narrowed["waited so far"] = BANDS[int(band)][2]
    if get.get("over_target") and when == "now":
        targets = waits_now(scope, now).targets
        records = records.annotate(since=since_expression()).filter(over_target_q(targets, now))
        narrowed["waited"] = "longer than the target"
    return records, title, narrowed


@never_cache
@role_required(*LIST_READERS)
def waiting_list(request):
    today = timezone.localdate()
    form = analytics_form(request, last_twelve_months(today))
    if not form.is_valid():
        return render(request, "reports/waiting.jinja", {"form": form, "presets": _presets(today)})
    scope = form.scope()
    records, title, narrowed = _waiting_records(request, scope, timezone.now())
    records = records.select_related("programme").order_by("waiting_since", "received_at", "pk")
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    query = _query(request)
    report_query = _query(
        request, "at", "quintile", "band", "over_target", "joined", "offered"
    ).urlencode()
    return render(
        request,
        "reports/list_waiting.jinja",
        {
            "title": title,
            "scope": scope,
            "page": page,
            "records": page.object_list,
            "query": query.urlencode(),
            "report_url": f"{reverse('reports:waiting')}?{report_query}",
            "report_name": "the waiting list report",
            "narrowed": narrowed,
        },
    )


# --- unmet need -------------------------------------------------------------------------------

MEASURES = {"rate": "referrals per 10,000 residents", "deprivation": "deprivation"}


def _unmet_links(view, query):
    link = lambda **extra: _url("reports:unmet_need_list", query, **extra)  # noqa: E731
    authorities = view.table("authorities")
    for index, row in enumerate(authorities.rows):
        authorities.links[(index, "referrals")] = link(la=row["code"])
    if "lsoas" in [t.key for t in view.tables]:
        lsoas = view.table("lsoas")
        for index, row in enumerate(lsoas.rows):
            lsoas.links[(index, "referrals")] = link(lsoa=row["code"])
        lsoas.links[("total", "referrals")] = link(la=view.params["la"])
        deciles = view.table("deciles")
        for index, row in enumerate(deciles.rows):
            deciles.links[(index, "referrals")] = link(la=view.params["la"], decile=row["number"])


def _chosen(need, code):
    """The local authority asked for, or the most deprived one with outlines to draw."""
    by_code = {place.code: place for place in need.places}
    if code in by_code:
        return by_code[code]
    outlined = set(
        AreaBoundary.objects.filter(local_authority_code__in=by_code)
        .values_list("local_authority_code", flat=True)
        .distinct()
    )
    return next((p for p in need.places if p.code in outlined), None) or next(
        iter(need.places), None
    )


@never_cache
@role_required(*REPORT_READERS)
def unmet_need(request):
    today = timezone.localdate()
    form = analytics_form(request, last_financial_year(today))
    basis = EVERYWHERE if request.GET.get("areas") == EVERYWHERE else SERVED
    measure = request.GET.get("map") if request.GET.get("map") in MEASURES else "rate"
    if form.is_commissioner:
        basis = SERVED  # a commissioner's area: where their programmes serve and reach
    context = {
        "form": form,
        "presets": _presets(today),
        "definitions": UNMET_DEFINITIONS,
        "basis": basis,
        "measure": measure,
        "measures": MEASURES,
    }
    if not form.is_valid():
        return render(request, "reports/unmet_need.jinja", context)
    need = build_unmet_need(form.scope(), basis)
    chosen = _chosen(need, request.GET.get("la"))
    local = build_local_need(need.scope, chosen) if chosen else None
    view = unmet_need_view(need, local, suppress=form.suppress_small_numbers)
    fmt = request.GET.get("format")
    if fmt in DOWNLOADS:
        return exports.download(view, fmt)
    query = _query(request)
    if may_see_lists(request.user):
        _unmet_links(view, query)
    authorities = view.table("authorities")
    context.update(
        {
            "view": view,
            "need": need,
            "local": local,
            "query": query.urlencode(),
            "choose_query": [
                (key, value) for key, values in _query(request, "la").lists() for value in values
            ],
            "base_query": _query(request, "areas", "map").urlencode(),
            "la_query": _query(request, "map").urlencode(),
            "authorities_chart": authorities_chart(authorities, need) if need.places else None,
            "authorities_sentence": authorities_sentence(authorities),
            "no_programmes": form.is_commissioner and not form.allowed.exists(),
            "may_choose_areas": not form.is_commissioner,
            "boundaries_loaded": AreaBoundary.objects.exists(),
        }
    )
    if local is not None:
        lsoas, deciles = view.table("lsoas"), view.table("deciles")
        context["deciles_chart"], context["deciles_legend"] = deciles_chart(
            deciles, local.authority.name
        )
        context["lsoas_sentence"] = lsoas_sentence(lsoas, local)
        context["la_items"] = [
            {"value": p.code, "text": p.name, "selected": p.code == local.authority.code}
            for p in need.places
        ]
        boundaries = boundaries_for(local.authority.code) if local.has_boundaries else []
        if boundaries:
            context["map"], context["map_legend"] = lsoa_map(boundaries, lsoas, local, measure)
    return render(request, "reports/unmet_need.jinja", context)


@never_cache
@role_required(*LIST_READERS)
def unmet_need_list(request):
    today = timezone.localdate()
    form = analytics_form(request, last_financial_year(today))
    if not form.is_valid():
        return render(
            request, "reports/unmet_need.jinja", {"form": form, "presets": _presets(today)}
        )
    scope = form.scope()
    records = referrals_received(scope)
    la, lsoa = request.GET.get("la", ""), request.GET.get("lsoa", "")
    narrowed = {}
    if lsoa:
        records = records.filter(person__lsoa_code=lsoa)
        area = Area.objects.filter(code=lsoa).first()
        narrowed["living in"] = f"{area.name} ({lsoa})" if area and area.name else lsoa
    elif la:
        records = records.filter(person__local_authority_code=la)
        authority = LocalAuthority.objects.filter(code=la).first()
        narrowed["living in"] = authority.name if authority else la
        decile = request.GET.get("decile", "")
        if decile:
            if not decile.isdigit():
                raise Http404("No such decile")
            areas = Area.objects.filter(local_authority_id=la, imd_decile=int(decile))
            records = records.filter(person__lsoa_code__in=areas.values("code"))
            narrowed["in LSOAs of IMD decile"] = decile
    else:
        raise Http404("Choose a local authority or an LSOA")
    records = records.select_related("programme").order_by("received_at", "pk")
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    report_query = _query(request, "lsoa", "decile").urlencode()
    return render(
        request,
        "reports/list_waiting.jinja",
        {
            "title": "Referrals received",
            "scope": scope,
            "page": page,
            "records": page.object_list,
            "query": _query(request).urlencode(),
            "report_url": f"{reverse('reports:unmet_need')}?{report_query}",
            "report_name": "the unmet need report",
            "narrowed": narrowed,
        },
    )
