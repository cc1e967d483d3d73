"""An episode of care: its page, its goals, and ending it. For the episode's therapists
(and their supervisors), coordinators and administrators."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from tutti.accounts.decorators import role_required
from tutti.accounts.roles import Role
from tutti.core.audit import access_record
from tutti.delivery.models import Session
from tutti.delivery.selectors import episodes_visible_to
from tutti.delivery.services import episodes as services
from tutti.delivery.views.offer_forms import EndForm, GoalsForm, apply_errors
from tutti.people.selectors import person_for_user
from tutti.workforce.presenters import choice_params

READERS = (Role.COORDINATOR, Role.ADMINISTRATOR, Role.THERAPIST, Role.SUPERVISOR)


def _render(request, template, context):
    return render(
        request, f"delivery/episodes/{template}", {"choice_params": choice_params, **context}
    )


def _episode_or_404(request, pk):
    episode = (
        episodes_visible_to(request.user)
        .select_related("person", "programme", "referral", "group__site", "site", "ended_by")
        .prefetch_related("therapists__user")
        .filter(pk=pk)
        .first()
    )
    if episode is None:
        raise Http404("No such episode, or not yours to see")
    return episode


def may_change(user, episode) -> bool:
    """Coordinators, and the therapists who can see the episode (its own, the group's, or
    a supervisor's supervisees'), may set goals and end it."""
    return user.has_role(*READERS)


@role_required(*READERS)
def episode_detail(request, pk):
    episode = _episode_or_404(request, pk)
    access_record(request=request, obj=episode, person_id=episode.person_id)
    now = timezone.now()
    if episode.group_id:
        sessions = Session.objects.filter(group_id=episode.group_id, attendances__episode=episode)
    else:
        sessions = Session.objects.filter(episode=episode)
    upcoming = (
        sessions.filter(status=Session.Status.SCHEDULED, starts_at__gte=now)
        .select_related("site")
        .order_by("starts_at")[:6]
    )
    memberships = episode.memberships.select_related("group").order_by("joined_on")
    return _render(
        request,
        "detail.jinja",
        {
            "episode": episode,
            "person": episode.person,
            "can_open_person": person_for_user(request.user, episode.person_id) is not None,
            "therapists": list(episode.therapists.all()),
            "delivered": services.sessions_delivered(episode),
            "booked": sessions.filter(status=Session.Status.SCHEDULED).count(),
            "upcoming": upcoming,
            "memberships": memberships,
            "may_change": episode.is_active and may_change(request.user, episode),
            "end_status": services.ENDED_REFERRAL_STATUS.get(episode.end_reason),
        },
    )


@role_required(*READERS)
def episode_goals(request, pk):
    episode = _episode_or_404(request, pk)
    if request.method == "GET":
        access_record(request=request, obj=episode, person_id=episode.person_id)
    if not may_change(request.user, episode):
        raise PermissionDenied("You cannot change this episode.")
    form = GoalsForm(
        request.POST if request.method == "POST" else None,
        initial=GoalsForm.initial_for(episode.goals),
    )
    if not episode.is_active:
        form = None
    elif request.method == "POST" and form.is_valid():
        try:
            services.episode_goals_set(episode=episode, goals=form.goals(), actor=request.user)
        except ValidationError as error:
            apply_errors(form, error, rename={"goals": "goal_1"})
        else:
            messages.success(request, "Goals saved")
            return redirect("delivery:episode_detail", pk=episode.pk)
    return _render(request, "goals.jinja", {"episode": episode, "form": form})


@role_required(*READERS)
def episode_end(request, pk):
    episode = _episode_or_404(request, pk)
    if request.method == "GET":
        access_record(request=request, obj=episode, person_id=episode.person_id)
    if not may_change(request.user, episode):
        raise PermissionDenied("You cannot end this episode.")
    form = EndForm(
        request.POST if request.method == "POST" else None,
        initial={"ended_on": timezone.localdate()},
    )
    if not episode.is_active:
        form = None
    elif request.method == "POST" and form.is_valid():
        try:
            services.episode_end(episode=episode, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "The episode of care has ended")
            return redirect("delivery:episode_detail", pk=episode.pk)
    return _render(
        request,
        "end.jinja",
        {
            "episode": episode,
            "form": form,
            "person": episode.person,
            "completes": [
                reason.label
                for reason, status in services.ENDED_REFERRAL_STATUS.items()
                if status == "completed"
            ],
        },
    )
