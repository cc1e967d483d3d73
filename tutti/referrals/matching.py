"""Who a referral is for, when they are already known: the same NHS number, or the same name,
date of birth and postcode (names compared normalised: case and spacing aside). A referral
for someone known is linked to them and flagged for a coordinator to confirm, never merged.

`find_known_person` answers for one referral (the JSON API, the forms); `known_people` for a
batch of a file's rows at once. Both look first with indexed queries in raw SQL: through the
ORM, building the queries cost more than running them, and most referrals are for someone new.
"""

from django.db import connections, router
from django.db.models import Q

from tutti.people.models import Person
from tutti.referrals.models import PersonMatch


def _clean_key(text):
    return " ".join(str(text or "").casefold().split())


def name_key(given_name, family_name, date_of_birth, postcode):
    """Who someone is when there is no NHS number: name, date of birth and postcode."""
    return (_clean_key(given_name), _clean_key(family_name), date_of_birth, postcode)


def find_known_person(
    *, nhs_number="", given_name="", family_name="", date_of_birth=None, postcode=""
):
    """The person already on record as this one, and how we know, or (None, NEW): the one
    with this NHS number, else the first (in the people's usual order) with this name, date
    of birth and postcode. One indexed query for anyone like them (most referrals are for
    someone new, and end there); the person's record is read only when one matches."""
    named = bool(given_name and family_name and date_of_birth and postcode)
    like = _people_like(nhs_number, date_of_birth if named else None, postcode)
    found = None
    if nhs_number:
        found = next((row for row in like if row[1] == nhs_number), None)
        match = PersonMatch.NHS_NUMBER
    if found is None and named:  # the name compared normalised
        wanted = name_key(given_name, family_name, date_of_birth, postcode)
        found = next((row for row in like if name_key(*row[2:]) == wanted), None)
        match = PersonMatch.NAME_DOB_POSTCODE
    person = Person.objects.filter(pk=found[0]).first() if found else None
    if person is None:
        return None, PersonMatch.NEW
    return person, match


def _people_like(nhs_number, date_of_birth, postcode):
    """(pk, NHS number, given name, family name, date of birth, postcode) of everyone with this
    NHS number, or this postcode and date of birth, in the people's usual order: one indexed
    query in raw SQL (through the ORM, building it cost more than the rest of the lookup)."""
    connection = connections[router.db_for_read(Person)]
    quote = connection.ops.quote_name
    names = ["id", "nhs_number", "given_name", "family_name", "date_of_birth", "postcode"]
    column = {name: quote(Person._meta.get_field(name).column) for name in names}
    terms, params = [], []
    if nhs_number:
        # "Not empty" as the unique index says it, so that SQLite uses that index.
        terms.append(f"({column['nhs_number']} = %s AND NOT ({column['nhs_number']} = %s))")
        params += [nhs_number, ""]
    if date_of_birth and postcode:
        terms.append(f"({column['postcode']} = %s AND {column['date_of_birth']} = %s)")
        params += [postcode, connection.ops.adapt_datefield_value(date_of_birth)]
    if not terms:
        return []
    sql = (
        f"SELECT {', '.join(column[name] for name in names)} "
        f"FROM {quote(Person._meta.db_table)} WHERE {' OR '.join(terms)} "
        f"ORDER BY {column['family_name']}, {column['given_name']}, {column['id']}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    birth = Person._meta.get_field("date_of_birth")  # SQLite gives dates back as text
    return [
        (pk, nhs, given, family, birth.to_python(born), code)
        for pk, nhs, given, family, born, code in rows
    ]


def _nhs_number_in(numbers):
    # "Not empty" as the unique index on NHS numbers says it, so that SQLite uses that index
    # (without it, SQLite reads every person to find one NHS number).
    return Q(nhs_number__in=numbers) & ~Q(nhs_number="")


def person_key(person):
    return name_key(person.given_name, person.family_name, person.date_of_birth, person.postcode)


def known_people(candidates):
    """People already stored who match any of these, by NHS number and by name key: what
    `find_known_person` answers for each, in two queries."""
    numbers = {c.nhs_number for c in candidates if c.nhs_number}
    by_nhs = {p.nhs_number: p for p in Person.objects.filter(_nhs_number_in(numbers))}
    wanted = {
        person_key(c)
        for c in candidates
        if c.given_name and c.family_name and c.date_of_birth and c.postcode
    }
    by_key = {}
    if wanted:
        first = {}
        for pk, *parts in _same_postcode_and_birth({(key[3], key[2]) for key in wanted}):
            key = name_key(*parts)
            if key in wanted:
                first.setdefault(key, pk)
        people = Person.objects.in_bulk(first.values())
        by_key = {key: people[pk] for key, pk in first.items()}
    return by_nhs, by_key


def _same_postcode_and_birth(pairs):
    """(pk, given name, family name, date of birth, postcode) of everyone with one of these
    (postcode, date of birth) pairs, in the people's usual order: one indexed query, in raw
    SQL for the pairs (`(postcode, date_of_birth) IN (VALUES …)`), which the ORM cannot say."""
    connection = connections[router.db_for_read(Person)]
    quote = connection.ops.quote_name
    names = ["id", "given_name", "family_name", "date_of_birth", "postcode"]
    column = {name: quote(Person._meta.get_field(name).column) for name in names}
    birth = Person._meta.get_field("date_of_birth")
    params = []
    for postcode, born in pairs:
        params += [postcode, connection.ops.adapt_datefield_value(born)]
    sql = (
        f"SELECT {', '.join(column[name] for name in names)} "
        f"FROM {quote(Person._meta.db_table)} "
        f"WHERE ({column['postcode']}, {column['date_of_birth']}) "
        f"IN (VALUES {', '.join(['(%s, %s)'] * len(pairs))}) "
        f"ORDER BY {column['family_name']}, {column['given_name']}, {column['id']}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # SQLite gives dates back as text.
    return [
        (pk, given, family, birth.to_python(born), code) for pk, given, family, born, code in rows
    ]
