"""The professional (SARF-style) referral form: one long form in five sections.

The form checks what a person can fix by looking at the page (formats, the GP practice code,
the parent or carer of a child); `referral_submit` then applies the intake rules every route
shares, and its errors are put back next to the fields here (`apply_intake_errors`).
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from tutti.core.forms import DateField, PostcodeField
from tutti.core.vocab import Circumstance, Need, Route
from tutti.geography.services import referrer_ods_code_problem
from tutti.organisations.models import Organisation
from tutti.people.models import Contact, Person, normalise_nhs_number, validate_nhs_number
from tutti.programmes.models import Programme
from tutti.referrals.models import Urgency
from tutti.referrals.professional.fields import (
    YES,
    YES_NO,
    YES_NO_NOT_KNOWN,
    answer,
    checkbox_field,
    email_field,
    phone_field,
    radio_field,
    text_field,
)

PROFESSIONAL_ROUTES = [
    (route.value, route.label)
    for route in (
        Route.GP,
        Route.LINK_WORKER,
        Route.SCHOOL,
        Route.COUNCIL,
        Route.HEALTH,
        Route.VOLUNTARY,
        Route.OTHER_PROFESSIONAL,
    )
]

# The route an organisation's staff usually refer by, to fill the form in for them.
ROUTE_FOR_KIND = {
    Organisation.Kind.GP_PRACTICE: Route.GP,
    Organisation.Kind.SCHOOL: Route.SCHOOL,
    Organisation.Kind.COUNCIL: Route.COUNCIL,
    Organisation.Kind.HOSPITAL: Route.HEALTH,
    Organisation.Kind.HOSPICE: Route.HEALTH,
    Organisation.Kind.CARE_HOME: Route.HEALTH,
    Organisation.Kind.CHARITY: Route.VOLUNTARY,
}


CARER_RELATIONSHIPS = [
    ("", "Choose one"),
    (Contact.Relationship.PARENT, "Parent"),
    (Contact.Relationship.CARER, "Carer or guardian"),
    (Contact.Relationship.FAMILY, "Other family member"),
    (Contact.Relationship.KEY_WORKER, "Social worker or key worker"),
    (Contact.Relationship.OTHER, "Someone else"),
]

LONG_TEXT = 5000

# Person fields the form shares with people.Person, so intake errors map straight back.
PERSON_FIELDS = [
    "given_name",
    "family_name",
    "date_of_birth",
    "nhs_number",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "email",
    "preferred_language",
    "interpreter_needed",
    "communication_needs",
    "access_needs",
]
# Intake error keys that are named differently on this form.
INTAKE_FIELD_NAMES = {"gp_practice_code": "ods_code", "no_other_support": "other_support"}


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, programme):
        return programme.name


class ProfessionalReferralForm(forms.Form):
    # About you
    referrer_name = text_field("Your full name", message="Enter your full name")
    referrer_role = text_field(
        "Your job title or role",
        message="Enter your job title or role",
        max_length=100,
        hint="For example, GP, social prescribing link worker, SENCO",
    )
    referrer_email = email_field(
        "Your work email address",
        message="Enter your work email address",
        hint="We send updates about the referral to this address",
    )
    referrer_phone = phone_field("Your work phone number", message="Enter your work phone number")
    referrer_organisation_name = text_field(
        "Your organisation",
        message="Enter the name of your organisation",
        hint="For example, the name of your GP practice, school or service",
    )
    route = radio_field(
        "Where do you work?",
        PROFESSIONAL_ROUTES,
        "Select where you work",
    )
    ods_code = text_field(
        "ODS code",
        required=False,
        max_length=10,
        hint="Needed for a GP practice: a letter and 5 numbers, like F83006. "
        "Optional for other organisations.",
    )

    # About the person
    given_name = text_field("First name", message="Enter the person's first name", max_length=100)
    family_name = text_field("Last name", message="Enter the person's last name", max_length=100)
    date_of_birth = DateField(
        label="Date of birth", past_only=True, help_text="For example, 27 3 2007"
    )
    nhs_number = text_field(
        "NHS number (optional)",
        required=False,
        max_length=14,
        hint="10 numbers, like 999 765 4323",
    )
    address_line_1 = text_field("Address line 1 (optional)", required=False)
    address_line_2 = text_field("Address line 2 (optional)", required=False)
    town = text_field("Town or city (optional)", required=False, max_length=100)
    postcode = PostcodeField(
        label="Postcode",
        error_messages={"required": "Enter the person's postcode, like NW1 2DB"},
        help_text="Use ZZ99 3VZ if the person has no fixed address",
    )
    phone = phone_field("The person's phone number (optional)", required=False)
    email = email_field("The person's email address (optional)", required=False)
    carer_name = text_field("Full name", required=False)
    carer_relationship = forms.ChoiceField(
        label="Relationship to the person",
        choices=CARER_RELATIONSHIPS,
        required=False,
        error_messages={"invalid_choice": "Choose a relationship from the list"},
    )
    carer_phone = phone_field("Phone number", required=False)
    carer_email = email_field("Email address (optional)", required=False)
    preferred_language = text_field(
        "Preferred language", message="Enter the person's preferred language", max_length=60
    )
    interpreter_needed = forms.BooleanField(label="Needs an interpreter", required=False)
    communication_needs = text_field(
        "Communication needs (optional)",
        required=False,
        area=True,
        max_length=LONG_TEXT,
        hint="How best to communicate with the person: easy read, Makaton, BSL, large print",
    )
    access_needs = text_field(
        "Access needs (optional)",
        required=False,
        area=True,
        max_length=LONG_TEXT,
        hint="For example, wheelchair access, a quiet room, sensory needs",
    )

    # Why you are referring
    programme = ProgrammeChoiceField(
        label="Programme (optional)",
        queryset=Programme.objects.filter(open_to_referrals=True).order_by("name"),
        to_field_name="code",
        required=False,
        empty_label="Not sure: let our team choose",
        help_text="Only programmes taking referrals now are listed",
        error_messages={
            "invalid_choice": "That programme is not taking referrals now. Choose another, "
            "or let our team choose"
        },
    )
    reason = text_field(
        "Why are you referring this person?",
        message="Tell us why you are referring this person",
        name="The reason for referring",
        area=True,
        max_length=LONG_TEXT,
        hint="What has been happening, and what you hope music therapy will help with",
    )
    needs = checkbox_field("What would the person like help with?", Need.choices)
    circumstances = checkbox_field("Which of these apply to the person?", Circumstance.choices)
    urgency = radio_field(
        "How soon does the person need support?",
        Urgency.choices,
        "Select how soon the person needs support",
    )
    lives_alone = radio_field(
        "Does the person live alone?", YES_NO_NOT_KNOWN, "Select yes, no or not known"
    )
    has_social_contact = radio_field(
        "Does the person see family, friends or a group regularly?",
        YES_NO_NOT_KNOWN,
        "Select yes, no or not known",
    )
    other_support = radio_field(
        "Are other services or support involved now?",
        YES_NO_NOT_KNOWN,
        "Select yes, no or not known",
    )
    other_services = text_field(
        "Other services involved (if any)",
        name="Other services involved",
        required=False,
        area=True,
        max_length=LONG_TEXT,
        hint="If other services are involved, name each one and a contact, for example CAMHS, "
        "a social worker, speech and language therapy",
    )

    # Risks and safeguarding
    safeguarding_now = radio_field(
        "Is there a safeguarding concern we must know about now?",
        YES_NO,
        "Select yes if there is a safeguarding concern we must know about now",
        hint="If you select yes, we mark the referral urgent and a coordinator reads it first",
    )
    risks = text_field(
        "Risks and safeguarding concerns",
        message="Tell us about any risks or safeguarding concerns, or write ‘None known’",
        area=True,
        max_length=LONG_TEXT,
        hint="Risks to the person, to others or to staff who visit them, and any safeguarding "
        "concern. Write ‘None known’ if there are none.",
    )

    # Consent
    consent_to_refer = forms.BooleanField(
        label="The person, or someone who may decide for them, agrees to this referral",
        error_messages={
            "required": "Confirm that the person, or someone who may decide for them, agrees "
            "to this referral"
        },
    )

    def clean_ods_code(self):
        return self.cleaned_data["ods_code"].strip().upper().replace(" ", "")

    def clean_nhs_number(self):
        value = normalise_nhs_number(self.cleaned_data["nhs_number"])
        if value:
            validate_nhs_number(value)
        return value

    def clean(self):
        cleaned = super().clean()
        self._check_ods_code(cleaned)
        self._check_carer(cleaned)
        if cleaned.get("other_support") == YES and not cleaned.get("other_services", "").strip():
            self.add_error("other_services", "Name the services involved now")
        self._check_person(cleaned)
        return cleaned

    def _check_ods_code(self, cleaned):
        code, route = cleaned.get("ods_code", ""), cleaned.get("route")
        if route == Route.GP and not code:
            self.add_error("ods_code", "Enter your GP practice's ODS code, a letter and 5 numbers")
        elif problem := referrer_ods_code_problem(code, route):
            self.add_error("ods_code", problem)

    def _check_carer(self, cleaned):
        born = cleaned.get("date_of_birth")
        is_child = born is not None and _age(born, date.today()) < 18
        given = any(cleaned.get(f) for f in ("carer_name", "carer_phone", "carer_email"))
        if not (is_child or given):
            return
        if not cleaned.get("carer_name", "").strip():
            self.add_error(
                "carer_name",
                "Enter the name of a parent or carer: the person is under 18"
                if is_child
                else "Enter the parent or carer's name",
            )
        if not cleaned.get("carer_relationship"):
            self.add_error("carer_relationship", "Choose how they are related to the person")
        if not (cleaned.get("carer_phone") or cleaned.get("carer_email")) and not any(
            self.has_error(f) for f in ("carer_phone", "carer_email")
        ):
            self.add_error("carer_phone", "Enter a phone number for the parent or carer")

    def _check_person(self, cleaned):
        """The same checks intake makes on a person, so a pending referral is sound."""
        details = {f: cleaned[f] for f in PERSON_FIELDS if cleaned.get(f) not in (None, "")}
        try:
            Person(**details).full_clean(validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in self.fields and not self.has_error(field):
                    for message in messages:
                        self.add_error(field, message)

    # What the form becomes

    def intake_arguments(self):
        """Keyword arguments for `referral_submit` (without channel, actor and referrer links)."""
        data = self.cleaned_data
        safeguarding_now = data["safeguarding_now"] == YES
        return {
            "person": {f: data[f] for f in PERSON_FIELDS if data.get(f) not in (None, "")},
            "programme": data["programme"],
            "route": data["route"],
            "referrer_name": data["referrer_name"].strip(),
            "referrer_role": data["referrer_role"].strip(),
            "referrer_email": data["referrer_email"],
            "referrer_phone": data["referrer_phone"].strip(),
            "referrer_organisation_name": data["referrer_organisation_name"].strip(),
            "gp_practice_code": data["ods_code"] if data["route"] == Route.GP else "",
            "reason": data["reason"].strip(),
            "needs": list(data["needs"]),
            "circumstances": list(data["circumstances"]),
            "urgency": data["urgency"],  # urgent if there is a safeguarding concern (intake)
            "lives_alone": answer(data["lives_alone"]),
            "no_regular_social_contact": _negated(answer(data["has_social_contact"])),
            "no_other_support": _negated(answer(data["other_support"])),
            "other_services": data["other_services"].strip(),
            "risks": data["risks"].strip(),
            "safeguarding_concern": safeguarding_now,
            "consent_to_refer": data["consent_to_refer"],
        }

    def carer_contact(self):
        """The parent or carer to add to the person's contacts, if one was given."""
        data = self.cleaned_data
        if not data.get("carer_name"):
            return None
        return {
            "name": data["carer_name"].strip(),
            "relationship": data["carer_relationship"],
            "phone": data["carer_phone"].strip(),
            "email": data["carer_email"],
        }

    def stored_data(self):
        """The submitted data as JSON (lists of strings, as posted), to bind the form again."""
        names = []
        for name, field in self.fields.items():
            if isinstance(field, forms.MultiValueField):
                names += [f"{name}_{i}" for i in range(len(field.fields))]
            else:
                names.append(name)
        return {name: self.data.getlist(name) for name in names if name in self.data}


def _negated(answer):
    return None if answer is None else not answer


def _age(born, on):
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def apply_intake_errors(form, error):
    """Put the ValidationError from `referral_submit` next to the form's fields."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for key, messages in error.message_dict.items():
        name = key.removeprefix("person.")
        name = INTAKE_FIELD_NAMES.get(name, name)
        field = name if name in form.fields else None
        for message in messages:
            form.add_error(field, message)
