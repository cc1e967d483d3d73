"""Answering online at /questionnaire/: no account, one question a page, answers saved as they
are given. The one-time link's token is swapped for the session on the first page, so no other
URL carries anything but a question number; nothing personal is ever in a URL."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from tutti.outcomes import links
from tutti.outcomes.forms import QuestionForm, RespondentForm, question_choices
from tutti.outcomes.library import option_labels
from tutti.outcomes.models import AnsweredBy, Respondent
from tutti.outcomes.presenters import item_wording

LINK_KEY = "outcomes_link"
CHECKING_KEY = "outcomes_checking"
STATUS_FOR = {
    links.LinkState.UNKNOWN: 404,
    links.LinkState.EXPIRED: 410,
    links.LinkState.USED: 410,
    links.LinkState.STOPPED: 410,
}


def _problem(request, found):
    return render(
        request,
        "outcomes/public/link_problem.jinja",
        {"state": found.state.value},
        status=STATUS_FOR.get(found.state, 404),
    )


def _current(request):
    """The link this browser is answering, if it still works."""
    return links.link_find(link_id=request.session.get(LINK_KEY, -1))


def _question_text(response, number):
    measure = response.measure
    if measure.is_goal_based:
        goal = response.goals[number - 1] if number <= len(response.goals) else ""
        if response.easy_read:
            return f"Your goal: {goal}. How far have you got?"
        return f"Your goal: {goal}. How close are you to reaching it?"
    item = next((i for i in measure.items.all() if i.number == number), None)
    return item_wording(measure, item, easy_read=response.easy_read)


def _page(request, template, response, **context):
    context.update(response=response, measure=response.measure, easy_read=response.easy_read)
    return render(request, template, context)


@never_cache
def open_link(request, token):
    found = links.response_link_open(token=token)
    if found.state != links.LinkState.READY:
        return _problem(request, found)
    request.session.cycle_key()  # a fresh session for whoever holds the link
    request.session[LINK_KEY] = found.link.pk
    request.session.pop(CHECKING_KEY, None)
    return redirect("questionnaire:start")


@never_cache
def start(request):
    found = _current(request)
    if found.state != links.LinkState.READY:
        return _problem(request, found)
    response = found.response
    asks_who = response.measure.respondent == Respondent.PERSON
    form = None
    if asks_who:
        initial = {
            "answered_by": response.answered_by,
            "proxy_relationship": response.proxy_relationship,
        }
        form = RespondentForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if form is None:
            return redirect("questionnaire:question", number=_first_unanswered(response))
        if form.is_valid():
            try:
                links.response_respondent_save(link_id=found.link.pk, **form.cleaned_data)
            except links.LinkNotReady as stopped:
                return _problem(request, stopped.found)
            except ValidationError as error:
                for field, problems in error.message_dict.items():
                    form.add_error(field, problems)
            else:
                return redirect("questionnaire:question", number=_first_unanswered(response))
    return _page(
        request,
        "outcomes/public/start.jinja",
        response,
        form=form,
        questions=len(response.answers),
        started=any(answer is not None for answer in response.answers),
    )


def _first_unanswered(response):
    for number, answer in enumerate(response.answers, start=1):
        if answer is None:
            return number
    return 1


def _next_url(request, response, number):
    if request.session.get(CHECKING_KEY) or number >= len(response.answers):
        return reverse("questionnaire:check")
    return reverse("questionnaire:question", kwargs={"number": number + 1})


@never_cache
def question(request, number):
    found = _current(request)
    if found.state != links.LinkState.READY:
        return _problem(request, found)
    response = found.response
    if not 1 <= number <= len(response.answers):
        return redirect("questionnaire:start")
    if response.measure.respondent == Respondent.PERSON and not response.answered_by:
        return redirect("questionnaire:start")
    text = _question_text(response, number)
    current = response.answers[number - 1]
    choices = question_choices(response.measure, easy_read=response.easy_read)
    form = QuestionForm(
        request.POST if request.method == "POST" and "skip" not in request.POST else None,
        choices=choices,
        label=text,
        initial={"answer": "" if current is None else str(current)},
    )
    if request.method == "POST":
        answer = None
        if "skip" not in request.POST:
            answer = int(form.cleaned_data["answer"]) if form.is_valid() else False
        if answer is not False:
            try:
                links.response_answer_save(link_id=found.link.pk, number=number, answer=answer)
            except links.LinkNotReady as stopped:
                return _problem(request, stopped.found)
            return redirect(_next_url(request, response, number))
    back = (
        reverse("questionnaire:check")
        if request.session.get(CHECKING_KEY)
        else reverse("questionnaire:question", kwargs={"number": number - 1})
        if number > 1
        else reverse("questionnaire:start")
    )
    return _page(
        request,
        "outcomes/public/question.jinja",
        response,
        form=form,
        number=number,
        total=len(response.answers),
        text=text,
        choices=choices,
        current="" if current is None else str(current),
        back_url=back,
    )


@never_cache
def check(request):
    found = _current(request)
    if found.state != links.LinkState.READY:
        return _problem(request, found)
    response = found.response
    request.session[CHECKING_KEY] = True
    error = ""
    if request.method == "POST":
        try:
            links.response_submit(
                link_id=found.link.pk,
                alert_url=request.build_absolute_uri(
                    reverse("outcomes:response", kwargs={"pk": response.pk})
                ),
            )
        except links.LinkNotReady as stopped:
            return _problem(request, stopped.found)
        except ValidationError as problem:
            if "answered_by" in problem.message_dict:
                return redirect("questionnaire:start")
            error = " ".join(problem.messages)
        else:
            # The link id stays: going back or sending again says the answers were sent.
            request.session.pop(CHECKING_KEY, None)
            request.session["outcomes_sent"] = True
            return redirect("questionnaire:done")
    labels = option_labels(response.measure, easy_read=response.easy_read)
    rows = [
        {
            "number": number,
            "question": _question_text(response, number),
            "answer": "Skipped" if answer is None else labels.get(answer, str(answer)),
            "href": reverse("questionnaire:question", kwargs={"number": number}),
        }
        for number, answer in enumerate(response.answers, start=1)
    ]
    who = ""
    if response.answered_by == AnsweredBy.PROXY:
        who = f"Answered for someone else, as their {response.proxy_relationship}"
    elif response.answered_by == AnsweredBy.PERSON:
        who = "Answered for yourself"
    return _page(
        request,
        "outcomes/public/check.jinja",
        response,
        rows=rows,
        who=who,
        error=error,
        back_url=reverse("questionnaire:question", kwargs={"number": len(rows)}),
    )


@never_cache
def done(request):
    if not request.session.get("outcomes_sent"):
        return redirect("core:home")
    return render(request, "outcomes/public/done.jinja")
