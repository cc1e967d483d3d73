"""Form fields that follow the NHS.UK design system patterns."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from tutti.core.postcodes import normalise_postcode


class DateParts(forms.MultiWidget):
    """Day, month and year boxes (the NHS.UK date input)."""

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A date typed as day, month and year, with an error that says which part is wrong."""

    widget = DateParts

    def __init__(self, *, past_only=False, **kwargs):
        self.past_only = past_only
        fields = [forms.CharField(), forms.CharField(), forms.CharField()]
        super().__init__(fields, require_all_fields=False, **kwargs)

    def clean(self, value):
        parts = [str(v or "").strip() for v in (value or ["", "", ""])]
        label = self.label or "Date"
        if not any(parts):
            if self.required:
                raise ValidationError(f"Enter {label.lower()}", code="required")
            return None
        named = zip(("day", "month", "year"), parts, strict=True)
        missing = [name for name, part in named if not part]
        if missing:
            raise ValidationError(f"{label} must include a {' and a '.join(missing)}")
        if not all(part.isdigit() for part in parts):
            raise ValidationError(f"{label} must be numbers, like 27 3 2007")
        day, month, year = (int(part) for part in parts)
        if len(parts[2]) != 4:
            raise ValidationError(f"{label}: the year must have 4 digits, like 2007")
        try:
            result = date(year, month, day)
        except ValueError:
            raise ValidationError(f"{label} must be a real date") from None
        if self.past_only and result > date.today():
            raise ValidationError(f"{label} must be in the past")
        if result.year < 1900:
            raise ValidationError(f"{label} must be after 1900")
        return result

    def compress(self, data_list):  # clean() does the work
        return data_list


class PostcodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalise_postcode(value) if value else value
