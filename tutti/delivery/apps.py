from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "tutti.delivery"
    label = "delivery"
    verbose_name = "Therapy delivery"
