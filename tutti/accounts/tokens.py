"""API tokens: `tutti_<prefix>_<secret>`. The prefix finds the row, the secret's SHA-256 is
compared in constant time. A 256-bit random secret needs no slow hash.

A token never changes once made, but for being revoked: its row is kept in the cache for
TOKEN_SECONDS, and whether it is revoked is read from the database on every call (one small
indexed query), so a revoked token stops at once in every process."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.cache import cache
from django.db import connections, router, transaction
from django.utils import timezone

from tutti.accounts.models import ApiToken

TOKEN_SECONDS = 300


def _hash(secret):
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, name, scopes, organisation=None, actor=None) -> tuple[ApiToken, str]:
    """Create a token; returns it with the plain text, which is never stored or shown again."""
    unknown = set(scopes) - set(ApiToken.Scope.values)
    if unknown:
        raise ValueError(
            f"Unknown scope {', '.join(sorted(unknown))}. "
            f"Scopes: {', '.join(ApiToken.Scope.values)}"
        )
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        prefix=prefix,
        hashed_secret=_hash(secret),
        scopes=sorted(set(scopes)),
        organisation=organisation,
        created_by=actor,
    )
    return token, f"tutti_{prefix}_{secret}"


def api_token_revoke(*, token: ApiToken, actor=None) -> ApiToken:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def api_token_check(plain: str) -> ApiToken | None:
    """The active token this text is, or None."""
    try:
        label, prefix, secret = plain.split("_", 2)
    except ValueError:
        return None
    if label != "tutti":
        return None
    key = f"tutti:api-token:{prefix}"
    token = cache.get(key)
    if token is None:
        token = (
            ApiToken.objects.select_related("organisation")
            .filter(prefix=prefix, revoked_at__isnull=True)
            .first()
        )
        if token is None:
            return None
        # A token never changes but to be revoked, and that is read afresh below.
        cache.set(key, token, TOKEN_SECONDS)
    if not hmac.compare_digest(token.hashed_secret, _hash(secret)):
        return None
    # Revoked? Read from the database on every call (a small indexed query), so a revoked
    # token stops at once in every process. Its last use is written once a minute at most.
    now = timezone.now()
    active, stale = _state(token, now - timedelta(seconds=60))
    if not active:
        cache.delete(key)
        return None
    if stale:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def _state(token, since):
    """(not revoked, not used since `since`) for this token, as the database has it now."""
    connection = connections[router.db_for_read(ApiToken)]
    quote = connection.ops.quote_name
    revoked, used = (
        quote(ApiToken._meta.get_field(name).column) for name in ("revoked_at", "last_used_at")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {revoked} IS NULL, ({used} IS NULL OR {used} < %s) "
            f"FROM {quote(ApiToken._meta.db_table)} WHERE {quote(ApiToken._meta.pk.column)} = %s",
            [connection.ops.adapt_datetimefield_value(since), token.pk],
        )
        row = cursor.fetchone()
    return (bool(row[0]), bool(row[1])) if row else (False, False)
