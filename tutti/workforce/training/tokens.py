"""The one-time link to cancel a course place or leave its waiting list.

The token is the participant's id and an HMAC (keyed with SECRET_KEY) of the id and their
random `cancel_key`, so nothing secret is stored in plain and the worker can rebuild the
link for a later email. Cancelling empties the key: the link then works no more.
"""

from django.utils.crypto import constant_time_compare, salted_hmac

from tutti.workforce.models import Participant

_SALT = "tutti.workforce.training.cancel-place"


def _signature(participant_id, key):
    return salted_hmac(_SALT, f"{participant_id}:{key}", algorithm="sha256").hexdigest()[:40]


def cancel_token(participant) -> str:
    return f"{participant.pk}-{_signature(participant.pk, participant.cancel_key)}"


def participant_for_cancel_token(token, *, queryset=None):
    """The participant whose link this is, or None (unknown, altered or already used)."""
    participant_id, _, signature = str(token or "").partition("-")
    if not participant_id.isdigit() or not signature:
        return None
    queryset = queryset if queryset is not None else Participant.objects.all()
    participant = queryset.filter(pk=int(participant_id)).exclude(cancel_key="").first()
    if participant is None:
        return None
    if not constant_time_compare(signature, _signature(participant.pk, participant.cancel_key)):
        return None
    return participant
