import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from nhs_number import is_valid as nhs_number_is_valid

from tutti.core.fields import PostcodeField


def normalise_nhs_number(value):
    return re.sub(r"[\s-]", "", str(value or ""))


def validate_nhs_number(value):
    digits = normalise_nhs_number(value)
    if not digits.isdigit() or len(digits) != 10:
        raise ValidationError(
            "An NHS number is 10 digits, like 999 765 4323.", code="nhs_number_format"
        )
    if not nhs_number_is_valid(digits):
        raise ValidationError(
            "This is not a valid NHS number: its last digit (the check digit) does not match. "
            "Check it against a letter from the NHS or the GP.",
            code="nhs_number_check_digit",
        )


def validate_not_future(value):
    if value and value > date.today():
        raise ValidationError("Date of birth must be in the past.", code="future")


class EthnicCategory(models.TextChoices):
    """NHS Data Dictionary ETHNIC CATEGORY (2001 census based codes)."""

    A = "A", "White: British"
    B = "B", "White: Irish"
    C = "C", "White: any other White background"
    D = "D", "Mixed: White and Black Caribbean"
    E = "E", "Mixed: White and Black African"
    F = "F", "Mixed: White and Asian"
    G = "G", "Mixed: any other mixed background"
    H = "H", "Asian or Asian British: Indian"
    J = "J", "Asian or Asian British: Pakistani"
    K = "K", "Asian or Asian British: Bangladeshi"
    L = "L", "Asian or Asian British: any other Asian background"
    M = "M", "Black or Black British: Caribbean"
    N = "N", "Black or Black British: African"
    P = "P", "Black or Black British: any other Black background"
    R = "R", "Other ethnic groups: Chinese"
    S = "S", "Other ethnic groups: any other ethnic group"
    Z = "Z", "Not stated"
    X = "99", "Not known"


class StatedGender(models.TextChoices):
    """NHS Data Dictionary PERSON STATED GENDER CODE."""

    MALE = "1", "Male"
    FEMALE = "2", "Female"
    INDETERMINATE = "9", "Indeterminate (unable to be classified as male or female)"
    NOT_KNOWN = "X", "Not known"


# What a referral may tell us about a person: every route's person details, and what a new
# record is made from when a coordinator says a matched referral is for someone else.
PERSON_DETAIL_FIELDS = (
    "given_name",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "nhs_number",
    "postcode",
    "address_line_1",
    "address_line_2",
    "town",
    "email",
    "phone",
    "preferred_language",
    "interpreter_needed",
    "communication_needs",
    "access_needs",
    "ethnicity",
    "gender",
)


class GeographyStatus(models.TextChoices):
    NOT_CHECKED = "not_checked", "Not checked yet"
    FOUND = "found", "Found"
    NOT_FOUND = "not_found", "Not found in the postcode lookup"
    PSEUDO = "pseudo", "NHS pseudo-postcode (no fixed abode or not known)"


class Person(models.Model):
    """Someone referred to music therapy. One person, many referrals over time."""

    is_person_record = True  # the audit trail gathers this person's access events

    given_name = models.CharField("first name", max_length=100)
    family_name = models.CharField("last name", max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(validators=[validate_not_future])
    nhs_number = models.CharField(
        "NHS number",
        max_length=10,
        blank=True,
        validators=[validate_nhs_number],
        help_text="Optional. 10 digits, like 999 765 4323",
    )
    postcode = PostcodeField()
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    preferred_language = models.CharField(max_length=60, blank=True, default="English")
    interpreter_needed = models.BooleanField(default=False)
    communication_needs = models.TextField(
        blank=True, help_text="How best to communicate: easy read, Makaton, BSL, large print…"
    )
    access_needs = models.TextField(blank=True, help_text="Wheelchair, quiet room, sensory needs…")
    # Where the postcode places the person, filled from the geography lookup on every change
    # of postcode. Plain codes, not foreign keys: the lookup tables are replaced on import.
    geography_status = models.CharField(
        max_length=12, choices=GeographyStatus.choices, default=GeographyStatus.NOT_CHECKED
    )
    lsoa_code = models.CharField("LSOA", max_length=9, blank=True)
    local_authority_code = models.CharField(max_length=9, blank=True, db_index=True)
    local_authority_name = models.CharField(max_length=100, blank=True)
    imd_decile = models.PositiveSmallIntegerField("IMD decile", null=True, blank=True)
    imd_quintile = models.PositiveSmallIntegerField("IMD quintile", null=True, blank=True)
    imd_index = models.CharField("deprivation index used", max_length=30, blank=True)
    rural_urban_code = models.CharField(max_length=2, blank=True)
    is_rural = models.BooleanField(null=True, blank=True)
    ethnicity = models.CharField(max_length=2, choices=EthnicCategory.choices, blank=True)
    gender = models.CharField(max_length=1, choices=StatedGender.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "people"
        ordering = ["family_name", "given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["nhs_number"],
                condition=~models.Q(nhs_number=""),
                name="person_nhs_number_unique",
                violation_error_message="Someone with this NHS number is already recorded.",
            )
        ]
        indexes = [
            models.Index(fields=["family_name", "date_of_birth"]),
            # Finding someone already known: same date of birth and postcode, then the name.
            models.Index(fields=["postcode", "date_of_birth"]),
        ]

    def clean(self):
        self.nhs_number = normalise_nhs_number(self.nhs_number)

    def __str__(self):
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self):
        return str(self)

    def age_on(self, day):
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def audit_related(self):
        """Records whose history belongs to this person's trail."""
        referrals = list(self.referrals.all())
        events = [event for referral in referrals for event in referral.events.all()]
        offers = [offer for referral in referrals for offer in referral.offers.all()]
        episodes = list(self.episodes.all())
        delivery = [
            *(m for e in episodes for m in e.memberships.all()),
            *(a for e in episodes for a in e.attendances.all()),
            *(t for e in episodes for t in e.review_tasks.all()),
        ]
        return [
            *self.contacts.all(),
            *referrals,
            *events,
            *offers,
            *episodes,
            *delivery,
            *self.outcome_responses.all(),
        ]


class Contact(models.Model):
    """A family member, carer or other contact for a person."""

    class Relationship(models.TextChoices):
        PARENT = "parent", "Parent"
        CARER = "carer", "Carer"
        PARTNER = "partner", "Partner or spouse"
        FAMILY = "family", "Other family member"
        KEY_WORKER = "key_worker", "Key worker or social worker"
        OTHER = "other", "Other"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    is_main_contact = models.BooleanField(default=False)
    has_parental_responsibility = models.BooleanField(default=False)

    def __str__(self):
        return f"{self.name} ({self.get_relationship_display()})"


# Every create, update and delete is recorded with its actor and address (django-auditlog).
from auditlog.registry import auditlog  # noqa: E402

for _model in (
    Person,
    Contact,
):
    auditlog.register(_model)
