from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "tutti.workforce"
    label = "workforce"
    verbose_name = "Workforce"
