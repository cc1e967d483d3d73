"""Changes to people's records. django-auditlog records each change with its actor."""

from django.db import transaction

from tutti.people.models import Person


@transaction.atomic
def person_create(*, actor, **fields) -> Person:
    person = Person(**fields)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, actor, **fields) -> Person:
    for name, value in fields.items():
        setattr(person, name, value)
    person.full_clean()
    person.save()
    return person
