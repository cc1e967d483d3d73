from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "tutti.demo"
    label = "demo"
    verbose_name = "Demo data"
