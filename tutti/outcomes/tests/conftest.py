import pytest

from tutti.outcomes.library import library_load


@pytest.fixture(autouse=True)
def _measure_library(request):
    """The library comes from a data migration; tests that flush the database (browser tests)
    lose it, so it is loaded again wherever a test uses the database."""
    marker = request.node.get_closest_marker("django_db")
    transactional = "transactional_db" in request.fixturenames or "live_server" in (
        request.fixturenames
    )
    if marker is None and not transactional:
        return
    if transactional or marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    from tutti.outcomes.models import Measure

    if not Measure.objects.exists():
        library_load()
