"""The coordinator's course pages: courses, cohorts, sessions, registers and certificates."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from tutti.workforce.access import COURSE_MANAGERS, role_required
from tutti.workforce.forms import apply_errors
from tutti.workforce.models import Cohort, CohortSession, Course, Participant
from tutti.workforce.presenters import HELPERS
from tutti.workforce.training import selectors, services
from tutti.workforce.training.forms import CohortForm, CourseForm, SessionForm

Status = Participant.Status


def _render(request, template, context):
    return render(request, f"workforce/training/{template}", {**HELPERS, **context})


def _base_url(request):
    return request.build_absolute_uri("/")


@role_required(*COURSE_MANAGERS)
def course_list(request):
    courses = Course.objects.prefetch_related("cohorts").order_by("title")
    cohorts = selectors.cohorts_with_counts().order_by("course__title", "first_date")
    return _render(request, "course_list.jinja", {"courses": courses, "cohorts": cohorts})


def _course_form(request, course=None):
    initial = {"is_published": True}
    if course:
        initial = {f: getattr(course, f) for f in CourseForm.base_fields}
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if course:
                services.course_update(course=course, actor=request.user, **form.cleaned_data)
            else:
                course = services.course_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Course saved")
            return redirect("workforce:courses")
    return _render(request, "course_form.jinja", {"form": form, "course": course})


@role_required(*COURSE_MANAGERS)
def course_new(request):
    return _course_form(request)


@role_required(*COURSE_MANAGERS)
def course_edit(request, pk):
    return _course_form(request, get_object_or_404(Course, pk=pk))


def _cohort_form(request, course, cohort=None):
    initial = {"signup_open": True, "capacity": 12}
    if cohort:
        initial = {f: getattr(cohort, f) for f in CohortForm.base_fields}
        initial["venue"] = cohort.venue_id
    form = CohortForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if cohort:
                moved = Participant.objects.filter(cohort=cohort, status=Status.WAITING).count()
                services.cohort_update(
                    cohort=cohort,
                    actor=request.user,
                    base_url=_base_url(request),
                    **form.cleaned_data,
                )
                moved -= Participant.objects.filter(cohort=cohort, status=Status.WAITING).count()
                if moved:
                    messages.success(
                        request,
                        f"{moved} {'person' if moved == 1 else 'people'} moved up from the "
                        "waiting list and will be emailed",
                    )
            else:
                cohort = services.cohort_create(
                    course=course, actor=request.user, **form.cleaned_data
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Cohort saved")
            return redirect("workforce:cohort", pk=cohort.pk)
    return _render(request, "cohort_form.jinja", {"form": form, "course": course, "cohort": cohort})


@role_required(*COURSE_MANAGERS)
def cohort_new(request, course_pk):
    return _cohort_form(request, get_object_or_404(Course, pk=course_pk))


@role_required(*COURSE_MANAGERS)
def cohort_edit(request, pk):
    cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=pk)
    return _cohort_form(request, cohort.course, cohort)


@role_required(*COURSE_MANAGERS)
def cohort_detail(request, pk):
    cohort = get_object_or_404(selectors.cohorts_with_counts(), pk=pk)
    sessions = cohort.sessions.annotate(
        came=Count("attendance", filter=Q(attendance__attended=True)),
        marked=Count("attendance"),
    )
    with_place = cohort.participants.filter(status=Status.PLACE).annotate(
        sessions_attended=Count("attendance", filter=Q(attendance__attended=True))
    )
    return _render(
        request,
        "cohort_detail.jinja",
        {
            "cohort": cohort,
            "sessions": sessions,
            "with_place": with_place.order_by("name"),
            "waiting": selectors.waiting_list(cohort),
            "cancelled": cohort.participants.filter(status=Status.CANCELLED).order_by(
                "-cancelled_at"
            ),
            "public": selectors.cohort_open_for_sign_up(cohort),
        },
    )


@role_required(*COURSE_MANAGERS)
def session_new(request, cohort_pk):
    cohort = get_object_or_404(Cohort.objects.select_related("course"), pk=cohort_pk)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cohort_session_add(cohort=cohort, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Session added")
            return redirect("workforce:cohort", pk=cohort.pk)
    return _render(request, "session_form.jinja", {"form": form, "cohort": cohort})


@role_required(*COURSE_MANAGERS)
def register(request, pk):
    session = get_object_or_404(CohortSession.objects.select_related("cohort__course"), pk=pk)
    error = None
    if request.method == "POST":
        chosen = [v for v in request.POST.getlist("attended") if v.isdigit()]
        try:
            services.attendance_record(
                session=session,
                attended_ids=chosen,
                actor=request.user,
                base_url=_base_url(request),
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, "Register saved")
            return redirect("workforce:cohort", pk=session.cohort_id)
    return _render(
        request,
        "register.jinja",
        {"session": session, "rows": selectors.register_for(session), "error": error},
    )


@role_required(*COURSE_MANAGERS)
def participant_cancel(request, pk):
    participant = get_object_or_404(
        Participant.objects.select_related("cohort__course").exclude(status=Status.CANCELLED),
        pk=pk,
    )
    if request.method == "POST":
        what = "place" if participant.status == Status.PLACE else "place on the waiting list"
        moved = services.participant_cancel(
            participant=participant, base_url=_base_url(request), actor=request.user
        )
        text = f"{participant.name}'s {what} is cancelled"
        if moved:
            text += f". {moved[0].name} moved up from the waiting list and will be emailed"
        messages.success(request, text)
        return redirect("workforce:cohort", pk=participant.cohort_id)
    return _render(request, "participant_cancel.jinja", {"participant": participant})


@role_required(*COURSE_MANAGERS)
def certificate(request, pk):
    participant = get_object_or_404(
        Participant.objects.select_related("cohort__course", "cohort__venue"), pk=pk
    )
    sessions = list(selectors.attended_sessions(participant))
    return _render(
        request,
        "certificate.jinja",
        {
            "participant": participant,
            "cohort": participant.cohort,
            "sessions": sessions,
            "total_sessions": participant.cohort.sessions.count(),
            "total_hours": sum(s.hours for s in sessions),
            "issued_on": timezone.localdate(),
        },
    )
