import factory

from tutti.programmes.models import Programme


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"PROG-{n}")
    name = factory.Sequence(lambda n: f"Programme {n}")
    description = "Music therapy in small groups."
    delivery_mode = Programme.DeliveryMode.GROUP
    setting = Programme.Setting.COMMUNITY
