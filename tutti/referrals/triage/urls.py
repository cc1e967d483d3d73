"""Joins the 'referrals' URL namespace: name each page uniquely, e.g. 'triage_...'."""

from django.urls import path

from tutti.referrals.triage import views

urlpatterns = [
    path("", views.triage_queue, name="triage_queue"),
    path("<str:reference>/", views.triage_referral, name="triage_referral"),
    path("<str:reference>/person/", views.triage_person_match, name="triage_person_match"),
]
