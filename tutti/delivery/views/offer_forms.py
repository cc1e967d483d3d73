"""Forms for offers and episodes. They check what was typed; the rules that need the
database (places, the therapist's registration, the referral's status) are the services'
and come back as field errors through `apply_errors`."""

from django import forms
from django.core.exceptions import ValidationError

from tutti.core.forms import DateField
from tutti.delivery.models import Episode, Group, Offer
from tutti.delivery.models.offers import MAX_GOALS
from tutti.delivery.services.offers import GOAL_MAX_LENGTH, REASON_MAX_LENGTH, group_places
from tutti.workforce.models import Therapist, WeeklyAvailability


def apply_errors(form, error: ValidationError, *, rename=None):
    """Put a service's ValidationError next to the fields it names (or on the whole form)."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            name = rename.get(name, name)
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class OfferForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is offered",
        choices=Offer.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose individual sessions or a place in a group"},
    )
    therapist = forms.ModelChoiceField(
        label="Therapist (for individual sessions)",
        queryset=Therapist.objects.none(),
        required=False,
        empty_label="Choose a therapist",
        error_messages={"invalid_choice": "Choose one of the therapists listed"},
    )
    slot = forms.ModelChoiceField(
        label="Weekly time (for individual sessions)",
        queryset=WeeklyAvailability.objects.none(),
        required=False,
        empty_label="Choose a time",
        help_text="The therapist's free one-to-one times at this programme's sites",
        error_messages={"invalid_choice": "Choose one of the times listed"},
    )
    first_session_on = DateField(
        label="Date of the first session",
        required=False,
        help_text="On the same weekday as the time, for example 4 5 2026",
    )
    group = forms.ModelChoiceField(
        label="Group (for a group place)",
        queryset=Group.objects.none(),
        required=False,
        empty_label="Choose a group",
        error_messages={"invalid_choice": "Choose one of the groups listed"},
    )
    respond_by = DateField(
        label="Date to answer by",
        required=False,
        help_text="Leave empty for 2 weeks from today (or the day before the first session)",
    )
    send_link = forms.BooleanField(
        label="Email a link to answer to the person, or their main contact",
        required=False,
        initial=True,
    )

    def __init__(self, *args, programme, therapists, slots, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapists
        self.fields["therapist"].label_from_instance = str
        self.fields["slot"].queryset = WeeklyAvailability.objects.filter(
            pk__in=[slot.pk for slot in slots]
        ).select_related("site", "therapist__user")
        self.fields["slot"].label_from_instance = lambda slot: (
            f"{slot.therapist}: {slot.get_weekday_display()} {slot.start:%H:%M} at {slot.site}"
        )
        self.fields["group"].queryset = groups
        self.fields["group"].label_from_instance = self._group_label

    @staticmethod
    def _group_label(group):
        places = group_places(group)
        free = "full" if places.free == 0 else f"{places.free} of {places.capacity} places free"
        return f"{group} ({group.get_weekday_display()}s {group.start_time:%H:%M}, {free})"

    def clean(self):
        data = super().clean()
        if data.get("kind") == Offer.Kind.INDIVIDUAL:
            if not data.get("therapist") and "therapist" not in self.errors:
                self.add_error("therapist", "Choose a therapist")
            if not data.get("slot") and "slot" not in self.errors:
                self.add_error("slot", "Choose a weekly time from the therapist's availability")
            if not data.get("first_session_on") and "first_session_on" not in self.errors:
                self.add_error("first_session_on", "Enter the date of the first session")
        elif data.get("kind") == Offer.Kind.GROUP:
            if not data.get("group") and "group" not in self.errors:
                self.add_error("group", "Choose a group")
        return data


def _reason_field(label, *, required, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea,
        help_text=help_text,
        error_messages={
            "required": "Say why",
            "max_length": f"Keep it to {REASON_MAX_LENGTH} characters or fewer",
        },
    )


def _goal_field(number):
    return forms.CharField(
        label=f"Goal {number}" + (" (optional)" if number > 1 else ""),
        required=False,
        max_length=GOAL_MAX_LENGTH,
        error_messages={"max_length": f"Keep each goal to {GOAL_MAX_LENGTH} characters or fewer"},
    )


class GoalsForm(forms.Form):
    """Up to three goals in the person's or family's own words."""

    goal_1 = _goal_field(1)
    goal_2 = _goal_field(2)
    goal_3 = _goal_field(3)

    GOAL_FIELDS = [f"goal_{n}" for n in range(1, MAX_GOALS + 1)]

    def goals(self):
        return [self.cleaned_data.get(name, "") for name in self.GOAL_FIELDS]

    @classmethod
    def initial_for(cls, goals):
        return {name: goal for name, goal in zip(cls.GOAL_FIELDS, goals or [], strict=False)}


class AcceptForm(GoalsForm):
    start_date = DateField(
        label="Start date",
        required=False,
        help_text="Leave empty for the first session date",
    )
    field_order = ["start_date", *GoalsForm.GOAL_FIELDS]


class DeclineForm(forms.Form):
    reason = _reason_field(
        "Why did they say no? (optional)",
        required=False,
        help_text="In their words if you can, like 'The time clashes with school'",
    )


class WithdrawForm(forms.Form):
    reason = _reason_field(
        "Why is the offer withdrawn?", required=True, help_text="The person's record keeps this"
    )


class LinkForm(forms.Form):
    respond_by = DateField(label="Date to answer by", required=True)


class PublicAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label="Do you want this place?",
        choices=[("yes", "Yes, I want this place"), ("no", "No, I do not want this place")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no"},
    )
    reason = forms.CharField(
        label="If you said no, you can tell us why (optional)",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea,
        error_messages={"max_length": f"Keep it to {REASON_MAX_LENGTH} characters or fewer"},
    )


class EndForm(forms.Form):
    ended_on = DateField(label="Date the episode ended", required=True)
    reason = forms.ChoiceField(
        label="Why did it end?",
        choices=Episode.EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the episode ended"},
    )
    outcome = forms.ChoiceField(
        label="Were the goals met?",
        choices=Episode.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how far the goals were met"},
    )
    discharge_summary = forms.CharField(
        label="Discharge summary",
        widget=forms.Textarea,
        max_length=5000,
        help_text="What the work was, what changed, and any advice for what comes next",
        error_messages={
            "required": "Write a discharge summary",
            "max_length": "Keep the summary to 5000 characters or fewer",
        },
    )
