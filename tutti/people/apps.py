from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "tutti.people"
    label = "people"
    verbose_name = "People"
