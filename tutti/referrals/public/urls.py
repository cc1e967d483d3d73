"""Public pages at /refer/: no account needed."""

app_name = "refer"

urlpatterns = []
