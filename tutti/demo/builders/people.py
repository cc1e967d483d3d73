"""People referred to the service: names, ages, homes, NHS numbers and contacts.

Names and streets come from Faker (en_GB); postcodes are real ones in the areas each
programme serves; NHS numbers come only from the range kept for testing (999 …).
"""

from datetime import timedelta

from nhs_number import calculate_checksum

from tutti.core.vocab import Circumstance as C
from tutti.people.models import Contact, StatedGender
from tutti.people.services import person_create

from .base import Demo, email_for, landline_number, mobile_number, post_town
from .places import GLASGOW

_STREET_KINDS = [
    "Road",
    "Street",
    "Close",
    "Gardens",
    "Avenue",
    "Lane",
    "Grove",
    "Place",
    "Terrace",
    "Way",
    "Crescent",
    "Mews",
    "Walk",
    "Square",
]
_BLOCK_KINDS = ["House", "Court", "Lodge", "Mansions", "Point"]

_LONDON_ETHNICITY = {
    "A": 38,
    "B": 2,
    "C": 15,
    "D": 2,
    "E": 2,
    "F": 2,
    "G": 2,
    "H": 4,
    "J": 1,
    "K": 4,
    "L": 3,
    "M": 4,
    "N": 8,
    "P": 2,
    "R": 2,
    "S": 5,
    "Z": 3,
    "99": 1,
}
_ELSEWHERE_ETHNICITY = {"A": 86, "B": 1, "C": 6, "D": 1, "F": 1, "H": 1, "J": 1, "N": 1, "Z": 2}

_LANGUAGES = {
    "Bengali": 3,
    "Turkish": 2,
    "Somali": 2,
    "Polish": 2,
    "Arabic": 2,
    "Portuguese": 2,
    "Spanish": 2,
    "Albanian": 1,
    "Tigrinya": 1,
    "British Sign Language": 1,
}
_COMMUNICATION_NEEDS = {
    C.AUTISM: [
        "Communicates best by text message",
        "Needs extra time to answer questions",
        "Mostly non-speaking; uses a communication app on a tablet",
    ],
    C.LEARNING_DIFFICULTY: ["Easy read letters, please", "Uses Makaton signs and some words"],
    C.DEVELOPMENTAL_DELAY: ["Uses Makaton signs and a few words"],
    C.DEMENTIA: ["Hard of hearing: speak clearly and face them", "Large print letters"],
    C.NEUROLOGICAL_INJURY: [
        "Aphasia after a stroke: yes/no questions work best",
        "Uses a communication board",
    ],
}
_ACCESS_NEEDS = [
    "Wheelchair user; needs step-free access",
    "Finds loud, busy rooms hard; a quiet room helps",
    "Morning sessions work best",
    "Sensory sensitivities: dimmed lights help",
    "Uses a walking frame; ground floor please",
    "Needs a carer present in sessions",
]


def nhs_number_new(demo: Demo):
    """A valid NHS number from the test range 999 000 0000 to 999 999 9999, not used before."""
    while True:
        first_nine = f"999{demo.rng.randrange(1_000_000):06d}"
        check = calculate_checksum(first_nine)
        if check is None or check == 10:  # 10 means no valid number starts with these digits
            continue
        number = f"{first_nine}{check}"
        if number not in demo.nhs_numbers:
            demo.nhs_numbers.add(number)
            return number


def date_of_birth_for(demo: Demo, age):
    """A birthday making the person `age` today."""
    today = demo.today
    try:
        birthday = today.replace(year=today.year - age)
    except ValueError:  # today is 29 February
        birthday = today.replace(year=today.year - age, day=28)
    return birthday - timedelta(days=demo.rng.randrange(0, 365))


def home_address(demo: Demo, postcode):
    """(address line 1, address line 2) that look right for the postcode's area."""
    fake, rng = demo.fake, demo.rng
    street = f"{fake.last_name()} {rng.choice(_STREET_KINDS)}"
    number = rng.randint(1, 180)
    district = postcode.split()[0]
    if district.startswith("HR") and demo.chance(0.3):
        return (
            f"{fake.last_name()} {rng.choice(['Cottage', 'Farm', 'House'])}",
            f"{rng.choice(['Church', 'Mill', 'Orchard', 'Chapel'])} Lane",
        )
    if not district.startswith("HR") and demo.chance(0.45):
        return (
            f"Flat {rng.randint(1, 60)}, {fake.last_name()} {rng.choice(_BLOCK_KINDS)}",
            f"{number} {street}",
        )
    return f"{number} {street}", ""


def person_build(demo: Demo, *, actor, age, local_authority, circumstances, home=None):
    """Create a person of `age` living in `local_authority` (or at `home`, a Site)."""
    fake, rng = demo.fake, demo.rng
    gender = demo.weighted(
        {StatedGender.FEMALE: 50, StatedGender.MALE: 46, StatedGender.NOT_KNOWN: 4}
    )
    given = {
        StatedGender.FEMALE: fake.first_name_female,
        StatedGender.MALE: fake.first_name_male,
    }.get(gender, fake.first_name)()
    family = fake.last_name()
    if home is not None:
        postcode, line_1, line_2 = home.postcode, home.name, home.address_line_1
    else:
        postcode = rng.choice(demo.postcodes[local_authority])
        line_1, line_2 = home_address(demo, postcode)
    in_london = local_authority.startswith("E09")
    adult = age >= 18

    language = "English"
    if demo.chance(0.15):
        language = demo.weighted(_LANGUAGES)
    communication = ""
    options = [text for code in circumstances for text in _COMMUNICATION_NEEDS.get(code, [])]
    if language == "British Sign Language":
        communication = "Uses BSL: book a BSL interpreter for every appointment"
    elif options and demo.chance(0.4):
        communication = rng.choice(options)
    access = rng.choice(_ACCESS_NEEDS) if demo.chance(0.15) else ""

    nhs_number = ""
    if local_authority != GLASGOW and demo.chance(0.75):  # Scotland uses CHI numbers instead
        nhs_number = nhs_number_new(demo)

    phone = email = ""
    if adult and home is None and demo.chance(0.85):
        phone = mobile_number(demo) if demo.chance(0.7) else landline_number(demo, local_authority)
    if adult and home is None and age < 80 and demo.chance(0.55):
        email = email_for(given, family, demo)

    person = person_create(
        actor=actor,
        given_name=given,
        family_name=family,
        date_of_birth=date_of_birth_for(demo, age),
        nhs_number=nhs_number,
        postcode=postcode,
        address_line_1=line_1,
        address_line_2=line_2,
        town=post_town(postcode),
        email=email,
        phone=phone,
        preferred_language=language,
        interpreter_needed=language == "British Sign Language"
        or (language != "English" and demo.chance(0.6)),
        communication_needs=communication,
        access_needs=access,
        ethnicity=demo.weighted(_LONDON_ETHNICITY if in_london else _ELSEWHERE_ETHNICITY),
        gender=gender,
    )
    return person


def contact_add(
    demo: Demo,
    person,
    *,
    relationship,
    family_name=None,
    main=False,
    parental_responsibility=False,
    local_authority="",
):
    fake = demo.fake
    given = fake.first_name()
    family = family_name or fake.last_name()
    contact = Contact(
        person=person,
        name=f"{given} {family}",
        relationship=relationship,
        phone=mobile_number(demo) if demo.chance(0.8) else landline_number(demo, local_authority),
        email=email_for(given, family, demo) if demo.chance(0.6) else "",
        is_main_contact=main,
        has_parental_responsibility=parental_responsibility,
    )
    contact.full_clean()
    contact.save()
    return contact


def contacts_build(demo: Demo, person, *, age, circumstances, local_authority, in_care_home):
    """Parents for children; carers, partners or family for adults who need them.

    Returns the main contact (or None), who often makes a family referral.
    """
    R = Contact.Relationship
    same_name = person.family_name if demo.chance(0.8) else None
    kwargs = {"local_authority": local_authority}
    if age < 18:
        main = contact_add(
            demo,
            person,
            relationship=R.PARENT,
            family_name=same_name,
            main=True,
            parental_responsibility=True,
            **kwargs,
        )
        if demo.chance(0.35):
            contact_add(
                demo,
                person,
                relationship=R.PARENT,
                family_name=same_name,
                parental_responsibility=True,
                **kwargs,
            )
        return main
    needs_support = {
        C.DEMENTIA,
        C.NEUROLOGICAL_INJURY,
        C.LEARNING_DIFFICULTY,
        C.PALLIATIVE_CARE,
    } & set(circumstances)
    if in_care_home:
        main = contact_add(
            demo, person, relationship=R.FAMILY, family_name=same_name, main=True, **kwargs
        )
        if demo.chance(0.3):
            contact_add(demo, person, relationship=R.KEY_WORKER, **kwargs)
        return main
    if needs_support and demo.chance(0.75):
        if C.LEARNING_DIFFICULTY in needs_support:
            relationship = R.PARENT if age < 40 else R.CARER
        else:
            relationship = demo.weighted({R.PARTNER: 50, R.FAMILY: 35, R.CARER: 15})
        return contact_add(
            demo, person, relationship=relationship, family_name=same_name, main=True, **kwargs
        )
    if demo.chance(0.15):
        contact_add(demo, person, relationship=R.FAMILY, family_name=same_name, **kwargs)
    return None
