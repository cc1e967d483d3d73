"""Joins the 'referrals' URL namespace: name each page uniquely, e.g. 'bulk_...'."""

from django.urls import path

from tutti.referrals.bulk import views

urlpatterns = [
    path("", views.bulk_upload, name="bulk_upload"),
    path("template.csv", views.bulk_template, name="bulk_template"),
    path("<int:pk>/", views.bulk_status, name="bulk_status"),
    path("<int:pk>/progress/", views.bulk_progress, name="bulk_progress"),
    path("<int:pk>/problems.csv", views.bulk_problems_csv, name="bulk_problems_csv"),
]
