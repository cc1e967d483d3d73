"""Staff pages: measures due, a person's outcomes with their chart, planning and entering
responses, one-time links, FHIR export. A person's responses are part of their record: read
through the selectors, 404 outside the user's scope, and every view audited."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tutti.core.audit import access_record
from tutti.core.models import AccessEvent
from tutti.outcomes import fhir, links, scoring, services
from tutti.outcomes.forms import EntryForm, LinkForm, PlanForm, RecordForm
from tutti.outcomes.history import measure_history
from tutti.outcomes.models import Kind, Respondent
from tutti.outcomes.presenters import measure_items
from tutti.outcomes.selectors import (
    active_measures,
    due_responses_for,
    may_enter_responses,
    person_for_outcomes,
    person_responses,
    response_for_user,
    risk_flags_for,
)
from tutti.referrals.selectors import referrals_visible_to


def _person_or_404(request, pk):
    person = person_for_outcomes(request.user, pk)
    if person is None:
        raise Http404("No such person, or not yours to see")
    return person


def _response_or_404(request, pk):
    response = response_for_user(request.user, pk)
    if response is None:
        raise Http404("No such response, or not yours to see")
    return response


def _must_enter(request):
    if not may_enter_responses(request.user):
        raise PermissionDenied("Only therapists, supervisors and coordinators enter responses")


def _alert_url(request, response):
    return request.build_absolute_uri(reverse("outcomes:response", kwargs={"pk": response.pk}))


def _plannable_measures():
    return [m for m in active_measures() if m.person_is_subject]


@login_required
def due(request):
    _must_enter(request)
    today = timezone.localdate()
    responses = list(due_responses_for(request.user)[:300])
    return render(
        request,
        "outcomes/due.jinja",
        {
            "responses": responses,
            "overdue": [r for r in responses if r.is_overdue(today)],
            "risks": list(risk_flags_for(request.user)),
            "today": today,
        },
    )


@login_required
def person_outcomes(request, pk):
    person = _person_or_404(request, pk)
    access_record(request=request, obj=person, person_id=person.pk)
    responses = list(person_responses(person))
    by_measure = {}
    for response in responses:
        by_measure.setdefault(response.measure, []).append(response)
    histories = [
        measure_history(measure, items)
        for measure, items in sorted(by_measure.items(), key=lambda pair: pair[0].position)
    ]
    return render(
        request,
        "outcomes/person.jinja",
        {
            "person": person,
            "histories": [h for h in histories if h.responses and h.measure.kind == Kind.MEASURE],
            "surveys": [h for h in histories if h.responses and h.measure.kind == Kind.SURVEY],
            "open": [r for r in responses if r.is_open],
            "risks": [r for r in responses if r.risk_flagged and r.risk_reviewed_at is None],
            "can_enter": may_enter_responses(request.user),
            "today": timezone.localdate(),
        },
    )


def _person_referrals(request, person):
    return list(
        referrals_visible_to(request.user)
        .filter(person=person)
        .select_related("programme")
        .order_by("-received_at")
    )


@login_required
def plan(request, pk):
    _must_enter(request)
    person = _person_or_404(request, pk)
    referrals = _person_referrals(request, person)
    measures = _plannable_measures()
    current = next((r for r in referrals if r.status in ("active", "offered")), None)
    defaults = services.default_due_dates(current)
    form = PlanForm(
        request.POST if request.method == "POST" else None,
        referrals=referrals,
        measures=measures,
        initial={
            "referral": str(current.pk) if current else "",
            "baseline_due": defaults["baseline"],
            "review_due": defaults["review"],
            "end_due": defaults["end"],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = services.responses_plan(
                person=person, actor=request.user, **form.plan_arguments()
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(
                request,
                f"{len(made)} planned"
                if made
                else "Nothing new to plan: those were planned already",
            )
            return redirect("outcomes:person", pk=person.pk)
    else:
        access_record(request=request, obj=person, person_id=person.pk)
    return render(request, "outcomes/plan.jinja", {"form": form, "person": person})


@login_required
def record(request, pk):
    """Record a measure that was not planned: plan it for today, then enter the answers."""
    _must_enter(request)
    person = _person_or_404(request, pk)
    form = RecordForm(
        request.POST if request.method == "POST" else None,
        referrals=_person_referrals(request, person),
        measures=_plannable_measures(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = services.response_plan(
            measure=form.measures[data["measure"]],
            occasion=data["occasion"],
            person=person,
            referral=form.referrals.get(data["referral"] or ""),
            due_on=timezone.localdate(),
            actor=request.user,
        )
        return redirect("outcomes:enter", pk=response.pk)
    access_record(request=request, obj=person, person_id=person.pk)
    return render(request, "outcomes/record.jinja", {"form": form, "person": person})


@login_required
def enter(request, pk):
    _must_enter(request)
    response = _response_or_404(request, pk)
    if not response.is_open:
        messages.info(request, "These answers are already recorded")
        return redirect("outcomes:response", pk=response.pk)
    form = EntryForm(request.POST if request.method == "POST" else None, response=response)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_record(
                response=response,
                actor=request.user,
                alert_url=_alert_url(request, response),
                **form.record_arguments(),
            )
        except scoring.AnswerError as error:
            form.apply_errors(ValidationError(dict((f, [m]) for f, m in error.errors)))
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.apply_errors(error)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, f"{response.measure.short_name} answers saved")
            return redirect("outcomes:response", pk=response.pk)
    elif response.person_id:
        access_record(request=request, obj=response, person_id=response.person_id)
    return render(
        request,
        "outcomes/enter.jinja",
        {"form": form, "response": response, "measure": response.measure},
    )


@login_required
def response_detail(request, pk):
    response = _response_or_404(request, pk)
    access_record(request=request, obj=response, person_id=response.person_id)
    measure = response.measure
    items = measure_items(measure, easy_read=response.easy_read)
    answers = list(response.answers) + [None] * max(0, len(items) - len(response.answers))
    if measure.is_goal_based:
        items = [
            {"number": n, "wording": f"Goal {n}: {goal}"}
            for n, goal in enumerate(response.goals, start=1)
        ]
    return render(
        request,
        "outcomes/response.jinja",
        {
            "response": response,
            "measure": measure,
            "rows": list(zip(items, answers, strict=False)),
            "can_enter": may_enter_responses(request.user),
            "refusal": links.link_refusal(response) if response.is_open else "",
        },
    )


@never_cache
@login_required
def link_create(request, pk):
    """Make a one-time link. The link is shown once, on this page, and never stored."""
    _must_enter(request)
    response = _response_or_404(request, pk)
    person = response.person
    email = person.email if person and response.measure.respondent == Respondent.PERSON else ""
    form = LinkForm(
        request.POST if request.method == "POST" else None, response=response, email=email
    )
    refusal = links.link_refusal(response)
    context = {"form": form, "response": response, "refusal": refusal}
    if request.method == "POST" and not refusal and form.is_valid():
        link, token = links.response_link_create(
            response=response,
            actor=request.user,
            easy_read=bool(form.cleaned_data.get("easy_read")),
        )
        url = request.build_absolute_uri(reverse("questionnaire:open", kwargs={"token": token}))
        emailed = False
        if form.cleaned_data.get("send_email"):
            try:
                links.response_link_email(response=response, to=email, url=url)
                emailed = True
            except links.EmailNotSent:
                messages.warning(request, "The email could not be sent: give the link another way")
        context.update(link=link, link_url=url, emailed=emailed, email=email)
    return render(request, "outcomes/link.jinja", context)


@login_required
def response_fhir(request, pk):
    response = _response_or_404(request, pk)
    if not response.is_completed:
        raise Http404("Only completed responses can be exported")
    access_record(
        request=request,
        obj=response,
        person_id=response.person_id,
        action=AccessEvent.Action.EXPORT,
    )
    data = fhir.questionnaire_response(response, base_url=request.build_absolute_uri("/"))
    reply = HttpResponse(json.dumps(data, indent=2), content_type="application/fhir+json")
    reply["Content-Disposition"] = f'attachment; filename="questionnaire-response-{pk}.json"'
    return reply


@require_POST
@login_required
def risk_seen(request, pk):
    _must_enter(request)
    response = _response_or_404(request, pk)
    try:
        services.response_risk_review(response=response, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Marked as seen")
    return redirect("outcomes:response", pk=response.pk)


@require_POST
@login_required
def cancel(request, pk):
    _must_enter(request)
    response = _response_or_404(request, pk)
    try:
        services.response_cancel(response=response, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{response.measure.short_name} cancelled")
    if response.person_id:
        return redirect("outcomes:person", pk=response.person_id)
    return redirect("outcomes:feedback")


@login_required
def library(request):
    if not (
        may_enter_responses(request.user)
        or request.user.is_staff
        or request.user.has_perm("accounts.view_back_office")
    ):
        raise PermissionDenied
    measures = list(active_measures())
    return render(
        request,
        "outcomes/library.jinja",
        {"measures": [(m, measure_items(m)) for m in measures]},
    )
