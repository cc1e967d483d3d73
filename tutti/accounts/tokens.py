"""API tokens: `tutti_<prefix>_<secret>`. The prefix finds the row, the secret's SHA-256 is
compared in constant time. A 256-bit random secret needs no slow hash."""

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from tutti.accounts.models import ApiToken


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
    token = ApiToken.objects.filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None or not hmac.compare_digest(token.hashed_secret, _hash(secret)):
        return None
    # One write per minute at most: keeps the hot path cheap under load.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
