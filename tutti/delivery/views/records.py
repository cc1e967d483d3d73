"""Session records: write and amend (the session's therapists), read and see every version
(those who may read notes), and a trainee's record signed off by their supervisor.

Coordinators, partners and everyone else never reach the notes: a session they can see
answers 403, any other 404. Every page that shows notes writes an access event.
"""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from tutti.accounts.decorators import role_required
from tutti.accounts.roles import Role
from tutti.core.audit import access_record
from tutti.delivery import selectors
from tutti.delivery.models import Attendance, Session, SessionRecord
from tutti.delivery.models.sessions import MusicalWork, Present
from tutti.delivery.services.records import (
    MAX_MEMBER_NOTE,
    MAX_NOTES,
    may_sign_off,
    may_write_record,
    members_of,
    record_problem,
    session_record_return,
    session_record_save,
    session_record_sign_off,
    trainee_writer,
)
from tutti.delivery.views.record_helpers import (
    apply_errors,
    choice_params,
    musical_work_labels,
    present_labels,
    session_title,
)
from tutti.delivery.views.record_history import record_history

THERAPISTS = (Role.THERAPIST, Role.SUPERVISOR)
NOTES_ARE_PRIVATE = (
    "Session notes are read only by the session's therapists, their supervisor and the "
    "clinical lead."
)
WRITE_UP_DAYS = 28


def session_for_notes(request, pk) -> Session:
    """The session, if this user may read its notes; 403 if they may only see the session."""
    session = (
        Session.objects.select_related("group", "programme", "site", "episode__person")
        .filter(pk=pk)
        .first()
    )
    if session is None:
        raise Http404("No such session")
    if not selectors.can_read_notes(request.user, session):
        if selectors.sessions_visible_to(request.user).filter(pk=pk).exists():
            raise PermissionDenied(NOTES_ARE_PRIVATE)
        raise Http404("No such session, or not yours to see")
    return session


def _record(session):
    return (
        SessionRecord.objects.select_related("written_by", "signed_off_by")
        .filter(session=session)
        .first()
    )


def _audit_notes_read(request, session, record, member_notes=()):
    """One access event for the record (with the person, for an individual session), and
    one per member note shown, so each person's trail lists it."""
    person_id = session.episode.person_id if session.episode_id else None
    access_record(request=request, obj=record, person_id=person_id)
    for note in member_notes:
        access_record(request=request, obj=note, person_id=note.episode.person_id)


class RecordForm(forms.Form):
    musical_work = forms.MultipleChoiceField(
        label="Musical work",
        choices=MusicalWork.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Choose all that happened",
    )
    instruments = forms.CharField(
        label="Instruments used (optional)",
        max_length=300,
        required=False,
        help_text="For example: piano, djembe, ocean drum, voice",
        error_messages={"max_length": "Write 300 characters or fewer."},
    )
    present = forms.MultipleChoiceField(
        label="Who else was there? (optional)",
        choices=Present.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Besides the therapists and the people in the register",
    )
    present_other = forms.CharField(
        label="If someone else, who?",
        max_length=200,
        required=False,
        help_text="A role, not a name: for example 'a speech therapist'",
        error_messages={"max_length": "Write 200 characters or fewer."},
    )
    notes = forms.CharField(
        label="Notes",
        widget=forms.Textarea,
        max_length=MAX_NOTES,
        required=False,
        error_messages={"max_length": f"Write {MAX_NOTES:,} characters or fewer."},
    )

    def __init__(self, *args, session, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.member_fields = []
        if session.kind == Session.Kind.GROUP:
            self.fields["notes"].label = "Group note"
            self.fields["notes"].help_text = "About the group as a whole. " + NOTES_ARE_PRIVATE
            for row in members:
                name = f"member_{row.episode_id}"
                self.fields[name] = forms.CharField(
                    label=f"Note about {row.episode.person.full_name} (optional)",
                    widget=forms.Textarea,
                    max_length=MAX_MEMBER_NOTE,
                    required=False,
                    error_messages={
                        "max_length": f"Write {MAX_MEMBER_NOTE:,} characters or fewer."
                    },
                )
                self.member_fields.append(name)
        else:
            self.fields["notes"].help_text = NOTES_ARE_PRIVATE

    def record_data(self):
        return {name: self.cleaned_data[name] for name in RecordForm.base_fields}

    def member_notes(self):
        return {
            int(name.removeprefix("member_")): self.cleaned_data[name]
            for name in self.member_fields
        }


def _initial(record):
    if record is None:
        return {}
    initial = {
        "musical_work": record.musical_work,
        "instruments": record.instruments,
        "present": record.present,
        "present_other": record.present_other,
        "notes": record.notes,
    }
    for note in record.notes_about.all():
        initial[f"member_{note.episode_id}"] = note.note
    return initial


@role_required(*THERAPISTS)
def session_record(request, pk):
    session = session_for_notes(request, pk)
    record = _record(session)
    problem = record_problem(session)
    may_write = may_write_record(request.user, session) and problem is None
    if request.method == "POST" and not may_write:
        if problem:
            messages.error(request, problem)
            return redirect("delivery:session_record", pk=session.pk)
        raise PermissionDenied("Only the session's therapists write its record.")
    members = list(members_of(session)) if session.kind == Session.Kind.GROUP else []
    form = RecordForm(
        request.POST if request.method == "POST" else None,
        session=session,
        members=members,
        initial=_initial(record),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = session_record_save(
                session=session,
                data=form.record_data(),
                member_notes=form.member_notes(),
                actor=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if not saved.was_changed:
                messages.info(request, "Nothing had changed, so the record was left as it was.")
            elif saved.status == SessionRecord.Status.AWAITING_SIGN_OFF:
                messages.success(
                    request,
                    "Session record saved. It waits for your supervisor's "
                    "sign-off before it is final.",
                )
            else:
                messages.success(request, "Session record saved")
            return redirect("delivery:session_record", pk=session.pk)
    member_notes = (
        list(
            record.notes_about.select_related("episode__person").order_by(
                "episode__person__family_name", "episode__person__given_name"
            )
        )
        if record
        else []
    )
    if record is not None:
        _audit_notes_read(request, session, record, member_notes)
    return render(
        request,
        "delivery/records/record.jinja",
        {
            "session": session,
            "title": session_title(session),
            "record": record,
            "form": form,
            "may_write": may_write,
            "problem": problem,
            "member_notes": member_notes,
            "musical_work": musical_work_labels(record.musical_work) if record else [],
            "present": present_labels(record.present) if record else [],
            "may_sign_off": record is not None
            and record.status == SessionRecord.Status.AWAITING_SIGN_OFF
            and may_sign_off(request.user, record),
            "trainee": trainee_writer(record) if record else None,
            "choice_params": choice_params,
        },
    )


@role_required(*THERAPISTS)
def session_record_history(request, pk):
    session = session_for_notes(request, pk)
    record = _record(session)
    if record is None:
        raise Http404("This session has no record yet")
    _audit_notes_read(request, session, record, record.notes_about.select_related("episode"))
    return render(
        request,
        "delivery/records/history.jinja",
        {
            "session": session,
            "title": session_title(session),
            "record": record,
            "versions": record_history(record),
        },
    )


@require_POST
@role_required(*THERAPISTS)
def session_record_sign_off_view(request, pk):
    session = session_for_notes(request, pk)
    record = _record(session)
    if record is None:
        raise Http404("This session has no record yet")
    try:
        session_record_sign_off(record=record, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("delivery:session_record", pk=session.pk)
    messages.success(request, "Signed off: the record is final")
    return redirect("delivery:sign_off_queue")


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What should the trainee change?",
        help_text="The trainee sees this with their record. They amend it and it comes back "
        "to you for sign-off.",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={
            "required": "Say what the trainee should change.",
            "max_length": "Write 2,000 characters or fewer.",
        },
    )


@role_required(*THERAPISTS)
def session_record_return_view(request, pk):
    session = session_for_notes(request, pk)
    record = _record(session)
    if record is None:
        raise Http404("This session has no record yet")
    if not may_sign_off(request.user, record):
        raise PermissionDenied("Only the trainee's supervisor or a clinical lead returns it.")
    form = ReturnForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            session_record_return(
                record=record, comment=form.cleaned_data["comment"], actor=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Returned to the trainee with your comments")
            return redirect("delivery:sign_off_queue")
    return render(
        request,
        "delivery/records/return.jinja",
        {"session": session, "title": session_title(session), "record": record, "form": form},
    )


@role_required(*THERAPISTS)
def sign_off_queue(request):
    user = request.user
    to_sign_off = (
        selectors.records_to_sign_off(user)
        .select_related("session__group", "written_by")
        .order_by("session__starts_at")
    )
    mine = (
        SessionRecord.objects.filter(
            written_by=user,
            status__in=[SessionRecord.Status.AWAITING_SIGN_OFF, SessionRecord.Status.RETURNED],
        )
        .select_related("session__group")
        .order_by("session__starts_at")
    )
    is_trainee = hasattr(user, "therapist") and user.therapist.is_trainee
    return render(
        request,
        "delivery/records/sign_off_queue.jinja",
        {
            "to_sign_off": [(r, session_title(r.session)) for r in to_sign_off],
            "mine": [(r, session_title(r.session)) for r in mine],
            "is_trainee": is_trainee,
        },
    )


@role_required(*THERAPISTS)
def to_write_up(request):
    """The therapist's own sessions of the last four weeks with a register to mark or a
    record to write."""
    now = timezone.now()
    sessions = (
        Session.objects.filter(
            therapists__user=request.user,
            status=Session.Status.SCHEDULED,
            starts_at__lte=now,
            starts_at__gte=now - timedelta(days=WRITE_UP_DAYS),
        )
        .exclude(kind=Session.Kind.COMMUNITY)
        .annotate(
            unmarked=Exists(
                Attendance.objects.filter(session=OuterRef("pk"), status=Attendance.Status.EXPECTED)
            ),
            has_record=Exists(SessionRecord.objects.filter(session=OuterRef("pk"))),
        )
        .filter(Q(unmarked=True) | Q(has_record=False))
        .select_related("group")
        .order_by("-starts_at")
        .distinct()
    )
    return render(
        request,
        "delivery/records/to_write_up.jinja",
        {"sessions": [(s, session_title(s)) for s in sessions], "days": WRITE_UP_DAYS},
    )
