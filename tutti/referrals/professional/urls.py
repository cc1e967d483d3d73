"""Joins the 'referrals' URL namespace: name each page uniquely, e.g. 'professional_...'."""

from django.urls import path

from tutti.referrals.professional import views

urlpatterns = [
    path("", views.professional_new, name="professional_new"),
    path("sent/", views.professional_sent, name="professional_sent"),
]
