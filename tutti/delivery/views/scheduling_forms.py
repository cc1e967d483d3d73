"""Forms for groups, closures, community events and booking sessions. They check what was
typed; the rules that need the database (places, clashes, closed days) are the services'
and come back as field errors through `apply_errors`."""

from django import forms
from django.core.exceptions import ValidationError

from tutti.core.forms import DateField
from tutti.delivery.models import Room, Session
from tutti.delivery.services.calendar import aware
from tutti.organisations.models import Site
from tutti.programmes.models import Programme
from tutti.workforce.models import Therapist, Weekday

TIME_HINT = "Use the 24-hour clock, like 09:30 or 14:00"


def apply_errors(form, error: ValidationError, *, rename=None):
    """Put a service's ValidationError next to the fields it names (or on the whole form)."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            name = rename.get(name, name)
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def time_field(label, *, required=True, help_text=TIME_HINT):
    return forms.TimeField(
        label=label,
        required=required,
        input_formats=["%H:%M", "%H.%M", "%H%M"],
        widget=forms.TimeInput(format="%H:%M"),
        help_text=help_text,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as hours and minutes, like 09:30",
        },
    )


def whole_number(label, *, low, high, required=True, help_text="", example="6"):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=low,
        max_value=high,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {label.lower()}",
            "invalid": f"Enter a whole number, like {example}",
            "min_value": f"Enter {low} or more",
            "max_value": f"Enter {high} or fewer",
        },
    )


class TherapistChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, therapist):
        return str(therapist)


class RoomChoice(forms.ModelChoiceField):
    def label_from_instance(self, room):
        return f"{room.name} ({room.site})"


def _therapists():
    return (
        Therapist.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
    )


def _rooms():
    return Room.objects.filter(is_active=True).select_related("site").order_by("site__name", "name")


class GroupForm(forms.Form):
    programme = forms.ModelChoiceField(
        label="Programme",
        queryset=Programme.objects.none(),
        empty_label="Choose a programme",
        error_messages={"required": "Choose the programme the group belongs to"},
    )
    name = forms.CharField(
        label="Name of the group",
        max_length=200,
        help_text="What people will call it, like Tuesday young people's group",
        error_messages={"required": "Enter a name for the group"},
    )
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.filter(is_active=True),
        empty_label="Choose a site",
        error_messages={"required": "Choose where the group meets"},
    )
    room = RoomChoice(
        label="Room (optional)",
        queryset=Room.objects.none(),
        required=False,
        empty_label="No particular room",
        help_text="A room at the site. A room holds one session at a time.",
    )
    therapists = TherapistChoices(
        label="Therapists",
        queryset=Therapist.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one therapist"},
    )
    weekday = forms.TypedChoiceField(
        label="Day of the week",
        choices=Weekday.choices,
        coerce=int,
        error_messages={"required": "Choose the day the group meets"},
    )
    start_time = time_field("Start time")
    minutes = whole_number("Session length in minutes", low=10, high=240, example="60")
    capacity = whole_number("Places", low=1, high=60, help_text="How many members at most")
    min_age = whole_number("Youngest age (optional)", low=0, high=120, required=False, example="16")
    max_age = whole_number("Oldest age (optional)", low=0, high=120, required=False, example="24")
    starts_on = DateField(
        label="Date of the first session",
        help_text="Today or later, on the group's day, for example 3 3 2026",
    )
    planned_sessions = whole_number(
        "Number of sessions",
        low=1,
        high=100,
        required=False,
        example="12",
        help_text="Leave empty for the programme's block length",
    )

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.filter(
            delivery_mode__in=[Programme.DeliveryMode.GROUP, Programme.DeliveryMode.COMMUNITY]
        )
        if group is not None:
            programmes = programmes | Programme.objects.filter(pk=group.programme_id)
        self.fields["programme"].queryset = programmes.distinct().order_by("name")
        self.fields["room"].queryset = _rooms()
        self.fields["therapists"].queryset = _therapists()


class MemberForm(forms.Form):
    episode = forms.ModelChoiceField(
        label="Who is joining",
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who is joining the group",
            "invalid_choice": "Choose one of the people listed",
        },
    )
    joined_on = DateField(label="Date they join", help_text="For example 3 3 2026")

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["episode"].queryset = candidates
        self.fields["episode"].label_from_instance = lambda e: (
            f"{e.person} (referral {e.referral.reference})"
        )


class LeaveForm(forms.Form):
    left_on = DateField(label="Date they leave", help_text="For example 3 3 2026")
    reason = forms.CharField(
        label="Why are they leaving?",
        max_length=200,
        error_messages={"required": "Say why they are leaving"},
    )


class ClosureForm(forms.Form):
    date = DateField(label="Date", help_text="Today or later, for example 24 12 2026")
    site = forms.ModelChoiceField(
        label="Where",
        queryset=Site.objects.filter(is_active=True),
        required=False,
        empty_label="Every site (the whole service is closed)",
    )
    reason = forms.CharField(
        label="Why is it closed?",
        max_length=200,
        help_text="For example Staff training day",
        error_messages={"required": "Say why the service is closed, like Staff training day"},
    )


class EventForm(forms.Form):
    title = forms.CharField(
        label="Name of the event",
        max_length=200,
        help_text="For example Spring choir performance",
        error_messages={"required": "Enter the event's name, like Spring concert"},
    )
    programme = forms.ModelChoiceField(
        label="Programme (optional)",
        queryset=Programme.objects.order_by("name"),
        required=False,
        empty_label="Not part of a programme",
    )
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.filter(is_active=True),
        empty_label="Choose a site",
        error_messages={"required": "Choose where the event is"},
    )
    room = RoomChoice(
        label="Room (optional)",
        queryset=Room.objects.none(),
        required=False,
        empty_label="No particular room",
    )
    day = DateField(label="Date", help_text="Today or later, for example 21 6 2026")
    start = time_field("Start time")
    end = time_field("End time")
    therapists = TherapistChoices(
        label="Therapists",
        queryset=Therapist.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one therapist"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = _rooms()
        self.fields["therapists"].queryset = _therapists()


class HeadcountForm(forms.Form):
    headcount = whole_number("How many people took part", low=0, high=100000, example="40")


# ---------------------------------------------------------------------------------------
# Sessions


class SlotChoice(forms.ModelChoiceField):
    def label_from_instance(self, slot):
        return f"{slot.therapist}: {slot.get_weekday_display()} {slot.times} at {slot.site}"


class BookForm(forms.Form):
    slot = SlotChoice(
        label="Weekly time",
        queryset=None,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the weekly time",
            "invalid_choice": "Choose one of the times listed",
        },
    )
    first_date = DateField(
        label="Date of the first session",
        help_text="Today or later, on the slot's day, for example 3 3 2026",
    )
    start_time = time_field(
        "Start time (optional)",
        required=False,
        help_text="Leave empty to start when the slot starts. " + TIME_HINT,
    )
    room = RoomChoice(
        label="Room (optional)",
        queryset=Room.objects.none(),
        required=False,
        empty_label="No particular room",
    )

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = slots
        sites = slots.values("site_id")
        self.fields["room"].queryset = _rooms().filter(site__in=sites)


class RebookForm(forms.Form):
    day = DateField(label="New date", help_text="For example 3 3 2026")
    start = time_field("Start time")
    end = time_field("End time")
    site = forms.ModelChoiceField(
        label="Site",
        queryset=Site.objects.filter(is_active=True),
        required=False,
        empty_label="Online (no site)",
    )
    room = RoomChoice(
        label="Room (optional)",
        queryset=Room.objects.none(),
        required=False,
        empty_label="No particular room",
    )
    reason = forms.CharField(
        label="Why is it moving?",
        max_length=300,
        error_messages={"required": "Say why the session is moving"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = _rooms()

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", "The end time must be after the start time")
        if day and start:
            data["starts_at"] = aware(day, start)
            if end:
                data["ends_at"] = aware(day, end)
        return data


class CancelForm(forms.Form):
    by = forms.ChoiceField(
        label="Who cancelled?",
        choices=Session.CancelledBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say who cancelled: the person or the service"},
    )
    late = forms.BooleanField(
        label="The person cancelled late (it counts as a missed session)", required=False
    )
    reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=300,
        error_messages={"required": "Say why the session is cancelled"},
    )

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        if session.kind != Session.Kind.INDIVIDUAL:
            self.fields["by"].choices = [
                (Session.CancelledBy.SERVICE, Session.CancelledBy.SERVICE.label)
            ]
            self.fields["by"].initial = Session.CancelledBy.SERVICE
            del self.fields["late"]
