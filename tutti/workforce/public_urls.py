"""Public course sign-up at /courses/: no account needed. The cancel link carries only its
one-time token; nothing personal is ever in a URL."""

from django.urls import path

from tutti.workforce.training import public_views as views

app_name = "courses"

urlpatterns = [
    path("", views.open_courses, name="list"),
    path("<int:pk>/sign-up/", views.sign_up, name="sign_up"),
    path("signed-up/", views.signed_up, name="signed_up"),
    path("cancel/<str:token>/", views.cancel, name="cancel"),
    path("cancelled/", views.cancelled, name="cancelled"),
]
