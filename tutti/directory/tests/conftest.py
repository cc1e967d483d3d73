from dataclasses import dataclass

import pytest

from tutti.core.vocab import Circumstance as C
from tutti.core.vocab import Need as N
from tutti.geography.models import LocalAuthority, Postcode
from tutti.organisations.models import Organisation
from tutti.organisations.tests.factories import OrganisationFactory, SiteFactory
from tutti.programmes.models import Programme
from tutti.programmes.tests.factories import ProgrammeFactory

CAMDEN = "E09000007"
ISLINGTON = "E09000019"
HEREFORDSHIRE = "E06000019"

# Positions from the committed geography sample (ONS NSPL, May 2025).
POSTCODES = {
    "NW1 2DB": (51.52998, -0.12698, CAMDEN),
    "NW1 0PP": (51.53592, -0.13006, CAMDEN),
    "N7 0PZ": (51.55731, -0.13509, ISLINGTON),
    "HR4 0ES": (52.06170, -2.73408, HEREFORDSHIRE),
    "AB11 3AG": (None, None, None),  # in the lookup, but with no position
}


@pytest.fixture
def geography(db):
    """A few postcodes and their local authorities, as import_geography would load them."""
    for code, name, region in [
        (CAMDEN, "Camden", "London"),
        (ISLINGTON, "Islington", "London"),
        (HEREFORDSHIRE, "Herefordshire, County of", "West Midlands"),
    ]:
        LocalAuthority.objects.create(code=code, name=name, region_name=region, nation="England")
    for postcode, (lat, long, la) in POSTCODES.items():
        Postcode.objects.create(postcode=postcode, lat=lat, long=long, local_authority_id=la)


@dataclass
class Directory:
    service: Organisation
    community: Organisation
    young: Programme  # Camden, group, at a community centre in NW1
    centre: Programme  # Camden and Islington, one-to-one, at the service's centre in N7
    schools: Programme  # Herefordshire
    online: Programme  # no site
    closed: Programme


@pytest.fixture
def directory(geography):
    service = OrganisationFactory(
        name="Tutti Music Therapy",
        kind=Organisation.Kind.SERVICE,
        is_partner=False,
        email="hello@tutti.example",
    )
    centre_site = SiteFactory(
        organisation=service,
        name="Holloway centre",
        address_line_1="38 Parkhurst Road",
        town="London",
        postcode="N7 0PZ",
        accessibility_notes="Step-free entrance and a lift to every floor.",
    )
    community = OrganisationFactory(
        name="Agar Grove Community Centre", kind=Organisation.Kind.COMMUNITY, ods_code=""
    )
    community_site = SiteFactory(
        organisation=community,
        name="Agar Grove Community Centre",
        address_line_1="Agar Grove",
        address_line_2="Camden Town",
        town="London",
        postcode="NW1 0PP",
        accessibility_notes="Step-free entrance; accessible toilet.",
    )
    school = OrganisationFactory(name="Wyebridge Primary School", kind=Organisation.Kind.SCHOOL)
    school_site = SiteFactory(
        organisation=school, name="Wyebridge Primary School", town="Hereford", postcode="HR4 0ES"
    )
    young = ProgrammeFactory(
        code="CAMDEN-16-24",
        name="Camden Young Voices",
        description="Songwriting and recording for young people aged 16 to 24 in Camden.",
        delivery_mode=Programme.DeliveryMode.GROUP,
        setting=Programme.Setting.COMMUNITY,
        session_minutes=90,
        min_age=16,
        max_age=24,
        local_authorities=[CAMDEN],
        gp_practices=["F83091"],
        needs=[N.SELF_EXPRESSION, N.CONFIDENCE],
        circumstances=[C.MENTAL_HEALTH, C.SOCIAL_ISOLATION],
    )
    young.sites.set([community_site])
    centre = ProgrammeFactory(
        code="CENTRE-INDIVIDUAL",
        name="Individual music therapy at the Holloway centre",
        delivery_mode=Programme.DeliveryMode.INDIVIDUAL,
        setting=Programme.Setting.CENTRE,
        local_authorities=[CAMDEN, ISLINGTON],
        needs=[N.COMMUNICATION, N.EMOTIONAL_WELLBEING],
        circumstances=[C.AUTISM, C.LEARNING_DIFFICULTY],
    )
    centre.sites.set([centre_site])
    schools = ProgrammeFactory(
        code="HEREFORD-SCHOOLS",
        name="Music therapy in Herefordshire primary schools",
        delivery_mode=Programme.DeliveryMode.INDIVIDUAL,
        setting=Programme.Setting.SCHOOL,
        min_age=4,
        max_age=11,
        local_authorities=[HEREFORDSHIRE],
        needs=[N.COMMUNICATION],
        circumstances=[C.AUTISM],
    )
    schools.sites.set([school_site])
    online = ProgrammeFactory(
        code="ONLINE-ADULTS",
        name="Online music therapy for adults",
        delivery_mode=Programme.DeliveryMode.INDIVIDUAL,
        setting=Programme.Setting.REMOTE,
        min_age=18,
        needs=[N.EMOTIONAL_WELLBEING],
        circumstances=[C.DEMENTIA],
    )
    closed = ProgrammeFactory(
        code="CLOSED-CHOIR", name="A choir that has closed", open_to_referrals=False
    )
    closed.sites.set([community_site])
    return Directory(
        service=service,
        community=community,
        young=young,
        centre=centre,
        schools=schools,
        online=online,
        closed=closed,
    )
