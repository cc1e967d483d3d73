"""One small form per question of the public referral form.

Each form takes `words` (see wording.Words) so its labels and error messages speak to the person
filling it in: "Enter your first name" for someone asking for themselves, "Enter their first
name" for a parent or carer. Error messages follow the NHS.UK style: say what to do.
"""

import re

from django import forms
from django.core.exceptions import ValidationError

from tutti.core.forms import DateField, PostcodeField
from tutti.core.vocab import Circumstance, Need
from tutti.referrals.public.wording import (
    BEST_WAY,
    NONE_OF_THESE,
    NOT_SURE,
    WHO_FOR_LABELS,
    YES_NO,
    Words,
)

PHONE_CHARACTERS = re.compile(r"^[0-9+()\- ]+$")


def _length(limit, what):
    return {"max_length": f"{what} must be {limit} characters or fewer"}


def clean_phone(value):
    value = " ".join(value.split())
    if not value:
        return value
    digits = re.sub(r"\D", "", value)
    if not PHONE_CHARACTERS.match(value) or not 10 <= len(digits) <= 15:
        raise ValidationError(
            "Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
        )
    return value


class StepForm(forms.Form):
    def __init__(self, *args, words: Words, **kwargs):
        self.words = words
        super().__init__(*args, **kwargs)
        self.word_fields(words)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                # A choice not on the page (an old or altered form): ask for one that is.
                required = field.error_messages["required"]
                field.error_messages["invalid_choice"] = (
                    required if field.required else "Select one of the options"
                )

    def word_fields(self, words):
        """Set labels and messages that depend on whom the form is about."""


class WhoForForm(StepForm):
    who = forms.ChoiceField(
        label="Who needs music therapy?",
        choices=list(WHO_FOR_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Select who needs music therapy"},
    )


class YourNameForm(StepForm):
    name = forms.CharField(
        label="What is your name?",
        max_length=200,
        error_messages={"required": "Enter your name", **_length(200, "Your name")},
    )


class ContactFields(StepForm):
    """Email and phone; at least one when nobody else is the contact."""

    email = forms.EmailField(
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            **_length(254, "Email address"),
        },
    )
    phone = forms.CharField(required=False, max_length=30, error_messages=_length(30, "Phone"))
    contact_required = True

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean(self):
        data = super().clean()
        email, phone = data.get("email"), data.get("phone")
        if "email" in self.errors or "phone" in self.errors:
            return data
        best = data.get("best_way")
        if self.contact_required and not email and not phone:
            self.add_error(
                "email",
                self.words.fill(
                    "Enter an email address or a phone number, so we can contact {them}"
                ),
            )
        elif best == "email" and not email:
            self.add_error("email", "Enter an email address, or choose another way to contact")
        elif best in ("phone", "text") and not phone:
            self.add_error("phone", "Enter a phone number, or choose another way to contact")
        return data


class YourContactForm(ContactFields):
    best_way = forms.ChoiceField(
        required=False, choices=list(BEST_WAY.items()), widget=forms.RadioSelect
    )

    def __init__(self, *args, words, **kwargs):
        super().__init__(*args, words=Words(is_self=True), **kwargs)

    def word_fields(self, words):
        self.fields["email"].label = "Email address"
        self.fields["phone"].label = "Phone number"
        self.fields["best_way"].label = "What is the best way to contact you? (optional)"


class NameForm(StepForm):
    given_name = forms.CharField(max_length=100, label="First name")
    family_name = forms.CharField(max_length=100, label="Last name")
    preferred_name = forms.CharField(max_length=100, required=False)

    def word_fields(self, words):
        fields = self.fields
        fields["given_name"].error_messages.update(
            required=words.fill("Enter {your} first name"), **_length(100, "First name")
        )
        fields["family_name"].error_messages.update(
            required=words.fill("Enter {your} last name"), **_length(100, "Last name")
        )
        fields["preferred_name"].label = words.fill("Name {you} like to be called (optional)")
        fields["preferred_name"].help_text = words.fill("If it is not {your} first name")
        fields["preferred_name"].error_messages.update(_length(100, "The name"))


class DateOfBirthForm(StepForm):
    date_of_birth = DateField(past_only=True)

    def word_fields(self, words):
        self.fields["date_of_birth"].label = words.fill("{Your} date of birth")
        self.fields["date_of_birth"].help_text = "For example, 15 3 1984"


class PostcodeForm(StepForm):
    postcode = PostcodeField(required=False, label="Postcode")
    no_fixed_address = forms.BooleanField(required=False)

    def word_fields(self, words):
        self.fields["postcode"].help_text = "For example, LS1 1BA"
        self.fields["no_fixed_address"].label = words.fill("{You} do not have a fixed address")
        if words.is_self:
            self.fields["no_fixed_address"].label = "I do not have a fixed address"

    def clean(self):
        data = super().clean()
        if "postcode" in self.errors:
            return data
        postcode, no_address = data.get("postcode"), data.get("no_fixed_address")
        if postcode and no_address:
            self.add_error(
                "postcode",
                "You entered a postcode and said there is no fixed address. "
                "Delete the postcode, or untick the box",
            )
        elif not postcode and not no_address:
            self.add_error(
                "postcode",
                self.words.fill(
                    "Enter {your} postcode, or tick the box if {you} do not have a fixed address"
                ),
            )
        return data


class ContactForm(ContactFields):
    """How to contact the person: needed when they asked themselves, optional otherwise."""

    best_way = forms.ChoiceField(
        required=False, choices=list(BEST_WAY.items()), widget=forms.RadioSelect
    )

    def word_fields(self, words):
        self.contact_required = words.is_self
        suffix = "" if words.is_self else " (optional)"
        self.fields["email"].label = "Email address" + suffix
        self.fields["phone"].label = "Phone number" + suffix
        self.fields["best_way"].label = words.fill(
            "What is the best way to contact {them}? (optional)"
        )


class _ChoicesWithExclusive(StepForm):
    """Checkboxes with one 'none of these' style answer that cannot go with the others."""

    field_name = ""
    exclusive = ""
    exclusive_label = ""

    def clean(self):
        data = super().clean()
        chosen = data.get(self.field_name) or []
        if self.exclusive in chosen and len(chosen) > 1:
            self.add_error(
                self.field_name,
                f"You chose '{self.exclusive_label}' and other answers. "
                f"Untick '{self.exclusive_label}', or untick the others",
            )
        return data

    def chosen_codes(self):
        return [c for c in self.cleaned_data[self.field_name] if c != self.exclusive]


class NeedsForm(_ChoicesWithExclusive):
    field_name, exclusive, exclusive_label = "needs", NOT_SURE, "Not sure"
    needs = forms.MultipleChoiceField(
        choices=[*Need.choices, (NOT_SURE, "Not sure")], widget=forms.CheckboxSelectMultiple
    )

    def word_fields(self, words):
        self.fields["needs"].error_messages["required"] = words.fill(
            "Select what {you} would like help with, or select 'Not sure'"
        )


class CircumstancesForm(_ChoicesWithExclusive):
    field_name, exclusive, exclusive_label = "circumstances", NONE_OF_THESE, "None of these"
    circumstances = forms.MultipleChoiceField(
        choices=[*Circumstance.choices, (NONE_OF_THESE, "None of these")],
        widget=forms.CheckboxSelectMultiple,
    )

    def word_fields(self, words):
        self.fields["circumstances"].error_messages["required"] = words.fill(
            "Select any that apply to {them}, or select 'None of these'"
        )


class LivesAloneForm(StepForm):
    lives_alone = forms.ChoiceField(
        choices=[*YES_NO.items(), ("prefer_not", "I would rather not say")],
        widget=forms.RadioSelect,
    )

    def word_fields(self, words):
        self.fields["lives_alone"].error_messages["required"] = words.fill(
            "Select whether {you} live alone"
        )


class SocialContactForm(StepForm):
    sees_people = forms.ChoiceField(choices=list(YES_NO.items()), widget=forms.RadioSelect)

    def word_fields(self, words):
        self.fields["sees_people"].error_messages["required"] = words.fill(
            "Select whether {you} see or talk to other people most weeks"
        )


class OtherSupportForm(StepForm):
    other_support = forms.ChoiceField(
        choices=[*YES_NO.items(), (NOT_SURE, "Not sure")], widget=forms.RadioSelect
    )
    which = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        label="If yes, which services? (optional)",
        error_messages=_length(2000, "The services"),
    )

    def word_fields(self, words):
        self.fields["other_support"].error_messages["required"] = words.fill(
            "Select whether {you} get help from another service now"
        )

    def clean(self):
        data = super().clean()
        if data.get("other_support") != "yes":
            data["which"] = ""  # typed, then 'No' chosen: the answer is No
        return data


class TakingPartForm(StepForm):
    preferred_language = forms.CharField(
        required=False, max_length=60, error_messages=_length(60, "The language")
    )
    interpreter_needed = forms.BooleanField(required=False)
    communication_needs = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages=_length(2000, "This answer"),
    )
    access_needs = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        error_messages=_length(2000, "This answer"),
    )

    def word_fields(self, words):
        f = self.fields
        f["preferred_language"].label = words.fill(
            "Which language would {you} like to use? (optional)"
        )
        f["preferred_language"].help_text = "For example, English, Polish or British Sign Language"
        f["interpreter_needed"].label = words.fill("{You} need an interpreter")
        if words.is_self:
            f["interpreter_needed"].label = "I need an interpreter"
        f["communication_needs"].label = words.fill(
            "What would make talking with {them} easier? (optional)"
        )
        f["communication_needs"].help_text = (
            "For example, easy read letters, large print, Makaton, extra time, "
            "or someone they trust being there"
        )
        f["access_needs"].label = words.fill(
            "What would help {them} get to and join in sessions? (optional)"
        )
        f[
            "access_needs"
        ].help_text = (
            "For example, step-free access, a quiet room, dimmed lights, or a certain time of day"
        )


class AnythingElseForm(StepForm):
    reason = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        label="Anything else you would like to tell us (optional)",
        error_messages=_length(5000, "This answer"),
    )


class ServiceForm(StepForm):
    """Keep or drop the service chosen before starting (from a link in the service directory)."""

    keep = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No, let the team choose the right service")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether to ask for this service"},
    )


class SendForm(StepForm):
    """The consent statement on the check-your-answers page."""

    consent_basis = forms.ChoiceField(
        required=False,
        choices=[
            ("they_agree", "They know about this request and agree to it"),
            ("i_decide", "I can decide for them"),
        ],
        widget=forms.RadioSelect,
    )
    decide_because = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        label="If you can decide for them, tell us why",
        help_text=(
            "For example: they are my child; I have lasting power of attorney for their health "
            "and welfare; or they cannot decide for themselves and this is in their best interests"
        ),
        error_messages=_length(1000, "This answer"),
    )
    consent = forms.BooleanField(
        error_messages={"required": "To send the request, tick the box to say you agree"},
    )

    def word_fields(self, words):
        if words.is_self:
            del self.fields["consent_basis"], self.fields["decide_because"]
        self.fields["consent"].label = words.fill(
            "I agree that the music therapy team can use these details "
            "to decide whether music therapy is right for {them} and to arrange it"
        )

    def clean(self):
        data = super().clean()
        if self.words.is_self:
            return data
        basis = data.get("consent_basis")
        if not basis:
            self.add_error(
                "consent_basis", "Select whether they agree, or whether you can decide for them"
            )
        elif basis == "i_decide" and not data.get("decide_because", "").strip():
            self.add_error("decide_because", "Tell us why you can decide for them")
        if basis != "i_decide":
            data["decide_because"] = ""
        return data

    def consent_statement(self):
        """The consent given, in words a coordinator can read back to the person."""
        if self.words.is_self:
            return "The person asked for music therapy themselves and agreed to the referral."
        if self.cleaned_data["consent_basis"] == "they_agree":
            return "The person knows about this request and agrees to it."
        return f"The person who asked can decide for them: {self.cleaned_data['decide_because']}"
