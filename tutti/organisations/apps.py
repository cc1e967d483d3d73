from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "tutti.organisations"
    label = "organisations"
    verbose_name = "Organisations"
