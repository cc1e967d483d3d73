from django import forms

from tutti.core.forms import DateField, PostcodeField
from tutti.people.models import EthnicCategory, Person, StatedGender, validate_nhs_number


class PersonForm(forms.ModelForm):
    date_of_birth = DateField(
        label="Date of birth", past_only=True, help_text="For example, 27 3 2007"
    )
    postcode = PostcodeField(
        label="Postcode",
        error_messages={"required": "Enter a postcode, like SW1A 1AA"},
        help_text="Use ZZ99 3VZ if the person has no fixed address",
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        max_length=14,
        help_text="10 digits, like 999 765 4323",
    )
    ethnicity = forms.ChoiceField(
        label="Ethnic group (optional)",
        required=False,
        choices=[("", "Not recorded"), *EthnicCategory.choices],
    )
    gender = forms.ChoiceField(
        label="Gender (optional)",
        required=False,
        choices=[("", "Not recorded"), *StatedGender.choices],
    )

    class Meta:
        model = Person
        fields = [
            "given_name",
            "family_name",
            "preferred_name",
            "date_of_birth",
            "nhs_number",
            "address_line_1",
            "address_line_2",
            "town",
            "postcode",
            "email",
            "phone",
            "preferred_language",
            "interpreter_needed",
            "communication_needs",
            "access_needs",
            "ethnicity",
            "gender",
        ]
        error_messages = {
            "given_name": {"required": "Enter a first name"},
            "family_name": {"required": "Enter a last name"},
            "email": {"invalid": "Enter an email address like name@example.org"},
        }

    def clean_nhs_number(self):
        value = self.cleaned_data["nhs_number"].replace(" ", "").replace("-", "")
        if value:
            validate_nhs_number(value)
        return value

    def clean(self):
        cleaned = super().clean()
        nhs = cleaned.get("nhs_number")
        if nhs:
            clash = Person.objects.filter(nhs_number=nhs).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error(
                    "nhs_number",
                    "Someone else already has this NHS number. Check the number, or ask a "
                    "coordinator to look for a duplicate record.",
                )
        return cleaned
