"""Who may see which episodes, sessions and notes. Every delivery page reads through here.

- administrators and coordinators: every episode and session, but never the therapists' notes;
- therapists: the episodes and sessions they work in (a group's sessions through the group);
- supervisors (clinical leads): their own, and those of the therapists they supervise;
- partner staff: sessions held at their organisation's sites, as dates, groups and counts —
  the people in them only when their organisation referred them (see `partner_*` below);
- referrers and commissioners: none (commissioners see aggregate reports only).

A therapist's notes are read only by the therapist(s) of the session, their supervisor and a
clinical lead (the supervisor role): `can_read_notes`.
"""

from django.db.models import Q

from tutti.accounts.roles import Role
from tutti.delivery.models import Episode, Session, SessionRecord


def _therapist_q(user, prefix):
    """Rows whose therapists include this user, or (for supervisors) their supervisees."""
    q = Q(**{f"{prefix}therapists__user": user})
    if user.has_role(Role.SUPERVISOR):
        q |= Q(**{f"{prefix}therapists__supervisor__user": user})
    return q


def episodes_visible_to(user):
    if not user.is_authenticated or not user.is_active:
        return Episode.objects.none()
    if user.has_role(Role.ADMINISTRATOR, Role.COORDINATOR):
        return Episode.objects.all()
    if user.has_role(Role.THERAPIST, Role.SUPERVISOR):
        q = _therapist_q(user, "") | _therapist_q(user, "group__")
        return Episode.objects.filter(
            pk__in=Episode.objects.filter(q).values("pk")  # no duplicate rows from the joins
        )
    return Episode.objects.none()


def sessions_visible_to(user):
    """Sessions whose details (and participants) this user may see."""
    if not user.is_authenticated or not user.is_active:
        return Session.objects.none()
    if user.has_role(Role.ADMINISTRATOR, Role.COORDINATOR):
        return Session.objects.all()
    if user.has_role(Role.THERAPIST, Role.SUPERVISOR):
        return Session.objects.filter(
            pk__in=Session.objects.filter(_therapist_q(user, "")).values("pk")
        )
    return Session.objects.none()


def partner_sessions(user):
    """Sessions at the partner's own sites: for dates, groups and attendance counts only."""
    if not user.is_authenticated or not user.is_active or not user.has_role(Role.PARTNER):
        return Session.objects.none()
    if not user.organisation_id:
        return Session.objects.none()
    return Session.objects.filter(site__organisation_id=user.organisation_id)


def partner_episodes(user):
    """Participants a partner may know by name: those their own organisation referred."""
    if not user.is_authenticated or not user.has_role(Role.PARTNER) or not user.organisation_id:
        return Episode.objects.none()
    return Episode.objects.filter(referral__referrer_organisation_id=user.organisation_id)


def can_read_notes(user, session) -> bool:
    """The therapist's notes: the session's therapists, their supervisors, clinical leads."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_role(Role.SUPERVISOR):
        return True  # the clinical lead reads every note for quality assurance
    if user.has_role(Role.THERAPIST):
        return session.therapists.filter(Q(user=user) | Q(supervisor__user=user)).exists()
    return False


def records_to_sign_off(user):
    """Trainees' session records waiting for this user's sign-off: their own supervisees'
    (any therapist may supervise a trainee), or every trainee's for a clinical lead."""
    if not user.is_authenticated or not user.is_active:
        return SessionRecord.objects.none()
    waiting = SessionRecord.objects.filter(
        status=SessionRecord.Status.AWAITING_SIGN_OFF, written_by__therapist__is_trainee=True
    ).exclude(written_by=user)
    if user.has_role(Role.SUPERVISOR):
        return waiting
    if user.has_role(Role.THERAPIST):
        return waiting.filter(written_by__therapist__supervisor__user=user)
    return SessionRecord.objects.none()
