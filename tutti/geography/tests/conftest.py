from pathlib import Path

import pytest
from django.db import transaction

from tutti.geography.importer import import_geography

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "data" / "sample"


@pytest.fixture(scope="module")
def sample_geography(django_db_setup, django_db_blocker):
    """The committed sample, imported once per module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        result = import_geography(SAMPLE_DIR, progress=False)
        yield result
        transaction.set_rollback(True)
