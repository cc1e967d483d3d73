"""Model fields shared by several apps."""

from django.db import models

from tutti.core.postcodes import normalise_postcode


class PostcodeField(models.CharField):
    """A UK postcode, stored normalised (`SW1A 1AA`) and validated by the BS 7666 rules."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 8)
        kwargs.setdefault("help_text", "A UK postcode, like SW1A 1AA")
        super().__init__(*args, **kwargs)

    def clean(self, value, model_instance):
        value = super().clean(value, model_instance)
        return normalise_postcode(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value:
            try:
                return normalise_postcode(value)
            except Exception:
                return value  # validation reports it; storage never guesses a fix
        return value
