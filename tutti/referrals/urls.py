from django.urls import path

from tutti.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("<str:reference>/", views.referral_detail, name="detail"),
]
