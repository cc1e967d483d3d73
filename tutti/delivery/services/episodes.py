"""Episodes of care: their goals, and their end.

Ending an episode moves the referral on from 'in therapy':

- to **completed** when the work ran its course or the service ended it for a clinical
  reason: completed the planned sessions, goals met early, referred to another service;
- to **withdrawn** when it stopped because of the person's circumstances or choice: they
  chose to stop, stopped attending, moved away, were too unwell to continue, died, or
  another reason. Reports count completions from 'completed', so an unexplained ending
  ("other") never counts as one.

It also ends the person's place in their group (the group's later sessions no longer
expect them) and cancels their individual sessions still to come (cancelled by the
service, "Episode ended"), stopping their reminders. Nothing is deleted: the record of the
sessions that happened stays.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import Attendance, Episode, GroupMembership, Session
from tutti.delivery.services.calendar import day_text
from tutti.delivery.services.offers import clean_goals
from tutti.referrals.models import Status
from tutti.referrals.services import referral_move

ENDED_REFERRAL_STATUS = {
    Episode.EndReason.COMPLETED: Status.COMPLETED,
    Episode.EndReason.GOALS_MET: Status.COMPLETED,
    Episode.EndReason.REFERRED_ON: Status.COMPLETED,
    Episode.EndReason.PERSON_CHOSE: Status.WITHDRAWN,
    Episode.EndReason.NOT_ATTENDING: Status.WITHDRAWN,
    Episode.EndReason.MOVED: Status.WITHDRAWN,
    Episode.EndReason.UNWELL: Status.WITHDRAWN,
    Episode.EndReason.DIED: Status.WITHDRAWN,
    Episode.EndReason.OTHER: Status.WITHDRAWN,
}
SUMMARY_MAX_LENGTH = 5000
CANCELLED_BECAUSE = "Episode ended"


def _lock(episode) -> Episode:
    return (
        Episode.objects.select_for_update(of=("self",))
        .select_related("referral", "programme", "group")
        .get(pk=episode.pk)
    )


def _ended_message(episode):
    return f"This episode ended on {day_text(episode.ended_on)}, so it cannot be changed now."


@transaction.atomic
def episode_goals_set(*, episode, goals, actor) -> Episode:
    """Set the episode's goals (up to 3, in the person's or family's words)."""
    locked = _lock(episode)
    if not locked.is_active:
        raise ValidationError(_ended_message(locked))
    locked.goals = clean_goals(goals)
    locked.save(update_fields=["goals", "updated_at"])
    episode.refresh_from_db()
    return locked


def sessions_delivered(episode) -> int:
    """Sessions the person came to (individual or group)."""
    return Attendance.objects.filter(episode=episode, status=Attendance.Status.ATTENDED).count()


@transaction.atomic
def episode_end(
    *, episode, ended_on, reason, outcome, discharge_summary, actor, now=None
) -> Episode:
    """End an episode of care with its discharge summary, reason and outcome: the referral
    moves to completed or withdrawn (see the module's notes), the group place ends and the
    sessions still to come are cancelled."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    locked = _lock(episode)
    if not locked.is_active:
        raise ValidationError(_ended_message(locked))
    errors = {}
    if ended_on is None:
        errors["ended_on"] = "Enter the date the episode ended."
    elif ended_on < locked.start_date:
        errors["ended_on"] = (
            f"The end date must be on or after the start date, {day_text(locked.start_date)}."
        )
    elif ended_on > today:
        errors["ended_on"] = "The end date cannot be in the future. End the episode on the day."
    if reason not in Episode.EndReason.values:
        errors["reason"] = "Choose why the episode ended."
    if outcome not in Episode.Outcome.values:
        errors["outcome"] = "Choose how far the goals were met."
    discharge_summary = (discharge_summary or "").strip()
    if not discharge_summary:
        errors["discharge_summary"] = "Write a discharge summary."
    elif len(discharge_summary) > SUMMARY_MAX_LENGTH:
        errors["discharge_summary"] = (
            f"Keep the summary to {SUMMARY_MAX_LENGTH} characters or fewer."
        )
    if errors:
        raise ValidationError(errors)
    reason = Episode.EndReason(reason)
    locked.status = Episode.Status.ENDED
    locked.ended_on = ended_on
    locked.end_reason = reason
    locked.outcome = outcome
    locked.discharge_summary = discharge_summary
    locked.ended_by = actor if actor is not None and actor.is_authenticated else None
    locked.save()
    _leave_groups(locked, left_on=ended_on, reason=reason.label, actor=actor)
    _cancel_future_sessions(locked, now=now)
    referral_move(
        referral=locked.referral,
        to=ENDED_REFERRAL_STATUS[reason],
        actor=actor,
        reason=f"Episode of care ended: {reason.label}",
    )
    episode.refresh_from_db()
    return locked


def _leave_groups(episode, *, left_on, reason, actor):
    from tutti.delivery.services.groups import group_member_leave

    for membership in GroupMembership.objects.filter(episode=episode).current():
        group_member_leave(
            membership=membership,
            left_on=max(left_on, membership.joined_on),
            reason=reason,
            actor=actor,
        )


def _cancel_future_sessions(episode, *, now):
    sessions = list(
        Session.objects.select_for_update()
        .filter(episode=episode, status=Session.Status.SCHEDULED, starts_at__gt=now)
        .order_by("starts_at")
    )
    for session in sessions:
        session.status = Session.Status.CANCELLED
        session.cancelled_by = Session.CancelledBy.SERVICE
        session.cancellation_reason = CANCELLED_BECAUSE
        session.cancelled_at = now
        session.save(
            update_fields=[
                "status",
                "cancelled_by",
                "cancellation_reason",
                "cancelled_at",
                "updated_at",
            ]
        )
        for attendance in session.attendances.filter(
            episode=episode, status=Attendance.Status.EXPECTED
        ):
            attendance.status = Attendance.Status.CANCELLED_BY_SERVICE
            attendance.save(update_fields=["status"])
        _reminders_cancelled(session)
    if sessions:
        from tutti.delivery.services.scheduling import renumber_block

        renumber_block(episode=episode)
    return sessions


def _reminders_cancelled(session):
    """Stop the reminder before the session. (The episode has ended, so no 'cancelled'
    message goes out for each of them: the person knows their therapy has ended.)"""
    try:
        from tutti.delivery.services.reminders import reminders_session_cancelled
    except ImportError:  # reminders not installed
        return
    reminders_session_cancelled(session=session)
