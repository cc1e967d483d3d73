"""The public referral form's guard against automated and repeated submissions.

Two checks, and neither ever throws away a real person's referral:

* A honeypot: every page of the form carries a text box that people cannot see or reach
  (visually hidden, hidden from screen readers with aria-hidden, out of the tab order,
  autocomplete off) and that simple bots fill in. If it is ever filled in, the referral is
  still recorded, but it carries a `needs_review_reason` for a coordinator, and no
  acknowledgement email is sent: the form must not become a way to send our emails to
  addresses typed in by a bot. The email addresses given are kept in the review note instead
  of the contact fields, so a coordinator can still reply to a real person.

* A rate limit per network address: at most REFERRALS_PER_WINDOW referrals in WINDOW_SECONDS
  from one address. Over the limit no referral is made; the check-your-answers page is shown
  again with the answers kept, saying how many minutes to wait before pressing Send again, or
  how to contact us instead. The address itself is never stored: the cache key is a salted
  HMAC of it (keyed with SECRET_KEY), kept only as long as the window.

The count lives in Django's default cache. With the local-memory cache (the default) each
server process counts on its own, so N processes allow up to N times the limit; a shared cache
(CACHE_URL) makes it exact. X-Forwarded-For is believed only as far as PROXY_COUNT trusted
proxies vouch for it: otherwise anyone could send a new address with every request. Behind a
proxy, set PROXY_COUNT, or every visitor shares the proxy's address and its limit.
"""

import math
import time

from django.core.cache import cache
from django.utils.crypto import salted_hmac

from tutti.core.audit import client_ip

HONEYPOT_FIELD = "website"
REFERRALS_PER_WINDOW = 5
WINDOW_SECONDS = 60 * 60
_KEY_SALT = "tutti.referrals.public.rate-limit"


def _now():
    return time.time()


def honeypot_filled(data) -> bool:
    return bool(str(data.get(HONEYPOT_FIELD, "")).strip())


def client_address(request) -> str:
    return client_ip(request) or "unknown"


def _key(request):
    digest = salted_hmac(_KEY_SALT, client_address(request), algorithm="sha256").hexdigest()
    return f"refer:sent:{digest}"


def _recent(key, now):
    stamps = cache.get(key)
    if not isinstance(stamps, list):
        return []
    return [s for s in stamps if isinstance(s, int | float) and now - s < WINDOW_SECONDS]


def minutes_to_wait(request) -> int:
    """0 if this address may send a referral now, otherwise whole minutes until it may."""
    now = _now()
    recent = _recent(_key(request), now)
    if len(recent) < REFERRALS_PER_WINDOW:
        return 0
    oldest_that_counts = sorted(recent)[-REFERRALS_PER_WINDOW]
    return max(1, math.ceil((oldest_that_counts + WINDOW_SECONDS - now) / 60))


def record_referral_sent(request) -> None:
    now = _now()
    key = _key(request)
    cache.set(key, [*_recent(key, now), now], timeout=WINDOW_SECONDS)
