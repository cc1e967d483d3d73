"""Form fields for the professional referral form, each with NHS.UK-style messages."""

import re

from django import forms
from django.core.exceptions import ValidationError

_PHONE = re.compile(r"[0-9 +()\-]+")

YES, NO, NOT_KNOWN = "yes", "no", "not_known"
YES_NO = [(YES, "Yes"), (NO, "No")]
YES_NO_NOT_KNOWN = [*YES_NO, (NOT_KNOWN, "Not known")]


def validate_phone(value):
    digits = re.sub(r"\D", "", value)
    if not _PHONE.fullmatch(value) or not 10 <= len(digits) <= 13:
        raise ValidationError("Enter a phone number, like 020 7946 0000 or 07700 900 982")


def text_field(
    label, *, required=True, message="", max_length=200, hint="", area=False, name="", **kwargs
):
    """`name` is what the too-long message calls the answer, if not its label."""
    name = name or label.removesuffix(" (optional)")
    errors = {"max_length": f"{name} must be {max_length:,} characters or fewer"}
    if message:
        errors["required"] = message
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=hint,
        widget=forms.Textarea if area else forms.TextInput,
        error_messages=errors,
        **kwargs,
    )


def phone_field(label, *, required=True, message=""):
    return text_field(
        label, required=required, message=message, max_length=30, validators=[validate_phone]
    )


def email_field(label, *, required=True, message="", hint=""):
    return forms.EmailField(
        label=label,
        required=required,
        max_length=254,
        help_text=hint,
        error_messages={
            "required": message,
            "invalid": "Enter an email address in the right format, like name@example.org",
            "max_length": "The email address must be 254 characters or fewer",
        },
    )


def radio_field(label, choices, message, hint=""):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        help_text=hint,
        error_messages={"required": message, "invalid_choice": message},
    )


def checkbox_field(label, choices, hint="Select all that apply"):
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=hint,
        error_messages={"invalid_choice": "Choose from the list"},
    )


def answer(value):
    """'yes' / 'no' / 'not_known' as True / False / None."""
    return {YES: True, NO: False}.get(value)
