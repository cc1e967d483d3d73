"""Every version of a session record and its notes about members, newest first: who, when,
why and what changed (django-simple-history's diff_against between neighbouring versions)."""

from django.contrib.auth import get_user_model

from tutti.delivery.models import ParticipantNote, SessionRecord
from tutti.delivery.views.record_helpers import musical_work_labels, present_labels

LABELS = {
    "musical_work": "Musical work",
    "instruments": "Instruments used",
    "present": "Who else was there",
    "present_other": "Someone else",
    "notes": "Notes",
    "status": "Status",
    "return_comment": "Supervisor's comments",
    "signed_off_by": "Signed off by",
}
TRACKED = list(LABELS)
STATUS_LABELS = dict(SessionRecord.Status.choices)
EMPTY = "(nothing)"


def _people(versions):
    ids = {v.history_user_id for v in versions} | {
        getattr(v, "signed_off_by_id", None) for v in versions
    }
    ids.discard(None)
    return {user.pk: user.display_name for user in get_user_model().objects.filter(pk__in=ids)}


def _show(field, value, people):
    if field == "musical_work":
        return ", ".join(musical_work_labels(value)) or EMPTY
    if field == "present":
        return ", ".join(present_labels(value)) or EMPTY
    if field == "status":
        return STATUS_LABELS.get(value, value)
    if field == "signed_off_by":
        return people.get(value, "someone since removed") if value else EMPTY
    return value or EMPTY


def _record_versions(record, people):
    versions = list(record.history.order_by("history_date", "history_id"))
    people.update(_people(versions))
    rows = []
    previous = None
    for version in versions:
        if previous is None:
            changes = [
                {"field": LABELS[name], "old": None, "new": _show(name, value, people)}
                for name in TRACKED
                if (value := getattr(version, f"{name}_id" if name == "signed_off_by" else name))
            ]
        else:
            delta = version.diff_against(previous, included_fields=TRACKED)
            changes = [
                {
                    "field": LABELS[change.field],
                    "old": _show(change.field, change.old, people),
                    "new": _show(change.field, change.new, people),
                }
                for change in sorted(delta.changes, key=lambda c: TRACKED.index(c.field))
            ]
        rows.append(
            {
                "at": version.history_date,
                "who": people.get(version.history_user_id, "someone since removed")
                if version.history_user_id
                else "the system",
                "why": version.history_change_reason or version.get_history_type_display(),
                "about": "The record",
                "changes": changes,
            }
        )
        previous = version
    return rows


def _member_note_versions(record, people):
    versions = list(
        ParticipantNote.history.filter(record_id=record.pk)
        .select_related("episode__person")
        .order_by("history_date", "history_id")
    )
    people.update(_people(versions))
    rows = []
    latest = {}
    for version in versions:
        previous = latest.get(version.episode_id)
        if version.history_type == "-":
            changes = [
                {"field": "Note", "old": previous.note if previous else EMPTY, "new": "(removed)"}
            ]
        elif previous is None or previous.history_type == "-":
            changes = [{"field": "Note", "old": None, "new": version.note}]
        else:
            delta = version.diff_against(previous, included_fields=["note"])
            changes = [
                {"field": "Note", "old": c.old or EMPTY, "new": c.new or EMPTY}
                for c in delta.changes
            ]
        latest[version.episode_id] = version
        name = version.episode.person.full_name if version.episode else "a member"
        rows.append(
            {
                "at": version.history_date,
                "who": people.get(version.history_user_id, "someone since removed")
                if version.history_user_id
                else "the system",
                "why": version.history_change_reason or version.get_history_type_display(),
                "about": f"Note about {name}",
                "changes": changes,
            }
        )
    return rows


def record_history(record):
    people = {}
    rows = _record_versions(record, people) + _member_note_versions(record, people)
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows
