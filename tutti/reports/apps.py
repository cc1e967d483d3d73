from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tutti.reports"
    label = "reports"
    verbose_name = "Impact and equity reports"
    default_auto_field = "django.db.models.BigAutoField"
