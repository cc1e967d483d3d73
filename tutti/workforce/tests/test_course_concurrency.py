"""Sign-ups for the last places at the same moment, from several threads (each with its own
database connection). Runs on PostgreSQL, where the cohort row lock is what keeps two people
from both getting the last place; SQLite runs one writer at a time anyway, so it is skipped.
"""

import threading

import pytest
from django.conf import settings
from django.db import connection

from tutti.workforce.models import Participant
from tutti.workforce.tests.factories import CohortFactory
from tutti.workforce.training import services
from tutti.workforce.training.selectors import waiting_list_position

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (set DATABASE_URL=postgres://…)",
    ),
]
Status = Participant.Status


def sign_up_together(cohort, people):
    """Start every sign-up at the same instant; return what each got."""
    start = threading.Barrier(len(people))
    results, errors = [], []

    def sign_up(n):
        try:
            start.wait()
            participant = services.participant_sign_up(
                cohort=cohort,
                name=f"Person {n}",
                email=f"person{n}@example.com",
                role="teacher",
                base_url="http://testserver/",
            )
            results.append(participant)
        except Exception as error:  # reported below, never lost in the thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_two_sign_ups_for_the_last_place_give_one_place_and_one_waiting():
    for _ in range(10):  # the race is real: repeat it
        cohort = CohortFactory(capacity=3)
        for n in range(2):
            services.participant_sign_up(
                cohort=cohort,
                name=f"Early {n}",
                email=f"early{n}-{cohort.pk}@example.com",
                role="parent",
                base_url="http://testserver/",
            )
        got = sign_up_together(cohort, [1, 2])
        assert sorted(p.status for p in got) == [Status.PLACE, Status.WAITING]
        assert cohort.participants.filter(status=Status.PLACE).count() == 3


def test_many_at_once_fill_the_places_exactly_and_queue_the_rest_in_order():
    cohort = CohortFactory(capacity=3)
    got = sign_up_together(cohort, range(12))
    assert sum(p.status == Status.PLACE for p in got) == 3
    waiting = [p for p in got if p.status == Status.WAITING]
    positions = sorted(waiting_list_position(p) for p in waiting)
    assert positions == list(range(1, 10))
