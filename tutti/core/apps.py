from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tutti.core"
    label = "core"
    verbose_name = "Core"
