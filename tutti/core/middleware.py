from auditlog.middleware import AuditlogMiddleware as _AuditlogMiddleware
from django.http import JsonResponse

from tutti.core.audit import client_ip

MAX_API_BODY = 1024 * 1024  # 1 MB: a referral is a few kilobytes


class ApiBodyLimitMiddleware:
    """Refuse an oversized API body with a 413 in the API's error shape, before reading it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(("/api/", "/fhir/")):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > MAX_API_BODY:
                if request.path.startswith("/fhir/"):  # FHIR's error shape
                    return JsonResponse(
                        {
                            "resourceType": "OperationOutcome",
                            "issue": [
                                {
                                    "severity": "error",
                                    "code": "too-costly",
                                    "diagnostics": "The request body is over 1 MB.",
                                }
                            ],
                        },
                        status=413,
                        content_type="application/fhir+json",
                    )
                return JsonResponse(
                    {"errors": [{"field": None, "message": "The request body is over 1 MB."}]},
                    status=413,
                )
        return self.get_response(request)


class AuditlogMiddleware(_AuditlogMiddleware):
    """django-auditlog's middleware, reading the address the way the rest of Tutti does:
    X-Forwarded-For only as far as PROXY_COUNT trusted proxies vouch for it."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)
