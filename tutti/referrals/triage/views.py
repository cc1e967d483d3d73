from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tutti.accounts.roles import Role
from tutti.core.audit import access_record
from tutti.geography.services import gp_practice
from tutti.referrals.notifications import triage_outcome_recipient
from tutti.referrals.selectors import referral_for_user, referrals_visible_to
from tutti.referrals.services import referral_confirm_person_match, referral_separate_person
from tutti.referrals.triage import presenters
from tutti.referrals.triage.forms import PersonMatchForm, TriageForm
from tutti.referrals.triage.services import (
    DECISION_STATUS,
    TRIAGE_STATUSES,
    Decision,
    decisions_open,
    referral_triage,
    referral_version,
)

PAGE_SIZE = 50


def _require_triage_role(user):
    if not user.has_role(Role.COORDINATOR, Role.ADMINISTRATOR):
        raise PermissionDenied("Only intake coordinators and administrators triage referrals")


def _referral_or_404(user, reference):
    referral = referral_for_user(user, reference)
    if referral is None:
        raise Http404("No such referral")
    return referral


@login_required
def triage_queue(request):
    _require_triage_role(request.user)
    referrals = referrals_visible_to(request.user).filter(status__in=TRIAGE_STATUSES)
    page = Paginator(
        # A safeguarding concern is acted on now, however new: at the top of the first page.
        referrals.select_related("person", "programme").order_by(
            "-safeguarding_concern", "received_at", "pk"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(
        request,
        "referrals/triage/queue.jinja",
        {
            "counts": presenters.queue_counts(referrals),
            "rows": [presenters.queue_row(referral, today=today) for referral in page],
            "page": page,
        },
    )


@login_required
def triage_referral(request, reference):
    _require_triage_role(request.user)
    referral = _referral_or_404(request.user, reference)
    eligibility = presenters.eligibility_for_every_programme(referral, on=timezone.localdate())
    form = TriageForm(
        request.POST if request.method == "POST" else None,
        referral=referral,
        eligibility={row.programme.pk: row for row in eligibility},
    )
    if request.method == "POST" and form.is_valid():
        try:
            referral_triage(
                referral=referral,
                actor=request.user,
                seen_version=request.POST.get("seen_version") or None,
                **form.service_arguments(),
            )
        except ValidationError as error:
            form.add_error("decision", error.messages)
            referral.refresh_from_db()
        else:
            messages.success(request, _decided_message(referral))
            return redirect("referrals:triage_queue")
    return _triage_page(request, referral, eligibility=eligibility, triage_form=form)


@login_required
@require_POST
def triage_person_match(request, reference):
    _require_triage_role(request.user)
    referral = _referral_or_404(request.user, reference)
    form = PersonMatchForm(request.POST)
    if form.is_valid():
        known = referral.person.full_name
        try:
            if form.cleaned_data["same_person"] == "yes":
                referral_confirm_person_match(referral=referral, actor=request.user)
                message = f"Confirmed: referral {referral.reference} is for {known}, on record."
            else:
                referral_separate_person(referral=referral, actor=request.user)
                message = _separated_message(referral)
        except ValidationError as error:
            form.add_error("same_person", error.messages)
            referral.refresh_from_db()
        else:
            messages.success(request, message)
            return redirect("referrals:triage_referral", reference=referral.reference)
    eligibility = presenters.eligibility_for_every_programme(referral, on=timezone.localdate())
    return _triage_page(request, referral, eligibility=eligibility, match_form=form)


def _triage_page(request, referral, *, eligibility, triage_form=None, match_form=None):
    access_record(request=request, obj=referral, person_id=referral.person_id)
    needs_match = referral.needs_match_confirmed
    match_form = match_form or PersonMatchForm()
    triage_form = triage_form or TriageForm(
        referral=referral, eligibility={row.programme.pk: row for row in eligibility}
    )
    # An answer refused (say, given in another tab a moment ago) stays on screen with its reason.
    show_match = needs_match or bool(match_form.errors)
    if show_match:
        comparison, differences = presenters.person_comparison(
            referral.person, referral.submitted_person
        )
    else:
        comparison, differences = [], []
    in_triage = referral.status in TRIAGE_STATUSES
    # Offer only the decisions the referral's status allows, and the one already chosen
    # (a stale page's choice stays on screen beside the reason it was refused).
    chosen = triage_form["decision"].value()
    shown_decisions = [
        d for d in Decision if d in decisions_open(referral) or (chosen and d == chosen)
    ]
    return render(
        request,
        "referrals/triage/referral.jinja",
        {
            "referral": referral,
            "person": referral.person,
            "events": referral.events.select_related("actor"),
            "eligibility": eligibility,
            "needs_match": needs_match,
            "show_match": show_match,
            "comparison": comparison,
            "differences": differences,
            "match_form": match_form,
            "triage_form": triage_form,
            # The layout's error summary reads `form`: the one just sent, else the one to answer.
            "form": _form_for_summary(match_form, triage_form, needs_match),
            "shown_decisions": shown_decisions,
            "in_triage": in_triage,
            # A decision sent is shown again with its error, so nothing typed is lost.
            "show_decision": triage_form.is_bound or (in_triage and not needs_match),
            "seen_version": referral_version(referral),
            "email_to": triage_outcome_recipient(referral),
            "needs": presenters.needs_labels(referral),
            "circumstances": presenters.circumstances_labels(referral),
            "yes_no": presenters.yes_no,
            "gp_practice": gp_practice(referral.gp_practice_code),
            "age": referral.person.age_on(timezone.localdate()),
            "days_waiting": (timezone.localdate() - timezone.localdate(referral.received_at)).days,
        },
    )


def _form_for_summary(match_form, triage_form, needs_match):
    if match_form.is_bound:
        return match_form
    if triage_form.is_bound or not needs_match:
        return triage_form
    return match_form


def _decided_message(referral):
    outcome = {
        Decision.ACCEPT: f"accepted onto the waiting list for {referral.programme}",
        Decision.DECLINE: "declined",
        Decision.SIGNPOST: "signposted elsewhere",
        Decision.ASK: "marked as needing more information",
    }
    decision = next(d for d, status in DECISION_STATUS.items() if status == referral.status)
    told = (
        "An email will tell the referrer."
        if triage_outcome_recipient(referral)
        else "There is no email address to tell the referrer: tell them another way."
    )
    return f"Referral {referral.reference} {outcome[decision]}. {told}"


def _separated_message(referral):
    referral.refresh_from_db()
    person = referral.person
    sent_nhs = (referral.submitted_person or {}).get("nhs_number")
    message = (
        f"A new record was made for {person.full_name} "
        f"and referral {referral.reference} moved to it."
    )
    if sent_nhs and not person.nhs_number:
        message += (
            " The NHS number sent belongs to the other record, so it was not copied: "
            "check it with the referrer."
        )
    return message
