"""Which role may open which workforce page. Records are scoped in selectors.py."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from tutti.accounts.roles import Role

COURSE_MANAGERS = (Role.ADMINISTRATOR, Role.COORDINATOR)
CLINICAL_LEADS = (Role.SUPERVISOR,)
REPORT_READERS = (Role.ADMINISTRATOR, Role.COORDINATOR, Role.SUPERVISOR)
THERAPISTS = (Role.THERAPIST, Role.SUPERVISOR)


def role_required(*roles):
    """Signed in, with one of these roles; anyone else gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.has_role(*roles):
                raise PermissionDenied("Your role does not give you access to this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
