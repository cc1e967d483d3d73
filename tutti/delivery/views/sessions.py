"""A session's page (when, where, who, what happened to it), moving and cancelling it,
the headcount of a community event, and booking an episode's block of individual sessions.

Coordinators and administrators may do all of it; a therapist may for their own sessions
and episodes (their supervisor reads them). Partner staff have their own view
(views/partner.py) and never reach these pages.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from tutti.accounts.decorators import role_required
from tutti.accounts.roles import Role
from tutti.core.audit import access_record, access_record_list
from tutti.delivery.models import Session
from tutti.delivery.selectors import episodes_visible_to, sessions_visible_to
from tutti.delivery.services import bookings
from tutti.delivery.services import community as community_services
from tutti.delivery.services.calendar import day_text, when_text
from tutti.delivery.views.scheduling_forms import (
    BookForm,
    CancelForm,
    HeadcountForm,
    RebookForm,
    apply_errors,
)
from tutti.workforce.models import WeeklyAvailability
from tutti.workforce.presenters import choice_params, single_checkbox

MANAGERS = (Role.COORDINATOR, Role.ADMINISTRATOR)
READERS = (*MANAGERS, Role.THERAPIST, Role.SUPERVISOR)
HELPERS = {
    "choice_params": choice_params,
    "single_checkbox": single_checkbox,
    "day_text": day_text,
    "when_text": when_text,
}


def _render(request, template, context):
    return render(request, f"delivery/sessions/{template}", {**HELPERS, **context})


def _session_or_404(request, pk):
    session = (
        sessions_visible_to(request.user)
        .select_related("site", "room", "group", "episode__person", "programme", "replaces")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404("No such session, or not yours to see")
    return session


def may_change(user, session) -> bool:
    """Coordinators; and the session's own therapists."""
    if user.has_role(*MANAGERS):
        return True
    return (
        user.has_role(Role.THERAPIST, Role.SUPERVISOR)
        and session.therapists.filter(user=user).exists()
    )


def _changeable(request, pk):
    session = _session_or_404(request, pk)
    if not may_change(request.user, session):
        raise PermissionDenied("Only the session's therapists or a coordinator can change it.")
    return session


@role_required(*READERS)
def session_detail(request, pk):
    session = _session_or_404(request, pk)
    attendances = list(
        session.attendances.select_related("episode__person", "episode__referral").order_by(
            "episode__person__family_name", "episode__person__given_name"
        )
    )
    visible = set(
        episodes_visible_to(request.user)
        .filter(pk__in=[a.episode_id for a in attendances])
        .values_list("pk", flat=True)
    )
    access_record(request=request, obj=session)
    access_record_list(
        request=request,
        objs=[a.episode for a in attendances if a.episode_id in visible],
        person_id_of=lambda e: e.person_id,
    )
    headcount_form = None
    changeable = may_change(request.user, session)
    if session.kind == Session.Kind.COMMUNITY and changeable and not session.is_cancelled:
        headcount_form = HeadcountForm(initial={"headcount": session.headcount})
    return _render(
        request,
        "detail.jinja",
        {
            "session": session,
            "therapists": list(session.therapists.select_related("user")),
            "attendances": attendances,
            "visible": visible,
            "replacements": list(session.replacements.order_by("starts_at")),
            "may_change": changeable and not session.is_cancelled,
            "headcount_form": headcount_form,
            "started": session.starts_at <= timezone.now(),
        },
    )


@role_required(*READERS)
def session_move(request, pk):
    session = _changeable(request, pk)
    if session.is_cancelled:
        messages.error(request, "This session was cancelled, so it cannot move.")
        return redirect("delivery:session", pk=session.pk)
    start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    initial = {
        "day": start.date(),
        "start": start.time(),
        "end": end.time(),
        "site": session.site_id,
        "room": session.room_id,
    }
    form = RebookForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bookings.session_rebook(
                session=session,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                site=data["site"],
                room=data["room"],
                reason=data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error, rename={"starts_at": "day", "ends_at": "end"})
        else:
            messages.success(request, "Session moved. Everyone in it will be told.")
            return redirect("delivery:session", pk=session.pk)
    return _render(request, "move.jinja", {"form": form, "session": session})


@role_required(*READERS)
def session_cancel(request, pk):
    session = _changeable(request, pk)
    if session.is_cancelled:
        messages.error(request, "This session is already cancelled.")
        return redirect("delivery:session", pk=session.pk)
    form = CancelForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = bookings.session_cancel(
                session=session,
                by=data["by"],
                late=data.get("late", False),
                reason=data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            text = "Session cancelled."
            if result.replacement is not None:
                replacement = result.replacement
                text += (
                    " A session in its place is booked "
                    f"{when_text(replacement.starts_at, replacement.ends_at, replacement.site)}."
                )
            elif result.not_replaced:
                text += f" It was not booked again: {result.not_replaced}"
            messages.success(request, text)
            return redirect("delivery:session", pk=session.pk)
    return _render(request, "cancel.jinja", {"form": form, "session": session})


@role_required(*READERS)
def session_headcount(request, pk):
    session = _changeable(request, pk)
    if session.kind != Session.Kind.COMMUNITY:
        raise Http404("Only community events have a headcount")
    form = HeadcountForm(request.POST or None, initial={"headcount": session.headcount})
    if request.method == "POST" and form.is_valid():
        try:
            community_services.community_event_headcount_record(
                session=session, headcount=form.cleaned_data["headcount"], actor=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Headcount saved")
            return redirect("delivery:session", pk=session.pk)
    return _render(request, "headcount.jinja", {"form": form, "session": session})


# ---------------------------------------------------------------------------------------
# Booking an episode's block of individual sessions


def _offered_slot(episode, slots):
    """The weekly time and first date the person accepted, when the offer named them."""
    offer = episode.offer
    if offer is None or offer.weekday is None or offer.start_time is None:
        return {}
    initial = {}
    for slot in slots:
        if (
            slot.therapist_id == offer.therapist_id
            and slot.weekday == offer.weekday
            and slot.start <= offer.start_time < slot.end
        ):
            initial["slot"] = slot.pk
            if offer.start_time != slot.start:
                initial["start_time"] = offer.start_time
            break
    if offer.first_session_on and offer.first_session_on >= timezone.localdate():
        initial["first_date"] = offer.first_session_on
    return initial


@role_required(*READERS)
def episode_book(request, pk):
    episode = (
        episodes_visible_to(request.user)
        .select_related("person", "programme", "referral", "offer")
        .filter(pk=pk)
        .first()
    )
    if episode is None:
        raise Http404("No such episode, or not yours to see")
    therapists = list(episode.therapists.all())
    is_manager = request.user.has_role(*MANAGERS)
    if not is_manager and not any(t.user_id == request.user.pk for t in therapists):
        raise PermissionDenied("Only the person's therapist or a coordinator books sessions.")
    if episode.group_id:
        messages.error(request, "This person is in a group: their sessions are the group's.")
        return redirect("delivery:episode_detail", pk=episode.pk)
    access_record(request=request, obj=episode, person_id=episode.person_id)
    slots = (
        WeeklyAvailability.objects.filter(therapist__in=therapists, for_groups=False)
        .select_related("therapist__user", "site")
        .order_by("therapist", "weekday", "start")
    )
    booked = episode.individual_sessions.filter(status=Session.Status.SCHEDULED).count()
    form = BookForm(request.POST or None, slots=slots, initial=_offered_slot(episode, slots))
    if request.method == "POST" and form.is_valid():
        try:
            result = bookings.block_book(episode=episode, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            text = f"{len(result.sessions)} sessions booked"
            if result.skipped:
                skipped = "; ".join(f"{day_text(day)} ({why})" for day, why in result.skipped)
                text += f". No session on {skipped}."
            messages.success(request, text)
            return redirect("delivery:episode_detail", pk=episode.pk)
    return _render(
        request,
        "book.jinja",
        {
            "form": form,
            "episode": episode,
            "person": episode.person,
            "booked": booked,
            "to_book": max(episode.planned_sessions - booked, 0),
            "has_slots": slots.exists(),
            "therapists": therapists,
        },
    )
