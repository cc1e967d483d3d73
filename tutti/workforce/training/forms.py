"""Forms for courses: the coordinator's, and the public sign-up."""

from django import forms

from tutti.core.forms import DateField
from tutti.organisations.models import Site
from tutti.workforce.forms import _time_field
from tutti.workforce.models import ParticipantRole

HONEYPOT_FIELD = "website"


def _length(limit, what):
    return {"max_length": f"{what} must be {limit} characters or fewer"}


class CourseForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter the course title", **_length(200, "The title")},
    )
    summary = forms.CharField(
        label="Summary",
        max_length=300,
        help_text="One or two sentences for the public list of courses",
        error_messages={"required": "Enter a summary", **_length(300, "The summary")},
    )
    description = forms.CharField(
        label="Description (optional)", widget=forms.Textarea, required=False, max_length=5000
    )
    is_published = forms.BooleanField(
        label="Show this course on the public courses page", required=False
    )


class CohortForm(forms.Form):
    name = forms.CharField(
        label="Name of this cohort",
        max_length=120,
        help_text="For example, Spring 2027 in Camden",
        error_messages={"required": "Enter a name for the cohort", **_length(120, "The name")},
    )
    is_online = forms.BooleanField(label="This cohort meets online", required=False)
    venue = forms.ModelChoiceField(
        label="Venue",
        queryset=Site.objects.filter(is_active=True),
        required=False,
        help_text="Leave empty if the cohort meets online",
    )
    joining_details = forms.CharField(
        label="Joining details (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        help_text="How to join or find the room. Emailed with each place, never shown publicly",
    )
    capacity = forms.IntegerField(
        label="Places",
        min_value=1,
        max_value=500,
        error_messages={
            "required": "Enter the number of places",
            "invalid": "Enter the number of places as a whole number, like 12",
            "min_value": "Enter 1 place or more",
            "max_value": "Enter 500 places or fewer",
        },
    )
    signup_open = forms.BooleanField(label="Open for sign-up", required=False)

    def clean(self):
        data = super().clean()
        if data.get("is_online") and data.get("venue"):
            self.add_error("venue", "Choose a venue or online, not both")
        elif not data.get("is_online") and not data.get("venue") and "venue" not in self.errors:
            self.add_error("venue", "Choose a venue, or tick that the cohort meets online")
        return data


class SessionForm(forms.Form):
    date = DateField(label="Date", help_text="For example, 15 3 2027")
    starts = _time_field("Start time")
    ends = _time_field("End time")
    topic = forms.CharField(label="Topic (optional)", max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", "The end time must be after the start time")
        return data


class SignUpForm(forms.Form):
    """The public sign-up: name, email, role, organisation (optional)."""

    name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name", **_length(200, "Your name")},
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="We will send your place, or your place on the waiting list, to this address",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
            **_length(254, "The email address"),
        },
    )
    role = forms.ChoiceField(
        label="Which of these best describes you?",
        choices=ParticipantRole.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select which of these best describes you",
            "invalid_choice": "Select which of these best describes you",
        },
    )
    organisation = forms.CharField(
        label="School or organisation (optional)",
        max_length=200,
        required=False,
        help_text="For example, the school you work at",
        error_messages=_length(200, "The organisation"),
    )


class CancelForm(forms.Form):
    """Only a button: the link in the email opens a page, and pressing it cancels."""
