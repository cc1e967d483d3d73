import rules

from tutti.people.selectors import people_visible_to


@rules.predicate
def can_see_person(user, person):
    if person is None:
        return False
    return people_visible_to(user).filter(pk=person.pk).exists()


rules.add_perm("people.view_person_record", can_see_person)
