from django.urls import path

from tutti.waitlist import views

app_name = "waitlist"

urlpatterns = [
    path("", views.index, name="index"),
    path("referral/<str:reference>/", views.why_here, name="why_here"),
    path("<str:code>/", views.programme_list, name="programme"),
    path("<str:code>/export.csv", views.programme_export, name="export"),
    path("<str:code>/policy/", views.policy_edit, name="policy"),
    path("<str:code>/allocate/", views.allocate, name="allocate"),
]
