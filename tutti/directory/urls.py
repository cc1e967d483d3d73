"""Public directory pages at /services/: no account needed."""

from django.urls import path

from tutti.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.services, name="list"),
    path("<str:code>/", views.service, name="detail"),
]
