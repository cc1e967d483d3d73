"""The public self/family referral form at /refer/: no account, one question per page.

Start page → questions → check your answers (with consent and Send) → confirmation. The
answers live in the session (steps.Journey); nothing personal goes into a URL.
"""

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from tutti.programmes.models import Programme
from tutti.referrals.public import abuse
from tutti.referrals.public.forms import SendForm, ServiceForm
from tutti.referrals.public.presenters import check_rows, choice_group, summary_items
from tutti.referrals.public.steps import SENT_KEY, STEPS, Journey
from tutti.referrals.public.submission import programme_chosen, referral_send


def _page(request, template, journey, **context):
    context.setdefault("w", journey.words)
    context["choice_group"] = choice_group
    context["honeypot_name"] = abuse.HONEYPOT_FIELD
    return render(request, template, context)


def _note_honeypot(request, journey):
    if request.method == "POST" and abuse.honeypot_filled(request.POST):
        journey.automated = True
        journey.save()


@never_cache
def start(request):
    journey = Journey(request.session)
    unavailable = None
    code = request.GET.get("programme", "").strip().upper()[:40]
    if code:
        programme = Programme.objects.filter(code=code).first()
        if programme is not None and programme.open_to_referrals:
            journey.programme_code = programme.code
            journey.save()
        else:
            unavailable = programme.name if programme else "That service"
    return _page(
        request,
        "referrals/public/start.jinja",
        journey,
        programme=programme_chosen(journey),
        unavailable=unavailable,
        started=journey.started,
        start_url=journey.resume_url(),
    )


@never_cache
def question(request, slug):
    step = STEPS.get(slug)
    if step is None:
        raise Http404("No such question")
    journey = Journey(request.session)
    if not journey.may_visit(step):
        return redirect(journey.resume_url())
    _note_honeypot(request, journey)
    if request.method == "POST":
        form = journey.form(step, request.POST)
        if form.is_valid():
            journey.save_answer(step, form.cleaned_data)
            return redirect(journey.next_url(step))
    else:
        form = journey.form(step)
    return _page(
        request,
        step.template,
        journey,
        form=form,
        question=journey.words.fill(step.question),
        back_url=journey.back_url(step),
    )


def _wait_message(minutes):
    phone = settings.TUTTI_CONTACT_PHONE
    other_way = f"phone us on {phone}" if phone else f"email us at {settings.TUTTI_CONTACT_EMAIL}"
    return (
        "We could not send this yet: there have been a lot of requests from this internet "
        "connection in the last hour. Your answers are saved. "
        f"Wait {minutes} minute{'s' if minutes != 1 else ''}, then press Send again, "
        f"or {other_way}."
    )


@never_cache
def check(request):
    journey = Journey(request.session)
    if not journey.started and request.session.get(SENT_KEY):
        return redirect("refer:sent")  # Send pressed again after it worked
    if journey.problems.get("service"):
        return redirect("refer:service")
    unfinished = journey.first_unfinished()
    if unfinished is not None:
        return redirect(unfinished.url)
    if not journey.checking:
        journey.checking = True
        journey.save()
    _note_honeypot(request, journey)
    if request.method == "POST":
        form = SendForm(request.POST, words=journey.words)
        if form.is_valid():
            outcome = referral_send(
                journey=journey, request=request, consent_statement=form.consent_statement()
            )
            if outcome.sent:
                journey.finish(reference=outcome.reference, emailed=outcome.emailed)
                return redirect("refer:sent")
            if outcome.wait_minutes:
                form.add_error(None, _wait_message(outcome.wait_minutes))
            for message in outcome.errors:
                form.add_error(None, message)
            if not form.errors:  # the problems were put on their questions
                if journey.problems.get("service"):
                    return redirect("refer:service")
                return redirect(journey.resume_url())
    else:
        form = SendForm(words=journey.words)
    return _page(
        request,
        "referrals/public/check.jinja",
        journey,
        form=form,
        rows=check_rows(journey, programme_chosen(journey)),
        error_items=summary_items(form),
        back_url=journey.steps()[-1].url,
    )


@never_cache
def service(request):
    """Keep or drop the service chosen from the directory before starting."""
    journey = Journey(request.session)
    programme = programme_chosen(journey)
    if not journey.programme_code:
        return redirect("refer:check")
    _note_honeypot(request, journey)
    words = journey.words
    if request.method == "POST":
        form = ServiceForm(request.POST, words=words)
        if form.is_valid():
            keep = form.cleaned_data["keep"] == "yes"
            if keep and (programme is None or not programme.open_to_referrals):
                form.add_error("keep", "This service is not taking requests now. Choose 'No'")
            else:
                if not keep:
                    journey.programme_code = ""
                journey.problems.pop("service", None)
                journey.save()
                return redirect("refer:check")
    else:
        problems = journey.problems.get("service", {})
        form = ServiceForm(
            {"keep": "yes"} if problems else None, initial={"keep": "yes"}, words=words
        )
        if problems:
            form.is_valid()
            for messages in problems.values():
                form.add_error("keep", messages)
    name = programme.name if programme else "the service you chose"
    return _page(
        request,
        "referrals/public/service.jinja",
        journey,
        form=form,
        programme=programme,
        question=f"Do you want to ask for {name}?",
        back_url=reverse("refer:check"),
    )


@never_cache
def sent(request):
    sent = request.session.get(SENT_KEY)
    if not isinstance(sent, dict) or not sent.get("reference"):
        return redirect("refer:start")
    return render(
        request,
        "referrals/public/sent.jinja",
        {"reference": sent["reference"], "emailed": bool(sent.get("emailed"))},
    )
