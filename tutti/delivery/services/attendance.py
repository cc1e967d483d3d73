"""Attendance registers, the programme's non-attendance rule, and the coordinator's reviews.

The rule (issue 5, item 5): when someone misses a programme's number of sessions in a row
(`Programme.non_attendance_review_after`, 2 by default), a review task is raised for the
coordinator. Nobody is ever discharged automatically: the coordinator decides.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tutti.accounts.roles import Role
from tutti.delivery.models import Attendance, Episode, ReviewTask, Session

# What a register may record. "Not marked yet" is where every participant starts.
MARKS = [
    (status.value, status.label)
    for status in Attendance.Status
    if status != Attendance.Status.EXPECTED
]
_MARK_VALUES = {value for value, _ in MARKS}

# Neither counts towards the rule nor breaks a run of missed sessions: the person told us in
# good time, the service called it off, or nobody has marked the register yet.
NEUTRAL = (
    Attendance.Status.CANCELLED_BY_CLIENT,
    Attendance.Status.CANCELLED_BY_SERVICE,
    Attendance.Status.EXPECTED,
)
MAX_DATES_IN_REASON = 6


def may_mark_attendance(user, session) -> bool:
    """The session's therapists and coordinators mark a register."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_role(Role.COORDINATOR):
        return True
    return session.therapists.filter(user=user).exists()


def register_problem(session, *, now=None) -> str | None:
    """Why this session's register cannot be marked (yet), in words for the page; else None."""
    if session.kind == Session.Kind.COMMUNITY:
        return (
            "Community events have no register. Record how many people took part "
            "(the headcount) instead."
        )
    if session.is_cancelled:
        return "This session was cancelled, so there is no attendance to mark."
    now = now or timezone.now()
    if session.starts_at > now:
        starts = timezone.localtime(session.starts_at)
        return (
            "You can mark attendance once the session has started, "
            f"at {starts:%H:%M} on {starts:%-d %B %Y}."
        )
    return None


@transaction.atomic
def attendance_mark(*, session, marks, actor) -> list[ReviewTask]:
    """Mark who came to a session: `marks` maps episode ids to Attendance statuses.

    Only the session's participants (its Attendance rows) can be marked, and only once the
    session has started. Returns the review tasks raised or brought up to date by the
    non-attendance rule.
    """
    if not may_mark_attendance(actor, session):
        raise PermissionDenied("Only the session's therapists or a coordinator mark attendance.")
    # One register change at a time per session (and a fresh look at its status).
    session = Session.objects.select_for_update().get(pk=session.pk)
    problem = register_problem(session)
    if problem:
        raise ValidationError(problem)
    rows = {
        row.episode_id: row
        for row in Attendance.objects.select_for_update().filter(session=session)
    }
    errors = {}
    for episode_id, status in marks.items():
        if int(episode_id) not in rows:
            errors[f"episode_{episode_id}"] = "This person is not in this session's register."
        elif status not in _MARK_VALUES:
            errors[f"episode_{episode_id}"] = (
                "Choose attended, did not attend, cancelled by the person, "
                "or cancelled by the service."
            )
    if errors:
        raise ValidationError(errors)
    # The rule reads each person's other sessions: lock their episodes (in a fixed order), so
    # two registers marked at once for the same person are counted one after the other.
    to_change = sorted(int(e) for e, status in marks.items() if rows[int(e)].status != status)
    list(Episode.objects.select_for_update().filter(pk__in=to_change).order_by("pk"))
    now = timezone.now()
    changed = []
    for episode_id, status in marks.items():
        row = rows[int(episode_id)]
        if row.status == status:
            continue
        row.status = status
        row.marked_by = actor
        row.marked_at = now
        row.save(update_fields=["status", "marked_by", "marked_at"])
        changed.append(row)
    tasks = []
    for row in changed:
        task = non_attendance_check(episode=row.episode)
        if task is not None:
            tasks.append(task)
    return tasks


def _missed_run(episode):
    """The most recent missed sessions in a row, newest first.

    Walks the episode's sessions that have started, newest first: a non-attendance (did not
    attend, or cancelled late) adds to the run; attending ends it; a cancellation in good
    time, a cancellation by the service, or an unmarked register neither counts nor ends it.
    Misses already in front of the coordinator when they last resolved a review of this kind
    (marked before it was resolved) end the run too: the rule starts afresh after a review.
    """
    last_resolved = (
        ReviewTask.objects.filter(
            episode=episode, kind=ReviewTask.Kind.NON_ATTENDANCE, status=ReviewTask.Status.DONE
        )
        .order_by("-resolved_at")
        .values_list("resolved_at", flat=True)
        .first()
    )
    rows = (
        Attendance.objects.filter(episode=episode, session__starts_at__lte=timezone.now())
        .exclude(status__in=NEUTRAL)
        .select_related("session")
        .order_by("-session__starts_at")
    )
    run = []
    for row in rows.iterator():
        if row.status not in Attendance.NON_ATTENDANCE:
            break
        if last_resolved and row.marked_at and row.marked_at <= last_resolved:
            break
        run.append(row)
    return run


def dates_in_words(days) -> str:
    """[3 Mar, 10 Mar] -> "3 and 10 March"; across months "24 February and 3 March"; the
    year is given when the days are not all in this year."""
    days = sorted(days)
    if not days:
        return ""
    this_year = timezone.localdate().year
    show_year = any(day.year != this_year for day in days)
    parts = []
    for index, day in enumerate(days):
        following = days[index + 1] if index + 1 < len(days) else None
        same_month_next = following is not None and (following.year, following.month) == (
            day.year,
            day.month,
        )
        if same_month_next:
            parts.append(f"{day.day}")
        else:
            text = f"{day.day} {day:%B}"
            if show_year and (following is None or following.year != day.year):
                text += f" {day.year}"
            parts.append(text)
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _reason(run) -> str:
    days = [timezone.localtime(row.session.starts_at).date() for row in run]
    shown = days[:MAX_DATES_IN_REASON]
    prefix = "the latest " if len(days) > len(shown) else ""
    return f"Missed {len(days)} sessions in a row ({prefix}{dates_in_words(shown)})"


def non_attendance_check(*, episode) -> ReviewTask | None:
    """Apply the programme's rule to one episode; raise (or update) the coordinator's review.

    One open review per episode and kind: a longer run updates the open task's reason
    rather than adding another. Never ends the episode. Call inside a transaction after an
    attendance changes (the scheduling code does so for a session cancelled late).
    """
    if not episode.is_active:
        return None  # nothing to review once the episode has ended
    threshold = episode.programme.non_attendance_review_after
    run = _missed_run(episode)
    if len(run) < threshold:
        return None
    reason = _reason(run)
    open_tasks = ReviewTask.objects.select_for_update().filter(
        episode=episode, kind=ReviewTask.Kind.NON_ATTENDANCE, status=ReviewTask.Status.OPEN
    )
    task = open_tasks.first()
    if task is None:
        try:
            with transaction.atomic():  # a savepoint: another request may have raised it first
                return ReviewTask.objects.create(
                    episode=episode, kind=ReviewTask.Kind.NON_ATTENDANCE, reason=reason
                )
        except IntegrityError:
            task = open_tasks.get()
    if task.reason != reason:
        task.reason = reason
        task.save(update_fields=["reason"])
    return task


def may_resolve_reviews(user) -> bool:
    return user.is_authenticated and user.is_active and user.has_role(Role.COORDINATOR)


@transaction.atomic
def review_task_resolve(*, task, resolution, actor) -> ReviewTask:
    """The coordinator records what was decided and closes the review."""
    if not may_resolve_reviews(actor):
        raise PermissionDenied("Only a coordinator resolves reviews.")
    task = ReviewTask.objects.select_for_update().get(pk=task.pk)
    resolution = (resolution or "").strip()
    if task.status != ReviewTask.Status.OPEN:
        raise ValidationError("This review has already been resolved.")
    if not resolution:
        raise ValidationError({"resolution": "Say what was decided, like 'Called the family'."})
    if len(resolution) > 2000:
        raise ValidationError({"resolution": "Write 2,000 characters or fewer."})
    task.status = ReviewTask.Status.DONE
    task.resolution = resolution
    task.resolved_by = actor
    task.resolved_at = timezone.now()
    task.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    return task
