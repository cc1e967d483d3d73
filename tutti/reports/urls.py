"""Report pages at /reports/. Aggregates only; the lists behind them are for staff who may
see the records."""

from django.urls import path

from tutti.reports import analytics_views, lists, views

app_name = "reports"

urlpatterns = [
    path("impact/", views.impact, name="impact"),
    path("impact/<str:what>/", lists.figure_list, name="list"),
    path("equity/", views.equity, name="equity"),
    path("waiting/", analytics_views.waiting, name="waiting"),
    path("waiting/referrals/", analytics_views.waiting_list, name="waiting_list"),
    path("unmet-need/", analytics_views.unmet_need, name="unmet_need"),
    path("unmet-need/referrals/", analytics_views.unmet_need_list, name="unmet_need_list"),
]
