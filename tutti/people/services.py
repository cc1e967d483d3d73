"""Changes to people's records. django-auditlog records each change with its actor."""

from django.db import transaction

from tutti.people.models import GeographyStatus, Person


@transaction.atomic
def person_create(*, actor, **fields) -> Person:
    person = Person(**fields)
    person.full_clean()
    person_locate(person)
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, actor, **fields) -> Person:
    old_postcode = Person.objects.filter(pk=person.pk).values_list("postcode", flat=True).first()
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean()
    if person.postcode != old_postcode or person.geography_status == GeographyStatus.NOT_CHECKED:
        person_locate(person)
    person.save()
    return person


def person_locate(person: Person, place=None) -> Person:
    """Fill the person's area, deprivation and rurality from their postcode (not saved here).

    A postcode missing from the lookup is recorded as 'not found': nothing is guessed.
    `place` is the postcode's geography when the caller has already resolved it.
    """
    from tutti.geography.services import resolve_postcode

    if place is None:
        place = resolve_postcode(person.postcode)
    person.geography_status = {
        "found": GeographyStatus.FOUND,
        "pseudo": GeographyStatus.PSEUDO,
    }.get(place.status, GeographyStatus.NOT_FOUND)
    person.lsoa_code = place.lsoa_code or ""
    person.local_authority_code = place.local_authority_code or ""
    person.local_authority_name = place.local_authority_name or ""
    person.imd_decile = place.imd_decile
    person.imd_quintile = place.imd_quintile
    person.imd_index = place.imd_index or ""
    person.rural_urban_code = place.rural_urban_code or ""
    person.is_rural = place.is_rural
    return person
