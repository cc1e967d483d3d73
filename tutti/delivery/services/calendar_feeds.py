"""A therapist's calendar feed: a secret address their calendar program (Outlook, Google,
Apple) reads their sessions from.

The token is made with `secrets` and shown once; only its SHA-256 is stored, so the database
cannot give the address away. Making a new address revokes the old one, and revoking stops it
at once. Both are recorded by django-auditlog (with the signed-in user as the actor), without
the hash. What the feed carries is decided in tutti/delivery/ical.py: initials, never names.
"""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from tutti.delivery.models import CalendarFeed
from tutti.workforce.models import Therapist

TOKEN_BYTES = 32  # 43 characters of URL-safe text: not guessable


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _revoke_live(therapist, now):
    revoked = 0
    # One by one, so auditlog records each revocation.
    for feed in CalendarFeed.objects.filter(therapist=therapist, revoked_at__isnull=True):
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at"])
        revoked += 1
    return revoked


@transaction.atomic
def calendar_feed_create(*, therapist: Therapist, actor) -> tuple[CalendarFeed, str]:
    """A new secret address for the therapist's feed, replacing any live one. Returns the
    feed and the token: show the token once; it cannot be recovered later."""
    # The therapist's row lock makes two clicks at once end with one live feed, not an error.
    Therapist.objects.select_for_update().get(pk=therapist.pk)
    _revoke_live(therapist, timezone.now())
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed.objects.create(therapist=therapist, token_hash=token_hash(token))
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, therapist: Therapist, actor) -> int:
    """Stop the therapist's feed address working. Returns how many were live (0 or 1)."""
    Therapist.objects.select_for_update().get(pk=therapist.pk)
    return _revoke_live(therapist, timezone.now())


def calendar_feed_for_token(token: str):
    """The live feed this token opens, or None (unknown, revoked, or not a token at all)."""
    if not token or len(token) > 128:
        return None
    return (
        CalendarFeed.objects.select_related("therapist__user")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )


def calendar_feed_used(*, feed: CalendarFeed) -> None:
    """Note when a calendar program last read the feed (so the therapist can see whether an
    old address is still in use). A plain update: a read is not a change worth auditing."""
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
