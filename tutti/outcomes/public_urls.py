"""Answering online at /questionnaire/: no account. The one-time link is /questionnaire/<token>/;
every other page is addressed by question number only."""

from django.urls import path

from tutti.outcomes import public_views

app_name = "questionnaire"

urlpatterns = [
    path("start/", public_views.start, name="start"),
    path("question/<int:number>/", public_views.question, name="question"),
    path("check/", public_views.check, name="check"),
    path("sent/", public_views.done, name="done"),
    path("<str:token>/", public_views.open_link, name="open"),
]
