from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "tutti.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self):
        from tutti.referrals import lookups

        lookups.connect()
