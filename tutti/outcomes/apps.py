from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "tutti.outcomes"
    label = "outcomes"
    verbose_name = "Outcome measures and feedback"
    default_auto_field = "django.db.models.BigAutoField"
