"""The public professional referral form at /refer/professional/: no account needed.

The emailed link carries only its one-time token; nothing personal is ever in a URL.
"""

from django.urls import path

from tutti.referrals.professional import views

app_name = "refer_professional"

urlpatterns = [
    path("", views.public_form, name="form"),
    path("check-your-email/", views.public_check_email, name="check_email"),
    path("confirm/<str:token>/", views.public_confirm, name="confirm"),
    path("sent/", views.public_sent, name="sent"),
]
