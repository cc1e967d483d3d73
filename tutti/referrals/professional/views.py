"""The professional referral form: for signed-in referrers (the portal) and, for professionals
without an account, in public with the referrer's email confirmed by a one-time link.

Who may use the signed-in form: referrers and partner staff (channel "portal", the referral
is theirs and their organisation's), and coordinators keying in a referral that came on
paper (channel "staff", linked to the organisation by its ODS code if we know it).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict

from tutti.accounts.roles import Role
from tutti.referrals.models import Channel, Referral
from tutti.referrals.professional.forms import (
    ROUTE_FOR_KIND,
    ProfessionalReferralForm,
    apply_intake_errors,
)
from tutti.referrals.professional.services import (
    LINK_LIFETIME,
    LINKS_PER_EMAIL_PER_HOUR,
    EmailNotSent,
    LinkState,
    pending_referral_confirm,
    pending_referral_find,
    pending_referral_start,
    pending_referrals_recent,
    professional_referral_submit,
)
from tutti.referrals.selectors import referral_for_user, referrer_organisation_for

SENT = "professional_referral_sent"  # session keys: the reference, never in a URL
CHECK_EMAIL = "professional_referral_check_email"
FORM = "referrals/professional/referral_form.jinja"


def _refers_through_portal(user):
    return user.has_role(Role.REFERRER, Role.PARTNER)


def _initial(user):
    if not _refers_through_portal(user):
        return {"preferred_language": "English"}
    organisation = user.organisation
    initial = {
        "referrer_name": user.full_name,
        "referrer_role": user.job_title,
        "referrer_email": user.email,
        "preferred_language": "English",
    }
    if organisation is not None:
        initial["referrer_organisation_name"] = organisation.name
        initial["ods_code"] = organisation.ods_code
        if organisation.kind in ROUTE_FOR_KIND:
            initial["route"] = ROUTE_FOR_KIND[organisation.kind].value
    return initial


def _who_referred(user, form):
    if _refers_through_portal(user):
        return {
            "channel": Channel.PORTAL,
            "referred_by": user,
            "referrer_organisation": user.organisation,
        }
    return {
        "channel": Channel.STAFF,
        "referrer_organisation": referrer_organisation_for(ods_code=form.cleaned_data["ods_code"]),
    }


@login_required
def professional_new(request):
    user = request.user
    if not (_refers_through_portal(user) or user.has_role(Role.COORDINATOR)):
        raise PermissionDenied
    form = ProfessionalReferralForm(
        request.POST if request.method == "POST" else None, initial=_initial(user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            submitted = professional_referral_submit(
                **form.intake_arguments(),
                carer=form.carer_contact(),
                actor=user,
                **_who_referred(user, form),
            )
        except ValidationError as error:
            apply_intake_errors(form, error)
        else:
            request.session[SENT] = submitted.referral.reference
            return redirect("referrals:professional_sent")
    return render(
        request,
        FORM,
        {"form": form, "public": False, "staff_entry": not _refers_through_portal(user)},
    )


@login_required
def professional_sent(request):
    referral = referral_for_user(request.user, request.session.get(SENT, ""))
    if referral is None:
        return redirect("referrals:professional_new")
    return render(
        request,
        "referrals/professional/sent.jinja",
        {"referral": referral, "public": False},
    )


# The public form, for professionals without an account


def public_form(request):
    if request.user.is_authenticated and _refers_through_portal(request.user):
        return redirect("referrals:professional_new")
    form = ProfessionalReferralForm(
        request.POST if request.method == "POST" else None,
        initial={"preferred_language": "English"},
    )
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["referrer_email"]
        if pending_referrals_recent(referrer_email=email) >= LINKS_PER_EMAIL_PER_HOUR:
            form.add_error(
                "referrer_email",
                f"We have sent {LINKS_PER_EMAIL_PER_HOUR} links to this address in the last "
                "hour. Open one of those emails, or try again in an hour.",
            )
        else:
            try:
                pending_referral_start(
                    data=form.stored_data(),
                    referrer_email=email,
                    link_for=lambda token: request.build_absolute_uri(
                        reverse("refer_professional:confirm", kwargs={"token": token})
                    ),
                )
            except EmailNotSent:
                form.add_error(
                    None,
                    "We could not send the email just now. Your answers are still here: "
                    "try again in a few minutes.",
                )
            else:
                request.session[CHECK_EMAIL] = email
                return redirect("refer_professional:check_email")
    return render(request, FORM, {"form": form, "public": True})


def public_check_email(request):
    email = request.session.get(CHECK_EMAIL)
    if not email:
        return redirect("refer_professional:form")
    hours = int(LINK_LIFETIME.total_seconds() // 3600)
    return render(
        request, "referrals/professional/check_email.jinja", {"email": email, "hours": hours}
    )


def public_confirm(request, token):
    """Opening the emailed link sends the referral. A link opened again (by a person, or by
    an email scanner first) says it was used, and which referral it made."""
    link = pending_referral_find(token)
    if link.state != LinkState.READY:
        return _link_problem(request, link)
    form = ProfessionalReferralForm(MultiValueDict(link.pending.data))
    if form.is_valid():
        try:
            link = pending_referral_confirm(
                token=token, **form.intake_arguments(), carer=form.carer_contact()
            )
        except ValidationError as error:
            apply_intake_errors(form, error)
        else:
            if link.state != LinkState.READY:
                return _link_problem(request, link)
            request.session[SENT] = link.pending.referral.reference
            return redirect("refer_professional:sent")
    # Something changed since the form was filled in (a programme closed, say): show the
    # answers again with what to fix; sending them starts again with a new link.
    return render(request, FORM, {"form": form, "public": True, "changed": True})


def _link_problem(request, link):
    status = 404 if link.state == LinkState.UNKNOWN else 410
    return render(
        request,
        "referrals/professional/link_problem.jinja",
        {"state": link.state.value, "referral": link.pending.referral if link.pending else None},
        status=status,
    )


def public_sent(request):
    reference = request.session.get(SENT)
    referral = Referral.objects.filter(reference=reference).first() if reference else None
    if referral is None:  # nothing was sent in this session
        return redirect("refer_professional:form")
    return render(
        request, "referrals/professional/sent.jinja", {"referral": referral, "public": True}
    )
