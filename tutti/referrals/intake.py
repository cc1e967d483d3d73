"""Referral intake: the one way in for every route (public form, portal, file, JSON, FHIR).

`referral_submit` validates everything first, links the referral to a person already known
(flagged for a coordinator to confirm, never merged silently), checks eligibility for the
programme asked for, records the referral with its first event, and acknowledges it by email
once the transaction has committed. Nothing is stored unless all of it is valid.

`referral_check` is the checking half on its own; `referrals_record` records many checked
referrals at once (a CSV file of thousands of rows) with the same rules, its lookups and
inserts batched.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tutti.core.rows import insert_one, insert_rows, log_created, sent_together
from tutti.core.vocab import Circumstance, Need, validate_codes
from tutti.people.models import PERSON_DETAIL_FIELDS, Person, normalise_nhs_number
from tutti.people.services import person_locate
from tutti.programmes.eligibility import check_eligibility
from tutti.referrals.matching import find_known_person, known_people, person_key
from tutti.referrals.models import PersonMatch, Referral, ReferralEvent, Status, Urgency

PERSON_FIELDS = set(PERSON_DETAIL_FIELDS)


@dataclass(frozen=True)
class Submitted:
    referral: Referral
    created_person: bool
    events: tuple = ()  # the referral's events as recorded (its first, "received")


@dataclass(frozen=True)
class Checked:
    """A referral that passed every check and may be recorded."""

    candidate: Person
    details: dict
    programme: object
    fields: dict
    # The referral as checked (not saved): recording it fills in the rest rather than build
    # it again. None makes recording start afresh (as a retry after a clash does).
    draft: Referral | None = None


def _prefixed(error: ValidationError, prefix: str) -> ValidationError:
    # The errors themselves, not their text: a caller may show them without their values.
    return ValidationError(
        {f"{prefix}{field}": errors for field, errors in error.error_dict.items()}
    )


def referral_submit(
    *, person: dict, actor=None, received_at=None, programme=None, also=None, **referral_fields
) -> Submitted:
    """Validate and record a referral. Raises ValidationError naming each bad field
    (person fields as 'person.<name>'); stores nothing in that case. `also(submitted)`, if
    given, runs in the same transaction once the referral is recorded (the JSON API records
    its call there): it commits with the referral or neither is kept."""
    checked = referral_check(person=person, programme=programme, **referral_fields)
    at = received_at or timezone.now()
    try:
        with transaction.atomic(), sent_together(reserve=_NEW_ROWS):
            return _record_and(also, checked, actor, at, draft=checked.draft)
    except IntegrityError:
        # Someone recorded the same NHS number a moment ago: link to them instead.
        with transaction.atomic(), sent_together(reserve=_NEW_ROWS):
            return _record_and(also, checked, actor, at, draft=None)


# The rows a referral adds whose ids the database gives: reserved at the start, so that on
# PostgreSQL writing them waits for nothing (see tutti.core.rows.sent_together).
_NEW_ROWS = (Person, Referral, ReferralEvent)


def _record_and(also, checked, actor, at, *, draft):
    submitted = _record(checked, actor, at, draft=draft)
    if also is not None:
        also(submitted)
    return submitted


def referral_check(*, person: dict, programme=None, **referral_fields) -> Checked:
    """Every check `referral_submit` makes before it stores anything. Raises one
    ValidationError naming each bad field (person fields as 'person.<name>')."""
    if referral_fields.get("safeguarding_concern"):
        # On every route: a coordinator reads it first (the triage queue's order).
        referral_fields["urgency"] = Urgency.URGENT
    details = {k: v for k, v in person.items() if k in PERSON_FIELDS and v is not None}
    details["nhs_number"] = normalise_nhs_number(details.get("nhs_number", ""))
    candidate = Person(**details)
    errors = {}
    try:
        candidate.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors.update(_prefixed(error, "person.").error_dict)
    for field, choices, what in (
        ("needs", Need, "need"),
        ("circumstances", Circumstance, "circumstance"),
    ):
        try:
            validate_codes(list(referral_fields.get(field, [])), choices, what)
        except ValidationError as error:
            errors[field] = error.error_list
    if not referral_fields.get("consent_to_refer"):
        errors["consent_to_refer"] = [
            "The person (or someone who may decide for them) must agree to the referral."
        ]
    if programme is not None and not programme.open_to_referrals:
        errors["programme"] = [f"{programme.name} is not taking referrals at the moment."]
    # The referral's own fields (route, urgency, referrer's email, lengths), before anything
    # is stored. Related records passed in were just read, so they are not looked up again.
    now = timezone.now()
    draft = Referral(programme=programme, received_at=now, status_changed_at=now, **referral_fields)
    # Fields left at their defaults are valid by construction; only those given are checked.
    unchecked = ["person", "programme"]
    unchecked += [f for f in _RELATED_FIELDS if f in referral_fields]
    unchecked += [f for f in _OPTIONAL_FIELDS if f not in referral_fields]
    try:
        draft.full_clean(exclude=unchecked, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field, field_errors in error.error_dict.items():
            errors.setdefault(field, field_errors)
    if errors:
        raise ValidationError(errors)
    return Checked(
        candidate=candidate,
        details=details,
        programme=programme,
        fields=referral_fields,
        draft=draft,
    )


_RELATED_FIELDS = {f.name for f in Referral._meta.concrete_fields if f.is_relation}
_OPTIONAL_FIELDS = {f.name for f in Referral._meta.concrete_fields if f.blank or f.has_default()}


def _record(checked, actor, at, *, draft):
    candidate, programme, referral_fields = checked.candidate, checked.programme, checked.fields
    known, match = find_known_person(
        nhs_number=candidate.nhs_number,
        given_name=candidate.given_name,
        family_name=candidate.family_name,
        date_of_birth=candidate.date_of_birth,
        postcode=candidate.postcode,
    )
    subject = candidate if known is None else known
    # Resolved once, for the new person's record and for eligibility, and only if needed.
    place = _place(subject) if known is None or programme is not None else None
    created = []
    if known is None:
        if candidate.pk is not None:  # saved by an attempt that was rolled back
            candidate.pk, candidate._state.adding = None, True
        person_locate(candidate, place)
        created.append(insert_one(candidate))
    referral = _new_referral(
        candidate,
        checked.details,
        subject,
        match,
        at,
        programme,
        referral_fields,
        place=lambda person: place,
        rules=_ProgrammeRules(programme) if programme is not None else None,
        draft=draft,
    )
    # The fields given were checked by `referral_check` a moment ago (related records passed
    # in were just read): what recording added (reference, status, match, eligibility, the
    # snapshot of the person) is checked here. The database enforces the unique reference and
    # idempotency key (a clash is an IntegrityError the callers handle); asking it first would
    # cost two queries a referral.
    referral.full_clean(
        exclude=["person", "programme", *referral_fields],
        validate_unique=False,
        validate_constraints=False,
    )
    created.append(insert_one(referral))
    event = insert_one(ReferralEvent(referral=referral, status=Status.RECEIVED, at=at, actor=actor))
    created.append(event)
    # What auditlog writes for each created record (the actor and address from the request,
    # as auditlog's middleware gives them), the entries in one insert.
    log_created(created)
    # A referral held for review (e.g. the public form's honeypot) is not acknowledged.
    if (referral.referrer_email or subject.email) and not referral.needs_review_reason:
        from tutti.referrals.notifications import send_acknowledgement

        _queue_with(send_acknowledgement, referral.pk)
    return Submitted(referral=referral, created_person=known is None, events=(event,))


def _queue_with(task, *args):
    """Queue a task to run once this transaction has committed. Where tasks are rows in this
    same database (django-tasks-db, as in production), the row is written now, inside the
    transaction: it commits with the referral or not at all, and the worker cannot see it
    before. That is one write (and one commit) fewer than queuing it afterwards. With any
    other backend the task is queued once the transaction has committed."""
    from django.db import router
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    connection = transaction.get_connection()
    if (
        isinstance(task.get_backend(), DatabaseBackend)
        and connection.in_atomic_block
        and router.db_for_write(DBTaskResult) == connection.alias
    ):
        queue_in_database(task, args)
    else:
        transaction.on_commit(lambda: task.enqueue(*args))


def queue_in_database(task, args):
    """What django-tasks-db's `DatabaseBackend.enqueue` does (checks the task, writes its
    DBTaskResult row, sends `task_enqueued`), with the row written by `insert_one`: through
    the ORM's create() it was a sixth of a JSON API request. A test pins the row to the one
    the backend itself writes."""
    from django_tasks_db.compat import normalize_json, task_enqueued
    from django_tasks_db.models import DBTaskResult

    backend = task.get_backend()
    backend.validate_task(task)
    row = DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": args, "kwargs": {}}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after,
        backend_name=backend.alias,
    )
    insert_one(row, signals=True)  # the backend sets a default run_after on pre_save
    task_enqueued.send(type(backend), task_result=row.task_result)
    return row


def _new_referral(
    candidate,
    details,
    subject,
    match,
    at,
    programme,
    referral_fields,
    *,
    place,
    rules=None,
    draft=None,
):
    """The referral (not saved), with its eligibility for the programme asked for."""
    if draft is None:
        referral = Referral(programme=programme, **referral_fields)
    else:  # built from the same fields by `referral_check`
        referral = draft
    referral.person = subject
    referral.received_at = referral.status_changed_at = at
    referral.status = Status.RECEIVED
    referral.person_match = match
    referral.submitted_person = _snapshot(details)
    if programme is not None:
        result = check_eligibility(
            rules or programme,
            on=at.date(),
            date_of_birth=candidate.date_of_birth,
            geography=place(subject),
            gp_practice=referral.gp_practice_code,
            needs=referral.needs,
            circumstances=referral.circumstances,
        )
        referral.eligible, referral.eligibility_reasons = result.eligible, result.reasons
    return referral


def _snapshot(details):
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in details.items()}


def _place(person):
    """The person's stored geography in the shape the eligibility rules read."""
    from tutti.geography.services import resolve_postcode

    return resolve_postcode(person.postcode)


BATCH_SIZE = 500


def referrals_record(
    checked: list[Checked],
    *,
    actor=None,
    received_at=None,
    progress: Callable[[int], None] | None = None,
) -> list[Submitted]:
    """Record many referrals that passed `referral_check`, all or none, in one transaction.

    The same rules as `referral_submit` taking them one after another (each person linked to
    someone known, or to an earlier row; eligibility; the `received` event; the audit trail),
    with lookups and inserts done 500 rows at a time (postcodes in one query, rows by
    `tutti.core.rows.insert_rows`): a file of 10,000 rows takes seconds, not minutes.
    The caller queues the acknowledgements once the transaction has committed (one task for
    the lot, not one per referral). `progress(n)` is told of each batch saved.
    """
    at = received_at or timezone.now()
    places = {}
    rules = {}

    def rules_of(programme):  # what eligibility reads, looked up once per programme
        if programme is None:
            return None
        if programme.pk not in rules:
            rules[programme.pk] = _ProgrammeRules(programme)
        return rules[programme.pk]

    def place(person):  # each postcode is resolved once per file
        return places[person.postcode]

    submitted = []
    with transaction.atomic():
        for start in range(0, len(checked), BATCH_SIZE):
            batch = checked[start : start + BATCH_SIZE]
            submitted += _record_batch(batch, actor, at, places, place, rules_of)
            if progress:
                progress(len(batch))
    return submitted


class _ProgrammeRules:
    """A programme as the eligibility rules read it, with the names of the areas it serves
    read once (`Programme.local_authority_names` queries on every use), and kept briefly in
    the cache (see tutti.referrals.lookups)."""

    def __init__(self, programme):
        from tutti.referrals.lookups import local_authority_names

        self.programme = programme
        self.local_authority_names = local_authority_names(programme)

    def __getattr__(self, name):
        return getattr(self.programme, name)


def _record_batch(batch, actor, at, places, place, rules_of):
    from tutti.geography.services import resolve_postcodes

    by_nhs, by_key = known_people([item.candidate for item in batch])
    rows = []  # (item, subject, match, created)
    new_people = []
    for item in batch:
        candidate = item.candidate
        subject = by_nhs.get(candidate.nhs_number) if candidate.nhs_number else None
        match = PersonMatch.NHS_NUMBER
        if subject is None and candidate.given_name and candidate.family_name:
            subject = by_key.get(person_key(candidate))
            match = PersonMatch.NAME_DOB_POSTCODE
        created = subject is None
        if created:
            # Someone new, whom later rows in this batch can match as they would the stored.
            subject, match = candidate, PersonMatch.NEW
            new_people.append(candidate)
            if candidate.nhs_number:
                by_nhs[candidate.nhs_number] = candidate
            by_key.setdefault(person_key(candidate), candidate)
        rows.append((item, subject, match, created))
    # Every postcode this batch needs (new people's, and those of the people they match).
    needed = {subject.postcode for _, subject, _, _ in rows} - places.keys()
    places.update(resolve_postcodes(needed))
    for person in new_people:
        person_locate(person, place(person))
    insert_rows(new_people)
    referrals = [
        _new_referral(
            item.candidate,
            item.details,
            subject,
            match,
            at,
            item.programme,
            item.fields,
            place=place,
            rules=rules_of(item.programme),
            draft=item.draft,
        )
        for item, subject, match, _ in rows
    ]
    insert_rows(referrals)
    events = [
        ReferralEvent(referral=referral, status=Status.RECEIVED, at=at, actor=actor)
        for referral in referrals
    ]
    insert_rows(events)
    log_created([*new_people, *referrals, *events], actor)
    return [
        Submitted(referral=referral, created_person=created)
        for referral, (_, _, _, created) in zip(referrals, rows, strict=True)
    ]
