"""Racing two (or more) requests for real: each call runs in its own thread, with its own
database connection, released at the same moment. Used by the tests that show a row lock
keeps a rule under concurrent requests. PostgreSQL only: SQLite runs one writer at a time,
so the race cannot happen there (the same rules are tested one after the other elsewhere).
"""

import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

postgresql_only = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL (set DATABASE_URL=postgres://…)",
    ),
]


def together(*calls):
    """Run the calls at the same moment; return (results, refusals). A refusal is a
    ValidationError; anything else raised in a thread fails the test."""
    start = threading.Barrier(len(calls))
    results, refusals, crashed = [], [], []

    def run(call):
        try:
            start.wait()
            results.append(call())
        except ValidationError as refusal:
            refusals.append(refusal)
        except Exception as error:  # reported below, never lost in the thread
            crashed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not crashed, crashed
    return results, refusals
