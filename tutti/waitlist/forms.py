from django import forms

from tutti.core.vocab import Need, Route
from tutti.waitlist.models import PriorityPolicy
from tutti.waitlist.selectors import AGE_BANDS, Filters


class FilterForm(forms.Form):
    """Filters are not personal data, so they may sit in the address (GET)."""

    age_band = forms.ChoiceField(
        label="Age",
        required=False,
        choices=[("", "Any age"), *[(code, label) for code, label, _, _ in AGE_BANDS]],
    )
    imd_quintile = forms.TypedChoiceField(
        label="Deprivation of home area",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", "Any"),
            (1, "Quintile 1 (most deprived 20%)"),
            (2, "Quintile 2"),
            (3, "Quintile 3"),
            (4, "Quintile 4"),
            (5, "Quintile 5 (least deprived 20%)"),
        ],
    )
    need = forms.ChoiceField(
        label="Need", required=False, choices=[("", "Any need"), *Need.choices]
    )
    route = forms.ChoiceField(
        label="Referred by", required=False, choices=[("", "Any route"), *Route.choices]
    )
    min_weeks = forms.IntegerField(
        label="Waited at least (weeks)",
        required=False,
        min_value=0,
        max_value=520,
        error_messages={
            "min_value": "Enter 0 or more weeks",
            "invalid": "Enter a whole number of weeks, like 18",
        },
    )
    sort = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[("priority", "Highest priority first"), ("wait", "Longest wait first")],
    )

    def filters(self):
        if not self.is_valid():
            return Filters()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return Filters(**data)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = PriorityPolicy
        fields = [
            "urgency",
            "isolation",
            "no_other_support",
            "deprivation",
            "priority_circumstances",
            "waiting",
        ]
        labels = {
            "urgency": "Urgency and risk",
            "isolation": "Isolation (lives alone, no regular social contact)",
            "no_other_support": "No other service involved",
            "deprivation": "Deprivation of the home area",
            "priority_circumstances": "Circumstances the programme puts first",
            "waiting": "Time waited (for every 4 weeks)",
        }
        help_texts = {name: "A weight from 0 to 100" for name in fields}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(
                {
                    "required": "Enter a weight from 0 to 100",
                    "invalid": "Enter a number, like 2 or 2.5",
                    "min_value": "The weight must be 0 or more",
                    "max_value": "The weight must be 100 or less",
                    "max_decimal_places": "Use at most 2 decimal places",
                    "max_digits": "Enter a weight from 0 to 100",
                }
            )
