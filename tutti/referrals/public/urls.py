"""Public pages at /refer/: no account needed."""

from django.urls import path

from tutti.referrals.public import views

app_name = "refer"

urlpatterns = [
    path("", views.start, name="start"),
    path("check/", views.check, name="check"),
    path("service/", views.service, name="service"),
    path("sent/", views.sent, name="sent"),
    path("<slug:slug>/", views.question, name="question"),
]
