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
from datetime import UTC, date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower, Trim
from django.utils import timezone

from tutti.core.vocab import Circumstance, Need, validate_codes
from tutti.people.models import PERSON_DETAIL_FIELDS, Person, normalise_nhs_number
from tutti.people.services import person_locate
from tutti.programmes.eligibility import check_eligibility
from tutti.referrals.models import PersonMatch, Referral, ReferralEvent, Status

PERSON_FIELDS = set(PERSON_DETAIL_FIELDS)


@dataclass(frozen=True)
class Submitted:
    referral: Referral
    created_person: bool


@dataclass(frozen=True)
class Checked:
    """A referral that passed every check and may be recorded."""

    candidate: Person
    details: dict
    programme: object
    fields: dict


def _prefixed(error: ValidationError, prefix: str) -> ValidationError:
    # The errors themselves, not their text: a caller may show them without their values.
    return ValidationError(
        {f"{prefix}{field}": errors for field, errors in error.error_dict.items()}
    )


def _clean_key(text):
    return " ".join(str(text or "").casefold().split())


def _name_key(given_name, family_name, date_of_birth, postcode):
    """Who someone is when there is no NHS number: name, date of birth and postcode."""
    return (_clean_key(given_name), _clean_key(family_name), date_of_birth, postcode)


def find_known_person(
    *, nhs_number="", given_name="", family_name="", date_of_birth=None, postcode=""
):
    """The person already on record as this one, and how we know, or (None, NEW)."""
    if nhs_number:
        person = Person.objects.filter(nhs_number=nhs_number).first()
        if person:
            return person, PersonMatch.NHS_NUMBER
    if given_name and family_name and date_of_birth and postcode:
        candidates = Person.objects.filter(
            date_of_birth=date_of_birth,
            postcode=postcode,
            family_name__iexact=family_name.strip(),
        )
        wanted = _name_key(given_name, family_name, date_of_birth, postcode)
        for person in candidates:
            if _person_key(person) == wanted:
                return person, PersonMatch.NAME_DOB_POSTCODE
    return None, PersonMatch.NEW


def _person_key(person):
    return _name_key(person.given_name, person.family_name, person.date_of_birth, person.postcode)


def referral_submit(
    *, person: dict, actor=None, received_at=None, programme=None, **referral_fields
) -> Submitted:
    """Validate and record a referral. Raises ValidationError naming each bad field
    (person fields as 'person.<name>'); stores nothing in that case."""
    checked = referral_check(person=person, programme=programme, **referral_fields)
    candidate, details = checked.candidate, checked.details
    at = received_at or timezone.now()
    try:
        with transaction.atomic():
            return _record(candidate, details, actor, at, programme, referral_fields)
    except IntegrityError:
        # Someone recorded the same NHS number a moment ago: link to them instead.
        with transaction.atomic():
            return _record(candidate, details, actor, at, programme, referral_fields)


def referral_check(*, person: dict, programme=None, **referral_fields) -> Checked:
    """Every check `referral_submit` makes before it stores anything. Raises one
    ValidationError naming each bad field (person fields as 'person.<name>')."""
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
        candidate=candidate, details=details, programme=programme, fields=referral_fields
    )


_RELATED_FIELDS = {f.name for f in Referral._meta.concrete_fields if f.is_relation}
_OPTIONAL_FIELDS = {f.name for f in Referral._meta.concrete_fields if f.blank or f.has_default()}


def _record(candidate, details, actor, at, programme, referral_fields):
    known, match = find_known_person(
        nhs_number=candidate.nhs_number,
        given_name=candidate.given_name,
        family_name=candidate.family_name,
        date_of_birth=candidate.date_of_birth,
        postcode=candidate.postcode,
    )
    if known is None:
        person_locate(candidate)
        candidate.save()
        subject = candidate
    else:
        subject = known
    referral = _new_referral(
        candidate, details, subject, match, at, programme, referral_fields, place=_place
    )
    # The database enforces the unique reference and idempotency key (a clash is an
    # IntegrityError the callers handle); asking it first would cost two queries a referral.
    referral.full_clean(exclude=["person"], validate_unique=False, validate_constraints=False)
    referral.save()
    ReferralEvent.objects.create(referral=referral, status=Status.RECEIVED, at=at, actor=actor)
    # A referral held for review (e.g. the public form's honeypot) is not acknowledged.
    if (referral.referrer_email or subject.email) and not referral.needs_review_reason:
        from tutti.referrals.notifications import send_acknowledgement

        transaction.on_commit(lambda: send_acknowledgement.enqueue(referral.pk))
    return Submitted(referral=referral, created_person=known is None)


def _new_referral(
    candidate, details, subject, match, at, programme, referral_fields, *, place, rules=None
):
    """The referral (not saved), with its eligibility for the programme asked for."""
    referral = Referral(
        person=subject,
        programme=programme,
        received_at=at,
        status_changed_at=at,
        status=Status.RECEIVED,
        person_match=match,
        submitted_person=_snapshot(details),
        **referral_fields,
    )
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
    with lookups and inserts done 500 rows at a time: a file of 10,000 rows takes seconds,
    not minutes. The caller queues the acknowledgements once the transaction has committed
    (one task for the lot, not one per referral). `progress(n)` is told of each batch saved.
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
        if person.postcode not in places:
            places[person.postcode] = _place(person)
        return places[person.postcode]

    submitted = []
    with transaction.atomic():
        for start in range(0, len(checked), BATCH_SIZE):
            batch = checked[start : start + BATCH_SIZE]
            submitted += _record_batch(batch, actor, at, place, rules_of)
            if progress:
                progress(len(batch))
    return submitted


class _ProgrammeRules:
    """A programme as the eligibility rules read it, with the names of the areas it serves
    read once (`Programme.local_authority_names` queries on every use)."""

    def __init__(self, programme):
        self.programme = programme
        self.local_authority_names = programme.local_authority_names

    def __getattr__(self, name):
        return getattr(self.programme, name)


def _record_batch(batch, actor, at, place, rules_of):
    by_nhs, by_key = _known_people([item.candidate for item in batch])
    rows = []  # (item, subject, match, created)
    new_people = []
    for item in batch:
        candidate = item.candidate
        subject = by_nhs.get(candidate.nhs_number) if candidate.nhs_number else None
        match = PersonMatch.NHS_NUMBER
        if subject is None and candidate.given_name and candidate.family_name:
            subject = by_key.get(_person_key(candidate))
            match = PersonMatch.NAME_DOB_POSTCODE
        created = subject is None
        if created:
            # Someone new, whom later rows in this batch can match as they would the stored.
            subject, match = candidate, PersonMatch.NEW
            person_locate(candidate)
            new_people.append(candidate)
            if candidate.nhs_number:
                by_nhs[candidate.nhs_number] = candidate
            by_key.setdefault(_person_key(candidate), candidate)
        rows.append((item, subject, match, created))
    Person.objects.bulk_create(new_people)
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
        )
        for item, subject, match, _ in rows
    ]
    Referral.objects.bulk_create(referrals)
    events = [
        ReferralEvent(referral=referral, status=Status.RECEIVED, at=at, actor=actor)
        for referral in referrals
    ]
    ReferralEvent.objects.bulk_create(events)
    _log_created([*new_people, *referrals, *events], actor)
    return [
        Submitted(referral=referral, created_person=created)
        for referral, (_, _, _, created) in zip(referrals, rows, strict=True)
    ]


def _known_people(candidates):
    """People already stored who match any of these, by NHS number and by name key: what
    `find_known_person` answers for each, in two queries."""
    numbers = {c.nhs_number for c in candidates if c.nhs_number}
    by_nhs = {p.nhs_number: p for p in Person.objects.filter(nhs_number__in=numbers)}
    wanted = {
        _person_key(c)
        for c in candidates
        if c.given_name and c.family_name and c.date_of_birth and c.postcode
    }
    by_key = {}
    if wanted:
        people = (
            Person.objects.annotate(family_lower=Lower(Trim("family_name")))
            .filter(
                family_lower__in={key[1] for key in wanted},
                date_of_birth__in={key[2] for key in wanted},
                postcode__in={key[3] for key in wanted},
            )
            .order_by(*Person._meta.ordering, "pk")
        )
        for person in people:
            key = _person_key(person)
            if key in wanted:
                by_key.setdefault(key, person)
    return by_nhs, by_key


def _log_created(objects, actor):
    """The audit entries django-auditlog writes on each create, for rows bulk-inserted
    (bulk inserts send no signals): the same changes, actor and content type."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    plans = {}
    entries = []
    for obj in objects:
        model = type(obj)
        if model not in plans:
            plans[model] = (ContentType.objects.get_for_model(model), _diff_plan(model))
        content_type, plan = plans[model]
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(obj.pk),
                object_id=obj.pk,
                object_repr=str(obj),
                action=LogEntry.Action.CREATE,
                changes=plan(obj),
                actor=actor,
                actor_email=getattr(actor, "email", None),
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)


def _diff_plan(model):
    """A function giving what auditlog's `model_instance_diff(None, obj)` gives for a new row,
    about ten times faster: a file of 10,000 rows makes 30,000 audit entries. A test pins the
    two to the same answer. Models with auditlog field options use auditlog's own diff."""
    import json

    from auditlog.diff import model_instance_diff
    from auditlog.registry import auditlog
    from django.conf import settings
    from django.db.models import DateTimeField, JSONField
    from django.utils.encoding import smart_str

    options = auditlog.get_model_fields(model)
    names = [f.name for f in model._meta.concrete_fields]
    if (
        any(options[key] for key in ("include_fields", "exclude_fields", "mask_fields"))
        or settings.AUDITLOG_STORE_JSON_CHANGES
        or settings.AUDITLOG_USE_FK_STRING_REPRESENTATION
    ):
        return lambda obj: model_instance_diff(None, obj, fields_to_check=names)
    steps = []
    for field in model._meta.concrete_fields:
        if isinstance(field, DateTimeField):
            steps.append((field.name, field.attname, "datetime", None))
        elif isinstance(field, JSONField):
            steps.append((field.name, field.attname, "json", field.encoder))
        elif field.is_relation:
            steps.append((field.name, field.attname, "relation", None))
        else:
            steps.append((field.name, field.attname, "plain", None))

    def changes(obj):
        diff = {}
        for name, attname, kind, encoder in steps:
            value = getattr(obj, attname)
            if kind == "plain":
                text = smart_str(value)
                if text != "None":
                    diff[name] = ("None", text)
            elif kind == "json":
                diff[name] = ("None", json.dumps(value, sort_keys=True, cls=encoder))
            elif kind == "datetime" and value is not None and not timezone.is_naive(value):
                diff[name] = ("None", smart_str(timezone.make_naive(value, UTC)))
            else:  # auditlog lists an empty relation or date as ("None", "None")
                diff[name] = ("None", smart_str(value))
        return diff or None

    return changes
