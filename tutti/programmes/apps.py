from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "tutti.programmes"
    label = "programmes"
    verbose_name = "Programmes"
