"""The one NinjaAPI: every JSON endpoint hangs off it, OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Tutti API",
    version="1",
    description="Referrals, programmes and measures for a music therapy service.",
    urls_namespace="api",
    docs_url="/docs",
)


@api.get("/health", tags=["service"], summary="Service health", auth=None)
def health(request):
    """Answers when the service and its database are up (for load balancers)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok"}
