"""The charity, its partner organisations and sites, GP practices, referrers and funders.

Names are made up. Postcodes are real (so geography lookups resolve), addresses are not.
"""

from django.conf import settings

from tutti.organisations.models import Organisation, Site

from .base import Demo, landline_number

CAMDEN = "E09000007"
ISLINGTON = "E09000019"
HEREFORDSHIRE = "E06000019"
GLASGOW = "S12000049"

Kind = Organisation.Kind


def organisation_create(demo: Demo, key, *, name, kind, local_authority="", **fields):
    organisation = Organisation(name=name, kind=kind, **fields)
    if not organisation.phone and kind != Kind.FUNDER:
        organisation.phone = landline_number(demo, local_authority)
    organisation.full_clean()
    organisation.save()
    demo.organisations[key] = organisation
    return organisation


def site_create(demo: Demo, key, *, organisation, local_authority, **fields):
    site = Site(organisation=organisation, **fields)
    site.full_clean()
    site.save()
    demo.site_authorities[key] = local_authority
    demo.sites[key] = site
    return site


def build_service(demo: Demo):
    """The charity itself and its own centre in Islington."""
    service = organisation_create(
        demo,
        "service",
        name=settings.TUTTI_ORGANISATION_NAME,
        kind=Kind.SERVICE,
        email="hello@demo.tutti.invalid",
        local_authority=ISLINGTON,
    )
    site_create(
        demo,
        "centre",
        organisation=service,
        local_authority=ISLINGTON,
        name="Tutti Music Therapy Centre, Holloway",
        address_line_1="Parkhurst Studios",
        address_line_2="38 Parkhurst Road",
        town="London",
        postcode="N7 0PZ",
        rooms=5,
        accessibility_notes=(
            "Step-free entrance from Parkhurst Road and a lift to every floor. Hearing loop in "
            "the main studio, an accessible toilet and a quiet room. Holloway Road station is "
            "5 minutes away; buses 17, 43 and 271 stop outside."
        ),
    )
    return service


# key, organisation name, kind, site name, address lines, town, postcode, LA, rooms, access notes
_PARTNERS = [
    (
        "school",
        "Wyebridge Primary School",
        Kind.SCHOOL,
        "Wyebridge Primary School",
        ("Kings Acre Road", ""),
        "Hereford",
        "HR4 0ES",
        HEREFORDSHIRE,
        1,
        "Music room on the ground floor next to the sensory room. Sign in at the office.",
    ),
    (
        "care_home",
        "Heathfield House Care Home",
        Kind.CARE_HOME,
        "Heathfield House",
        ("41 Cranley Gardens", "Muswell Hill"),
        "London",
        "N10 3TS",
        "E09000014",
        1,
        "Sessions in the garden lounge. Step-free throughout; hoist available.",
    ),
    (
        "hospital",
        "Archway Neurological Rehabilitation Hospital",
        Kind.HOSPITAL,
        "Linden Ward neuro-rehabilitation unit",
        ("Archway Neurological Rehabilitation Hospital", "Dartmouth Park Hill"),
        "London",
        "N19 5GS",
        ISLINGTON,
        2,
        "Ward-based sessions at the bedside or in the therapy room on level 2. "
        "Lift from the main entrance.",
    ),
    (
        "hospice",
        "St Columba's Hospice",
        Kind.HOSPICE,
        "St Columba's Hospice",
        ("12 Frognal Rise", "Hampstead"),
        "London",
        "NW3 6TX",
        CAMDEN,
        1,
        "Sessions on the in-patient unit, in the day hospice or at home. Parking on site.",
    ),
    (
        "community",
        "Agar Grove Community Centre",
        Kind.COMMUNITY,
        "Agar Grove Community Centre",
        ("Agar Grove", "Camden Town"),
        "London",
        "NW1 0PP",
        CAMDEN,
        2,
        "Main hall and a small recording studio. Step-free entrance; accessible toilet. "
        "Camden Road station is 4 minutes away.",
    ),
    (
        "glasgow",
        "Southside Community Music Hub",
        Kind.COMMUNITY,
        "Southside Music Hub",
        ("99 Allison Street", "Govanhill"),
        "Glasgow",
        "G42 8NN",
        GLASGOW,
        1,
        "Ground-floor studio with step-free access. Buses along Victoria Road stop nearby.",
    ),
]


def build_partners(demo: Demo):
    """Partner organisations that host sessions, each with one site."""
    for key, org_name, kind, site_name, (
        line_1,
        line_2,
    ), town, postcode, authority, rooms, access in _PARTNERS:
        organisation = organisation_create(
            demo,
            key,
            name=org_name,
            kind=kind,
            is_partner=True,
            email=f"{key.replace('_', '')}@example.org",
            local_authority=authority,
        )
        site_create(
            demo,
            key,
            organisation=organisation,
            local_authority=authority,
            name=site_name,
            address_line_1=line_1,
            address_line_2=line_2,
            town=town,
            postcode=postcode,
            rooms=rooms,
            accessibility_notes=access,
            nation=Site.Nation.SCOTLAND if authority == GLASGOW else Site.Nation.ENGLAND,
        )


# Made-up practices with ODS-style codes (F83… is the North Central London pattern); none of
# these codes belongs to a real practice in the NHS ODS file of December 2023.
_GP_PRACTICES = [
    ("Chalcot Road Surgery", "F83091", CAMDEN),
    ("Kentish Town Health Partnership", "F83092", CAMDEN),
    ("West End Green Practice", "F83093", CAMDEN),
    ("Holloway Medical Group", "F83094", ISLINGTON),
    ("Wye Valley Surgery", "M81901", HEREFORDSHIRE),
]


def build_gp_practices(demo: Demo):
    for name, ods_code, authority in _GP_PRACTICES:
        practice = organisation_create(
            demo,
            f"gp:{ods_code}",
            name=name,
            kind=Kind.GP_PRACTICE,
            ods_code=ods_code,
            local_authority=authority,
        )
        demo.gp_practices.append((practice, authority))


def camden_gp_codes(demo: Demo):
    return [practice.ods_code for practice, authority in demo.gp_practices if authority == CAMDEN]


def build_referrers_and_funders(demo: Demo):
    """Other bodies that refer people or pay for programmes."""
    organisation_create(
        demo,
        "council",
        name="Camden Council Children and Families",
        kind=Kind.COUNCIL,
        local_authority=CAMDEN,
    )
    organisation_create(
        demo,
        "carers",
        name="North London Carers Network",
        kind=Kind.CHARITY,
        local_authority=ISLINGTON,
        email="referrals@example.org",
    )
    organisation_create(
        demo,
        "funder",
        name="The Fleetwood Foundation",
        kind=Kind.FUNDER,
        email="grants@example.org",
    )
    organisation_create(
        demo,
        "funder_marches",
        name="Marches Community Foundation",
        kind=Kind.FUNDER,
        email="hello@example.net",
    )


def build_places(demo: Demo):
    build_service(demo)
    build_partners(demo)
    build_gp_practices(demo)
    build_referrers_and_funders(demo)
