from django import forms
from django.core.exceptions import ValidationError

from tutti.core.postcodes import normalise_postcode
from tutti.core.vocab import Circumstance, Need
from tutti.geography.services import FOUND, PSEUDO, resolve_postcode


class SearchForm(forms.Form):
    """Find services near a postcode, for a need, for a circumstance: each part optional."""

    postcode = forms.CharField(
        label="Postcode",
        required=False,
        max_length=12,
        help_text="Where the person lives, to show the nearest services first. "
        "For example, NW1 2DB",
        error_messages={"max_length": "Enter a UK postcode, like NW1 2DB."},
    )
    need = forms.ChoiceField(
        label="What would you like help with?",
        required=False,
        choices=[("", "Anything")] + Need.choices,
        error_messages={"invalid_choice": "Choose something from the list."},
    )
    circumstance = forms.ChoiceField(
        label="Who is it for?",
        required=False,
        choices=[("", "Anyone")] + Circumstance.choices,
        help_text="For example, someone with autism or dementia",
        error_messages={"invalid_choice": "Choose someone from the list."},
    )

    def clean_postcode(self):
        """The postcode's geography, or None when no postcode was given."""
        text = self.cleaned_data["postcode"].strip()
        if not text:
            return None
        postcode = normalise_postcode(text)  # its ValidationError says what is wrong
        geography = resolve_postcode(postcode)
        if geography.status == PSEUDO:
            raise ValidationError(
                f"{postcode} is not the postcode of an address. Enter the postcode of where "
                "the person lives, like NW1 2DB."
            )
        if geography.status != FOUND:
            raise ValidationError(
                f"We could not find {postcode}. Check it and enter it again, or leave it "
                "empty to see every service."
            )
        if geography.lat is None or geography.long is None:
            raise ValidationError(
                f"We do not know where {postcode} is on a map. Try a postcode nearby, or "
                "leave it empty to see every service."
            )
        return geography
