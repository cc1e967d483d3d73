"""A session's register, and the coordinator's reviews of repeated non-attendance."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from tutti.accounts.decorators import role_required
from tutti.accounts.roles import Role
from tutti.core.audit import access_record
from tutti.delivery.models import Attendance, ReviewTask, SessionRecord
from tutti.delivery.selectors import can_read_notes, sessions_visible_to
from tutti.delivery.services.attendance import (
    MARKS,
    attendance_mark,
    may_mark_attendance,
    register_problem,
    review_task_resolve,
)
from tutti.delivery.services.records import may_write_record
from tutti.delivery.views.record_helpers import (
    apply_errors,
    choice_params,
    musical_work_labels,
    session_title,
)

STAFF = (Role.ADMINISTRATOR, Role.COORDINATOR, Role.THERAPIST, Role.SUPERVISOR)
COORDINATORS = (Role.COORDINATOR,)


class RegisterForm(forms.Form):
    """One question per participant: did they come?"""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            name = row.episode.person.full_name
            self.fields[f"episode_{row.episode_id}"] = forms.ChoiceField(
                label=name,
                choices=MARKS,
                widget=forms.RadioSelect,
                initial=None if row.status == Attendance.Status.EXPECTED else row.status,
                error_messages={
                    "required": f"Choose whether {name} came",
                    "invalid_choice": f"Choose whether {name} came",
                },
            )

    def marks(self):
        return {
            int(name.removeprefix("episode_")): value for name, value in self.cleaned_data.items()
        }


def _session_or_404(user, pk):
    session = (
        sessions_visible_to(user)
        .select_related("group", "programme", "site", "room", "episode__person")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404("No such session, or not yours to see")
    return session


@role_required(*STAFF)
def register(request, pk):
    session = _session_or_404(request.user, pk)
    rows = list(
        Attendance.objects.filter(session=session)
        .select_related("episode__person", "marked_by")
        .order_by("episode__person__family_name", "episode__person__given_name", "pk")
    )
    problem = register_problem(session)
    may_mark = may_mark_attendance(request.user, session) and problem is None
    if request.method == "POST" and not may_mark:
        if problem:
            messages.error(request, problem)
            return redirect("delivery:attendance", pk=session.pk)
        raise PermissionDenied("Only the session's therapists or a coordinator mark attendance.")
    form = RegisterForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            tasks = attendance_mark(session=session, marks=form.marks(), actor=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Attendance saved")
            for task in tasks:
                messages.info(
                    request,
                    f"{task.episode.person.full_name}: {task.reason}. The coordinator has a "
                    "review to decide what happens next.",
                )
            return redirect("delivery:attendance", pk=session.pk)
    for row in rows:
        access_record(request=request, obj=row, person_id=row.episode.person_id)
    record = SessionRecord.objects.filter(session=session).only("status", "musical_work").first()
    return render(
        request,
        "delivery/attendance/register.jinja",
        {
            "session": session,
            "title": session_title(session),
            "rows": rows,
            "form": form,
            "problem": problem,
            "may_mark": may_mark,
            "record": record,
            "musical_work": musical_work_labels(record.musical_work) if record else [],
            "may_write_record": may_write_record(request.user, session),
            "may_read_notes": can_read_notes(request.user, session),
            "choice_params": choice_params,
        },
    )


# Reviews: repeated non-attendance, for the coordinator to decide on.


@role_required(*COORDINATORS)
def review_list(request):
    tasks = (
        ReviewTask.objects.filter(status=ReviewTask.Status.OPEN)
        .select_related("episode__person", "episode__programme", "episode__group")
        .order_by("created_at")
    )
    resolved = (
        ReviewTask.objects.filter(status=ReviewTask.Status.DONE)
        .select_related("episode__person", "resolved_by")
        .order_by("-resolved_at")[:20]
    )
    return render(
        request, "delivery/attendance/reviews.jinja", {"tasks": tasks, "resolved": resolved}
    )


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label="What was decided?",
        help_text="For example: called the family, they will come again next week. "
        "Ending the episode is done from the episode's page, never here.",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Say what was decided, like 'Called the family'.",
            "max_length": "Write 2,000 characters or fewer.",
        },
    )


@role_required(*COORDINATORS)
def review_detail(request, pk):
    task = (
        ReviewTask.objects.select_related(
            "episode__person", "episode__programme", "episode__group", "resolved_by"
        )
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404("No such review")
    form = ResolveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            review_task_resolve(
                task=task, resolution=form.cleaned_data["resolution"], actor=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Review resolved")
            return redirect("delivery:reviews")
    access_record(request=request, obj=task, person_id=task.episode.person_id)
    recent = (
        Attendance.objects.filter(episode=task.episode)
        .exclude(status=Attendance.Status.EXPECTED)
        .select_related("session")
        .order_by("-session__starts_at")[:10]
    )
    return render(
        request,
        "delivery/attendance/review.jinja",
        {"task": task, "form": form, "recent": recent},
    )
