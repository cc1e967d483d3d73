import factory

from tutti.organisations.models import Organisation, Site


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    kind = Organisation.Kind.SCHOOL
    is_partner = True


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    address_line_1 = "1 High Street"
    town = "London"
    postcode = "NW1 2DB"
