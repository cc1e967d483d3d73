"""Answering an offer at /offer/: no account. The one-time link is /offer/<token>/; the
other pages carry nothing in their address."""

from django.urls import path

from tutti.delivery.views import offer_public

app_name = "offer"

urlpatterns = [
    path("answer/", offer_public.answer, name="answer"),
    path("answered/", offer_public.answered, name="answered"),
    path("<str:token>/", offer_public.open_link, name="open"),
]
