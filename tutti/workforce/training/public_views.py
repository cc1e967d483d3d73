"""Public course pages at /courses/: no account needed.

Open courses → sign-up (one short page) → confirmation: a place, or a number on the waiting
list. The email has a one-time link to cancel, which moves the first person waiting up.
Nothing personal is put in a URL: the confirmation reads the sign-up from the session.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from tutti.workforce.forms import apply_errors
from tutti.workforce.models import Cohort, Participant
from tutti.workforce.presenters import HELPERS
from tutti.workforce.training import selectors, services
from tutti.workforce.training.forms import HONEYPOT_FIELD, SignUpForm
from tutti.workforce.training.tokens import participant_for_cancel_token

SIGNED_UP_KEY = "courses:signed_up"
CANCELLED_KEY = "courses:cancelled"
Status = Participant.Status


def _render(request, template, context, status=200):
    context = {**HELPERS, "honeypot_name": HONEYPOT_FIELD, **context}
    return render(request, f"workforce/courses/{template}", context, status=status)


def _base_url(request):
    return request.build_absolute_uri("/")


@never_cache
def open_courses(request):
    return _render(request, "list.jinja", {"cohorts": selectors.cohorts_open_for_sign_up()})


@never_cache
def sign_up(request, pk):
    cohort = get_object_or_404(Cohort.objects.select_related("course", "venue"), pk=pk)
    open_cohort = selectors.cohorts_open_for_sign_up().filter(pk=pk).first()
    if open_cohort is None:
        return _render(request, "closed.jinja", {"cohort": cohort})
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if str(request.POST.get(HONEYPOT_FIELD, "")).strip():
            # Filled in by a program, not a person: take no place and send no email, but
            # tell a real person (whose browser filled it in) how to get a place.
            form.add_error(
                None,
                "We could not sign you up. Please email us at "
                f"{settings.TUTTI_CONTACT_EMAIL} and we will do it for you.",
            )
        else:
            try:
                participant = services.participant_sign_up(
                    cohort=cohort, base_url=_base_url(request), **form.cleaned_data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                request.session[SIGNED_UP_KEY] = participant.pk
                return redirect("courses:signed_up")
    return _render(
        request,
        "sign_up.jinja",
        {
            "form": form,
            "cohort": open_cohort,
            "sessions": cohort.sessions.all(),
            "full": open_cohort.places_taken >= open_cohort.capacity,
        },
    )


@never_cache
def signed_up(request):
    pk = request.session.get(SIGNED_UP_KEY)
    participant = (
        Participant.objects.select_related("cohort__course", "cohort__venue").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if participant is None:
        return redirect("courses:list")
    return _render(
        request,
        "signed_up.jinja",
        {
            "participant": participant,
            "cohort": participant.cohort,
            "sessions": participant.cohort.sessions.all(),
            "position": selectors.waiting_list_position(participant),
        },
    )


@never_cache
def cancel(request, token):
    participant = participant_for_cancel_token(
        token, queryset=Participant.objects.select_related("cohort__course", "cohort__venue")
    )
    if participant is None or participant.status == Status.CANCELLED:
        return _render(request, "link_used.jinja", {}, status=404)
    if request.method == "POST":
        was_waiting = participant.status == Status.WAITING
        try:
            services.participant_cancel(participant=participant, base_url=_base_url(request))
        except services.AlreadyCancelled:
            return _render(request, "link_used.jinja", {}, status=404)
        request.session[CANCELLED_KEY] = {
            "course": participant.cohort.course.title,
            "cohort": participant.cohort.name,
            "was_waiting": was_waiting,
        }
        return redirect("courses:cancelled")
    return _render(
        request,
        "cancel.jinja",
        {
            "participant": participant,
            "cohort": participant.cohort,
            "position": selectors.waiting_list_position(participant),
        },
    )


@never_cache
def cancelled(request):
    done = request.session.get(CANCELLED_KEY)
    if not isinstance(done, dict):
        return redirect("courses:list")
    return _render(request, "cancelled.jinja", {"done": done})
