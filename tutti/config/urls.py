from django.contrib import admin
from django.urls import include, path

from tutti.config.api import api
from tutti.directory.api import urls as oruk_urls

admin.site.site_header = "Tutti back office"
admin.site.site_title = "Tutti back office"

urlpatterns = [
    path("", include("tutti.core.urls")),
    path("account/", include("tutti.accounts.urls")),
    path("people/", include("tutti.people.urls")),
    path("referrals/", include("tutti.referrals.urls")),
    path("refer/professional/", include("tutti.referrals.professional.public_urls")),
    path("refer/", include("tutti.referrals.public.urls")),
    path("waiting-lists/", include("tutti.waitlist.urls")),
    path("delivery/", include("tutti.delivery.urls")),
    path("workforce/", include("tutti.workforce.urls")),
    path("courses/", include("tutti.workforce.public_urls")),
    path("outcomes/", include("tutti.outcomes.urls")),
    path("questionnaire/", include("tutti.outcomes.public_urls")),
    path("offer/", include("tutti.delivery.public_urls")),
    path("reports/", include("tutti.reports.urls")),
    path("services/", include("tutti.directory.urls")),
    path("back-office/", admin.site.urls),
    path("api/v1/", api.urls),
    path("api/oruk/", oruk_urls),
    path("", include("tutti.fhir.urls")),  # /fhir/r4/…
]

handler403 = "tutti.core.views.permission_denied"
handler404 = "tutti.core.views.page_not_found"
handler500 = "tutti.core.views.server_error"
