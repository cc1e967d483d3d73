"""Feedback surveys: each statement reported as the % who agree or strongly agree, with n; and
one-time links for partner staff, who answer for their organisation, not about a person."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from tutti.organisations.models import Organisation
from tutti.outcomes import links, services
from tutti.outcomes.forms import StaffSurveyForm
from tutti.outcomes.models import Kind, Occasion, Response, ResponseStatus
from tutti.outcomes.presenters import measure_items
from tutti.outcomes.selectors import active_measures, may_see_feedback

PERIODS = {"12m": ("the last 12 months", 365), "all": ("all time", None)}


def survey_results(measure, responses) -> dict:
    """For each statement: how many answered it, how many agreed or strongly agreed, and %."""
    statements = [
        {"number": item["number"], "text": item["wording"], "n": 0, "agree": 0}
        for item in measure_items(measure)
    ]
    count = 0
    for response in responses:
        items = (response.score or {}).get("items", [])
        counted = False
        for statement, item in zip(statements, items, strict=False):
            if item.get("answer") is None:
                continue
            counted = True
            statement["n"] += 1
            statement["agree"] += bool(item.get("agree"))
        count += counted
    for statement in statements:
        n = statement["n"]
        statement["percent"] = round(100 * statement["agree"] / n) if n else None
    return {"measure": measure, "responses": count, "statements": statements}


def completed_survey_responses(measure, *, since=None):
    responses = Response.objects.filter(measure=measure, status=ResponseStatus.COMPLETED)
    if since is not None:
        responses = responses.filter(completed_at__gte=since)
    return responses.only("score")


@never_cache
@login_required
def feedback(request):
    if not may_see_feedback(request.user):
        raise PermissionDenied("Coordinators and administrators see feedback results")
    period = request.GET.get("period", "12m")
    if period not in PERIODS:
        period = "12m"
    label, days = PERIODS[period]
    since = timezone.now() - timedelta(days=days) if days else None
    surveys = [m for m in active_measures(Kind.SURVEY)]
    results = [survey_results(m, completed_survey_responses(m, since=since)) for m in surveys]
    staff_survey = next((m for m in surveys if m.respondent == "staff"), None)
    organisations = Organisation.objects.filter(is_partner=True).order_by("name")
    form = StaffSurveyForm(
        request.POST if request.method == "POST" else None, organisations=organisations
    )
    context = {
        "results": results,
        "period": period,
        "period_label": label,
        "periods": PERIODS,
        "form": form,
        "staff_survey": staff_survey,
    }
    if request.method == "POST" and staff_survey is not None and form.is_valid():
        organisation = form.organisations[form.cleaned_data["organisation"]]
        response = services.response_plan(
            measure=staff_survey,
            occasion=Occasion.END,
            organisation=organisation,
            due_on=timezone.localdate(),
            actor=request.user,
        )
        _, token = links.response_link_create(response=response, actor=request.user)
        context["link_url"] = request.build_absolute_uri(
            reverse("questionnaire:open", kwargs={"token": token})
        )
        context["organisation"] = organisation
        context["form"] = StaffSurveyForm(organisations=organisations)
    return render(request, "outcomes/feedback.jinja", context)
