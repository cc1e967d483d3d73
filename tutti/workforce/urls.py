"""Staff pages at /workforce/: therapists' records, supervision, QA, reports and courses."""

from django.urls import path

from tutti.workforce import views
from tutti.workforce.training import views as training

app_name = "workforce"

urlpatterns = [
    path("me/", views.my_record, name="my_record"),
    path("caseload/", views.caseload, name="caseload"),
    path("therapists/<int:pk>/", views.therapist_detail, name="therapist"),
    path("therapists/<int:pk>/registration/", views.registration_edit, name="registration_edit"),
    path("therapists/<int:pk>/details/", views.profile_edit, name="profile_edit"),
    path("therapists/<int:pk>/placement/", views.placement_edit, name="placement_edit"),
    path(
        "therapists/<int:pk>/availability/new/",
        views.availability_add,
        name="availability_add",
    ),
    path(
        "therapists/<int:pk>/availability/<int:slot>/remove/",
        views.availability_remove,
        name="availability_remove",
    ),
    path(
        "therapists/<int:pk>/placement-hours/new/",
        views.placement_log_add,
        name="placement_log_add",
    ),
    path("supervision/", views.supervision_list, name="supervision_list"),
    path("supervision/new/", views.supervision_new, name="supervision_new"),
    path("quality/", views.quality, name="quality"),
    path("reports/", views.report, name="reports"),
    # Training courses, managed by coordinators and administrators
    path("courses/", training.course_list, name="courses"),
    path("courses/new/", training.course_new, name="course_new"),
    path("courses/<int:pk>/edit/", training.course_edit, name="course_edit"),
    path("courses/<int:course_pk>/cohorts/new/", training.cohort_new, name="cohort_new"),
    path("cohorts/<int:pk>/", training.cohort_detail, name="cohort"),
    path("cohorts/<int:pk>/edit/", training.cohort_edit, name="cohort_edit"),
    path("cohorts/<int:cohort_pk>/sessions/new/", training.session_new, name="session_new"),
    path("sessions/<int:pk>/register/", training.register, name="register"),
    path("participants/<int:pk>/cancel/", training.participant_cancel, name="participant_cancel"),
    path("participants/<int:pk>/certificate/", training.certificate, name="certificate"),
]
