"""Session records: what happened in a session, written by its therapists, and a trainee's
record signed off by their supervisor (issue 5 item 6, issue 9 item 2).

Every save, amendment, sign-off and return keeps the previous version (django-simple-history,
with who did it and why) and is audited (django-auditlog, which keeps a note's length but
never its words). Reads of notes are checked with `selectors.can_read_notes`.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.delivery.models import Attendance, ParticipantNote, Session, SessionRecord
from tutti.delivery.models.sessions import MusicalWork, Present
from tutti.workforce.models import Therapist

MAX_NOTES = 10_000
MAX_MEMBER_NOTE = 2_000
MAX_COMMENT = 2_000
FIELDS = ("musical_work", "instruments", "present", "present_other", "notes")
Status = SessionRecord.Status


def may_write_record(user, session) -> bool:
    """The session's own therapists (trainees among them) write and amend its record."""
    if not user.is_authenticated or not user.is_active:
        return False
    if not user.has_role(Role.THERAPIST, Role.SUPERVISOR):
        return False
    return session.therapists.filter(user=user).exists()


def trainee_writer(record) -> Therapist | None:
    """The trainee who last wrote this record, if a trainee did."""
    if record.written_by_id is None:
        return None
    return (
        Therapist.objects.filter(user_id=record.written_by_id, is_trainee=True)
        .select_related("supervisor__user")
        .first()
    )


def may_sign_off(user, record) -> bool:
    """A trainee's own supervisor, or a clinical lead; never the writer themselves."""
    if not user.is_authenticated or not user.is_active or user.pk == record.written_by_id:
        return False
    trainee = trainee_writer(record)
    if trainee is None:
        return False
    if user.has_role(Role.SUPERVISOR):
        return True
    return trainee.supervisor is not None and trainee.supervisor.user_id == user.pk


def record_problem(session, *, now=None) -> str | None:
    """Why this session cannot have a record (yet), in words for the page; else None."""
    if session.is_cancelled:
        return "This session was cancelled, so there is nothing to record."
    now = now or timezone.now()
    if session.starts_at > now:
        starts = timezone.localtime(session.starts_at)
        return (
            "You can write the session record once the session has started, "
            f"at {starts:%H:%M} on {starts:%-d %B %Y}."
        )
    return None


def members_of(session):
    """The participants a group session's record can say something about, by name."""
    return (
        Attendance.objects.filter(session=session)
        .select_related("episode__person")
        .order_by("episode__person__family_name", "episode__person__given_name", "pk")
    )


def _clean(data):
    errors = {}
    musical_work = list(dict.fromkeys(data.get("musical_work") or []))
    if set(musical_work) - set(MusicalWork.values):
        errors["musical_work"] = "Choose the musical work from the list."
    present = list(dict.fromkeys(data.get("present") or []))
    if set(present) - set(Present.values):
        errors["present"] = "Choose who else was there from the list."
    present_other = (data.get("present_other") or "").strip()
    if present_other and Present.OTHER not in present:
        present.append(Present.OTHER)
    if Present.OTHER in present and not present_other:
        errors["present_other"] = "Say who else was there, like 'a speech therapist'."
    if len(present_other) > 200:
        errors["present_other"] = "Write 200 characters or fewer."
    instruments = (data.get("instruments") or "").strip()
    if len(instruments) > 300:
        errors["instruments"] = "Write 300 characters or fewer."
    notes = (data.get("notes") or "").strip()
    if len(notes) > MAX_NOTES:
        errors["notes"] = f"Write {MAX_NOTES:,} characters or fewer."
    elif not notes and not musical_work:
        errors["notes"] = "Write a note, or choose the musical work, before saving."
    cleaned = {
        "musical_work": [code for code in MusicalWork.values if code in musical_work],
        "instruments": instruments,
        "present": [code for code in Present.values if code in present],
        "present_other": present_other,
        "notes": notes,
    }
    return cleaned, errors


def _clean_member_notes(session, member_notes, errors):
    member_notes = {int(k): (v or "").strip() for k, v in (member_notes or {}).items()}
    if session.kind != Session.Kind.GROUP:
        if any(member_notes.values()):
            errors["notes"] = "Only a group session has notes about each member."
        return {}
    members = set(Attendance.objects.filter(session=session).values_list("episode_id", flat=True))
    for episode_id, text in member_notes.items():
        if episode_id not in members:
            errors[f"member_{episode_id}"] = "This person is not in this session's register."
        elif len(text) > MAX_MEMBER_NOTE:
            errors[f"member_{episode_id}"] = f"Write {MAX_MEMBER_NOTE:,} characters or fewer."
    return member_notes


def _save(obj, *, actor, reason, **kwargs):
    obj._history_user = actor
    obj._change_reason = reason
    obj.save(**kwargs)


def _save_member_notes(record, member_notes, *, actor, reason) -> bool:
    existing = {note.episode_id: note for note in record.notes_about.select_for_update()}
    changed = False
    for episode_id, text in member_notes.items():
        note = existing.get(episode_id)
        if note is None and text:
            _save(
                ParticipantNote(record=record, episode_id=episode_id, note=text),
                actor=actor,
                reason=reason,
            )
        elif note is not None and not text:
            note._history_user = actor
            note._change_reason = reason
            note.delete()
        elif note is not None and note.note != text:
            note.note = text
            _save(note, actor=actor, reason=reason)
        else:
            continue
        changed = True
    return changed


@transaction.atomic
def session_record_save(*, session, data, member_notes, actor) -> SessionRecord:
    """Write or amend a session's record; `member_notes` maps episode ids to a short note
    about each member of a group session ("" removes one).

    A trainee's record waits for their supervisor's sign-off, and an amendment by a trainee
    sends it back to waiting, even after sign-off. A qualified therapist's record is final;
    their amendment to a record waiting for sign-off leaves it waiting, since sign-off is the
    supervisor's deliberate act. Saving with nothing changed keeps no new version.
    The returned record's `was_changed` says whether anything was saved.
    """
    if not may_write_record(actor, session):
        raise PermissionDenied("Only the session's therapists write its record.")
    session = Session.objects.select_for_update().get(pk=session.pk)
    problem = record_problem(session)
    if problem:
        raise ValidationError(problem)
    cleaned, errors = _clean(data)
    member_notes = _clean_member_notes(session, member_notes, errors)
    if errors:
        raise ValidationError(errors)

    writer_is_trainee = Therapist.objects.filter(user=actor, is_trainee=True).exists()
    record = SessionRecord.objects.select_for_update().filter(session=session).first()
    if record is None:
        record = SessionRecord(session=session, **cleaned)
        record.written_by = actor
        record.status = Status.AWAITING_SIGN_OFF if writer_is_trainee else Status.FINAL
        _save(record, actor=actor, reason="Written")
        _save_member_notes(record, member_notes, actor=actor, reason="Written")
        record.was_changed = True
        return record

    fields_changed = any(getattr(record, name) != value for name, value in cleaned.items())
    reason = (
        "Amended after the supervisor's comments"
        if (writer_is_trainee and record.status == Status.RETURNED)
        else "Amended"
    )
    notes_changed = _save_member_notes(record, member_notes, actor=actor, reason=reason)
    if not fields_changed and not notes_changed:
        record.was_changed = False
        return record

    def standing(r):
        return (r.status, r.written_by_id, r.signed_off_by_id, r.return_comment)

    before = standing(record)
    for name, value in cleaned.items():
        setattr(record, name, value)
    record.written_by = actor
    if writer_is_trainee:
        record.status = Status.AWAITING_SIGN_OFF
        record.signed_off_by = None
        record.signed_off_at = None
        record.return_comment = ""
    elif record.status not in (Status.AWAITING_SIGN_OFF, Status.RETURNED):
        record.status = Status.FINAL
    if fields_changed or standing(record) != before:
        # (When only a member's note changed, that note's own history holds the change.)
        _save(record, actor=actor, reason=reason)
    record.was_changed = True
    return record


def _locked_for_sign_off(record, actor):
    record = SessionRecord.objects.select_for_update().get(pk=record.pk)
    if not may_sign_off(actor, record):
        raise PermissionDenied("Only the trainee's supervisor or a clinical lead signs off.")
    if record.status != Status.AWAITING_SIGN_OFF:
        raise ValidationError("This record is not waiting for sign-off.")
    return record


@transaction.atomic
def session_record_sign_off(*, record, actor) -> SessionRecord:
    """The trainee's supervisor (or a clinical lead) makes the trainee's record final."""
    record = _locked_for_sign_off(record, actor)
    record.status = Status.FINAL
    record.signed_off_by = actor
    record.signed_off_at = timezone.now()
    record.return_comment = ""
    _save(record, actor=actor, reason="Signed off")
    return record


@transaction.atomic
def session_record_return(*, record, comment, actor) -> SessionRecord:
    """The supervisor sends a trainee's record back with what to change."""
    record = _locked_for_sign_off(record, actor)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": "Say what the trainee should change."})
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": f"Write {MAX_COMMENT:,} characters or fewer."})
    record.status = Status.RETURNED
    record.return_comment = comment
    _save(record, actor=actor, reason="Returned with comments")
    return record
