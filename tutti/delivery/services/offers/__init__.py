"""Offers of a place to a waiting referral, and the answers to them.

An offer is either individual sessions (a therapist and one of their weekly one-to-one times
at a site of the programme, from a first session date) or a place in one of the programme's
groups. Making one moves the referral waiting → offered. The answer moves it on:

- accepted → active: an Episode of care opens (and, for a group place, a GroupMembership);
- declined, withdrawn by the service, or no answer in time → back to waiting, keeping the
  waiting date it had, so the wait shown on the waiting list carries on and never restarts.

Places are counted under a row lock on what holds them, always taken before the referral's
(the same order as the allocation confirmation and the scheduling code: Group, Therapist,
then the rest), so two coordinators acting at once are served one after the other:

- individual sessions: the therapist's row. One weekly time is offered to one person at a
  time, and a therapist is never given more clients than their weekly capacity;
- a group place: the group's row. Members now + offers waiting for an answer ≤ places.
  Accepting counts members only (the offer's own place was kept for it).

For a group place Referral.therapist stays empty (it counts towards a therapist's
one-to-one capacity); the group's therapists see the person through
`tutti.referrals.selectors.caseload_q`, which includes the referrals offered or given a
place in their groups.

The person or carer can answer through a one-time link (links.py): only the SHA-256 of
its token is stored, and the emailed token is made inside the background task that sends
it, so it is never written anywhere but the email.

places.py   what an offer holds: a group's places, a therapist's weekly times and clients
making.py   offer_make (by hand, every check), offer_record (from a confirmed allocation)
answers.py  offer_accept, offer_decline, offer_withdraw, offer_expire
links.py    the one-time link: offer_link_issue, send_offer_link, offer_answer_by_link
"""

from tutti.delivery.services.offers.answers import (
    GOAL_MAX_LENGTH,
    REASON_MAX_LENGTH,
    clean_goals,
    closed_message,
    default_start_date,
    offer_accept,
    offer_decline,
    offer_expire,
    offer_withdraw,
)
from tutti.delivery.services.offers.links import (
    Link,
    LinkNotReady,
    LinkState,
    _hash,
    link_recipient,
    offer_answer_by_link,
    offer_link_find,
    offer_link_issue,
    offer_link_queue,
    offer_recipient,
    send_offer_link,
)
from tutti.delivery.services.offers.making import (
    RESPOND_WITHIN,
    describe,
    not_waiting_reason,
    offer_make,
    offer_record,
)
from tutti.delivery.services.offers.places import (
    GroupPlaces,
    committed_clients,
    free_individual_slots,
    group_places,
    individual_slots,
    taken_times,
    weekday_name,
)

__all__ = [
    "GOAL_MAX_LENGTH",
    "REASON_MAX_LENGTH",
    "RESPOND_WITHIN",
    "GroupPlaces",
    "Link",
    "LinkNotReady",
    "LinkState",
    "_hash",
    "clean_goals",
    "closed_message",
    "committed_clients",
    "default_start_date",
    "describe",
    "free_individual_slots",
    "group_places",
    "individual_slots",
    "link_recipient",
    "not_waiting_reason",
    "offer_accept",
    "offer_answer_by_link",
    "offer_decline",
    "offer_expire",
    "offer_link_find",
    "offer_link_issue",
    "offer_link_queue",
    "offer_make",
    "offer_recipient",
    "offer_record",
    "offer_withdraw",
    "send_offer_link",
    "taken_times",
    "weekday_name",
]
