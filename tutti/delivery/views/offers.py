"""Offers, for coordinators: make one from a waiting referral, see those waiting for an
answer, record the answer, withdraw one, mark one unanswered, or give a new link."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from tutti.accounts.decorators import role_required
from tutti.accounts.roles import Role
from tutti.core.audit import access_record
from tutti.delivery.models import Group, Offer
from tutti.delivery.services import offers as services
from tutti.delivery.services.calendar import day_text
from tutti.delivery.views.offer_forms import (
    AcceptForm,
    DeclineForm,
    LinkForm,
    OfferForm,
    WithdrawForm,
    apply_errors,
)
from tutti.referrals.selectors import referral_for_user
from tutti.workforce.models import Therapist
from tutti.workforce.presenters import choice_params, single_checkbox

MANAGERS = (Role.COORDINATOR, Role.ADMINISTRATOR)
HELPERS = {"choice_params": choice_params, "single_checkbox": single_checkbox}


def _render(request, template, context, status=200):
    return render(request, f"delivery/offers/{template}", {**HELPERS, **context}, status=status)


# ---------------------------------------------------------------------------------------
# What an offer is, in plain words (for the coordinator and for the person's page)


def offer_rows(offer, *, for_person=False):
    """[(label, text)] describing the offer: what, when, where, how many, with whom."""
    rows = []
    if offer.kind == Offer.Kind.GROUP:
        group = offer.group
        rows.append(("What", f"A place in a music therapy group: {group.name}"))
        starts = group.starts_on
        day = group.get_weekday_display()
        if starts >= timezone.localdate():
            rows.append(
                ("When", f"Every {day} at {group.start_time:%H:%M}, from {day_text(starts)}")
            )
        else:
            rows.append(("When", f"Every {day} at {group.start_time:%H:%M}"))
        rows.append(("How long", f"{group.planned_sessions} sessions of {group.minutes} minutes"))
        names = ", ".join(str(t) for t in group.therapists.all())
        rows.append(("Music therapists" if "," in names else "Music therapist", names))
    else:
        programme = offer.referral.programme
        rows.append(("What", "Music therapy sessions, one to one"))
        if offer.weekday is not None and offer.start_time is not None:
            when = f"Every {services.weekday_name(offer.weekday)} at {offer.start_time:%H:%M}"
            if offer.first_session_on:
                when += f", from {day_text(offer.first_session_on)}"
            rows.append(("When", when))
        else:
            rows.append(("When", "We will agree a day and time with you"))
        if programme is not None:
            rows.append(
                (
                    "How long",
                    f"{programme.block_sessions} sessions of {programme.session_minutes} minutes",
                )
            )
        rows.append(("Music therapist", str(offer.therapist)))
    site = offer.site or (offer.group.site if offer.group_id else None)
    if site is not None:
        address = ", ".join(
            part
            for part in [
                site.name,
                site.address_line_1,
                site.address_line_2,
                site.town,
                site.postcode,
            ]
            if part
        )
        rows.append(("Where", address))
        if for_person and site.accessibility_notes:
            rows.append(("Getting in", site.accessibility_notes))
    if offer.respond_by:
        rows.append(
            ("Please answer by" if for_person else "Answer needed by", day_text(offer.respond_by))
        )
    return rows


# ---------------------------------------------------------------------------------------
# Making an offer


def _choices(programme):
    sites = programme.sites.all()
    therapists = (
        Therapist.objects.filter(availability__for_groups=False, availability__site__in=sites)
        .distinct()
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    groups = (
        Group.objects.filter(programme=programme)
        .exclude(status=Group.Status.FINISHED)
        .select_related("site")
        .order_by("weekday", "start_time", "name")
    )
    return {
        "therapists": therapists,
        "slots": services.free_individual_slots(programme),
        "groups": groups,
    }


@role_required(*MANAGERS)
def offer_make(request, reference):
    referral = referral_for_user(request.user, reference)
    if referral is None:
        raise Http404("No such referral")
    access_record(request=request, obj=referral, person_id=referral.person_id)
    context = {"referral": referral, "person": referral.person}
    refusal = services.not_waiting_reason(referral)
    if not refusal and referral.programme is None:
        refusal = "Choose a programme for this referral before offering a place."
    if refusal:
        pending = referral.offers.filter(status=Offer.Status.PENDING).first()
        return _render(request, "make.jinja", {**context, "refusal": refusal, "pending": pending})
    programme = referral.programme
    choices = _choices(programme)
    # Start from what the programme mostly offers, if there is any of it to offer.
    groups_first = programme.delivery_mode == programme.DeliveryMode.GROUP
    if not choices["slots"]:
        groups_first = True
    elif not choices["groups"]:
        groups_first = False
    initial = {
        "kind": Offer.Kind.GROUP if groups_first else Offer.Kind.INDIVIDUAL,
        "send_link": True,
    }
    form = OfferForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        programme=programme,
        **choices,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            offer = services.offer_make(
                referral=referral,
                kind=data["kind"],
                therapist=data.get("therapist"),
                slot=data.get("slot"),
                group=data.get("group"),
                first_session_on=data.get("first_session_on"),
                respond_by=data.get("respond_by"),
                send_link=data.get("send_link", False),
                base_url=request.build_absolute_uri("/"),
                actor=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            note = ""
            if data.get("send_link"):
                to = services.offer_recipient(offer)
                note = (
                    f" A link to answer is being emailed to {to}."
                    if to
                    else " No email address is known: give them a link from this page."
                )
            messages.success(request, f"Offer made to referral {referral.reference}.{note}")
            return redirect("delivery:offer_detail", pk=offer.pk)
    return _render(
        request,
        "make.jinja",
        {
            **context,
            "form": form,
            "programme": programme,
            "recipient": services.link_recipient(referral.person),
            "has_groups": bool(choices["groups"]),
            "has_slots": bool(choices["slots"]),
        },
    )


# ---------------------------------------------------------------------------------------
# Offers waiting for an answer, and one offer


@role_required(*MANAGERS)
def offer_list(request):
    today = timezone.localdate()
    offers = list(
        Offer.objects.filter(status=Offer.Status.PENDING)
        .select_related("referral__person", "referral__programme", "therapist__user", "group")
        .order_by("respond_by", "made_at")
    )
    rows = [
        {
            "offer": offer,
            "overdue": offer.respond_by is not None and offer.respond_by < today,
            "due_today": offer.respond_by == today,
        }
        for offer in offers
    ]
    return _render(
        request,
        "list.jinja",
        {"rows": rows, "overdue": sum(row["overdue"] for row in rows), "today": today},
    )


def _offer_or_404(pk):
    return get_object_or_404(
        Offer.objects.select_related(
            "referral__person",
            "referral__programme",
            "therapist__user",
            "group__site",
            "site",
            "made_by",
            "answered_by",
        ),
        pk=pk,
    )


@role_required(*MANAGERS)
def offer_detail(request, pk):
    offer = _offer_or_404(pk)
    access_record(request=request, obj=offer, person_id=offer.referral.person_id)
    today = timezone.localdate()
    return _render(
        request,
        "detail.jinja",
        {
            "offer": offer,
            "referral": offer.referral,
            "person": offer.referral.person,
            "rows": offer_rows(offer),
            "overdue": offer.is_pending and offer.respond_by and offer.respond_by < today,
            "recipient": services.offer_recipient(offer),
            "link_works": offer.is_pending
            and offer.link_token_hash
            and offer.link_expires_at
            and offer.link_expires_at > timezone.now(),
            "episode": getattr(offer, "episode", None) if offer.status == "accepted" else None,
            "closed": "" if offer.is_pending else services.closed_message(offer),
        },
    )


def _answer_page(request, pk, *, form_class, template, act, done, initial=None):
    """A page with one form that closes the offer: shows why not when it is closed."""
    offer = _offer_or_404(pk)
    if request.method == "GET":
        access_record(request=request, obj=offer, person_id=offer.referral.person_id)
    context = {"offer": offer, "referral": offer.referral, "person": offer.referral.person}
    if not offer.is_pending:
        context["closed"] = services.closed_message(offer)
        return _render(request, template, context, status=409 if request.method == "POST" else 200)
    form = form_class(request.POST if request.method == "POST" else None, initial=(initial or {}))
    if request.method == "POST" and form.is_valid():
        try:
            result = act(offer, form)
        except ValidationError as error:
            apply_errors(form, error, rename={"goals": "goal_1"})
        else:
            messages.success(request, done)
            return result
    context.update(form=form, rows=offer_rows(offer))
    return _render(request, template, context)


@role_required(*MANAGERS)
def offer_accept(request, pk):
    def act(offer, form):
        episode = services.offer_accept(
            offer=offer,
            via=Offer.AnsweredVia.COORDINATOR,
            actor=request.user,
            start_date=form.cleaned_data.get("start_date"),
            goals=form.goals(),
        )
        return redirect("delivery:episode_detail", pk=episode.pk)

    return _answer_page(
        request,
        pk,
        form_class=AcceptForm,
        template="accept.jinja",
        act=act,
        done="Offer accepted: the episode of care is open",
    )


@role_required(*MANAGERS)
def offer_decline(request, pk):
    def act(offer, form):
        services.offer_decline(
            offer=offer,
            via=Offer.AnsweredVia.COORDINATOR,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        return redirect("delivery:offer_detail", pk=offer.pk)

    return _answer_page(
        request,
        pk,
        form_class=DeclineForm,
        template="decline.jinja",
        act=act,
        done="Offer declined: the referral is back on the waiting list, with its waiting time",
    )


@role_required(*MANAGERS)
def offer_withdraw(request, pk):
    def act(offer, form):
        services.offer_withdraw(offer=offer, actor=request.user, reason=form.cleaned_data["reason"])
        return redirect("delivery:offer_detail", pk=offer.pk)

    return _answer_page(
        request,
        pk,
        form_class=WithdrawForm,
        template="withdraw.jinja",
        act=act,
        done="Offer withdrawn: the referral is back on the waiting list, with its waiting time",
    )


@role_required(*MANAGERS)
def offer_expire(request, pk):
    """Mark an offer as unanswered once its date has passed (a POST from the offer's page)."""
    offer = _offer_or_404(pk)
    if request.method != "POST":
        return redirect("delivery:offer_detail", pk=offer.pk)
    try:
        services.offer_expire(offer=offer, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "No answer recorded: the referral is back on the waiting list")
    return redirect("delivery:offer_detail", pk=offer.pk)


@role_required(*MANAGERS)
def offer_link(request, pk):
    """A new link to answer: emailed (made and sent by the background worker), or shown once
    here for the coordinator to give by phone, text or letter."""
    offer = _offer_or_404(pk)
    if request.method == "GET":
        access_record(request=request, obj=offer, person_id=offer.referral.person_id)
    context = {
        "offer": offer,
        "referral": offer.referral,
        "person": offer.referral.person,
        "recipient": services.offer_recipient(offer),
    }
    if not offer.is_pending:
        context["closed"] = services.closed_message(offer)
        return _render(request, "link.jinja", context)
    today = timezone.localdate()
    respond_by = offer.respond_by if offer.respond_by and offer.respond_by >= today else None
    form = LinkForm(
        request.POST if request.method == "POST" else None, initial={"respond_by": respond_by}
    )
    if request.method == "POST" and form.is_valid():
        try:
            token = services.offer_link_issue(
                offer=offer, respond_by=form.cleaned_data["respond_by"], actor=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if request.POST.get("action") == "email" and context["recipient"]:
                services.offer_link_queue(offer=offer, base_url=request.build_absolute_uri("/"))
                messages.success(request, f"A new link is being emailed to {context['recipient']}")
                return redirect("delivery:offer_detail", pk=offer.pk)
            context["link_url"] = request.build_absolute_uri(
                reverse("offer:open", kwargs={"token": token})
            )
            offer.refresh_from_db()
    context["form"] = form
    return _render(request, "link.jinja", context)
