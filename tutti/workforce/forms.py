"""Forms for therapists' records, availability, placements and supervision.

They check what a person typed; the rules that need the database (overlapping slots, a
site that is theirs, hours in a day) are the services' and come back as field errors.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from tutti.core.forms import DateField
from tutti.core.vocab import Circumstance
from tutti.organisations.models import Site
from tutti.workforce.identifiers import client_identifier_problems
from tutti.workforce.models import (
    PlacementLog,
    SupervisionRecord,
    Therapist,
    Weekday,
    WorkSetting,
)


def apply_errors(form, error: ValidationError):
    """Put a service's ValidationError next to the fields it names (or on the whole form)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


TIME_HINT = "Use the 24-hour clock, like 09:30 or 14:00"


def _time_field(label):
    return forms.TimeField(
        label=label,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        help_text=TIME_HINT,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as hours and minutes, like 09:30",
        },
    )


class RegistrationForm(forms.Form):
    hcpc_number = forms.CharField(
        label="HCPC registration number",
        max_length=10,
        required=False,
        help_text="MT followed by digits, like MT12345. Leave empty for a trainee.",
    )
    registration_expires = DateField(
        label="Registration runs until",
        required=False,
        help_text="The last day of the registration on the HCPC register, like 31 8 2027",
    )
    dbs_checked_on = DateField(label="Date of the last DBS check", required=False, past_only=True)
    supervision_every_weeks = forms.IntegerField(
        label="Supervision every (weeks) (optional)",
        required=False,
        min_value=1,
        max_value=26,
        help_text="Leave empty for the usual: every week for trainees, every 4 weeks otherwise",
        error_messages={
            "invalid": "Enter a whole number of weeks, like 4",
            "min_value": "Enter 1 week or more",
            "max_value": "Enter 26 weeks or fewer",
        },
    )

    def clean_hcpc_number(self):
        return self.cleaned_data["hcpc_number"].replace(" ", "").upper()


class ProfileForm(forms.Form):
    specialisms = forms.MultipleChoiceField(
        label="Who they specialise in working with",
        choices=[c for c in Circumstance.choices if c[0] != Circumstance.OTHER],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    work_settings = forms.MultipleChoiceField(
        label="Settings they work in",
        choices=WorkSetting.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.CharField(
        label="Languages they can work in",
        max_length=300,
        help_text="Separate them with commas, like English, Welsh, British Sign Language",
        error_messages={"required": "Enter at least one language, like English"},
    )
    sites = forms.ModelMultipleChoiceField(
        label="Sites they work at",
        queryset=Site.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    weekly_capacity = forms.IntegerField(
        label="Individual sessions a week",
        min_value=0,
        max_value=40,
        error_messages={
            "required": "Enter how many individual sessions a week, or 0",
            "invalid": "Enter a whole number, like 12",
            "min_value": "Enter 0 or more",
            "max_value": "Enter 40 or fewer",
        },
    )
    weekly_group_capacity = forms.IntegerField(
        label="Groups a week",
        min_value=0,
        max_value=20,
        error_messages={
            "required": "Enter how many groups a week, or 0",
            "invalid": "Enter a whole number, like 2",
            "min_value": "Enter 0 or more",
            "max_value": "Enter 20 or fewer",
        },
    )

    def clean_languages(self):
        parts = [p.strip() for p in self.cleaned_data["languages"].split(",")]
        languages = list(dict.fromkeys(p for p in parts if p))
        if not languages:
            raise ValidationError("Enter at least one language, like English")
        return languages


class PlacementForm(forms.Form):
    supervisor = forms.ModelChoiceField(
        label="Supervising therapist",
        queryset=Therapist.objects.filter(is_trainee=False).select_related("user"),
        error_messages={"required": "Choose the supervising therapist"},
    )
    placement_site = forms.ModelChoiceField(
        label="Placement site",
        queryset=Site.objects.filter(is_active=True),
        error_messages={"required": "Choose the placement site"},
    )
    placement_starts_on = DateField(label="Placement start date")
    placement_ends_on = DateField(label="Placement end date")
    placement_hours_target = forms.IntegerField(
        label="Placement hours needed (optional)",
        required=False,
        min_value=1,
        max_value=2000,
        help_text="The hours the course asks for, if it sets a number",
        error_messages={
            "invalid": "Enter a whole number of hours, like 500",
            "min_value": "Enter 1 hour or more",
            "max_value": "Enter 2000 hours or fewer",
        },
    )

    def __init__(self, *args, trainee=None, **kwargs):
        super().__init__(*args, **kwargs)
        if trainee is not None:
            self.fields["supervisor"].queryset = self.fields["supervisor"].queryset.exclude(
                pk=trainee.pk
            )


class AvailabilityForm(forms.Form):
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the site"},
    )
    weekday = forms.TypedChoiceField(
        label="Day",
        choices=Weekday.choices,
        coerce=int,
        error_messages={"required": "Choose the day"},
    )
    start = _time_field("Start time")
    end = _time_field("End time")
    for_groups = forms.BooleanField(label="A group can be run in this slot", required=False)

    def __init__(self, *args, therapist, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = therapist.sites.all()

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "The end time must be after the start time")
        return data


class PlacementLogForm(forms.Form):
    worked_on = DateField(label="Date", past_only=True, help_text="For example, 15 3 2027")
    hours = forms.DecimalField(
        label="Hours",
        min_value=Decimal("0.25"),
        max_value=Decimal("12"),
        max_digits=4,
        decimal_places=2,
        help_text="Like 2.5 for two and a half hours",
        error_messages={
            "required": "Enter the hours",
            "invalid": "Enter the hours as a number, like 2.5",
            "min_value": "Enter a quarter of an hour (0.25) or more",
            "max_value": "Enter 12 hours or fewer",
            "max_decimal_places": "Enter the hours to 2 decimal places at most, like 2.25",
        },
    )
    activity = forms.ChoiceField(
        label="What was it?",
        choices=PlacementLog.Activity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the hours were for"},
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=300,
        required=False,
        help_text="Do not write anything that could identify a client",
    )

    def clean_note(self):
        note = self.cleaned_data["note"]
        problems = client_identifier_problems(note)
        if problems:
            raise ValidationError(" ".join(problems))
        return note


class SupervisionForm(forms.Form):
    supervisor = forms.ModelChoiceField(
        label="Supervisor",
        queryset=Therapist.objects.filter(is_trainee=False, user__is_active=True).select_related(
            "user"
        ),
        error_messages={"required": "Choose who gave the supervision"},
    )
    kind = forms.ChoiceField(
        label="Individual or group",
        choices=SupervisionRecord.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose individual or group"},
    )
    supervisees = forms.ModelMultipleChoiceField(
        label="Who was supervised",
        queryset=Therapist.objects.filter(user__is_active=True).select_related("user"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose who was supervised"},
    )
    held_on = DateField(label="Date of supervision", past_only=True)
    minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=10,
        max_value=480,
        error_messages={
            "required": "Enter how long it was, in minutes",
            "invalid": "Enter the minutes as a whole number, like 60",
            "min_value": "Enter 10 minutes or more",
            "max_value": "Enter 480 minutes (8 hours) or fewer",
        },
    )
    topics = forms.CharField(
        label="Topics",
        widget=forms.Textarea,
        max_length=4000,
        help_text=(
            "Themes only, like 'endings with children' or 'managing a full caseload'. "
            "Never a client's name, initials, NHS number, address, postcode or date of birth."
        ),
        error_messages={"required": "Enter the topics covered"},
    )

    def clean_topics(self):
        topics = self.cleaned_data["topics"]
        problems = client_identifier_problems(topics)
        if problems:
            raise ValidationError(" ".join(problems))
        return topics


MAX_REPORT_YEARS = 10


class PeriodForm(forms.Form):
    """The period the workforce report counts hours delivered in, sent by GET."""

    date_from = DateField(label="The first day", help_text="For example, 1 4 2025")
    date_to = DateField(label="The last day", help_text="Counted in full")

    def __init__(self, data=None, *, today):
        super().__init__(data)
        self.today = today

    def clean(self):
        data = super().clean()
        first, last = data.get("date_from"), data.get("date_to")
        if first and first > self.today:
            self.add_error(
                "date_from",
                "The first day must be today or earlier: hours are counted once sessions "
                "have ended",
            )
        elif first and last:
            if last < first:
                self.add_error("date_to", "The last day must be the same as or after the first")
            elif (last - first).days > MAX_REPORT_YEARS * 366:
                self.add_error("date_to", f"Choose a period of {MAX_REPORT_YEARS} years or less")
        return data


def period_data(first, last):
    """GET data for PeriodForm: the day, month and year boxes of both dates."""
    return {
        f"{name}_{index}": str(part)
        for name, day in (("date_from", first), ("date_to", last))
        for index, part in enumerate((day.day, day.month, day.year))
    }
