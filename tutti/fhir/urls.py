"""Mounted at the site root: FHIR clients post a transaction to the base URL itself, with or
without a trailing slash, so the routes carry their own /fhir/r4 prefix."""

from django.urls import path, re_path

from tutti.fhir import views
from tutti.fhir.outbound import views as outbound

app_name = "fhir"

urlpatterns = [
    re_path(r"^fhir/r4/?$", views.base, name="base"),
    path("fhir/r4/metadata", views.metadata, name="metadata"),
    path("fhir/r4/ServiceRequest", views.service_requests, name="service_requests"),
    path(
        "fhir/r4/ServiceRequest/<str:reference>",
        views.service_request,
        name="service_request",
    ),
    # Back to the referrer: outcome measures and the discharge letter (tutti.fhir.outbound)
    path(
        "fhir/r4/QuestionnaireResponse",
        outbound.questionnaire_responses,
        name="questionnaire_responses",
    ),
    path(
        "fhir/r4/QuestionnaireResponse/<str:resource_id>",
        outbound.questionnaire_response,
        name="questionnaire_response",
    ),
    path("fhir/r4/Observation", outbound.observations, name="observations"),
    path("fhir/r4/Observation/<str:resource_id>", outbound.observation, name="observation"),
    path("fhir/r4/Bundle/<str:bundle_id>", outbound.document, name="document"),
    re_path(r"^fhir/r4/(?P<rest>.+)$", views.unknown),
]
