"""Staff pages at /outcomes/. Records are addressed by id only."""

from django.urls import path

from tutti.outcomes import feedback, views

app_name = "outcomes"

urlpatterns = [
    path("", views.due, name="due"),
    path("measures/", views.library, name="library"),
    path("feedback/", feedback.feedback, name="feedback"),
    path("people/<int:pk>/", views.person_outcomes, name="person"),
    path("people/<int:pk>/plan/", views.plan, name="plan"),
    path("people/<int:pk>/record/", views.record, name="record"),
    path("responses/<int:pk>/", views.response_detail, name="response"),
    path("responses/<int:pk>/enter/", views.enter, name="enter"),
    path("responses/<int:pk>/link/", views.link_create, name="link"),
    path("responses/<int:pk>/fhir/", views.response_fhir, name="fhir"),
    path("responses/<int:pk>/risk-seen/", views.risk_seen, name="risk_seen"),
    path("responses/<int:pk>/cancel/", views.cancel, name="cancel"),
]
