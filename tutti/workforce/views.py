"""Therapists' own records, the clinical lead's quality view, supervision and reports."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from tutti.accounts.roles import Role
from tutti.core.audit import access_record, access_record_list
from tutti.referrals.models import Status
from tutti.referrals.selectors import referrals_visible_to
from tutti.workforce import reports, selectors, services
from tutti.workforce.access import CLINICAL_LEADS, REPORT_READERS, THERAPISTS, role_required
from tutti.workforce.caseload import caseload_episodes, therapist_sessions_this_month
from tutti.workforce.forms import (
    AvailabilityForm,
    PeriodForm,
    PlacementForm,
    PlacementLogForm,
    ProfileForm,
    RegistrationForm,
    SupervisionForm,
    apply_errors,
    period_data,
)
from tutti.workforce.models import WeeklyAvailability
from tutti.workforce.presenters import HELPERS


def _render(request, template, context):
    return render(request, f"workforce/{template}", {**HELPERS, **context})


def _therapist_or_404(request, pk):
    therapist = selectors.therapist_for_user(request.user, pk)
    if therapist is None:
        raise Http404("No such therapist, or not yours to see")
    return therapist


@role_required(*THERAPISTS)
def my_record(request):
    own = selectors.own_therapist(request.user)
    if own is None:
        raise Http404("You have no therapist record")
    return redirect("workforce:therapist", pk=own.pk)


@role_required(*THERAPISTS, *CLINICAL_LEADS)
def therapist_detail(request, pk):
    therapist = _therapist_or_404(request, pk)
    access_record(request=request, obj=therapist)
    user = request.user
    today = timezone.localdate()
    return _render(
        request,
        "therapist_detail.jinja",
        {
            "therapist": therapist,
            "own": therapist.user_id == user.pk,
            "today": today,
            "registration": therapist.registration_status(today),
            "dbs_old": selectors.dbs_older_than_three_years(therapist, on=today),
            "allocation": selectors.therapist_can_take_new_clients(therapist, on=today),
            "supervision": selectors.supervision_due(therapist, on=today),
            "supervision_records": selectors.supervision_visible_to(user)
            .filter(supervisees=therapist)
            .select_related("supervisor__user")[:10],
            "slots": therapist.availability.select_related("site"),
            "sites": therapist.sites.all(),
            "placement_hours": selectors.placement_hours(therapist),
            "placement_by_activity": selectors.placement_hours_by_activity(therapist),
            "placement_logs": therapist.placement_logs.all()[:20],
            "may_edit_registration": selectors.may_edit_registration(user, therapist),
            "may_edit_profile": selectors.may_edit_profile(user, therapist),
            "may_log_placement": selectors.may_log_placement(user, therapist),
        },
    )


def _edit(request, pk, *, allowed, form_class, service, template, initial, form_kwargs=None):
    therapist = _therapist_or_404(request, pk)
    if not allowed(request.user, therapist):
        raise PermissionDenied("You cannot change this part of the record.")
    form_kwargs = form_kwargs or {}
    form = form_class(request.POST or None, initial=initial(therapist), **form_kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            service(therapist=therapist, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Saved")
            return redirect("workforce:therapist", pk=therapist.pk)
    return _render(request, template, {"form": form, "therapist": therapist})


@role_required(*CLINICAL_LEADS)
def registration_edit(request, pk):
    return _edit(
        request,
        pk,
        allowed=selectors.may_edit_registration,
        form_class=RegistrationForm,
        service=services.therapist_update_registration,
        template="registration_form.jinja",
        initial=lambda t: {
            "hcpc_number": t.hcpc_number,
            "registration_expires": t.registration_expires,
            "dbs_checked_on": t.dbs_checked_on,
            "supervision_every_weeks": t.supervision_every_weeks,
        },
    )


@role_required(*THERAPISTS)
def profile_edit(request, pk):
    return _edit(
        request,
        pk,
        allowed=selectors.may_edit_profile,
        form_class=ProfileForm,
        service=services.therapist_update_profile,
        template="profile_form.jinja",
        initial=lambda t: {
            "specialisms": t.specialisms,
            "work_settings": t.work_settings,
            "languages": ", ".join(t.languages),
            "sites": [site.pk for site in t.sites.all()],
            "weekly_capacity": t.weekly_capacity,
            "weekly_group_capacity": t.weekly_group_capacity,
        },
    )


@role_required(*CLINICAL_LEADS)
def placement_edit(request, pk):
    therapist = _therapist_or_404(request, pk)
    if not therapist.is_trainee:
        raise Http404("Only trainees have a placement")
    return _edit(
        request,
        pk,
        allowed=selectors.may_edit_registration,
        form_class=PlacementForm,
        service=services.therapist_update_placement,
        template="placement_form.jinja",
        initial=lambda t: {
            "supervisor": t.supervisor_id,
            "placement_site": t.placement_site_id,
            "placement_starts_on": t.placement_starts_on,
            "placement_ends_on": t.placement_ends_on,
            "placement_hours_target": t.placement_hours_target,
        },
        form_kwargs={"trainee": therapist},
    )


@role_required(*THERAPISTS)
def availability_add(request, pk):
    therapist = _therapist_or_404(request, pk)
    if not selectors.may_edit_profile(request.user, therapist):
        raise PermissionDenied("You cannot change this therapist's availability.")
    form = AvailabilityForm(request.POST or None, therapist=therapist)
    if request.method == "POST" and form.is_valid():
        try:
            services.availability_add(therapist=therapist, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Slot added")
            return redirect("workforce:therapist", pk=therapist.pk)
    return _render(request, "availability_form.jinja", {"form": form, "therapist": therapist})


@require_POST
@role_required(*THERAPISTS)
def availability_remove(request, pk, slot):
    therapist = _therapist_or_404(request, pk)
    if not selectors.may_edit_profile(request.user, therapist):
        raise PermissionDenied("You cannot change this therapist's availability.")
    slot = get_object_or_404(WeeklyAvailability, pk=slot, therapist=therapist)
    services.availability_remove(slot=slot, actor=request.user)
    messages.success(request, "Slot removed")
    return redirect("workforce:therapist", pk=therapist.pk)


@role_required(*THERAPISTS)
def placement_log_add(request, pk):
    trainee = _therapist_or_404(request, pk)
    if not selectors.may_log_placement(request.user, trainee):
        raise PermissionDenied("You cannot log placement hours for this person.")
    form = PlacementLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_log_add(trainee=trainee, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Placement hours logged")
            return redirect("workforce:therapist", pk=trainee.pk)
    return _render(request, "placement_log_form.jinja", {"form": form, "therapist": trainee})


@role_required(*THERAPISTS)
def caseload(request):
    own = selectors.own_therapist(request.user)
    if own is None:
        raise Http404("You have no therapist record")
    now = timezone.now()
    episodes = list(caseload_episodes(request.user, own, now=now))
    offered = list(
        referrals_visible_to(request.user)
        .filter(therapist=own, status=Status.OFFERED)
        .select_related("person", "programme")
        .order_by("status_changed_at", "pk")
    )
    access_record_list(request=request, objs=episodes, person_id_of=lambda e: e.person_id)
    access_record_list(request=request, objs=offered, person_id_of=lambda r: r.person_id)
    return _render(
        request,
        "caseload.jinja",
        {
            "therapist": own,
            "episodes": episodes,
            "offered": offered,
            "month": therapist_sessions_this_month(own, now=now),
            "today": timezone.localdate(now),
            "measures_due": sum(e.measures_due for e in episodes),
            "measures_overdue": sum(e.measures_overdue for e in episodes),
        },
    )


@role_required(*THERAPISTS)
def supervision_list(request):
    records = (
        selectors.supervision_visible_to(request.user)
        .select_related("supervisor__user")
        .prefetch_related("supervisees__user")[:200]
    )
    return _render(
        request,
        "supervision_list.jinja",
        {"records": records, "may_record": request.user.has_role(*CLINICAL_LEADS)},
    )


@role_required(*CLINICAL_LEADS)
def supervision_new(request):
    own = selectors.own_therapist(request.user)
    initial = {"supervisor": own.pk if own and not own.is_trainee else None, "kind": "individual"}
    supervisee = request.GET.get("for", "")
    if supervisee.isdigit():
        initial["supervisees"] = [int(supervisee)]
    form = SupervisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_record_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Supervision recorded")
            return redirect("workforce:supervision_list")
    return _render(request, "supervision_form.jinja", {"form": form})


@role_required(*CLINICAL_LEADS)
def quality(request):
    today = timezone.localdate()
    rows = selectors.quality_rows(on=today)
    return _render(
        request,
        "quality.jinja",
        {
            "rows": rows,
            "today": today,
            "lapsed": [r for r in rows if r.registration.state in ("lapsed", "missing")],
            "due": [r for r in rows if r.registration.state == "due"],
            "overdue": [r for r in rows if r.supervision.overdue],
        },
    )


def _report_links(user, period, delivered):
    """Where the hours delivered lead, for coordinators and administrators (the roles that
    may open them): each programme's page, and the impact report for the same period."""
    if not user.has_role(Role.ADMINISTRATOR, Role.COORDINATOR):
        return {"programme": {}, "impact": None}
    return {
        "programme": {
            row.key: reverse("delivery:programme", kwargs={"code": row.code})
            for row in delivered["by_programme"]
            if row.code
        },
        "impact": f"{reverse('reports:impact')}?{urlencode(period_data(*period))}",
    }


@role_required(*REPORT_READERS)
def report(request):
    today = timezone.localdate()
    data = request.GET if any(k.startswith("date_") for k in request.GET) else None
    form = PeriodForm(data or period_data(*reports.last_twelve_months(today)), today=today)
    delivered = period = None
    if form.is_valid():
        period = (form.cleaned_data["date_from"], form.cleaned_data["date_to"])
        delivered = reports.hours_delivered(*period)
    return _render(
        request,
        "reports.jinja",
        {
            "today": today,
            "form": form,
            "period": period,
            "delivered": delivered,
            "links": _report_links(request.user, period, delivered) if period else {},
            "registration": reports.registration_summary(on=today),
            "supervision": reports.supervision_compliance(on=today),
            "availability": reports.weekly_hours_by_site(),
            "caseload_by_programme": reports.caseload_by_programme(),
            "reach": reports.training_reach(),
        },
    )
