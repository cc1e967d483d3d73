import pytest
from django.core.cache import cache

# The real-browser fixtures, for any test that asks for them.
from tutti.core.tests.browser import browser, page, strict_page  # noqa: F401


@pytest.fixture(autouse=True)
def _fresh_state(settings):
    # Two-step sign-in is tested on its own; elsewhere tests sign in with force_login.
    settings.TUTTI_REQUIRE_2FA = False
    cache.clear()
