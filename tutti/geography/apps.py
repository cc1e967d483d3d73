from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "tutti.geography"
    label = "geography"
    verbose_name = "Geography and deprivation"
