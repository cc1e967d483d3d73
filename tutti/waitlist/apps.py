from django.apps import AppConfig


class WaitlistConfig(AppConfig):
    name = "tutti.waitlist"
    label = "waitlist"
    verbose_name = "Waiting lists"
