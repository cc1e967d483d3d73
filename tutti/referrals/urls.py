from django.urls import include, path

from tutti.delivery.views.letters import discharge_letter_page
from tutti.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    # Specific pages first: the last pattern takes any reference.
    path("new/", include("tutti.referrals.professional.urls")),
    path("import/", include("tutti.referrals.bulk.urls")),
    path("triage/", include("tutti.referrals.triage.urls")),
    path("<str:reference>/", views.referral_detail, name="detail"),
    path("<str:reference>/discharge-letter/", discharge_letter_page, name="discharge_letter"),
]
