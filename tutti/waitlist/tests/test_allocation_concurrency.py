"""Two coordinators confirm proposals made from the same capacity at the same moment, from
separate threads (each with its own database connection). On PostgreSQL the therapist row
locks serialise them; SQLite runs one writer at a time anyway, so this is skipped there (the
stale-confirmation test in test_allocation.py covers the same rule one after the other).
"""

import threading

import pytest
from django.conf import settings
from django.db import connection

from tutti.accounts.roles import Role
from tutti.accounts.tests.factories import UserFactory
from tutti.referrals.models import ReferralEvent, Status
from tutti.waitlist import services
from tutti.waitlist.tests.allocation_helpers import (
    programme_at_a_site,
    therapist_with_slots,
    waiting,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (set DATABASE_URL=postgres://…)",
    ),
]


def confirm_together(programme, batches, actors):
    start = threading.Barrier(len(batches))
    results, errors = [], []

    def confirm(assignments, actor):
        try:
            start.wait()
            results.append(
                services.allocation_confirm(
                    programme=programme, assignments=assignments, actor=actor
                )
            )
        except Exception as error:  # reported below, never lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=confirm, args=pair) for pair in zip(batches, actors, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_two_coordinators_confirming_at_once_cannot_over_fill_a_therapist():
    for round_ in range(5):  # the race is real: repeat it
        programme, site = programme_at_a_site(f"RACE{round_}")
        therapist = therapist_with_slots(site, 3, weekly_capacity=3)
        people = [waiting(programme) for _ in range(6)]
        actors = [UserFactory(roles=[Role.COORDINATOR]) for _ in range(2)]
        # Each saw 3 free places and proposed 3 different people for them.
        batches = [
            [(r.reference, therapist.pk) for r in people[:3]],
            [(r.reference, therapist.pk) for r in people[3:]],
        ]

        results = confirm_together(programme, batches, actors)

        assert sum(len(r.offered) for r in results) == 3
        assert sum(len(r.skipped) for r in results) == 3
        assert therapist.referrals.filter(status=Status.OFFERED).count() == 3
        assert ReferralEvent.objects.filter(referral__in=people, status=Status.OFFERED).count() == 3


def test_two_coordinators_confirming_the_same_person_make_one_offer():
    programme, site = programme_at_a_site()
    one, other = therapist_with_slots(site, 2), therapist_with_slots(site, 2)
    referral = waiting(programme)
    actors = [UserFactory(roles=[Role.COORDINATOR]) for _ in range(2)]

    results = confirm_together(
        programme, [[(referral.reference, one.pk)], [(referral.reference, other.pk)]], actors
    )

    assert sum(len(r.offered) for r in results) == 1
    [skipped] = [s for r in results for s in r.skipped]
    assert "no longer waiting" in skipped.reason
    assert ReferralEvent.objects.filter(referral=referral, status=Status.OFFERED).count() == 1
