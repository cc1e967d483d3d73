from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Pages a signed-in but not yet verified user may still reach.
_OPEN_PREFIXES = ("/static/", "/account/two-factor/", "/account/sign-out/")


class RequireTwoFactorMiddleware:
    """When TUTTI_REQUIRE_2FA is on, a signed-in user must pass TOTP before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.TUTTI_REQUIRE_2FA
            and user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_OPEN_PREFIXES)
        ):
            return redirect(reverse("accounts:two_factor") + "?next=" + request.path)
        return self.get_response(request)
