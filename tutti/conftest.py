import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_state(settings):
    # Two-step sign-in is tested on its own; elsewhere tests sign in with force_login.
    settings.TUTTI_REQUIRE_2FA = False
    cache.clear()
