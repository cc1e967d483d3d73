"""What every JSON API referral looks up, kept briefly in the cache: the programme by its code,
the referrer's organisation by its ODS code, whether a GP's ODS code is an open GP practice,
and the names of the local authorities a programme serves.

Each was a query a request (through the ORM, building the query cost more than running it):
about a third of a request's time. They change rarely, and through the back office, whose
saves (and deletes) of programmes, organisations and local authorities clear these entries at
once; anything changed another way (a geography import, another app process with its own
in-memory cache) is seen within SECONDS. With several app processes, set CACHE_URL to a
shared cache so that a change is seen by all of them at once (see settings.CACHES).
"""

import hashlib
import re
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

SECONDS = 60
_VERSION = "tutti:lookups:version"
_MISSING = object()
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def cached(kind, key, read):
    """`read()`, or what it gave for (kind, key) less than SECONDS ago and since the last
    change to a programme, organisation or local authority."""
    version = cache.get(_VERSION)
    if version is None:  # a new series, never one used before (entries may outlive it)
        cache.add(_VERSION, time.time_ns(), None)
        version = cache.get(_VERSION)
    key = str(key)
    if not _PLAIN_KEY.fullmatch(key):  # whatever a caller typed: safe for any cache backend
        key = hashlib.sha256(key.encode()).hexdigest()
    name = f"tutti:lookups:{version}:{kind}:{key}"
    value = cache.get(name, _MISSING)
    if value is _MISSING:
        value = read()
        cache.set(name, value, SECONDS)
    return value


def programme_by_code(code):
    """The programme with this code (as typed, any case), or None."""
    from tutti.programmes.models import Programme

    code = (code or "").strip().upper()
    return cached("programme", code, lambda: Programme.objects.filter(code=code).first())


def referrer_organisation(*, ods_code, token=None):
    """What `selectors.referrer_organisation_for` answers (the token's own organisation, or
    the one on record with this ODS code), the second kept in the cache."""
    from tutti.referrals.selectors import referrer_organisation_for

    if token is not None and token.organisation_id:
        return referrer_organisation_for(token=token)
    code = (ods_code or "").strip().upper()
    if not code:
        return None
    return cached("organisation", code, lambda: referrer_organisation_for(ods_code=code))


def gp_practice_problem(ods_code):
    """`geography.services.gp_practice_problem` (why this cannot be a referring GP practice,
    or None), kept in the cache: the ODS list changes only when geography is imported."""
    from tutti.geography.services import gp_practice_problem as problem

    code = (ods_code or "").strip().upper()
    return cached("gp-practice", code, lambda: problem(code))


def local_authority_names(programme):
    """`programme.local_authority_names`: the served local authorities by name."""
    codes = list(programme.local_authorities or [])
    if not codes:
        return []
    return cached("la-names", ",".join(codes), lambda: programme.local_authority_names)


def _changed(sender, **kwargs):
    # Now, and again once the change is committed (a lookup between the two would read the
    # row as it was before and keep it).
    _forget()
    transaction.on_commit(_forget)


def _forget():
    try:
        cache.incr(_VERSION)
    except ValueError:  # not in the cache (cleared, or never asked): nothing to forget
        pass


def connect():
    """Forget the lookups whenever a programme, organisation or local authority changes."""
    from tutti.geography.models import LocalAuthority
    from tutti.organisations.models import Organisation
    from tutti.programmes.models import Programme

    for model in (Programme, Organisation, LocalAuthority):
        for signal in (post_save, post_delete):
            signal.connect(_changed, sender=model, dispatch_uid=f"lookups-{model.__name__}")
