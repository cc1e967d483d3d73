"""Therapy delivery: offers, episodes of care, groups, sessions, attendance, records, reminders.

offers.py     Offer (a place offered to a waiting referral), Episode (the care that follows)
groups.py     Room, ClosureDate, Group, GroupMembership
sessions.py   Session (individual, group or community event), Attendance, SessionRecord and
              ParticipantNote (with history), ReviewTask
reminders.py  Reminder (one message about one session), CalendarFeed (a therapist's iCal URL)
"""

from tutti.delivery.models.groups import ClosureDate, Group, GroupMembership, Room
from tutti.delivery.models.offers import Episode, Offer
from tutti.delivery.models.reminders import CalendarFeed, Reminder
from tutti.delivery.models.sessions import (
    Attendance,
    ParticipantNote,
    ReviewTask,
    Session,
    SessionRecord,
)

__all__ = [
    "Attendance",
    "CalendarFeed",
    "ClosureDate",
    "Episode",
    "Group",
    "GroupMembership",
    "Offer",
    "ParticipantNote",
    "Reminder",
    "ReviewTask",
    "Room",
    "Session",
    "SessionRecord",
]

# Every create, update and delete is recorded with its actor and address (django-auditlog).
from auditlog.registry import auditlog  # noqa: E402

for _model in (
    Offer,
    Episode,
    Room,
    ClosureDate,
    Group,
    GroupMembership,
    Session,
    Attendance,
    ReviewTask,
):
    auditlog.register(_model)
# Notes: auditlog records that they changed, never their words (those stay in their history,
# seen only by those allowed to read the note).
_MASK_NOTE = "tutti.delivery.models.sessions.mask_note_text"
auditlog.register(SessionRecord, mask_fields=["notes", "return_comment"], mask_callable=_MASK_NOTE)
auditlog.register(ParticipantNote, mask_fields=["note"], mask_callable=_MASK_NOTE)
auditlog.register(CalendarFeed, exclude_fields=["token_hash"])
auditlog.register(Reminder, exclude_fields=["last_error"])
